"""The triage classifier: TF-IDF over characters and words, a multinomial logistic regression (no Django here).

Features (``tokens``): the text as the model reads it (``normalize.canonical``: Simplified, half-width,
lower case, numbers of buildings and rooms as "#"), its character 1-, 2- and 3-grams, and its words
("w:" + word) segmented by jieba on Linli's domain dictionary (楼道灯, 物业费, 维修资金 …; two characters or
more, Latin letter runs such as pinyin abbreviations included). Residents often name two problems in one
message and the first is the matter of the order, so the features after a "second problem" marker (另外,
还有, 顺便 …) count ``TAIL_WEIGHT`` only. Term frequency is sublinear (1 + ln n), times the smoothed idf,
and each text's vector has unit length, as scikit-learn's ``TfidfVectorizer(sublinear_tf=True)`` does.

Learner: scikit-learn's ``LinearSVC`` (default ``LEARNER``; ``LogisticRegression`` with ``learner="lr"``),
trained only by ``train`` — scoring needs numpy alone (scipy for batches). With labels that are taxonomy
codes ("facility.lift") two heads share the features: one over the categories (facility, …) and one over the
subcategories; the answer is the most probable category, then its most probable subcategory. Its
confidence is the category's probability: softmax of the linear scores divided by a temperature fitted
by 3-fold cross-validation on the training texts (least log loss), so that 0.9 means "right nine times in
ten" on texts the model did not see. The temperature is folded into the stored weights.

The model file is **data, never code**: one zip of ``.npy`` arrays read with ``numpy.load(allow_pickle=False)``
(no pickle, no object arrays: see ``load``), and written byte for byte the same for the same data.
"""

from __future__ import annotations

import hashlib
import heapq
import io
import json
import math
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from linli.triage.engine.normalize import DOMAIN_DICT, NORMALIZER, canonical, domain_words, tokenizer

FORMAT = "linli-triage-tfidf-linear/1"
SECOND_PROBLEM = re.compile(r"另外|还有|顺便|对了|再一个|而且|此外|另一个|同时")
TAIL_WEIGHT = 0.3
NGRAMS = (1, 3)
MIN_DF = 2
LEARNER = "svc"
# The urgency head (a LinearSVC with balanced classes on the same features, trained when the labelled set has
# an ``urgent`` column): urgent above this score. Chosen on grouped cross-validation of the new training texts
# for recall (a missed gas leak costs more than a false alarm): precision 0.83, recall 0.92 (rules: 0.62, 0.41).
URGENT_THRESHOLD = -0.25
C = {"svc": 1.0, "lr": 50.0}
MAX_FILE_BYTES = 200 * 1024 * 1024
MEMBERS = {"meta.npy", "vocab.npy", "idf.npy", "coef.npy", "intercept.npy"}


def _dict_hash() -> str:
    return hashlib.sha256(DOMAIN_DICT.read_bytes()).hexdigest()[:16]


def _grams(text: str, weight: float, out: dict[str, float]) -> None:
    lo, hi = NGRAMS
    n = len(text)
    get = out.get
    for size in range(lo, hi + 1):
        for i in range(n - size + 1):
            g = text[i:i + size]
            if g.isspace():
                continue
            out[g] = get(g, 0.0) + weight
    for w in tokenizer().cut(text, HMM=False):
        if len(w) > 1 and not w.isspace() and (w.isalnum() or not w.isascii()):
            key = "w:" + w
            out[key] = get(key, 0.0) + weight


def tokens(text: str, *, is_canonical: bool = False) -> dict[str, float]:
    """{feature: weighted count} of one text; features after a second-problem marker count TAIL_WEIGHT."""
    value = text if is_canonical else canonical(text)
    out: dict[str, float] = {}
    m = SECOND_PROBLEM.search(value)
    if m and m.start() > 4:
        _grams(value[: m.start()], 1.0, out)
        _grams(value[m.start():], TAIL_WEIGHT, out)
    else:
        _grams(value, 1.0, out)
    return out


def _tf(v: float) -> float:
    """Sublinear term frequency; a weighted count below one stays proportional."""
    return 1.0 + math.log(v) if v > 1.0 else v


class Model:
    """A trained classifier: vocabulary, idf, one weight column per class, intercepts, and its classes."""

    def __init__(self, *, vocab: Sequence[str], idf: np.ndarray, coef: np.ndarray, intercept: np.ndarray,
                 meta: dict):
        self.vocab = list(vocab)
        self.index = {f: i for i, f in enumerate(self.vocab)}
        self.idf = np.asarray(idf, dtype=np.float32)
        self.coef = np.asarray(coef, dtype=np.float32)
        self.intercept = np.asarray(intercept, dtype=np.float32)
        self.meta = dict(meta)
        self.categories: list[str] = list(self.meta.get("categories") or [])
        self.labels: list[str] = list(self.meta["labels"])
        nc = len(self.categories)
        self._cat = slice(0, nc) if nc else None
        self._sub = slice(nc, nc + len(self.labels))
        # the urgency head: one more column (a linear SVM's score: urgent above ``urgent_threshold``)
        self._urgent = nc + len(self.labels) if self.meta.get("urgent_head") else None
        self.urgent_threshold = float(self.meta.get("urgent_threshold", 0.0))
        # the subcategories of each category (a column list per category index)
        self._members = [[j for j, lb in enumerate(self.labels) if lb.split(".")[0] == c] for c in self.categories]

    # -- scoring --------------------------------------------------------------------------------------
    def vector(self, text: str, *, is_canonical: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(feature indices, tf-idf values of unit length) of one text; unknown features dropped."""
        idx, vals = [], []
        get = self.index.get
        for f, v in tokens(text, is_canonical=is_canonical).items():
            j = get(f)
            if j is not None:
                idx.append(j)
                vals.append(_tf(v))
        ix = np.fromiter(idx, dtype=np.int64, count=len(idx))
        x = np.fromiter(vals, dtype=np.float32, count=len(vals)) * self.idf[ix]
        norm = float(np.sqrt(x @ x)) if len(x) else 0.0
        if norm:
            x /= norm
        return ix, x

    def matrix(self, texts: Sequence[str]):
        """The tf-idf rows of many texts as a scipy CSR matrix (batch scoring)."""
        from scipy.sparse import csr_matrix

        indptr, indices, data = [0], [], []
        get = self.index.get
        for text in texts:
            row = [(get(f), _tf(v)) for f, v in tokens(text).items()]
            row = [(j, v) for j, v in row if j is not None]
            indices.extend(j for j, _ in row)
            data.extend(v for _, v in row)
            indptr.append(len(indices))
        ix = np.asarray(indices, dtype=np.int64)
        x = np.asarray(data, dtype=np.float32) * self.idf[ix] if len(ix) else np.zeros(0, dtype=np.float32)
        m = csr_matrix((x, ix, np.asarray(indptr)), shape=(len(texts), len(self.vocab)))
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        m = m.multiply(1.0 / norms[:, None]).tocsr()
        return m

    @staticmethod
    def _softmax(z: np.ndarray) -> np.ndarray:
        z = z - z.max(axis=-1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=-1, keepdims=True)

    def _decide(self, scores: np.ndarray) -> tuple[int, float, list[tuple[int, float]], int | None, float]:
        """(subcategory column, confidence, alternatives [(column, p)], category index, category p)."""
        sub = self._softmax(scores[self._sub])
        if self._cat is None:
            order = np.argsort(-sub, kind="stable")[:3]
            return int(order[0]), float(sub[order[0]]), [(int(j), float(sub[j])) for j in order[1:]], None, 0.0
        cat = self._softmax(scores[self._cat])
        c = int(np.argmax(cat))
        members = self._members[c] or list(range(len(self.labels)))
        best = max(members, key=lambda j: (sub[j], -j))
        # the next labels: by the joint P(category) × P(sub | category)
        joint = {}
        for ci, cols in enumerate(self._members):
            total = float(sub[cols].sum()) or 1.0
            for j in cols:
                joint[j] = float(cat[ci]) * float(sub[j]) / total
        others = heapq.nlargest(2, (j for j in joint if j != best), key=lambda j: (joint[j], -j))
        return best, float(cat[c]), [(j, joint[j]) for j in others], c, float(cat[c])

    def predict(self, text: str, *, explain: int = 5, is_clean: bool = False) -> dict:
        """{"label", "category", "confidence", "keywords", "alternatives"} for one text."""
        ix, x = self.vector(canonical(text), is_canonical=True)  # canonical(clean(t)) == canonical(t)
        if not len(ix):  # nothing recognisable: no opinion
            label = self.labels[0]
            return {"label": label, "category": label.split(".")[0] if self.categories else label,
                    "confidence": 1.0 / max(len(self.categories) or len(self.labels), 1), "keywords": [],
                    "urgent": None, "alternatives": []}
        rows = self.coef[ix]
        scores = x @ rows + self.intercept
        best, confidence, alternatives, c, _ = self._decide(scores)
        label = self.labels[best]
        keywords = self._keywords(ix, x, rows, best, alternatives, explain) if explain else []
        urgent = None
        if self._urgent is not None:
            urgent = bool(float(scores[self._urgent]) > self.urgent_threshold)
        return {"label": label, "category": self.categories[c] if c is not None else label,
                "confidence": confidence, "keywords": keywords, "urgent": urgent,
                "alternatives": [(self.labels[j], p) for j, p in alternatives]}

    def urgent_many(self, texts: Sequence[str]) -> list[bool | None]:
        """The urgency head's answer for many texts (None when the model has no urgency head)."""
        if self._urgent is None:
            return [None] * len(texts)
        scores = np.asarray(self.matrix(texts) @ self.coef[:, self._urgent]).ravel() + self.intercept[self._urgent]
        return [bool(v > self.urgent_threshold) for v in scores]

    def predict_many(self, texts: Sequence[str]) -> list[tuple[str, str, float]]:
        """[(label, category, confidence)] of many texts at once (sparse matrix product)."""
        if not texts:
            return []
        m = self.matrix(texts)
        scores = np.asarray(m @ self.coef) + self.intercept
        empty = np.diff(m.indptr) == 0
        out = []
        for i in range(len(texts)):
            if empty[i]:
                label = self.labels[0]
                out.append((label, label.split(".")[0] if self.categories else label,
                            1.0 / max(len(self.categories) or len(self.labels), 1)))
                continue
            best, confidence, _, c, _ = self._decide(scores[i])
            label = self.labels[best]
            out.append((label, self.categories[c] if c is not None else label, confidence))
        return out

    def _keywords(self, ix, x, rows, best, alternatives, n) -> list[str]:
        """The words (then character n-grams) that pushed the text towards the winner rather than the
        runner-up, strongest first."""
        col = self._sub.start + best
        runner = self._sub.start + alternatives[0][0] if alternatives else None
        gain = x * (rows[:, col] - (rows[:, runner] if runner is not None else 0.0))
        order = np.argsort(-gain, kind="stable")
        domain = domain_words()
        picked: list[str] = []
        for k in order:
            if gain[k] <= 0:
                break
            f = self.vocab[ix[k]]
            word = f[2:] if f.startswith("w:") else f
            if len(word) < 2 or "#" in word or not any("\u4e00" <= ch <= "\u9fff" or ch.isalpha() for ch in word):
                continue
            picked.append(word)
        words = [w for w in picked if w in domain]
        grams = [w for w in picked if w not in domain]
        out: list[str] = []
        for w in words + grams:
            if w not in words and len(out) >= 3:
                break  # n-grams only to make up a short list
            if any(w in kept for kept in out):
                continue
            out = [k for k in out if k not in w] + [w]
            if len(out) >= n:
                break
        return out

    # -- storage --------------------------------------------------------------------------------------
    def save(self, path) -> Path:
        """Write the model as a zip of .npy arrays (fixed member order and dates: same model, same bytes)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = json.dumps(self.meta, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        arrays = {
            "meta.npy": np.frombuffer(meta, dtype=np.uint8),
            "vocab.npy": np.array(self.vocab, dtype=np.str_),
            "idf.npy": self.idf.astype("<f4"),
            "coef.npy": self.coef.astype("<f2"),  # half precision: half the file, the same answers
            "intercept.npy": self.intercept.astype("<f4"),
        }
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name in sorted(arrays):
                member = io.BytesIO()
                np.lib.format.write_array(member, arrays[name], allow_pickle=False)
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, member.getvalue(), compresslevel=9)
        path.write_bytes(buf.getvalue())
        return path

    @classmethod
    def load(cls, path) -> Model:
        """Read a model file as data: a zip holding exactly the five expected ``.npy`` members, each read
        with ``allow_pickle=False`` (an object array, a pickle or anything else is refused, never run),
        with the dtypes and shapes checked and the JSON meta made of plain values only."""
        path = Path(path)
        refuse = ValueError(f"{path}: 不是 Linli 分拣模型 (not a Linli triage model)")
        raw = path.read_bytes()
        if len(raw) > MAX_FILE_BYTES or raw[:4] != b"PK\x03\x04":
            raise refuse
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as zf:
                if set(zf.namelist()) != MEMBERS or len(zf.namelist()) != len(MEMBERS):
                    raise refuse
                arrays = {}
                for name in MEMBERS:
                    with zf.open(name) as fh:
                        arrays[name] = np.lib.format.read_array(io.BytesIO(fh.read()), allow_pickle=False)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise refuse from exc
        except ValueError as exc:  # numpy refuses object arrays without allow_pickle
            raise refuse from exc
        meta_raw, vocab, idf = arrays["meta.npy"], arrays["vocab.npy"], arrays["idf.npy"]
        coef, intercept = arrays["coef.npy"], arrays["intercept.npy"]
        if (meta_raw.dtype != np.uint8 or meta_raw.ndim != 1 or vocab.dtype.kind != "U" or vocab.ndim != 1
                or idf.dtype != np.float32 or coef.dtype != np.float16 or intercept.dtype != np.float32
                or idf.shape != vocab.shape or coef.ndim != 2 or coef.shape[0] != len(vocab)
                or intercept.shape != (coef.shape[1],)):
            raise refuse
        try:
            meta = json.loads(meta_raw.tobytes().decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise refuse from exc
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise refuse
        labels, categories = meta.get("labels"), meta.get("categories", [])
        if (not isinstance(labels, list) or not isinstance(categories, list)
                or not all(isinstance(v, str) for v in labels + categories)
                or not isinstance(meta.get("urgent_head", False), bool)
                or not isinstance(meta.get("urgent_threshold", 0.0), int | float)
                or len(labels) + len(categories) + bool(meta.get("urgent_head")) != coef.shape[1] or len(labels) < 2):
            raise refuse
        if meta.get("normalizer") != NORMALIZER:
            raise ValueError(f"{path}: 模型的文本规范化版本 {meta.get('normalizer')!r} 与当前 {NORMALIZER} 不同，请重新训练")
        if not (np.isfinite(coef).all() and np.isfinite(idf).all() and np.isfinite(intercept).all()):
            raise refuse
        return cls(vocab=vocab.tolist(), idf=idf, coef=coef, intercept=intercept, meta=meta)


# -- training (scikit-learn) -------------------------------------------------------------------------------
def _features(texts: Sequence[str], *, min_df: int):
    """Vocabulary (sorted), idf and the tf-idf CSR matrix of training texts, as ``Model.vector`` computes them."""
    from scipy.sparse import csr_matrix

    bags = [tokens(t) for t in texts]
    df: dict[str, int] = {}
    for bag in bags:
        for f in bag:
            df[f] = df.get(f, 0) + 1
    vocab = sorted(f for f, n in df.items() if n >= min_df)
    index = {f: i for i, f in enumerate(vocab)}
    n = len(texts)
    idf = np.array([math.log((1 + n) / (1 + df[f])) + 1.0 for f in vocab], dtype=np.float32)
    indptr, indices, data = [0], [], []
    for bag in bags:
        row = sorted((index[f], _tf(v)) for f, v in bag.items() if f in index)
        indices.extend(j for j, _ in row)
        data.extend(v for _, v in row)
        indptr.append(len(indices))
    ix = np.asarray(indices, dtype=np.int64)
    x = np.asarray(data, dtype=np.float64) * idf[ix]
    m = csr_matrix((x, ix, np.asarray(indptr)), shape=(n, len(vocab)))
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return vocab, idf, m.multiply(1.0 / norms[:, None]).tocsr()


def _learner(kind: str, c: float, seed: int):
    if kind == "svc":
        from sklearn.svm import LinearSVC

        return LinearSVC(C=c, random_state=seed)
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=1000, tol=1e-4, random_state=seed)


def _columns(est, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    coef, intercept = est.coef_, est.intercept_
    if n_classes == 2:  # scikit-learn keeps one column for two classes: make it a softmax pair
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    return coef.T, intercept


def _fit(x, y: Sequence[str], kind: str, c: float, seed: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    classes = sorted(set(y))
    est = _learner(kind, c, seed).fit(x, list(y))
    assert list(est.classes_) == classes
    coef, intercept = _columns(est, len(classes))
    return classes, coef, intercept


TEMPERATURES = tuple(round(0.05 * 1.25 ** k, 4) for k in range(24))  # 0.05 … 8.5


def _temperature(x, y: Sequence[str], kind: str, c: float, seed: int) -> float:
    """The temperature T of softmax(scores / T) with the least log loss on scores of texts the model did
    not see (3-fold cross-validation on the training texts): the calibration of a linear SVM's scores
    into probabilities (temperature scaling; one number, stored in the model file)."""
    from sklearn.model_selection import StratifiedKFold

    y = np.asarray(list(y))
    classes = sorted(set(y.tolist()))
    counts = min(int((y == k).sum()) for k in classes)
    if len(y) < 50 or counts < 3:
        return 1.0
    pos = {k: i for i, k in enumerate(classes)}
    truth = np.array([pos[k] for k in y])
    scores = np.zeros((len(y), len(classes)))
    for tr, te in StratifiedKFold(3, shuffle=True, random_state=seed).split(np.zeros(len(y)), y):
        est = _learner(kind, c, seed).fit(x[tr], y[tr])
        coef, intercept = _columns(est, len(est.classes_))
        cols = [pos[k] for k in est.classes_]
        part = np.full((len(te), len(classes)), -1e9)
        part[:, cols] = np.asarray(x[te] @ coef) + intercept
        scores[te] = part
    best, best_loss = 1.0, float("inf")
    for t in TEMPERATURES:
        z = scores / t
        z = z - z.max(axis=1, keepdims=True)
        loss = float(-(z[np.arange(len(y)), truth] - np.log(np.exp(z).sum(axis=1))).mean())
        if loss < best_loss:
            best, best_loss = t, loss
    return best


def hierarchical(labels: Sequence[str]) -> bool:
    """Labels of the form category.subcategory (every one with a dot, more than one category)."""
    return all("." in y for y in labels) and len({y.split(".")[0] for y in labels}) > 1


def train(texts: Sequence[str], labels: Sequence[str], *, seed: int = 1, c: float | None = None,
          min_df: int = MIN_DF, learner: str = LEARNER, meta: dict | None = None, calibrate: bool = True,
          urgent: Sequence[bool | None] | None = None) -> Model:
    """Train on any labelled texts with any label set (at least two labels). ``learner``: "svc" (LinearSVC,
    its scores calibrated by a temperature) or "lr" (LogisticRegression, probabilities as fitted).
    ``calibrate=False`` skips the temperature fit (three more fits; tests of labels only use it)."""
    c = C[learner] if c is None else c
    if len(texts) != len(labels):
        raise ValueError("texts and labels differ in length")
    labels = [str(y).strip() for y in labels]
    if len(set(labels)) < 2:
        raise ValueError("至少需要两个不同的标签 (at least two different labels are needed)")
    vocab, idf, x = _features(texts, min_df=min_df if len(texts) >= 50 else 1)
    heads = []
    categories: list[str] = []
    top = [y.split(".")[0] for y in labels] if hierarchical(labels) else labels
    if top is not labels:
        categories, coef_c, b_c = _fit(x, top, learner, c, seed)
        heads.append((coef_c, b_c))
    names, coef_s, b_s = _fit(x, labels, learner, c, seed)
    temperature = _temperature(x, top, learner, c, seed) if calibrate and learner == "svc" else 1.0
    heads = [(coef / temperature, b / temperature) for coef, b in heads]
    heads.append((coef_s / temperature, b_s / temperature))
    urgent_head = False
    if urgent is not None:
        known = [i for i, u in enumerate(urgent) if u is not None]
        flags = [bool(urgent[i]) for i in known]
        if len(set(flags)) == 2:
            from sklearn.svm import LinearSVC

            est = LinearSVC(C=1.0, class_weight="balanced", random_state=seed).fit(x[known], flags)
            heads.append((est.coef_.T, est.intercept_))
            urgent_head = True
    coef = np.hstack([h[0] for h in heads]).astype(np.float32)
    intercept = np.concatenate([h[1] for h in heads]).astype(np.float32)
    info = {"format": FORMAT, "normalizer": NORMALIZER, "domain_dict_sha256": _dict_hash(), "labels": names,
            "categories": categories, "ngrams": list(NGRAMS), "min_df": min_df, "C": c, "seed": seed,
            "temperature": temperature, "learner": learner, "urgent_head": urgent_head,
            "urgent_threshold": URGENT_THRESHOLD,
            "tail_weight": TAIL_WEIGHT, "texts": len(texts), "features": len(vocab)}
    info.update(meta or {})
    return Model(vocab=vocab, idf=idf, coef=coef, intercept=intercept, meta=info)
