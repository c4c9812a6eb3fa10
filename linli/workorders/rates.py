"""接诉即办 assessment figures (北京市接诉即办工作条例 第三十二条: 响应率、解决率、满意率), read from the events.

Definitions (docs/workorders-meetings-and-rates.md says the same in prose):

* **Response rate (响应率)** = responded dispatches / decided dispatches. A *dispatch* is a ``dispatch`` event, or an
  ``escalate`` event that names an organisation, whose time is in the period; it is charged to the organisation it
  names (``data.to``) and carries its accept deadline (``data.accept_due``). It is *responded* when the next
  ``accept`` event of the order comes no later than that deadline and before any other dispatch, escalation or
  return of the order. It is *decided* once it was accepted, superseded (dispatched elsewhere, escalated,
  returned) or its deadline has passed at the time of counting; a dispatch still inside its deadline is left out
  of both numbers until then. Reopenings (重办) are not dispatches: they are measured by the resolution rate.
* **Resolution rate (解决率)** = callbacks that found the matter solved / callbacks. A *callback* is a ``visit``
  event in the period where the resident was reached (``data.reached`` is not false); it is charged to the
  organisation that held the order at that moment (the last dispatch or escalation before it). Every callback
  counts: an order reopened and called back again counts twice.
* **Satisfaction rate (满意率)** = (满意 + w × 基本满意) / rated callbacks, ``w`` = ``LINLI_SATISFACTION_BASIC_WEIGHT``
  (default 0.8); the rated callbacks are the callbacks above with a satisfaction answer.
* **Score (综合得分)** = 100 × Σ wᵢ·rateᵢ / Σ wᵢ over the rates that exist (a rate with nothing to count is
  ``None`` and drops out with its weight), weights ``LINLI_SCORE_WEIGHTS`` (response 0.10, resolution 0.45,
  satisfaction 0.45).

Arithmetic is exact (``Fraction``) until the end: rates are rounded half-up to 4 decimal places (0.8750), the score
to 2 (87.50), both as ``Decimal``. The score is computed from the unrounded rates.

Periods are local-time (Asia/Shanghai) half-open intervals: a month ``2026-11``, a quarter ``2026-Q4``, a year
``2026`` or a range of days ``2026-11-01..2026-11-15`` (both days included).
"""

from __future__ import annotations

import calendar as _calendar
import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Count, Q
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.people.models import Organization
from linli.places.models import Division
from linli.workorders.models import (
    Channel,
    Satisfaction,
    Tier,
    WorkOrder,
    WorkOrderEvent,
)

Event = WorkOrderEvent.Type
RATE_PLACES = Decimal("0.0001")
SCORE_PLACES = Decimal("0.01")


# -- periods ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A half-open interval [start, end) of aware datetimes, with the text it was parsed from."""

    key: str
    start: datetime.datetime
    end: datetime.datetime

    @property
    def first_day(self) -> datetime.date:
        return timezone.localtime(self.start).date()

    @property
    def last_day(self) -> datetime.date:
        return timezone.localtime(self.end).date() - datetime.timedelta(days=1)

    def __str__(self):
        return self.key


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def period_of_days(first: datetime.date, last: datetime.date, key: str | None = None) -> Period:
    if last < first:
        raise ValueError(_("结束日期不能早于开始日期"))
    return Period(key or f"{first.isoformat()}..{last.isoformat()}", _aware(first),
                  _aware(last + datetime.timedelta(days=1)))


def parse_period(text: str | None, *, today: datetime.date | None = None) -> Period:
    """``2026-11`` | ``2026-Q4`` | ``2026`` | ``2026-11-01..2026-11-15``; empty → the current month."""
    text = (text or "").strip().upper()
    if not text:
        today = today or timezone.localdate()
        text = f"{today:%Y-%m}"
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
            year, month = int(m[1]), int(m[2])
            last = _calendar.monthrange(year, month)[1]
            return period_of_days(datetime.date(year, month, 1), datetime.date(year, month, last),
                                  f"{year}-{month:02d}")
        if m := re.fullmatch(r"(\d{4})-?Q([1-4])", text):
            year, q = int(m[1]), int(m[2])
            first = datetime.date(year, 3 * q - 2, 1)
            last_month = 3 * q
            last = datetime.date(year, last_month, _calendar.monthrange(year, last_month)[1])
            return period_of_days(first, last, f"{year}-Q{q}")
        if m := re.fullmatch(r"(\d{4})", text):
            year = int(m[1])
            return period_of_days(datetime.date(year, 1, 1), datetime.date(year, 12, 31), str(year))
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\s*(?:\.\.|~|/)\s*(\d{4}-\d{2}-\d{2})", text):
            return period_of_days(datetime.date.fromisoformat(m[1]), datetime.date.fromisoformat(m[2]))
    except ValueError:
        pass  # a month 13 or a 30 February: the same plain hint, not Python's words ("month must be in 1..12")
    raise ValueError(_("无法识别的统计期间：%(p)s；可用 2026-11、2026-Q4、2026 或 2026-11-01..2026-11-15") % {"p": text})


# -- the tally --------------------------------------------------------------------------------------------


def _weight(value) -> Fraction:
    return Fraction(Decimal(str(value)))


def basic_weight() -> Fraction:
    return _weight(getattr(settings, "LINLI_SATISFACTION_BASIC_WEIGHT", "0.8"))


def score_weights() -> dict[str, Fraction]:
    weights = getattr(settings, "LINLI_SCORE_WEIGHTS", None) or {
        "response": "0.10", "resolution": "0.45", "satisfaction": "0.45"}
    return {k: _weight(weights.get(k, "0")) for k in ("response", "resolution", "satisfaction")}


def _round(value: Fraction | None, places: Decimal) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(places, rounding=ROUND_HALF_UP)


@dataclass
class Tally:
    """The counts behind the three rates for one organisation, community, street or the whole division."""

    dispatched: int = 0  # decided dispatches (the response rate's denominator)
    responded: int = 0
    pending: int = 0  # dispatches still inside their accept deadline (not counted yet)
    visited: int = 0  # callbacks that reached the resident
    solved: int = 0
    satisfied: int = 0
    basic: int = 0
    unsatisfied: int = 0

    @property
    def rated(self) -> int:
        return self.satisfied + self.basic + self.unsatisfied

    def add(self, other: Tally) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    # exact values
    def response_fraction(self) -> Fraction | None:
        return Fraction(self.responded, self.dispatched) if self.dispatched else None

    def resolution_fraction(self) -> Fraction | None:
        return Fraction(self.solved, self.visited) if self.visited else None

    def satisfaction_fraction(self, w: Fraction | None = None) -> Fraction | None:
        w = basic_weight() if w is None else w
        return (self.satisfied + w * self.basic) / self.rated if self.rated else None

    def score_fraction(self, weights: dict[str, Fraction] | None = None, w: Fraction | None = None) -> Fraction | None:
        weights = weights or score_weights()
        parts = {"response": self.response_fraction(), "resolution": self.resolution_fraction(),
                 "satisfaction": self.satisfaction_fraction(w)}
        total = sum((weights[k] for k, v in parts.items() if v is not None), Fraction(0))
        if not total:
            return None
        return 100 * sum((weights[k] * v for k, v in parts.items() if v is not None), Fraction(0)) / total

    # rounded, for people
    @property
    def response_rate(self) -> Decimal | None:
        return _round(self.response_fraction(), RATE_PLACES)

    @property
    def resolution_rate(self) -> Decimal | None:
        return _round(self.resolution_fraction(), RATE_PLACES)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return _round(self.satisfaction_fraction(), RATE_PLACES)

    @property
    def score(self) -> Decimal | None:
        return _round(self.score_fraction(), SCORE_PLACES)

    def as_dict(self) -> dict:
        out = {name: getattr(self, name) for name in self.__dataclass_fields__}
        out["rated"] = self.rated
        for name in ("response_rate", "resolution_rate", "satisfaction_rate", "score"):
            value = getattr(self, name)
            out[name] = None if value is None else str(value)
        return out


@dataclass
class Row:
    """A line of a rates table: who, and their tally."""

    key: int | None
    name: str
    tally: Tally
    code: str = ""
    rank: int | None = None  # by score among the rows of its table (``ranked_rows``)


@dataclass
class Rates:
    """Everything the rates page and endpoint show for one division and period."""

    division: Division
    period: Period
    total: Tally
    by_org: list[Row]
    by_community: list[Row]
    by_street: list[Row]
    received: int
    by_tier: list[tuple[str, str, int]]
    by_channel: list[tuple[str, str, int]]
    by_category: list[tuple[str, int]]
    basic_weight: Decimal = field(default_factory=lambda: Decimal(str(getattr(
        settings, "LINLI_SATISFACTION_BASIC_WEIGHT", "0.8"))))


def competition_ranks(scores) -> dict:
    """{key: rank} from (key, score) pairs, highest score first; equal scores share a rank and the next rank skips
    (1, 2, 2, 4); a None score is not ranked. Used by the rates page and the assessment (考核) rankings."""
    ranked = sorted(((s, k) for k, s in scores if s is not None), key=lambda item: item[0], reverse=True)
    out, previous, place = {}, None, 0
    for i, (s, k) in enumerate(ranked, start=1):
        if s != previous:
            place, previous = i, s
        out[k] = place
    return out


def ranked_rows(rows: list[Row]) -> list[Row]:
    """``rows`` by score (highest first, unscored last, then by name), each with its ``rank`` (None: no score)."""
    ranks = competition_ranks([(i, r.tally.score) for i, r in enumerate(rows)])
    for i, r in enumerate(rows):
        r.rank = ranks.get(i)
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.key is None, r.name))


# -- reading the events ------------------------------------------------------------------------------------

DISPATCHING = (Event.DISPATCH, Event.ESCALATE)
RELEVANT = (Event.DISPATCH, Event.ESCALATE, Event.ACCEPT, Event.RETURN, Event.VISIT)


def division_orders_q(division: Division, prefix: str = "") -> Q:
    """Orders of a division: a community's, a street's, or every street's under a district."""
    if division.level == Division.Level.COMMUNITY:
        return Q(**{f"{prefix}community_id": division.pk})
    if division.level == Division.Level.STREET:
        return Q(**{f"{prefix}street_id": division.pk})
    # The ids themselves, not a subquery: PostgreSQL then knows how many orders that is and plans accordingly.
    streets = Division.objects.filter(level=Division.Level.STREET, path__startswith=division.path).order_by()
    return Q(**{f"{prefix}street_id__in": list(streets.values_list("pk", flat=True))})


def _parse_dt(value: str | None):
    if not value:
        return None
    try:
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        return None


# The parts of an event's data the walk reads (fetching the keys, not the whole JSON, halves the decoding).
DATA_KEYS = ("to", "accept_due", "solved", "satisfaction", "reached")


def tally_events(rows, period: Period, now: datetime.datetime, *, with_time: bool = False):
    """Walk ``rows`` — (order_id, type, at, to, accept_due, solved, satisfaction, reached) sorted by order, time,
    id — and yield (order_id, org_id, kind, value) facts: kind "dispatch" (value: responded True/False, or None when
    still pending) and "visit" (value: (solved, satisfaction)). ``with_time``: each fact also carries the time of
    the event it counts (the dispatch or the callback) and, for a dispatch, its accept deadline — (order_id,
    org_id, kind, value, at, due) — which the daily summary (linli/workorders/daily.py) files the fact under."""
    current = None
    org = None
    pending = None  # [org, due, in_period, at]

    def fact(kind, value, at=None, due=None):
        return (current, pending[0] if kind == "dispatch" else org, kind, value) + ((at, due) if with_time else ())

    def settle(responded: bool):
        nonlocal pending
        if pending is not None and pending[2]:
            yield fact("dispatch", responded, pending[3], pending[1])
        pending = None

    start, end = period.start, period.end
    for order_id, type_, at, to, accept_due, solved, satisfaction, reached in rows:
        if order_id != current:
            if pending is not None and pending[2]:
                due = pending[1]
                yield fact("dispatch", False if (due is None or due < now) else None, pending[3], due)
            current, org, pending = order_id, None, None
        if type_ in DISPATCHING:
            yield from settle(False)
            org = to
            if org is not None:
                pending = [org, _parse_dt(accept_due), start <= at < end, at]
        elif type_ == Event.ACCEPT:
            if pending is not None:
                due = pending[1]
                yield from settle(due is not None and at <= due)
        elif type_ == Event.RETURN:
            yield from settle(False)
            org = None
        elif type_ == Event.VISIT:
            if start <= at < end and reached is not False:
                yield fact("visit", (solved, satisfaction), at)
    if pending is not None and pending[2]:
        due = pending[1]
        yield fact("dispatch", False if (due is None or due < now) else None, pending[3], due)


def _apply(tally: Tally, kind: str, value, n: int = 1) -> None:
    """Add ``n`` identical facts of ``tally_events`` to ``tally``."""
    if kind == "dispatch":
        if value is None:
            tally.pending += n
        else:
            tally.dispatched += n
            tally.responded += n if value else 0
        return
    solved, sat = value
    tally.visited += n
    tally.solved += n if solved is True else 0
    if sat == Satisfaction.SATISFIED:
        tally.satisfied += n
    elif sat == Satisfaction.BASIC:
        tally.basic += n
    elif sat == Satisfaction.UNSATISFIED:
        tally.unsatisfied += n


def _settings_for_a_report(using: str) -> None:
    """PostgreSQL, for the current transaction: plan the cursor for reading every row (the default plans for the
    first 10 % and picks nested loops that cost a third more here), give the hash tables and bitmaps of one big read
    room (at the default 4 MB the bitmap of a month's events is lossy) and skip JIT compilation."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL cursor_tuple_fraction = 1")
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL jit = off")


def event_rows(area: Q, period: Period, now: datetime.datetime, place_columns: tuple[str, ...]):
    """The events the rates' walk reads (``tally_events``): every relevant event up to ``now`` of the orders in
    ``area`` (a Q over events, e.g. ``division_orders_q(division, "order__")``) that had a dispatch, escalation or
    callback in ``period``. Returns (the queryset, the walk's rows as a generator, {order_id: its place columns}),
    the last filled as the generator runs. The data keys come as text (->>): no JSON decoding per value; the
    order's places come with the same rows, from the one join with the orders that also keeps the area's. Used by
    ``compute``, the daily summary (linli/workorders/daily.py) and the assessment (linli/dashboard/assessment.py)."""
    touched = WorkOrderEvent.objects.filter(
        kind__in=(Event.DISPATCH, Event.ESCALATE, Event.VISIT), at__gte=period.start, at__lt=period.end,
    ).values("order_id")
    keys = {f"k_{k}": KeyTextTransform(k, "data") for k in DATA_KEYS}
    rows = (WorkOrderEvent.objects.filter(area, order_id__in=touched, kind__in=RELEVANT, at__lte=now)
            .annotate(**keys).order_by("order_id", "at", "id")
            .values_list("order_id", *place_columns, "kind", "at", *keys))
    places = {}
    width = len(place_columns)

    def stream():
        for row in rows.iterator(chunk_size=10000):
            order_id, where = row[0], row[1:1 + width]
            type_, at, to, due, solved, sat, reached = row[1 + width:]
            places[order_id] = where
            yield (order_id, type_, at, int(to) if to not in (None, "", "null") else None, due,
                   solved in (True, 1, "true"), sat, reached not in (False, 0, "false"))

    return rows, stream(), places


def compute(division: Division, period: Period, *, now: datetime.datetime | None = None) -> Rates:
    """The rates and counts of ``division`` (a district, street or community) for ``period``."""
    now = now or timezone.now()
    in_division = division_orders_q(division)
    rows, stream, places = event_rows(division_orders_q(division, "order__"), period, now,
                                      ("order__community_id", "order__street_id"))
    facts = Counter()
    # In a transaction, PostgreSQL streams the rows through the server-side cursor; outside one the cursor is
    # WITH HOLD and the whole result is written out before the first row comes back.
    with transaction.atomic(using=rows.db):
        _settings_for_a_report(rows.db)
        for order_id, org_id, kind, value in tally_events(stream, period, now):
            community_id, street_id = places.get(order_id, (None, None))
            facts[org_id, community_id, street_id, kind, value] += 1
    # Each distinct fact once, times how often it occurred (a few hundred additions, not four per fact).
    total, by_org, by_comm, by_street = Tally(), {}, {}, {}
    for (org_id, community_id, street_id, kind, value), n in facts.items():
        for bucket, key in ((by_org, org_id), (by_comm, community_id), (by_street, street_id)):
            _apply(bucket.setdefault(key, Tally()), kind, value, n)
        _apply(total, kind, value, n)

    orgs = {o.pk: o for o in Organization.objects.filter(pk__in=[k for k in by_org if k])}
    org_rows = [Row(k, str(orgs[k]) if k in orgs else _("（未派单）"), t) for k, t in by_org.items()]
    org_rows.sort(key=lambda r: (r.key is None, r.name))

    if division.level == Division.Level.COMMUNITY:
        communities = [division]
    else:
        communities = list(Division.objects.filter(level=Division.Level.COMMUNITY, path__startswith=division.path))
    comm_rows = [Row(c.pk, c.name, by_comm.get(c.pk, Tally()), c.code) for c in communities]
    if by_comm.get(None):
        comm_rows.append(Row(None, _("（无社区）"), by_comm[None]))
    if division.level == Division.Level.COMMUNITY:
        street_list = [division.parent] if division.parent_id else []
    elif division.level == Division.Level.STREET:
        street_list = [division]
    else:
        street_list = list(Division.objects.filter(level=Division.Level.STREET, path__startswith=division.path))
    street_rows = [Row(s.pk, s.name, by_street.get(s.pk, Tally()) if division.level != "community" else total, s.code)
                   for s in street_list]

    received = WorkOrder.objects.filter(in_division, received_at__gte=period.start, received_at__lt=period.end)
    # One pass for the three breakdowns, summed here.
    tiers, channels, by_category = {}, {}, {}
    for tier, channel, category, n in received.values_list("tier", "channel", "category").annotate(
            n=Count("pk")).order_by():
        tiers[tier] = tiers.get(tier, 0) + n
        channels[channel] = channels.get(channel, 0) + n
        by_category[category] = by_category.get(category, 0) + n
    categories = sorted(by_category.items(), key=lambda item: (-item[1], item[0]))
    return Rates(
        division=division, period=period, total=total, by_org=org_rows, by_community=comm_rows, by_street=street_rows,
        received=sum(tiers.values()),
        by_tier=[(t.value, str(t.label), tiers.get(t.value, 0)) for t in Tier],
        by_channel=[(c.value, str(c.label), channels[c.value]) for c in Channel if channels.get(c.value)],
        by_category=[(c or _("（未分类）"), n) for c, n in categories],
    )


def rates_as_dict(rates: Rates) -> dict:
    """The JSON shape of the endpoint (rates as strings, exact)."""

    def rows(items):
        return [{"id": r.key, "name": r.name, "code": r.code or None, **r.tally.as_dict()} for r in items]

    return {
        "division": {"code": rates.division.code, "name": rates.division.name, "level": rates.division.level},
        "period": {"key": rates.period.key, "first_day": rates.period.first_day.isoformat(),
                   "last_day": rates.period.last_day.isoformat()},
        "formula": {"satisfaction_basic_weight": str(rates.basic_weight),
                    "score_weights": {k: str(Decimal(v.numerator) / Decimal(v.denominator))
                                      for k, v in score_weights().items()}},
        "total": rates.total.as_dict(),
        "by_organization": rows(rates.by_org),
        "by_community": rows(rates.by_community),
        "by_street": rows(rates.by_street),
        "counts": {
            "received": rates.received,
            "by_tier": {k: n for k, _label, n in rates.by_tier},
            "by_channel": {k: n for k, _label, n in rates.by_channel},
            "by_category": {k: n for k, n in rates.by_category},
        },
    }
