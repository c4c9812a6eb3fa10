"""Benchmark of triage: model load time, texts classified per second on one core (one by one and in batch),
beside the standard baseline (character 1-2-gram TF-IDF + LinearSVC), and held-out accuracy.

    .venv/bin/python bench/triage.py [--seconds 3]

* load: a fresh Python process imports the engine, loads the default model and classifies one text
  (so jieba's domain dictionary is initialised too); the median of five runs.
* speed: ``Triage.classify`` (normalisation, segmentation, scoring, keywords, urgency rules) over the
  project's labelled texts, in this process pinned to one CPU (the intake path, one text at a time);
  ``Model.predict_many`` (category and subcategory of many texts at once, a sparse matrix product);
  and the baseline's ``predict`` on the same texts in one batch.
* accuracy: trained on the training part, measured on the held-out part of the project's labelled set,
  split by template instance (the test in linli/triage/tests/test_model.py) and, stricter, by whole
  phrase template (phrasings the model never saw).

Prints the figures and writes bench/results/triage.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LOAD_SNIPPET = (
    "import time; t, c = time.perf_counter(), time.process_time(); from linli.triage.engine import load; "
    "load().classify('电梯坏了'); print(time.perf_counter() - t, time.process_time() - c)"
)


def cold_load_seconds(runs: int = 5) -> tuple[float, float]:
    """Median (wall, CPU) seconds of a fresh process importing, loading and classifying one text."""
    walls, cpus = [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", LOAD_SNIPPET], cwd=ROOT, capture_output=True, text=True,
                             check=True)
        wall, cpu = map(float, out.stdout.strip().splitlines()[-1].split())
        walls.append(wall)
        cpus.append(cpu)
    return statistics.median(walls), statistics.median(cpus)


def throughput(texts: list[str], seconds: float) -> tuple[float, float, int]:
    """(texts per wall second, texts per CPU second, texts done). On a busy machine the CPU figure is
    the one that says what one core does; on an idle one both agree."""
    from linli.triage.engine import load

    triage = load()
    triage.classify(texts[0])
    done, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        for text in texts:
            triage.classify(text)
        done += len(texts)
    return done / (time.perf_counter() - start), done / (time.process_time() - cpu), done


def batch_throughput(texts: list[str], seconds: float) -> tuple[float, float]:
    """(texts per wall second, per CPU second) of ``Model.predict_many`` in batches of 1,000."""
    from linli.triage.engine import load

    model = load().model
    done, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        for i in range(0, len(texts), 1000):
            model.predict_many(texts[i:i + 1000])
        done += len(texts)
    return done / (time.perf_counter() - start), done / (time.process_time() - cpu)


def baseline_throughput(texts: list[str], labels: list[str], seconds: float) -> float:
    """Texts per CPU second of the baseline (trained on the same texts) predicting in batches of 1,000."""
    from linli.triage.engine.evaluate import baseline_fit

    clf = baseline_fit(texts, labels)
    done, cpu, start = 0, time.process_time(), time.perf_counter()
    while time.perf_counter() - start < seconds:
        for i in range(0, len(texts), 1000):
            clf.predict(texts[i:i + 1000])
        done += len(texts)
    return done / (time.process_time() - cpu)


def accuracy(by: str) -> dict:
    from linli.triage.engine import evaluate
    from linli.triage.engine.labelled import corpus_rows, split
    from linli.triage.engine.model import train

    rows = corpus_rows()
    train_rows, test_rows = split(rows, by=by)
    model = train([r["text"] for r in train_rows], [r["label"] for r in train_rows], calibrate=False)
    predicted = [g[0] for g in model.predict_many([r["text"] for r in test_rows])]
    result = evaluate.metrics([r["label"] for r in test_rows], predicted)
    category = sum(p.split(".")[0] == r["category"] for p, r in zip(predicted, test_rows, strict=True))
    return {"train": len(train_rows), "test": len(test_rows), "accuracy": round(result["accuracy"], 4),
            "macro_f1": round(result["macro_f1"], 4), "category_accuracy": round(category / len(test_rows), 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    from linli.triage.engine import DEFAULT_MODEL, shipped_texts

    texts, labels = shipped_texts()
    load_s, load_cpu = cold_load_seconds()
    rate, rate_cpu, done = throughput(texts, args.seconds)
    batch, batch_cpu = batch_throughput(texts, args.seconds)
    base_cpu = baseline_throughput(texts, [y.split(".")[0] for y in labels], args.seconds)
    holdout = accuracy("instance")
    strict = accuracy("template")
    results = {
        "model_bytes": DEFAULT_MODEL.stat().st_size,
        "cold_load_seconds": round(load_s, 3),
        "cold_load_cpu_seconds": round(load_cpu, 3),
        "texts_per_second_one_core": round(rate),
        "texts_per_cpu_second": round(rate_cpu),
        "texts_classified": done,
        "one_text_ms_cpu": round(1000 / rate_cpu, 3),
        "batch_texts_per_second": round(batch),
        "batch_texts_per_cpu_second": round(batch_cpu),
        "baseline_batch_texts_per_cpu_second": round(base_cpu),
        "mean_text_chars": round(sum(map(len, texts)) / len(texts), 1),
        "holdout_by_instance": holdout,
        "holdout_by_template": strict,
        "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "python": sys.version.split()[0],
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    print(f"默认模型 default model: {results['model_bytes'] / 1024:.0f} KiB")
    print(f"冷启动加载 cold load (import + model + jieba + 1 text): {load_s:.3f} s wall, {load_cpu:.3f} s CPU")
    print(f"分拣速度 classify, one core: {rate:,.0f} texts/s wall, {rate_cpu:,.0f} texts per CPU second "
          f"({done:,} texts, mean {results['mean_text_chars']} chars)")
    print(f"一条 one text (intake path): {1000 / rate_cpu:.3f} ms CPU")
    print(f"批量 batch (predict_many): {batch:,.0f} texts/s wall, {batch_cpu:,.0f} per CPU second; "
          f"baseline (char 1-2-gram TF-IDF + LinearSVC, batch): {base_cpu:,.0f} per CPU second")
    print(f"留出准确率 held-out accuracy, split by template instance: {holdout['accuracy']:.4f} "
          f"(macro-F1 {holdout['macro_f1']:.4f}, category {holdout['category_accuracy']:.4f}, n={holdout['test']})")
    print(f"load average during the run: {results['load_average']}")
    print(f"stricter, split by whole template: {strict['accuracy']:.4f} "
          f"(macro-F1 {strict['macro_f1']:.4f}, category {strict['category_accuracy']:.4f}, n={strict['test']})")
    out = ROOT / "bench" / "results" / "triage.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"→ {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
