"""Reads of inspection rounds shared by the pages, the API and the dashboard: each route's periods (done, missed,
in progress, still open) and the coverage (rounds done ÷ rounds due) per estate and month (docs/inspection-rounds.md).

* A period is **due** in a month when it starts in that month, on or after the route's start, before the route was
  retired, and has ended by ``today``; a period still running counts only once its round is done (an early finish
  is not held against anyone, nor is a day not yet over).
* **Done**: its round was finished. **Missed**: due and not done (Beijing 物业管理条例 art. 88's 日常巡查 not walked).
* **Coverage** = done ÷ due; None when nothing was due (missing, not zero: it drops out of the assessment score).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from linli.facilities.models import Round, Route
from linli.facilities.rounds_services import next_period, period_end, period_start


@dataclass
class Period:
    route: Route
    start: datetime.date
    end: datetime.date
    round: Round | None

    @property
    def done(self) -> bool:
        return self.round is not None and self.round.status == Round.Status.DONE

    @property
    def out_of_order(self) -> bool:
        return self.round is not None and self.round.out_of_order


@dataclass
class Coverage:
    due: int = 0
    done: int = 0
    out_of_order: int = 0
    missed: list = field(default_factory=list)  # the missed periods

    @property
    def rate(self):
        from fractions import Fraction

        return Fraction(self.done, self.due) if self.due else None

    @property
    def percent(self) -> str:
        rate = self.rate
        return "—" if rate is None else f"{float(rate) * 100:.0f}%"

    def add(self, other: "Coverage") -> None:
        self.due += other.due
        self.done += other.done
        self.out_of_order += other.out_of_order
        self.missed += other.missed


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month.replace(day=1)
    return first, period_end(Route.Frequency.MONTHLY, first)


def _segment(route, frequency, since, until, first, last, rounds) -> list[Period]:
    """The periods of ``frequency`` starting between ``first`` and ``last``, from the one containing ``since`` and
    before ``until`` (None: open)."""
    out = []
    start = period_start(frequency, max(first, since))
    if start < first:
        start = next_period(frequency, start)
    while start <= last and (until is None or start < until):
        out.append(Period(route, start, period_end(frequency, start), rounds.get(start)))
        start = next_period(frequency, start)
    return out


def periods(route: Route, first: datetime.date, last: datetime.date, rounds: dict | None = None) -> list[Period]:
    """The route's periods starting between ``first`` and ``last`` (inclusive), under each schedule it had (its
    ``earlier_schedules``, then the current one from ``starts_on``), before it was retired; in date order."""
    if rounds is None:
        rounds = {r.period_start: r for r in route.rounds.filter(period_start__gte=first, period_start__lte=last)}
    out = []
    for old in route.earlier_schedules:
        until = datetime.date.fromisoformat(old["until"])
        if route.retired_on is not None:
            until = min(until, route.retired_on)
        out += _segment(route, old["frequency"], datetime.date.fromisoformat(old["from"]), until, first, last,
                        rounds)
    out += _segment(route, route.frequency, route.starts_on, route.retired_on, first, last, rounds)
    return sorted(out, key=lambda p: p.start)


def coverage_of_routes(routes, first: datetime.date, last: datetime.date,
                       today: datetime.date | None = None) -> dict[int, Coverage]:
    """Coverage per estate id of ``routes`` for the periods starting between ``first`` and ``last``."""
    today = today or timezone.localdate()
    routes = list(routes)
    by_route = defaultdict(dict)
    for r in Round.objects.filter(route__in=routes, period_start__gte=first, period_start__lte=last):
        by_route[r.route_id][r.period_start] = r
    out: dict[int, Coverage] = defaultdict(Coverage)
    for route in routes:
        for p in periods(route, first, last, by_route.get(route.pk, {})):
            c = out[route.estate_id]
            if p.done:
                c.due += 1
                c.done += 1
            elif p.end < today:
                c.due += 1
                c.missed.append(p)
            if p.out_of_order:
                c.out_of_order += 1
    return out


def estate_coverage(estate_ids, month: datetime.date, today: datetime.date | None = None) -> dict[int, Coverage]:
    """Coverage of each estate of ``estate_ids`` in ``month`` (estates without a route have none)."""
    first, last = month_bounds(month)
    routes = Route.objects.filter(estate_id__in=list(estate_ids)).select_related("estate")
    return dict(coverage_of_routes(routes, first, last, today))


def recent_periods(route: Route, days: int = 35, today: datetime.date | None = None) -> list[Period]:
    """The route's periods of the last ``days`` days, newest first (the estate page's list of rounds)."""
    today = today or timezone.localdate()
    return list(reversed(periods(route, today - datetime.timedelta(days=days), today)))
