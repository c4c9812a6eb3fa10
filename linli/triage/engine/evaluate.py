"""Accuracy, macro-F1, per-label precision and recall, confusion matrix, calibration; cross-validation by group
with the standard baseline side by side (character 1-2-gram TF-IDF + LinearSVC, default parameters)."""

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
        model = train([texts[i] for i in train_idx], [labels[i] for i in train_idx])
        test_idx = [i for i in range(len(texts)) if fold_of[i] == k]
        for i, guess in zip(test_idx, model.predict_many([texts[i] for i in test_idx]), strict=True):
            predicted[i] = guess[0]
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


CONFIDENT = 0.8  # calibration: the share right among the predictions above this confidence


def calibration(truth: Sequence[str], predicted: Sequence[str], confidence: Sequence[float]) -> dict:
    """Among predictions with confidence > 0.8: how many there are (share of all) and the share right."""
    sure = [t == p for t, p, c in zip(truth, predicted, confidence, strict=True) if c > CONFIDENT]
    return {"threshold": CONFIDENT, "share_above": len(sure) / len(truth) if truth else 0.0,
            "right_above": sum(sure) / len(sure) if sure else None}


def baseline_fit(texts: Sequence[str], labels: Sequence[str]):
    """The standard baseline: TfidfVectorizer(analyzer="char", ngram_range=(1, 2)) + LinearSVC(), defaults."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    return make_pipeline(TfidfVectorizer(analyzer="char", ngram_range=(1, 2)), LinearSVC()).fit(list(texts), list(labels))


def folds_of(labels: Sequence[str], groups: Sequence[str] | None, folds: int, seed: int = 1) -> list[int]:
    """The fold of each row: whole groups together (GroupKFold) when groups are given, else stratified by label."""
    if folds < 2:
        raise ValueError("--folds 至少为 2")
    if groups is not None:
        from sklearn.model_selection import GroupKFold

        if len(set(groups)) < folds:
            raise ValueError(f"分组只有 {len(set(groups))} 个，少于 --folds {folds}")
        fold_of = [0] * len(labels)
        for k, (_, test) in enumerate(GroupKFold(n_splits=folds).split(labels, labels, list(groups))):
            for i in test:
                fold_of[i] = k
        return fold_of
    by_label: dict[str, list[int]] = {}
    for i, y in enumerate(labels):
        by_label.setdefault(y, []).append(i)
    fold_of = [0] * len(labels)
    rng = random.Random(seed)
    for idx in by_label.values():
        rng.shuffle(idx)
        for k, i in enumerate(idx):
            fold_of[i] = k % folds
    return fold_of


def urgency(truth: Sequence[bool | None], predicted: Sequence[bool | None]) -> dict | None:
    """Precision and recall of urgency over the rows with a known truth and a prediction."""
    pairs = [(t, p) for t, p in zip(truth, predicted, strict=True) if t is not None and p is not None]
    if not pairs or not any(t for t, _ in pairs):
        return None
    tp = sum(t and p for t, p in pairs)
    fp = sum(p and not t for t, p in pairs)
    fn = sum(t and not p for t, p in pairs)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {"n": len(pairs), "urgent": tp + fn, "precision": precision, "recall": recall,
            "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0}


def compare(texts: Sequence[str], truth: Sequence[str], *, train_labels: Sequence[str] | None = None,
            groups: Sequence[str] | None = None, folds: int = 5, seed: int = 1, baseline: bool = True,
            urgent: Sequence[bool | None] | None = None) -> dict:
    """Cross-validation of the Linli model and the baseline on the same folds.

    ``truth``: the labels scored (e.g. the category). ``train_labels``: what the Linli model learns (e.g.
    the subcategory "facility.lift"; its answer is compared at the level of ``truth``: the category part
    when ``truth`` has no dot). The baseline learns ``truth`` itself."""
    from linli.triage.engine.model import train

    train_labels = list(train_labels) if train_labels is not None else list(truth)
    fold_of = folds_of(truth, groups, folds, seed)
    linli = [""] * len(texts)
    conf = [0.0] * len(texts)
    base = [""] * len(texts)
    urgent_pred: list[bool | None] = [None] * len(texts)
    has_urgent = urgent is not None and any(u is not None for u in urgent)
    same_level = all(t == y for t, y in zip(truth, train_labels, strict=True))
    for k in sorted(set(fold_of)):
        tr = [i for i, f in enumerate(fold_of) if f != k]
        te = [i for i, f in enumerate(fold_of) if f == k]
        model = train([texts[i] for i in tr], [train_labels[i] for i in tr], seed=seed,
                      urgent=[urgent[i] for i in tr] if has_urgent else None)
        if has_urgent:
            for i, u in zip(te, model.urgent_many([texts[i] for i in te]), strict=True):
                urgent_pred[i] = u
        for i, (label, category, confidence) in zip(te, model.predict_many([texts[i] for i in te]), strict=True):
            linli[i] = label if same_level else (category if model.categories else label.split(".")[0])
            conf[i] = confidence
        if baseline:
            clf = baseline_fit([texts[i] for i in tr], [truth[i] for i in tr])
            for i, p in zip(te, clf.predict([texts[i] for i in te]), strict=True):
                base[i] = str(p)
    result = {"folds": len(set(fold_of)), "grouped": groups is not None,
              "linli": {**metrics(list(truth), linli), "calibration": calibration(truth, linli, conf)}}
    if baseline:
        result["baseline"] = metrics(list(truth), base)
    if has_urgent:
        from linli.triage.engine.normalize import clean
        from linli.triage.engine.urgency import assess

        result["urgency"] = {"model": urgency(urgent, urgent_pred),
                             "rules": urgency(urgent, [assess(clean(t)).urgent for t in texts])}
    return result


def side_by_side(result: dict) -> list[str]:
    """Plain-text lines: Linli and the baseline in columns, per label, then both confusion matrices."""
    a, b = result["linli"], result.get("baseline")
    lines = [f"样本 n = {a['n']}", "", f"{'':24}{'Linli':>10}{'baseline':>10}"]
    lines.append(f"{'准确率 accuracy':24}{a['accuracy']:>10.4f}{b['accuracy'] if b else float('nan'):>10.4f}")
    lines.append(f"{'宏平均F1 macro-F1':24}{a['macro_f1']:>10.4f}{b['macro_f1'] if b else float('nan'):>10.4f}")
    cal = a.get("calibration")
    if cal:
        right = f"{cal['right_above']:.4f}" if cal["right_above"] is not None else "-"
        lines.append(f"置信度 > {cal['threshold']} 的预测：占 {cal['share_above']:.1%}，其中正确 {right}"
                     " (calibration: share right above 0.8; baseline: no probabilities)")
    for who, u in (result.get("urgency") or {}).items():
        if u:
            lines.append(f"紧急 urgent ({'模型 urgency head' if who == 'model' else '规则 rules'}): "
                         f"precision {u['precision']:.3f}, recall {u['recall']:.3f}, F1 {u['f1']:.3f} "
                         f"({u['urgent']} urgent of {u['n']})")
    lines += ["", "label\tP Linli\tP base\tR Linli\tR base\tsupport"]
    for label, m in a["labels"].items():
        mb = (b or {}).get("labels", {}).get(label, {"precision": 0.0, "recall": 0.0})
        lines.append(f"{label}\t{m['precision']:.3f}\t{mb['precision']:.3f}\t{m['recall']:.3f}\t"
                     f"{mb['recall']:.3f}\t{m['support']}")
    for title, r in (("Linli", a), ("baseline", b)):
        if r is None:
            continue
        labels = list(r["labels"])
        lines += ["", f"混淆矩阵 confusion matrix, {title} (行=真实 rows=true, 列=预测 columns=predicted)",
                  "\t" + "\t".join(str(i) for i in range(len(labels)))]
        for i, t in enumerate(labels):
            row = r["confusion"].get(t, {})
            lines.append(f"{i} {t}\t" + "\t".join(str(row.get(p, 0)) for p in labels))
    return lines
