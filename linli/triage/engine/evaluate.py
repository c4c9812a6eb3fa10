"""Accuracy, macro-F1, per-label precision and recall, confusion matrix; k-fold cross-validation."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence


def metrics(truth: Sequence[str], predicted: Sequence[str]) -> dict:
    labels = sorted(set(truth) | set(predicted))
    pairs = Counter(zip(truth, predicted, strict=True))
    per_label = {}
    for label in labels:
        tp = pairs[(label, label)]
        fp = sum(n for (t, p), n in pairs.items() if p == label and t != label)
        fn = sum(n for (t, p), n in pairs.items() if t == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label[label] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
    present = [lb for lb in labels if per_label[lb]["support"]]
    return {
        "n": len(truth),
        "accuracy": sum(n for (t, p), n in pairs.items() if t == p) / len(truth) if truth else 0.0,
        "macro_f1": sum(per_label[lb]["f1"] for lb in present) / len(present) if present else 0.0,
        "labels": per_label,
        "confusion": {t: {p: pairs[(t, p)] for p in labels if pairs[(t, p)]} for t in labels},
    }


def cross_validate(texts: Sequence[str], labels: Sequence[str], folds: int, *, seed: int = 1, train=None) -> dict:
    """Metrics over all texts, each predicted by a model trained on the other folds (stratified by label)."""
    if train is None:
        from linli.triage.engine.model import train
    if folds < 2:
        raise ValueError("--folds 至少为 2")
    by_label: dict[str, list[int]] = {}
    for i, y in enumerate(labels):
        by_label.setdefault(y, []).append(i)
    fold_of = [0] * len(texts)
    rng = random.Random(seed)
    for idx in by_label.values():
        rng.shuffle(idx)
        for k, i in enumerate(idx):
            fold_of[i] = k % folds
    predicted = [""] * len(texts)
    for k in range(folds):
        train_idx = [i for i in range(len(texts)) if fold_of[i] != k]
        model = train([texts[i] for i in train_idx], [labels[i] for i in train_idx], calibrate=False)
        for i in range(len(texts)):
            if fold_of[i] == k:
                predicted[i] = model.predict(texts[i], explain=0)["label"]
    return metrics(list(labels), predicted)


def report(result: dict) -> list[str]:
    """Plain-text lines: the figures, per-label precision/recall, and the confusion matrix."""
    lines = [f"样本 n = {result['n']}", f"准确率 accuracy = {result['accuracy']:.4f}",
             f"宏平均F1 macro-F1 = {result['macro_f1']:.4f}", "", "label\tprecision\trecall\tf1\tsupport"]
    for label, m in result["labels"].items():
        lines.append(f"{label}\t{m['precision']:.3f}\t{m['recall']:.3f}\t{m['f1']:.3f}\t{m['support']}")
    labels = list(result["labels"])
    lines += ["", "混淆矩阵 confusion matrix (行=真实 rows=true, 列=预测 columns=predicted)",
              "\t" + "\t".join(str(i) for i in range(len(labels)))]
    for i, t in enumerate(labels):
        row = result["confusion"].get(t, {})
        lines.append(f"{i} {t}\t" + "\t".join(str(row.get(p, 0)) for p in labels))
    return lines
