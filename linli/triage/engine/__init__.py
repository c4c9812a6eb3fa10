"""Triage of a resident's Chinese complaint: category, subcategory, tier, level, urgency, keywords.

No Django in this package: the CLI, the pages, the API and (later) the work-order intake all call
``load()`` and ``Triage.classify()``. ::

    from linli.triage.engine import load
    load().classify("12栋电梯又坏了，老人下不了楼")
    # {"category": "facility", "subcategory": "facility.lift", "confidence": 0.98, "tier": "hard",
    #  "level": "estate", "urgent": False, "keywords": ["电梯", …], "uncertain": False, "explanation": {…}}
"""

from __future__ import annotations

import threading
from pathlib import Path

from linli.triage.engine import taxonomy as _taxonomy
from linli.triage.engine.model import Model
from linli.triage.engine.normalize import clean
from linli.triage.engine.urgency import assess

DATA = Path(__file__).resolve().parent.parent / "data"
DEFAULT_MODEL = DATA / "model.npz"  # built by `linli triage train --out linli/triage/data/model.npz` (make model)
LABELLED = DATA / "labelled"  # the shipped labelled set (CSV: text, category, subcategory, …, writer, batch)
UNCERTAIN_BELOW = 0.7  # below this confidence the item goes to the human triage queue
MODEL_URGENT_HOURS = 2  # limit of an item the urgency head finds urgent when no danger rule names the danger


class Triage:
    """A model with the taxonomy it speaks (the default one) or without (a model of any other labels)."""

    def __init__(self, model: Model, *, taxonomy: _taxonomy.Taxonomy | None = None,
                 threshold: float = UNCERTAIN_BELOW):
        self.model = model
        self.taxonomy = taxonomy if taxonomy is not None else _taxonomy.default()
        self.threshold = threshold

    def classify(self, text: str, *, overrides: dict | None = None) -> dict:
        """One complaint → the decision. ``overrides``: {subcategory code: {"tier", "level", "limit_hours",
        "name"}} — a street's own settings for its taxonomy."""
        cleaned = clean(text)
        guess = self.model.predict(cleaned, is_clean=True)
        label = guess["label"]
        sub = self.taxonomy.get(label)
        urgency = assess(cleaned)
        urgent = urgency.urgent
        if guess.get("urgent") is not None:
            # A model with an urgency head decides; the rules still name the danger and set its hour limit.
            urgent = guess["urgent"]
        explanation = {
            "alternatives": [{"label": lb, "confidence": round(p, 3)} for lb, p in guess["alternatives"]],
            "urgency": list(urgency.names) if urgent else [],
        }
        if sub is not None:
            setting = {"tier": sub.tier, "level": sub.level, "limit_hours": sub.limit_hours, "name": sub.name}
            setting.update((overrides or {}).get(label, {}))
            category, subcategory, tier, level = sub.category, label, setting["tier"], setting["level"]
            limit = setting["limit_hours"]
            explanation.update(category_name=sub.category_name, subcategory_name=setting["name"])
        else:  # a model trained on another label set: the label is the category
            category, subcategory, tier, level, limit = label, None, None, None, None
        if urgent:
            hours = urgency.limit_hours or MODEL_URGENT_HOURS
            limit = min(limit, hours) if limit else hours
        explanation["limit_hours"] = limit
        confidence = round(guess["confidence"], 3)
        return {
            "category": category,
            "subcategory": subcategory,
            "confidence": confidence,
            "tier": tier,
            "level": level,
            "urgent": urgent,
            "keywords": guess["keywords"],
            "uncertain": confidence < self.threshold or not guess["keywords"],
            "explanation": explanation,
        }


_lock = threading.Lock()
_cache: dict[tuple[str, float], Triage] = {}


def load(path=None) -> Triage:
    """The triage for a model file (the default model when ``path`` is None), cached per file version."""
    p = Path(path) if path else DEFAULT_MODEL
    key = (str(p.resolve()), p.stat().st_mtime)
    with _lock:
        found = _cache.get(key)
        if found is None:
            found = Triage(Model.load(p))
            if len(_cache) >= 8:  # models trained by hand come and go; keep memory bounded
                _cache.clear()
            _cache[key] = found
    return found


def shipped_files() -> list[Path]:
    """The labelled files the default model is trained on: ``data/labelled/*.csv`` (the texts written like
    residents' messages, not the independent test set), or the old template corpus while there are none."""
    from linli.triage.engine.labelled import CORPUS

    files = sorted(p for p in LABELLED.glob("*.csv") if not p.name.startswith("independent"))
    return files or [CORPUS]


def urgent_flag(value) -> bool | None:
    """The ``urgent`` cell of a labelled row: 1/0 (or true/false, 是/否); None when empty or absent."""
    v = str(value if value is not None else "").strip().lower()
    if v in ("1", "true", "yes", "y", "是"):
        return True
    if v in ("0", "false", "no", "n", "否"):
        return False
    return None


def shipped_texts(files=None, *, with_urgent: bool = False):
    """(texts, subcategory codes) of the shipped labelled set (column ``subcategory``, or ``label``), and
    with ``with_urgent`` the ``urgent`` column too (None where a file has none)."""
    from linli.triage.engine.labelled import read_table

    texts, labels, urgent = [], [], []
    for path in files or shipped_files():
        for r in read_table(path):
            text, label = (r.get("text") or "").strip(), (r.get("subcategory") or r.get("label") or "").strip()
            if text and label:
                texts.append(text)
                labels.append(label)
                urgent.append(urgent_flag(r.get("urgent")))
    return (texts, labels, urgent) if with_urgent else (texts, labels)


def train_default(corpus=None, *, extra: tuple[list[str], list[str]] | None = None, meta: dict | None = None) -> Model:
    """The default model: the project's labelled set (all of it), plus optional extra texts (corrections)."""
    from linli.triage.engine.model import train

    texts, labels, urgent = shipped_texts([corpus] if corpus else None, with_urgent=True)
    if extra:
        texts += list(extra[0])
        labels += list(extra[1])
        urgent += [None] * len(extra[0])  # a correction says nothing about urgency
    return train(texts, labels, meta=meta, urgent=urgent if any(u is not None for u in urgent) else None)
