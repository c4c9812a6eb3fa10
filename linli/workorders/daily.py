"""The daily summary of work orders: per local day and division, the counts and the rate numerators/denominators
that the dashboard (linli/dashboard) and the rates page read instead of the orders and their events.

Two tables (models.py): ``DailyFigures`` (received, repeats, closed, closed on time, by tier/channel/category, 12345
orders by estate) and ``DailyRates`` (the Tally of rates.py per organisation). Each holds one row per day for every
community, street and district that had something that day, with the same meaning as ``rates.division_orders_q``:
a community's row counts the orders whose community it is, a street's the orders whose street it is, a district's
the orders of its streets (the sum of its streets' rows). A fact is filed under the local day of what it counts: an
order under the day it was received (and the day it was closed), a dispatch and a callback under their own day —
so the figures of any run of whole days are sums of rows, and equal ``rates.compute`` for that period.

How it is kept (docs/dashboard-overview.md, "Summary"):

* ``refresh(now)`` — the periodic job (``tasks.refresh_summary``, every minute; the pages read what it wrote):
  the events after the watermark (``SummaryMark.last_event_id``) name the orders that changed; every day one of
  them touches (received, closed, each dispatch and callback) is recomputed for the streets of those orders, and so
  are the days of dispatches still inside their accept deadline once that deadline has passed. Only those
  (day, street) pieces are read again; the rest stays. Safe to run twice and concurrently (a row lock on the mark:
  a second caller finds it taken and leaves the work to the first).
* ``rebuild(since)`` — ``linli dashboard rebuild [--from DATE]``, the end of ``linli seed-orders`` and ``linli
  demo``: every day from ``since`` (default: the first order) to today, a month at a time.

An order whose street is changed afterwards to another one (never done by the services) leaves its old street's
rows as they were until the next rebuild.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Sum, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.dbrouter import reading_from_primary
from linli.people.models import Organization
from linli.places.models import Division
from linli.workorders import rates as rates_mod
from linli.workorders.models import (
    Channel,
    DailyFigures,
    DailyRates,
    Satisfaction,
    Status,
    SummaryMark,
    Tier,
    WorkOrder,
    WorkOrderEvent,
)

Event = WorkOrderEvent.Type
MARK = "workorders-daily"
REPEAT_DAYS = 30
RATE_FIELDS = ("dispatched", "responded", "pending", "visited", "solved", "satisfied", "basic", "unsatisfied")
TOUCHING = (Event.DISPATCH, Event.ESCALATE, Event.VISIT)


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# -- accumulating one area's day ------------------------------------------------------------------------------


@dataclass
class Figures:
    """What a DailyFigures row holds, while it is being added up."""

    received: int = 0
    repeat: int = 0
    closed: int = 0
    on_time: int = 0
    by_tier: Counter = field(default_factory=Counter)
    by_channel: Counter = field(default_factory=Counter)
    by_category: Counter = field(default_factory=Counter)
    hotline_by_estate: Counter = field(default_factory=Counter)

    def add(self, other: Figures) -> None:
        for name in ("received", "repeat", "closed", "on_time"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("by_tier", "by_channel", "by_category", "hotline_by_estate"):
            getattr(self, name).update(getattr(other, name))

    def empty(self) -> bool:
        return not (self.received or self.closed)


def _new_rate() -> list:
    return [0] * len(RATE_FIELDS) + [None]  # the counters, then the earliest pending deadline


def _add_rate(into: list, other: list) -> None:
    for i in range(len(RATE_FIELDS)):
        into[i] += other[i]
    if other[-1] is not None and (into[-1] is None or other[-1] < into[-1]):
        into[-1] = other[-1]


class Leaves:
    """The facts of a run of days, per (day, street, community) of the orders: the pieces the rows are sums of."""

    def __init__(self):
        self.figures: dict[tuple, Figures] = defaultdict(Figures)
        self.rates: dict[tuple, dict] = defaultdict(lambda: defaultdict(_new_rate))

    def rows(self, streets: set[int], communities: set[int]):
        """{(day, division_id): Figures} and {(day, division_id): {org_id: counters}} for the given divisions."""
        figures: dict[tuple, Figures] = defaultdict(Figures)
        tallies: dict[tuple, dict] = defaultdict(lambda: defaultdict(_new_rate))
        for (day, street_id, community_id), fig in self.figures.items():
            for division_id in _owners(street_id, community_id, streets, communities):
                figures[day, division_id].add(fig)
        for (day, street_id, community_id), by_org in self.rates.items():
            for division_id in _owners(street_id, community_id, streets, communities):
                for org_id, counters in by_org.items():
                    _add_rate(tallies[day, division_id][org_id], counters)
        return figures, tallies


def _owners(street_id, community_id, streets, communities):
    if street_id is not None and street_id in streets:
        yield street_id
    if community_id is not None and community_id in communities:
        yield community_id


def _area_q(streets: set[int] | None, communities: set[int] | None, prefix: str = "") -> Q:
    if streets is None:
        return Q(**{f"{prefix}street_id__isnull": False}) | Q(**{f"{prefix}community_id__isnull": False})
    return Q(**{f"{prefix}street_id__in": sorted(streets)}) | Q(**{f"{prefix}community_id__in": sorted(communities)})


def _collect(first: datetime.date, last: datetime.date, streets: set[int] | None, communities: set[int] | None,
             now: datetime.datetime) -> Leaves:
    """Read the orders and events of days ``first``..``last`` (local) in the area, as leaves."""
    start, end = day_start(first), day_start(last + datetime.timedelta(days=1))
    tz = timezone.get_current_timezone()
    leaves = Leaves()
    area = _area_q(streets, communities)

    # Received that day: a repeat is an order merged into another (duplicate_of) or one whose home reported the same
    # category in the 30 days before it.
    earlier = WorkOrder.objects.filter(
        home_id=OuterRef("home_id"), category=OuterRef("category"), received_at__lt=OuterRef("received_at"),
        received_at__gte=OuterRef("received_at") - datetime.timedelta(days=REPEAT_DAYS))
    received = (WorkOrder.objects.filter(area, received_at__gte=start, received_at__lt=end)
                .annotate(is_repeat=Case(When(Q(duplicate_of__isnull=False) | (
                    Q(home__isnull=False) & ~Q(category="") & Q(Exists(earlier))), then=Value(1)), default=Value(0),
                    output_field=IntegerField()),
                    rday=TruncDate("received_at", tzinfo=tz))
                .values_list("rday", "street_id", "community_id", "tier", "channel", "category")
                .annotate(n=Count("pk"), rep=Sum("is_repeat")).order_by())
    for day, street_id, community_id, tier, channel, category, n, rep in received:
        fig = leaves.figures[day, street_id, community_id]
        fig.received += n
        fig.repeat += rep or 0
        fig.by_tier[tier] += n
        fig.by_channel[channel] += n
        fig.by_category[category] += n
    hotline = (WorkOrder.objects.filter(area, received_at__gte=start, received_at__lt=end, channel=Channel.HOTLINE,
                                        estate__isnull=False)
               .annotate(rday=TruncDate("received_at", tzinfo=tz))
               .values_list("rday", "street_id", "community_id", "estate_id").annotate(n=Count("pk")).order_by())
    for day, street_id, community_id, estate_id, n in hotline:
        leaves.figures[day, street_id, community_id].hotline_by_estate[str(estate_id)] += n

    # Closed that day (结案), and of those the ones replied (办结) within their reply deadline.
    on_time = Q(replied_at__isnull=False) & (Q(reply_due__isnull=True) | Q(replied_at__lte=F("reply_due")))
    closed = (WorkOrder.objects.filter(area, status=Status.CLOSED, closed_at__gte=start, closed_at__lt=end)
              .annotate(cday=TruncDate("closed_at", tzinfo=tz))
              .values_list("cday", "street_id", "community_id")
              .annotate(n=Count("pk"), ok=Count("pk", filter=on_time)).order_by())
    for day, street_id, community_id, n, ok in closed:
        fig = leaves.figures[day, street_id, community_id]
        fig.closed += n
        fig.on_time += ok

    # Dispatches and callbacks of those days, walked exactly as rates.compute walks them.
    period = rates_mod.period_of_days(first, last)
    rows, stream, places = rates_mod.event_rows(_area_q(streets, communities, "order__"), period, now,
                                                ("order__street_id", "order__community_id"))

    with transaction.atomic(using=rows.db):
        rates_mod._settings_for_a_report(rows.db)
        for order_id, org_id, kind, value, at, due in rates_mod.tally_events(stream, period, now, with_time=True):
            street_id, community_id = places[order_id]
            counters = leaves.rates[local_day(at), street_id, community_id][org_id]
            _count(counters, kind, value, due)
    return leaves


def _count(counters: list, kind: str, value, due) -> None:
    """Add one fact of ``rates.tally_events`` to a row's counters (as rates._apply adds it to a Tally)."""
    if kind == "dispatch":
        if value is None:
            counters[2] += 1
            if due is not None and (counters[-1] is None or due < counters[-1]):
                counters[-1] = due
        else:
            counters[0] += 1
            counters[1] += 1 if value else 0
        return
    solved, sat = value
    counters[3] += 1
    counters[4] += 1 if solved is True else 0
    if sat == Satisfaction.SATISFIED:
        counters[5] += 1
    elif sat == Satisfaction.BASIC:
        counters[6] += 1
    elif sat == Satisfaction.UNSATISFIED:
        counters[7] += 1


# -- writing the rows ------------------------------------------------------------------------------------------


def _communities_of(streets: set[int]) -> set[int]:
    return set(Division.objects.filter(level=Division.Level.COMMUNITY, parent_id__in=sorted(streets))
               .values_list("pk", flat=True))


def _districts_of(streets: set[int]) -> set[int]:
    return set(Division.objects.filter(pk__in=sorted(streets), parent__isnull=False)
               .values_list("parent_id", flat=True))


def recompute(first: datetime.date, last: datetime.date, streets: set[int] | None = None, *,
              now: datetime.datetime | None = None) -> int:
    """Rewrite the rows of days ``first``..``last`` for ``streets`` (ids; None = all), their communities and their
    districts, from the orders and events; returns the number of rows written."""
    now = now or timezone.now()
    if streets is None:
        streets = set(Division.objects.filter(level=Division.Level.STREET).values_list("pk", flat=True))
        communities = _communities_of(streets)
        leaves = _collect(first, last, None, None, now)
    else:
        streets = set(streets)
        if not streets:
            return 0
        communities = _communities_of(streets)
        leaves = _collect(first, last, streets, communities, now)
    # Communities that had orders of these streets though the tree puts them elsewhere get their own row too.
    for _day, street_id, community_id in list(leaves.figures) + list(leaves.rates):
        if street_id in streets and community_id is not None:
            communities.add(community_id)
    figures, tallies = leaves.rows(streets, communities)
    divisions = sorted(streets | communities)
    written = 0
    with transaction.atomic():
        DailyFigures.objects.filter(day__gte=first, day__lte=last, division_id__in=divisions).delete()
        DailyRates.objects.filter(day__gte=first, day__lte=last, division_id__in=divisions).delete()
        written += _write(figures, tallies)
        written += _write_districts(first, last, _districts_of(streets))
    return written


def _write(figures: dict, tallies: dict) -> int:
    fig_rows = [DailyFigures(day=day, division_id=division_id, received=f.received, repeat=f.repeat, closed=f.closed,
                             on_time=f.on_time, by_tier=dict(f.by_tier), by_channel=dict(f.by_channel),
                             by_category=dict(f.by_category), hotline_by_estate=dict(f.hotline_by_estate))
                for (day, division_id), f in figures.items() if not f.empty()]
    rate_rows = [DailyRates(day=day, division_id=division_id, org_id=org_id, pending_due=c[-1],
                            **dict(zip(RATE_FIELDS, c[:-1], strict=True)))
                 for (day, division_id), by_org in tallies.items() for org_id, c in by_org.items() if any(c[:-1])]
    DailyFigures.objects.bulk_create(fig_rows, batch_size=2000)
    DailyRates.objects.bulk_create(rate_rows, batch_size=2000)
    return len(fig_rows) + len(rate_rows)


def _write_districts(first: datetime.date, last: datetime.date, districts: set[int]) -> int:
    """A district's rows are the sums of its streets' rows (rates.division_orders_q: the orders of its streets)."""
    if not districts:
        return 0
    street_of = dict(Division.objects.filter(level=Division.Level.STREET, parent_id__in=sorted(districts))
                     .values_list("pk", "parent_id"))
    DailyFigures.objects.filter(day__gte=first, day__lte=last, division_id__in=sorted(districts)).delete()
    DailyRates.objects.filter(day__gte=first, day__lte=last, division_id__in=sorted(districts)).delete()
    figures: dict[tuple, Figures] = defaultdict(Figures)
    for row in DailyFigures.objects.filter(day__gte=first, day__lte=last, division_id__in=list(street_of)):
        figures[row.day, street_of[row.division_id]].add(as_figures(row))
    tallies: dict[tuple, dict] = defaultdict(lambda: defaultdict(_new_rate))
    for row in DailyRates.objects.filter(day__gte=first, day__lte=last, division_id__in=list(street_of)):
        _add_rate(tallies[row.day, street_of[row.division_id]][row.org_id],
                  [getattr(row, f) for f in RATE_FIELDS] + [row.pending_due])
    return _write(figures, tallies)


def as_figures(row: DailyFigures) -> Figures:
    return Figures(row.received, row.repeat, row.closed, row.on_time, Counter(row.by_tier), Counter(row.by_channel),
                   Counter(row.by_category), Counter(row.hotline_by_estate))


# -- keeping it current ------------------------------------------------------------------------------------------


def _street_of(street_id, community_id, parents: dict) -> int | None:
    return street_id if street_id is not None else parents.get(community_id)


def dirty_pieces(after_id: int, up_to_id: int, now: datetime.datetime) -> dict[datetime.date, set[int]]:
    """{day: street ids} to recompute: the days touched by the orders that have events in (after_id, up_to_id],
    and the days of dispatches whose accept deadline has passed while they were counted as pending."""
    pieces: dict[datetime.date, set[int]] = defaultdict(set)
    orders = WorkOrderEvent.objects.filter(pk__gt=after_id, pk__lte=up_to_id).values("order_id")
    parents = {}
    info = list(WorkOrder.objects.filter(pk__in=orders).values_list("pk", "street_id", "community_id", "received_at",
                                                                     "closed_at")) if up_to_id > after_id else []
    missing = {c for _pk, s, c, _r, _c in info if s is None and c is not None}
    if missing:
        parents = dict(Division.objects.filter(pk__in=missing).values_list("pk", "parent_id"))
    street_by_order = {}
    for pk, street_id, community_id, received_at, closed_at in info:
        street = _street_of(street_id, community_id, parents)
        if street is None:
            continue
        street_by_order[pk] = street
        pieces[local_day(received_at)].add(street)
        if closed_at:
            pieces[local_day(closed_at)].add(street)
    if street_by_order:
        for order_id, at in WorkOrderEvent.objects.filter(order_id__in=list(street_by_order), kind__in=TOUCHING
                                                          ).values_list("order_id", "at"):
            pieces[local_day(at)].add(street_by_order[order_id])
    stale = (DailyRates.objects.filter(pending__gt=0, pending_due__lt=now,
                                       division__level=Division.Level.STREET)
             .values_list("day", "division_id").distinct())
    for day, street in stale:
        pieces[day].add(street)
    return pieces


def refresh(*, now: datetime.datetime | None = None, wait: bool = True) -> dict:
    """Bring the summary up to the last event (the job and the pages). ``wait=False``: if another process is
    refreshing, return at once ({"busy": True}) and let it finish. Before the first rebuild there is nothing to
    keep current: {"built": False}."""
    now = now or timezone.now()
    with reading_from_primary(), transaction.atomic():
        marks = SummaryMark.objects.select_for_update(nowait=False, skip_locked=not wait).filter(name=MARK)
        mark = marks.first()
        if mark is None:
            if SummaryMark.objects.filter(name=MARK).exists():
                return {"busy": True}
            return {"built": False}
        up_to = WorkOrderEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        pieces = dirty_pieces(mark.last_event_id, up_to, now)
        written = 0
        for day in sorted(pieces):
            written += recompute(day, day, pieces[day], now=now)
        if pieces or up_to > mark.last_event_id:  # nothing new: no write (the pages call this on every view)
            mark.last_event_id = max(mark.last_event_id, up_to)
            mark.refreshed_at = now
            mark.save(update_fields=["last_event_id", "refreshed_at"])
    return {"days": len(pieces), "pieces": sum(len(s) for s in pieces.values()), "rows": written,
            "last_event_id": mark.last_event_id}


def rebuild(*, since: datetime.date | None = None, until: datetime.date | None = None,
            now: datetime.datetime | None = None, log=None) -> dict:
    """Rewrite every row from ``since`` (default: the day of the first order) to ``until`` (default: today), a
    month at a time, and set the watermark to the last event. With ``until`` (a range) the days outside it stay
    as they are and so does the watermark of a summary already built (the job recomputes whatever later events
    touch); a first build of a range only fills that range (the bench's months, docs/dashboard-overview.md)."""
    now = now or timezone.now()
    today = local_day(now)
    if since is None:
        first = WorkOrder.objects.order_by("received_at").values_list("received_at", flat=True).first()
        since = local_day(first) if first else today
    # Up to today, or to the last event's day when some were written with a later time (imports, tests).
    latest = WorkOrderEvent.objects.order_by("-at").values_list("at", flat=True).first()
    today = max(today, local_day(latest)) if latest else today
    if until is not None:
        today = min(today, until)
    with reading_from_primary(), transaction.atomic():
        mark, _created = SummaryMark.objects.select_for_update().get_or_create(name=MARK)
        up_to = WorkOrderEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        DailyFigures.objects.filter(day__gte=since, day__lte=today).delete()
        DailyRates.objects.filter(day__gte=since, day__lte=today).delete()
        written, day = 0, since
        while day <= today:
            month_end = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
            last = min(month_end, today)
            written += recompute(day, last, None, now=now)
            if log:
                log(f"{day:%Y-%m}: {written} rows")
            day = last + datetime.timedelta(days=1)
        if until is None or mark.last_event_id == 0:
            mark.last_event_id = up_to
        mark.refreshed_at = mark.rebuilt_at = now
        mark.save()
    return {"since": since.isoformat(), "rows": written, "last_event_id": up_to}


def is_built() -> bool:
    return SummaryMark.objects.filter(name=MARK).exists()


# -- reading -------------------------------------------------------------------------------------------------------


def figures_of(division_ids: list[int], first: datetime.date, last: datetime.date) -> Figures:
    """The DailyFigures of ``division_ids`` (disjoint divisions) over the days, added up."""
    total = Figures()
    for row in DailyFigures.objects.filter(division_id__in=division_ids, day__gte=first, day__lte=last):
        total.add(as_figures(row))
    return total


def figures_by_day(division_ids: list[int], first: datetime.date, last: datetime.date) -> dict[datetime.date, int]:
    """Orders received per day."""
    return dict(DailyFigures.objects.filter(division_id__in=division_ids, day__gte=first, day__lte=last, received__gt=0)
                .values_list("day").annotate(n=Sum("received")).order_by())


def tallies(division_ids: list[int], first: datetime.date, last: datetime.date, by: str) -> dict:
    """{key: rates.Tally} over the days, ``by`` "org" or "division" (or "" for one total under the key None)."""
    qs = DailyRates.objects.filter(division_id__in=division_ids, day__gte=first, day__lte=last)
    sums = {f: Sum(f) for f in RATE_FIELDS}
    if by:
        rows = qs.values_list({"org": "org_id", "division": "division_id"}[by]).annotate(**sums).order_by()
    else:
        total = qs.aggregate(**sums)
        rows = [(None, *(total[f] for f in RATE_FIELDS))]
    out = {}
    for key, *counts in rows:
        out[key] = rates_mod.Tally(**{f: n or 0 for f, n in zip(RATE_FIELDS, counts, strict=True)})
    return out


def compute(division: Division, period: rates_mod.Period) -> rates_mod.Rates:
    """``rates.compute(division, period)`` read from the summary (the same Rates, the same figures once
    ``refresh`` has run at the same time)."""
    first, last = period.first_day, period.last_day
    own = [division.pk]
    total = tallies(own, first, last, "").get(None) or rates_mod.Tally()
    by_org = tallies(own, first, last, "org")
    orgs = {o.pk: o for o in Organization.objects.filter(pk__in=[k for k in by_org if k])}
    org_rows = [rates_mod.Row(k, str(orgs[k]) if k in orgs else _("（未派单）"), t) for k, t in by_org.items()]
    org_rows.sort(key=lambda r: (r.key is None, r.name))
    if division.level == Division.Level.COMMUNITY:
        communities = [division]
        street_list = [division.parent] if division.parent_id else []
    else:
        communities = list(Division.objects.filter(level=Division.Level.COMMUNITY, path__startswith=division.path))
        street_list = ([division] if division.level == Division.Level.STREET else
                       list(Division.objects.filter(level=Division.Level.STREET, path__startswith=division.path)))
    by_comm = tallies([c.pk for c in communities], first, last, "division") if division.level != "community" else {
        division.pk: total}
    comm_rows = [rates_mod.Row(c.pk, c.name, by_comm.get(c.pk, rates_mod.Tally()), c.code) for c in communities]
    if division.level != Division.Level.COMMUNITY:
        # The orders of the division without a community: the division's total less its communities'.
        rest = rates_mod.Tally(**{f: getattr(total, f) - sum(getattr(t, f) for t in by_comm.values())
                                  for f in RATE_FIELDS})
        if any(getattr(rest, f) for f in RATE_FIELDS):
            comm_rows.append(rates_mod.Row(None, _("（无社区）"), rest))
    if division.level == Division.Level.DISTRICT:
        by_street = tallies([s.pk for s in street_list], first, last, "division")
    else:
        by_street = {s.pk: total for s in street_list}
    street_rows = [rates_mod.Row(s.pk, s.name, by_street.get(s.pk, rates_mod.Tally()), s.code) for s in street_list]
    fig = figures_of(own, first, last)
    categories = sorted(((c, n) for c, n in fig.by_category.items() if n), key=lambda item: (-item[1], item[0]))
    return rates_mod.Rates(
        division=division, period=period, total=total, by_org=org_rows, by_community=comm_rows, by_street=street_rows,
        received=fig.received,
        by_tier=[(t.value, str(t.label), fig.by_tier.get(t.value, 0)) for t in Tier],
        by_channel=[(c.value, str(c.label), fig.by_channel[c.value]) for c in Channel if fig.by_channel.get(c.value)],
        by_category=[(c or _("（未分类）"), n) for c, n in categories],
    )


def current_rates(division: Division, period: rates_mod.Period) -> rates_mod.Rates:
    """What the rates page and endpoint show: from the summary once it is built — the figures ``rates.compute``
    gave at the job's last run, at most a minute ago — else ``rates.compute`` from the events. (A page does not
    catch up itself: at city scale a minute's settled dispatches are seconds of work, the job's, not a reader's.)"""
    if not is_built():
        return rates_mod.compute(division, period)
    return compute(division, period)


def as_of() -> datetime.datetime | None:
    """When the summary was last brought up to date (None before the first rebuild)."""
    return SummaryMark.objects.filter(name=MARK).values_list("refreshed_at", flat=True).first()
