"""Reads of the triage pages."""

import datetime
from collections import Counter, defaultdict

from django.utils import timezone

from linli.triage.models import TriageCorrection

CORRECTION_DAYS = 30


def corrections_by_category(user, *, days: int = CORRECTION_DAYS, now=None) -> list[dict]:
    """How often staff corrected the engine in the last ``days`` days, per category it had proposed (issue 16
    item 7): the number of corrections, and what staff most often changed it to — in the streets ``user`` serves.

    Most corrected first; a correction whose proposal had no category counts under ``""``."""
    since = (now or timezone.now()) - datetime.timedelta(days=days)
    pairs = (TriageCorrection.objects.visible_to(user).filter(at__gte=since)
             .values_list("predicted_category", "category").order_by())
    to = defaultdict(Counter)
    for predicted, corrected in pairs:
        to[predicted or ""][corrected] += 1
    rows = []
    for predicted, counts in to.items():
        (top, top_n), = counts.most_common(1)
        rows.append({"category": predicted, "corrections": sum(counts.values()), "most_often_to": top,
                     "most_often_n": top_n})
    return sorted(rows, key=lambda r: (-r["corrections"], r["category"]))
