"""Repeats: which open work orders a new complaint may duplicate, and whether its caller called before.

Pure functions over plain values (no Django, no database): the work-order intake passes the new item and
the open candidates it fetched; nothing here knows what a work order is.

* A candidate is proposed for merging when it is for the same estate, was created within ``days`` of the
  new item, and its score reaches ``threshold``. The score is mostly text similarity (Dice coefficient of
  the character bigrams of the normalised texts, 0–1), plus a bonus for the same building, the same
  category and the same caller, minus a little for age.
* The new item is a repeated call (重复来电) when the same phone number made another item, in any
  estate, within ``days``.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from linli.triage.engine.normalize import clean

_HAN = re.compile(r"[\u4e00-\u9fff]+|[a-z0-9]+")
# Words that say nothing about the matter itself; they would make every complaint look alike.
_FILLER = re.compile(r"你好|您好|物业|社区|麻烦|尽快|处理|谢谢|请问|投诉|反映|问题|没人管|一下|我们|小区|住户|业主")

DAYS = 7
THRESHOLD = 0.4
W_TEXT, W_BUILDING, W_CATEGORY, W_CALLER, W_AGE = 0.70, 0.15, 0.15, 0.10, 0.05


@dataclass(frozen=True)
class Item:
    """A complaint or work order as the repeat check sees it."""

    id: object
    text: str
    estate: object = None
    building: object = None
    created: datetime.datetime | None = None
    phone: str = ""
    category: str = ""


@dataclass(frozen=True)
class Proposal:
    id: object
    score: float
    similarity: float
    reasons: tuple[str, ...]


@dataclass
class RepeatCheck:
    proposals: list[Proposal] = field(default_factory=list)  # best first
    repeated_caller: bool = False  # 重复来电
    caller_items: list = field(default_factory=list)  # ids of the caller's earlier items

    def to_dict(self) -> dict:
        return {
            "proposals": [{"id": p.id, "score": p.score, "similarity": p.similarity, "reasons": list(p.reasons)}
                          for p in self.proposals],
            "repeated_caller": self.repeated_caller,
            "caller_items": list(self.caller_items),
        }


@functools.lru_cache(maxsize=8192)
def bigrams(text: str) -> frozenset[str]:
    """The character bigrams of a text (single characters standing alone), normalised. Cached: at intake the same
    open orders of an estate are compared with every new one."""
    cleaned = _FILLER.sub(" ", clean(text).lower())
    out = set()
    for run in _HAN.findall(cleaned):
        if len(run) == 1:
            out.add(run)
        out.update(run[i:i + 2] for i in range(len(run) - 1))
    return frozenset(out)


def similarity(a: str, b: str) -> float:
    """Dice coefficient of character bigrams: 1 for the same complaint, 0 for nothing in common."""
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))


def phone_key(phone: str | None) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return digits[-11:] if len(digits) >= 7 else ""


def check(new: Item, candidates: Iterable[Item], *, days: int = DAYS, threshold: float = THRESHOLD,
          now: datetime.datetime | None = None) -> RepeatCheck:
    """Merge proposals for ``new`` among open ``candidates``, and the repeated-caller flag."""
    when = new.created or now
    window = datetime.timedelta(days=days)
    caller = phone_key(new.phone)
    result = RepeatCheck()
    new_grams = bigrams(new.text)
    for cand in candidates:
        if cand.id == new.id and cand.id is not None:
            continue
        age = None
        if when is not None and cand.created is not None:
            age = abs(when - cand.created)
            if age > window:
                continue
        same_caller = bool(caller) and phone_key(cand.phone) == caller
        if same_caller:
            result.repeated_caller = True
            result.caller_items.append(cand.id)
        if new.estate is None or cand.estate != new.estate:
            continue
        grams = bigrams(cand.text)
        sim = 2 * len(new_grams & grams) / (len(new_grams) + len(grams)) if new_grams and grams else 0.0
        reasons = [f"文本相似度 {sim:.2f}"]
        score = W_TEXT * sim
        if new.building is not None and cand.building == new.building:
            score += W_BUILDING
            reasons.append("同一楼栋")
        if new.category and cand.category == new.category:
            score += W_CATEGORY
            reasons.append("同一类别")
        if same_caller:
            score += W_CALLER
            reasons.append("同一来电人")
        if age is not None:
            score -= W_AGE * (age / window)
        score = round(min(max(score, 0.0), 1.0), 3)
        if score >= threshold:
            result.proposals.append(Proposal(cand.id, score, round(sim, 3), tuple(reasons)))
    result.proposals.sort(key=lambda p: (-p.score, str(p.id)))
    return result
