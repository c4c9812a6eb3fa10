"""A linear text classifier in plain Python, stored as a small gzip JSON file (no Django here).

An averaged perceptron with a margin (a linear model, like logistic regression, but trained by mistakes
only, so it is fast in pure Python and its weights stay sparse: each feature keeps its ``KEEP`` strongest
positive weights). Features are domain words and character bigrams (``normalize.features``).

Besides words and bigrams, each keyword list of the taxonomy is one feature ("@facility.lift" when the
text contains 电梯, 轿厢, 困人 …): it carries what the labelled set cannot show, phrasings never seen.

Residents often name two problems in one message; the first one is the matter of the work order. So the
features after a "second problem" marker (另外, 还有, 顺便 …) count for ``TAIL_WEIGHT`` only.

Confidence is a softmax of the scores divided by a temperature fitted on a held-back fifth of the training
texts (minimum log loss), so that 0.8 means roughly "right eight times in ten".
"""

from __future__ import annotations

import gzip
import heapq
import json
import math
import random
import re
from collections.abc import Sequence
from pathlib import Path

from linli.triage.engine.normalize import clean, domain_words, features

FORMAT = "linli-triage-linear/1"
EPOCHS = 12
MARGIN = 1.0
TAIL_WEIGHT = 0.3
KEEP = 8
SECOND_PROBLEM = re.compile(r"另外|还有|顺便|对了|再一个|而且|此外|另一个|同时")


class Lexicon:
    """Keyword lists of the taxonomy: a text that contains a word of a subcategory's list gets the feature
    "@code". One feature per list, whatever the word, so a phrasing never seen in training still counts
    when it uses a word of the list; the model learns how much each list is worth."""

    def __init__(self, lists: dict[str, list[str]] | None):
        self.lists = {code: list(words) for code, words in (lists or {}).items() if words}
        owners: dict[str, list[str]] = {}
        for code, words in self.lists.items():
            for w in words:
                owners.setdefault(clean(w).lower(), []).append("@" + code)
        self.owners = owners
        self.by_first: dict[str, list[str]] = {}
        for w in owners:
            self.by_first.setdefault(w[0], []).append(w)

    def __call__(self, cleaned: str) -> set[str]:
        found: set[str] = set()
        if not self.by_first:
            return found
        text = cleaned.lower()
        by_first, owners = self.by_first, self.owners
        for i, ch in enumerate(text):  # every word at every position, overlaps included
            words = by_first.get(ch)
            if words:
                for w in words:
                    if text.startswith(w, i):
                        found.update(owners[w])
        return found


NO_LEXICON = Lexicon(None)


def weighted_features(text: str, *, ordered: bool = True, lexicon: Lexicon = NO_LEXICON,
                      is_clean: bool = False) -> list[tuple[str, float]]:
    """(feature, weight) pairs; features only found after a second-problem marker weigh less.
    ``ordered``: sorted, so that training does the same float additions on every run."""
    cleaned = text if is_clean else clean(text)
    m = SECOND_PROBLEM.search(cleaned)
    arrange = sorted if ordered else list
    if m and m.start() > 4:
        head = features(cleaned[: m.start()], is_clean=True) | lexicon(cleaned[: m.start()])
        tail = (features(cleaned[m.start():], is_clean=True) | lexicon(cleaned[m.start():])) - head
        return [(f, 1.0) for f in arrange(head)] + [(f, TAIL_WEIGHT) for f in arrange(tail)]
    return [(f, 1.0) for f in arrange(features(cleaned, is_clean=True) | lexicon(cleaned))]


class Model:
    """A trained classifier: its labels, sparse weights per feature and a confidence temperature."""

    def __init__(self, labels, weights, temperature=1.0, meta=None, lexicon=None):
        self.labels: list[str] = list(labels)
        self.weights: dict[str, tuple[tuple[int, float], ...]] = weights
        self.temperature: float = temperature
        self.meta: dict = dict(meta or {})
        self.lexicon = Lexicon(lexicon)

    def scores(self, feats: Sequence[tuple[str, float]]) -> tuple[list[float], list]:
        scores = [0.0] * len(self.labels)
        known = []
        get = self.weights.get
        for f, v in feats:
            row = get(f)
            if row is not None:
                known.append((f, v, row))
                if v == 1.0:
                    for c, w in row:
                        scores[c] += w
                else:
                    for c, w in row:
                        scores[c] += w * v
        return scores, known

    def predict(self, text: str, *, explain: int = 5, is_clean: bool = False) -> dict:
        """{"label", "confidence", "keywords", "alternatives"} for one text (``is_clean``: already normalised)."""
        scores, known = self.scores(weighted_features(text, ordered=False, lexicon=self.lexicon, is_clean=is_clean))
        t = self.temperature
        top = max(scores)
        exps = [math.exp((s - top) / t) for s in scores]
        total = sum(exps)
        order = heapq.nlargest(3, range(len(scores)), key=scores.__getitem__)
        best = order[0]
        runner = order[1] if len(order) > 1 else best
        if not known:  # nothing recognisable: no opinion
            return {"label": self.labels[best], "confidence": 1.0 / len(scores), "keywords": [],
                    "alternatives": []}
        return {
            "label": self.labels[best],
            "confidence": exps[best] / total,
            "keywords": self._keywords(known, best, runner, explain) if explain else [],
            "alternatives": [(self.labels[i], exps[i] / total) for i in order[1:3]],
        }

    @staticmethod
    def _keywords(known, best, runner, n) -> list[str]:
        """The features that pushed the text towards the winner rather than the runner-up, strongest first."""
        scored = []
        for f, v, row in known:
            gain = 0.0
            for c, w in row:
                if c == best:
                    gain += w * v
                elif c == runner:
                    gain -= w * v
            if gain > 0 and f[0] != "@":  # a keyword-list feature is not a word of the text
                scored.append((-gain, f))
        scored.sort()
        # Words of the domain dictionary read better than bigrams ("煤气" rather than "有很"): first them.
        words = domain_words()
        ranked = [f for _, f in scored if f in words] + [f for _, f in scored if f not in words]
        out: list[str] = []
        for f in ranked:
            if f not in words and len(out) >= 3:
                break  # bigrams only to make up a short list
            if any(f in kept for kept in out):
                continue  # a bigram inside a word already kept adds nothing
            out = [k for k in out if k not in f] + [f]
            if len(out) >= n:
                break
        return out

    # -- storage --------------------------------------------------------------------------------------
    def to_json(self) -> dict:
        return {
            "format": FORMAT, "labels": self.labels, "temperature": self.temperature,
            "weights": {f: [[c, w] for c, w in row] for f, row in sorted(self.weights.items())},
            "meta": self.meta,
            "lexicon": self.lexicon.lists,
        }

    def save(self, path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
        if path.suffix == ".gz":
            # mtime=0: the same model gives the same bytes (the default model is kept in git)
            with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as fh:
                fh.write(data)
        else:
            path.write_bytes(data)
        return path

    @classmethod
    def load(cls, path) -> Model:
        path = Path(path)
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        data = json.loads(raw)
        if data.get("format") != FORMAT:
            raise ValueError(f"{path}: 不是 Linli 分拣模型 (not a Linli triage model)")
        weights = {f: tuple((c, w) for c, w in row) for f, row in data["weights"].items()}
        return cls(data["labels"], weights, data["temperature"], data.get("meta"), data.get("lexicon"))


def _fit(samples: Sequence[list[tuple[str, float]]], ys: Sequence[int], n_labels: int, epochs: int, seed: int):
    """Averaged margin perceptron; returns {feature: ((label, weight), …)}."""
    w: dict[str, dict[int, float]] = {}
    u: dict[str, dict[int, float]] = {}  # running sums for the average (the "lazy" trick: n·update)
    step = 1
    order = list(range(len(samples)))
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(order)
        for i in order:
            x, y = samples[i], ys[i]
            scores = [0.0] * n_labels
            for f, v in x:
                row = w.get(f)
                if row:
                    for c, wt in row.items():
                        scores[c] += wt * v
            rival = max((c for c in range(n_labels) if c != y), key=scores.__getitem__)
            if scores[y] - scores[rival] < MARGIN:
                for f, v in x:
                    row = w.setdefault(f, {})
                    acc = u.setdefault(f, {})
                    row[y] = row.get(y, 0.0) + v
                    acc[y] = acc.get(y, 0.0) + step * v
                    row[rival] = row.get(rival, 0.0) - v
                    acc[rival] = acc.get(rival, 0.0) - step * v
            step += 1
    out = {}
    for f, row in w.items():
        acc = u[f]
        averaged = [(c, round(wt - acc[c] / step, 3)) for c, wt in row.items()]
        # Keep each feature's KEEP strongest positive weights: a quarter of the work per text, and on the
        # held-out texts slightly better than the full model (the small and negative weights were noise).
        kept = sorted((p for p in averaged if p[1] > 0), key=lambda p: (-p[1], p[0]))[:KEEP]
        if kept:
            out[f] = tuple(sorted(kept))
    return out


def _fit_temperature(model: Model, samples, ys) -> float:
    """The temperature with the least log loss on held-back texts (a coarse grid is enough)."""
    scored = [(model.scores(x)[0], y) for x, y in zip(samples, ys, strict=True)]
    best_t, best_loss = 1.0, float("inf")
    for t in (0.25, 0.35, 0.5, 0.7, 1.0, 1.4, 2.0, 2.8, 4.0, 5.6, 8.0):
        loss = 0.0
        for scores, y in scored:
            top = max(scores)
            z = sum(math.exp((s - top) / t) for s in scores)
            loss -= math.log(max(math.exp((scores[y] - top) / t) / z, 1e-12))
        if loss < best_loss:
            best_t, best_loss = t, loss
    return best_t


def train(texts: Sequence[str], labels: Sequence[str], *, epochs: int = EPOCHS, calibrate: bool = True,
          seed: int = 1, meta: dict | None = None, lexicon: dict[str, list[str]] | None = None) -> Model:
    """Train on any labelled texts with any label set (at least two labels). ``lexicon``: keyword lists per
    label; by default those of the taxonomy for labels that are its subcategory codes (none otherwise)."""
    if len(texts) != len(labels):
        raise ValueError("texts and labels differ in length")
    labels = [str(y).strip() for y in labels]
    names = sorted(set(labels))
    if len(names) < 2:
        raise ValueError("至少需要两个不同的标签 (at least two different labels are needed)")
    index = {name: i for i, name in enumerate(names)}
    if lexicon is None:
        from linli.triage.engine.taxonomy import default

        lexicon = default().lexicon(names)
    lex = Lexicon(lexicon)
    samples = [weighted_features(t, lexicon=lex) for t in texts]
    ys = [index[y] for y in labels]
    temperature = 1.0
    if calibrate and len(texts) >= 50:
        order = list(range(len(texts)))
        random.Random(seed).shuffle(order)
        cut = len(order) // 5
        held, kept = order[:cut], order[cut:]
        sub = Model(names, _fit([samples[i] for i in kept], [ys[i] for i in kept], len(names), epochs, seed),
                    lexicon=lexicon)
        temperature = _fit_temperature(sub, [samples[i] for i in held], [ys[i] for i in held])
    model = Model(names, _fit(samples, ys, len(names), epochs, seed), temperature=temperature, meta=meta,
                  lexicon=lexicon)
    model.meta.update(texts=len(texts), labels=len(names))
    return model
