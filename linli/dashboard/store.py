"""The overviews, kept in the shared cache and computed ahead by the job (docs/dashboard-overview.md, "Computed
ahead").

A user's overview of an area and period is computed once and kept in Django's cache (Redis in production: shared by
every web process and the workers) under the user, the area, the period, the parts and the day. It is served while
its work-order figures are at most ``LINLI_DASHBOARD_MEMO_SECONDS`` (default 60; 0: never kept) behind the daily
summary and it is at most ``KEEP`` seconds old; otherwise the view computes it again. The page shows the time of its
work-order figures ("工单数据更新于 …", ``Figures.as_of``).

Each opening is recorded (``OverviewVisit``, at most once per ``SEEN_EVERY`` seconds per user, area, period and
parts). The dashboard job (``warm``, every minute, ``dashboard-warm-overviews``) first brings the daily summary up to
date, then computes again, for the overviews opened in the last day, each one whose stored figures are behind the
summary or older than ``REFRESH`` seconds: the next opening finds them ready, whoever opens which one first.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from linli.workorders import daily

from . import selectors as sel
from .models import OverviewVisit

log = logging.getLogger(__name__)

KEEP = 300  # seconds an overview stays in the cache at most (the other apps' figures are at most that old)
REFRESH = 240  # the job computes an overview again once it is this old, before it runs out
SEEN_EVERY = 600  # seconds between two records of the same opening
RECENT = datetime.timedelta(days=1)  # the openings the job keeps ready
WARM_LIMIT = 300  # overviews the job computes at most per run
WARM_BUDGET_S = 40.0  # and seconds it spends at most (the schedule runs it every minute)
ALL_PARTS = ""


def lag_seconds() -> int:
    return int(getattr(settings, "LINLI_DASHBOARD_MEMO_SECONDS", 60))


def parts_text(parts) -> str:
    return ",".join(parts) if parts else ALL_PARTS


def _key(user_pk: int, area: sel.Area, period_key: str, parts: str, day: datetime.date) -> str:
    raw = f"{user_pk}|{'|'.join(area.paths)}|{period_key}|{parts}|{day.isoformat()}"
    return "dashboard:overview:" + hashlib.sha256(raw.encode()).hexdigest()[:40]


def fresh(stored: tuple[float, sel.Figures] | None, as_of: datetime.datetime | None) -> bool:
    """Stored (time computed, figures) may be served: no more than the allowed lag behind the summary, and not
    older than KEEP."""
    if stored is None:
        return False
    computed_at, figures = stored
    if time.time() - computed_at > KEEP:
        return False
    if as_of is None or figures.as_of == as_of:
        return True
    if figures.as_of is None:
        return False
    return (as_of - figures.as_of).total_seconds() <= lag_seconds()


def overview(user, area: sel.Area, period, *, parts=None, period_text: str = "") -> sel.Figures:
    """The user's overview of the area and period: the stored one when fresh, else computed and stored. Records the
    opening for the job."""
    if not lag_seconds():
        return sel.overview(user, area, period, parts=parts)
    record(user, area, period_text, parts)
    key = _key(user.pk, area, period.key, parts_text(parts), timezone.localdate())
    stored = cache.get(key)
    if fresh(stored, daily.as_of()):
        return stored[1]
    figures = sel.overview(user, area, period, parts=parts)
    cache.set(key, (time.time(), figures), KEEP)
    return figures


def record(user, area: sel.Area, period_text: str, parts) -> None:
    """Note that the user opened this overview (once per SEEN_EVERY seconds: one cache write otherwise)."""
    text = (period_text or "").strip()[:40]
    marker = "dashboard:seen:" + hashlib.sha256(f"{user.pk}|{area.code}|{text}|{parts_text(parts)}".encode()
                                                ).hexdigest()[:40]
    if not cache.add(marker, 1, SEEN_EVERY):
        return
    OverviewVisit.objects.update_or_create(user=user, area_code=area.code, period_text=text,
                                           parts=parts_text(parts), defaults={"last_seen": timezone.now()})


def warm(*, now: datetime.datetime | None = None, limit: int = WARM_LIMIT, budget_s: float = WARM_BUDGET_S) -> dict:
    """The job: bring the daily summary up to date, then compute again the overviews opened in the last day whose
    stored figures are behind it or about to run out, the most recently opened first, within the limits."""
    if not lag_seconds():
        return {"off": True}
    daily.refresh(wait=False)
    now = now or timezone.now()
    as_of = daily.as_of()
    started = time.monotonic()
    computed = skipped = dropped = 0
    visits = (OverviewVisit.objects.filter(last_seen__gte=now - RECENT, user__is_active=True)
              .select_related("user").order_by("-last_seen")[:limit])
    for visit in visits:
        if time.monotonic() - started > budget_s:
            break
        user = visit.user
        area = sel.area_for(user, visit.area_code or None)
        if area is None:
            visit.delete()  # the user no longer serves that area
            dropped += 1
            continue
        try:
            period = sel.parse_period(visit.period_text or None, today=timezone.localdate(now))
        except ValueError:
            visit.delete()
            dropped += 1
            continue
        parts = tuple(visit.parts.split(",")) if visit.parts else None
        key = _key(user.pk, area, period.key, visit.parts, timezone.localdate(now))
        stored = cache.get(key)
        if stored is not None and stored[1].as_of == as_of and time.time() - stored[0] < REFRESH:
            skipped += 1
            continue
        try:
            figures = sel.overview(user, area, period, parts=parts)
        except Exception:  # one user's overview must not stop the others'
            log.exception("dashboard: overview of visit %s failed", visit.pk)
            continue
        cache.set(key, (time.time(), figures), KEEP)
        computed += 1
    return {"computed": computed, "ready": skipped, "dropped": dropped,
            "seconds": round(time.monotonic() - started, 2)}
