"""The figures of the leaders' overview (issue 17 item 1), for an area and a period (docs/dashboard-overview.md).

An *area* is what a user serves: one division (a district, street or community) or, for a user who serves several
districts (a city), all of them. Every figure is limited to the area and to what the user may see (``visible_to``),
and carries the link to the list behind it, filtered.

Where each figure comes from:

* work orders received (trend, by channel, category, tier), repeats, on-time closing, 12345 orders per estate, and
  the 响应率/解决率/满意率: the daily summary (``linli.workorders.daily``), a handful of rows per division and
  day whatever the city's size — never the orders themselves;
* backlog by status and overdue now: the work-in-hand summary kept by the work-order services
  (``workorders.selectors.work_in_hand``);
* coverage: ``places.selectors.coverage``; fees: ``fees.selectors.collection``/``collection_by_estate``/``trend``;
  owners' decisions, volunteers, wishes and care visits: their apps' models through ``visible_to``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.assembly.models import Motion
from linli.care.models import VisitPlan
from linli.care.permissions import is_care_user
from linli.core.memo import Memo
from linli.fees import selectors as fees
from linli.fees.permissions import reads_fees
from linli.people.scopes import scope_for
from linli.places.models import Division, Estate, Stewardship
from linli.places.selectors import coverage, homes_per_estate
from linli.triage.labels import category_label
from linli.volunteers.models import Participation, PointsEntry, Wish
from linli.workorders import daily
from linli.workorders import rates as rates_mod
from linli.workorders.models import ACTIVE_STATUSES, Channel, Status, Tier, WorkOrder
from linli.workorders.selectors import work_in_hand

PERCENT = Decimal("0.1")

# Current-state figures read from big tables, kept per process for a short while (docs/dashboard-overview.md):
# the work in hand of a district is hundreds of thousands of rows until the work-in-hand summary of linli/workorders
# (issue 13) lands; coverage counts every home of the area. Keyed by user and area: what a user sees is theirs.
backlog_memo = Memo("dashboard backlog", ttl=60, watch=["workorders.WorkOrder"])
coverage_memo = Memo("dashboard coverage", ttl=300, watch=["places.Estate", "places.Home", "places.Stewardship"])


# -- areas and periods --------------------------------------------------------------------------------------------


@dataclass
class Area:
    """What a dashboard covers: one division, or every top division of a user who serves several (a city)."""

    divisions: list[Division]
    code: str  # the division's code, or "" for the whole of what the user serves

    @property
    def name(self) -> str:
        return self.divisions[0].name if len(self.divisions) == 1 else _("全市")

    @property
    def level(self) -> str:
        return self.divisions[0].level if len(self.divisions) == 1 else "city"

    @property
    def paths(self) -> list[str]:
        return [d.path for d in self.divisions]

    def estates(self, user):
        q = Q()
        for path in self.paths:
            q |= Q(community__path__startswith=path)
        return Estate.objects.visible_to(user).filter(q)


def top_divisions(user) -> list[Division]:
    """The divisions a user serves as staff, the highest ones (a street admin: their street)."""
    scope = scope_for(user)
    if not scope.is_staff_member or not scope.paths:
        return []
    paths = sorted(scope.paths)
    tops = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
    return list(Division.objects.filter(path__in=tops).order_by("path"))


def area_for(user, code: str | None) -> Area | None:
    """The area of ``code`` (a division under what the user serves) or the user's top area; None if not theirs."""
    tops = top_divisions(user)
    if not tops:
        return None
    if not code:
        return Area(tops, tops[0].code if len(tops) == 1 else "")
    division = Division.objects.filter(code=code).first()
    if division is None or not any(division.path.startswith(t.path) for t in tops):
        return None
    return Area([division], division.code)


def parse_period(text: str | None, *, today: datetime.date | None = None) -> rates_mod.Period:
    """``rates.parse_period`` (month by default, quarter, year, range of days) plus one day ``2026-11-05`` and an
    ISO week ``2026-W48``."""
    text = (text or "").strip().upper()
    # A 30 February or a week 60 is told in the words of rates.parse_period, not Python's ("day is out of range").
    unreadable = _("无法识别的统计期间：%(p)s；可用 2026-11、2026-Q4、2026 或 2026-11-01..2026-11-15") % {"p": text}
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            raise ValueError(unreadable) from None
        return rates_mod.period_of_days(day, day, text)
    if m := re.fullmatch(r"(\d{4})-?W(\d{1,2})", text):
        try:
            monday = datetime.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError:
            raise ValueError(unreadable) from None
        return rates_mod.period_of_days(monday, monday + datetime.timedelta(days=6), f"{m[1]}-W{int(m[2]):02d}")
    return rates_mod.parse_period(text, today=today)


def year_before(period: rates_mod.Period) -> tuple[datetime.date, datetime.date]:
    def back(day):
        try:
            return day.replace(year=day.year - 1)
        except ValueError:  # 29 February
            return day.replace(year=day.year - 1, day=28)
    return back(period.first_day), back(period.last_day)


def shortcuts(today: datetime.date) -> list[tuple[str, str]]:
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    iso = today.isocalendar()
    return [(today.isoformat(), _("今天")), (f"{iso.year}-W{iso.week:02d}", _("本周")), (f"{today:%Y-%m}", _("本月")),
            (f"{last_month:%Y-%m}", _("上月")), (str(today.year), _("本年"))]


# -- helpers -------------------------------------------------------------------------------------------------------


def pct(num, den) -> Decimal | None:
    """A share as a percentage with one decimal (87.5), None when there is nothing to divide."""
    if not den:
        return None
    return (Decimal(num) * 100 / Decimal(den)).quantize(PERCENT, rounding=ROUND_HALF_UP)


def rate_pct(value: Decimal | None) -> Decimal | None:
    return None if value is None else (value * 100).quantize(PERCENT, rounding=ROUND_HALF_UP)


def link(name: str, *args, **params) -> str:
    params = {k: v for k, v in params.items() if v not in (None, "")}
    return reverse(name, args=args) + (f"?{urlencode(params)}" if params else "")


def orders_link(area: Area, period: rates_mod.Period | None = None, **params) -> str:
    """The staff inbox (all tabs) filtered to the area and, if given, the days of the period."""
    if period is not None:
        params.update(since=period.first_day.isoformat(), until=period.last_day.isoformat())
    return link("workorders:inbox", tab="all", division=area.code, **params)


@dataclass
class Figures:
    """Everything the overview shows for one area and period (also the JSON of the API, ``as_dict``)."""

    area: Area
    period: rates_mod.Period
    orders: dict = field(default_factory=dict)
    backlog: dict = field(default_factory=dict)
    hotline: dict = field(default_factory=dict)
    coverage: dict = field(default_factory=dict)
    fees: dict = field(default_factory=dict)
    decisions: dict = field(default_factory=dict)
    volunteers: dict = field(default_factory=dict)
    wishes: dict = field(default_factory=dict)
    care: dict = field(default_factory=dict)
    children: list = field(default_factory=list)
    as_of: datetime.datetime | None = None  # when the daily summary the work-order figures read was brought up to date


MAP_POINTS = 3000  # the estates drawn on the map at most (a city has about 2,500)


# -- work orders (from the daily summary) --------------------------------------------------------------------------


def _trend_days(period) -> list[datetime.date]:
    """The days of the period up to today (the rest of this month has nothing yet)."""
    last = min(period.last_day, max(timezone.localdate(), period.first_day))
    n = (last - period.first_day).days + 1
    return [period.first_day + datetime.timedelta(days=i) for i in range(n)]


def _bucket(day: datetime.date, monthly: bool) -> str:
    return f"{day:%Y-%m}" if monthly else f"{day:%m-%d}"


def work_orders(area: Area, period) -> dict:
    ids = [d.pk for d in area.divisions]
    first, last = period.first_day, period.last_day
    fig = daily.figures_of(ids, first, last)
    ly_first, ly_last = year_before(period)
    last_year = daily.figures_of(ids, ly_first, ly_last)
    # Per day for up to two months, else per month; the same days a year earlier beside them.
    monthly = (last - first).days > 62
    this_days = daily.figures_by_day(ids, first, last)
    ly_days = daily.figures_by_day(ids, ly_first, ly_last)
    buckets: dict[str, list] = {}
    for day in _trend_days(period):
        key = _bucket(day, monthly)
        b = buckets.setdefault(key, [0, 0, day, day])
        b[0] += this_days.get(day, 0)
        b[3] = day
    for day, n in ly_days.items():
        try:
            shifted = day.replace(year=day.year + 1)
        except ValueError:
            shifted = day.replace(year=day.year + 1, day=28)
        key = _bucket(shifted, monthly)
        if key in buckets:
            buckets[key][1] += n
    trend = [{"label": key, "count": b[0], "last_year": b[1],
              "url": orders_link(area, rates_mod.period_of_days(b[2], b[3]))} for key, b in buckets.items()]
    tally = daily.tallies(ids, first, last, "").get(None) or rates_mod.Tally()
    channels = {c.value: str(c.label) for c in Channel}
    tiers = {t.value: str(t.label) for t in Tier}
    by_channel = [{"key": k, "label": channels.get(k, k), "count": n, "url": orders_link(area, period, channel=k)}
                  for k, n in sorted(fig.by_channel.items(), key=lambda kv: (-kv[1], kv[0])) if n]
    by_category = [{"key": k, "label": category_label(k) if k else _("（未分类）"), "count": n,
                    "url": orders_link(area, period, category=k) if k else orders_link(area, period)}
                   for k, n in sorted(fig.by_category.items(), key=lambda kv: (-kv[1], kv[0])) if n]
    by_tier = [{"key": t, "label": label, "count": fig.by_tier.get(t, 0), "url": orders_link(area, period, tier=t)}
               for t, label in tiers.items()]
    return {
        "received": fig.received, "received_last_year": last_year.received,
        "change": pct(fig.received - last_year.received, last_year.received),
        "url": orders_link(area, period),
        "trend": trend, "trend_unit": "month" if monthly else "day",
        "by_channel": by_channel, "by_category": by_category[:12], "by_tier": by_tier,
        "repeat": fig.repeat, "repeat_rate": pct(fig.repeat, fig.received),
        "closed": fig.closed, "on_time": fig.on_time, "on_time_rate": pct(fig.on_time, fig.closed),
        "rates": {"response": rate_pct(tally.response_rate), "resolution": rate_pct(tally.resolution_rate),
                  "satisfaction": rate_pct(tally.satisfaction_rate), "score": tally.score,
                  "dispatched": tally.dispatched, "responded": tally.responded, "pending": tally.pending,
                  "visited": tally.visited, "solved": tally.solved, "rated": tally.rated,
                  "url": link("workorders:rates_division", area.divisions[0].code, period=period.key)
                  if len(area.divisions) == 1 else link("workorders:rates", period=period.key)},
        "hotline_by_estate": dict(fig.hotline_by_estate),
    }


def backlog(user, area: Area) -> dict:
    """Work in hand now by status, and overdue, in the area (at most a minute old: ``backlog_memo``)."""
    return backlog_memo.get((user.pk, area.code, tuple(area.paths)), lambda: _backlog(user, area))


def _backlog(user, area: Area) -> dict:
    """The work in hand of the area's divisions by status and overdue flag, from the work-in-hand summary that the
    services keep (``workorders.selectors.work_in_hand``: one statement per division of the area, never a count of
    the orders). The area is one the user serves (``area_for``), so everything in it is theirs to see."""
    by_status: dict[str, int] = {}
    overdue = 0
    for division in area.divisions:
        for (status, is_overdue), n in work_in_hand(division, by=("status", "overdue")).items():
            by_status[status] = by_status.get(status, 0) + n
            overdue += n if is_overdue else 0
    labels = dict(Status.choices)
    rows = [{"key": s, "label": str(labels[s]), "count": by_status.get(s, 0),
             "url": link("workorders:inbox", tab="all", division=area.code, status=s)} for s in ACTIVE_STATUSES]
    return {"total": sum(by_status.values()), "by_status": rows, "overdue": overdue,
            "overdue_url": link("workorders:inbox", tab="overdue", division=area.code)}


def hotline_per_homes(user, area: Area, period, hotline_by_estate: dict, *, limit: int = 15) -> dict:
    """12345 orders per 100 homes per estate in the period (seed 000), the worst first, with each estate's count in
    the same number of days before and after its last change of manager (Stewardship) when one falls in the year."""
    counts = {int(k): n for k, n in hotline_by_estate.items() if n}
    estates = {e.pk: e for e in area.estates(user).filter(pk__in=list(counts)).select_related("community")}
    # Homes per estate from the registry's count per area (memoised a minute per process and shared with the
    # coverage figures: one count of the area's homes per overview, not two).
    homes: dict[int, int] = {}
    for path in area.paths:
        homes.update(homes_per_estate(path))
    rows = []
    for pk, n in counts.items():
        if pk not in estates or not homes.get(pk):
            continue
        rows.append({"estate": estates[pk], "name": estates[pk].name, "id": pk, "count": n, "homes": homes[pk],
                     "per_100": (Decimal(n) * 100 / homes[pk]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
                     "url": link("workorders:inbox", tab="all", estate=pk, channel=Channel.HOTLINE,
                                 since=period.first_day.isoformat(), until=period.last_day.isoformat()),
                     "page": link("dashboard:estate", pk, period=period.key)})
    rows.sort(key=lambda r: (-r["per_100"], r["name"]))
    # Every estate of the area that has coordinates, for the map (an estate without 12345 orders is a 0).
    per_100 = {r["id"]: r["per_100"] for r in rows}
    points = [{"id": pk, "name": name, "longitude": lon, "latitude": lat, "per_100": per_100.get(pk, Decimal(0)),
               "url": link("dashboard:estate", pk, period=period.key)}
              for pk, name, lon, lat in area.estates(user).filter(longitude__isnull=False, latitude__isnull=False)
              .order_by("pk").values_list("pk", "name", "longitude", "latitude")[:MAP_POINTS]]
    rows = rows[:limit]
    # Before / after the last change of manager in the past year, for the estates listed.
    year_ago = period.last_day - datetime.timedelta(days=365)
    # A change is a record that follows another one (an estate's first record is not a change of manager).
    changes, first_seen = {}, set()
    for s in (Stewardship.objects.live().filter(estate_id__in=[r["id"] for r in rows], start__lte=period.last_day)
              .order_by("estate_id", "start", "pk")):
        if s.estate_id in first_seen and s.start > year_ago:
            changes[s.estate_id] = s
        first_seen.add(s.estate_id)
    windows = {}
    for row in rows:
        change = changes.get(row["id"])
        days = min(90, (period.last_day - change.start).days + 1) if change is not None else 0
        if days >= 7:
            windows[row["id"]] = (change, days)
    # The 12345 orders of those estates around their changes, in one statement (not two per estate).
    days_of: dict[int, list[datetime.date]] = {}
    if windows:
        lo = min(c.start - datetime.timedelta(days=d) for c, d in windows.values())
        hi = max(c.start + datetime.timedelta(days=d) for c, d in windows.values())
        for estate_id, received_at in (WorkOrder.objects.filter(
                estate_id__in=list(windows), channel=Channel.HOTLINE, received_at__gte=daily.day_start(lo),
                received_at__lt=daily.day_start(hi)).order_by().values_list("estate_id", "received_at")):
            days_of.setdefault(estate_id, []).append(daily.local_day(received_at))
    for row in rows:
        if row["id"] not in windows:
            continue
        change, days = windows[row["id"]]
        seen = days_of.get(row["id"], [])
        before = sum(1 for d in seen if change.start - datetime.timedelta(days=days) <= d < change.start)
        after = sum(1 for d in seen if change.start <= d < change.start + datetime.timedelta(days=days))
        row["change"] = {"on": change.start, "mode": change.get_mode_display(), "days": days, "before": before,
                         "after": after}
    # The area's figure (per 100 homes of the whole area) is set by ``overview`` from the coverage's home count.
    return {"rows": rows, "total": sum(counts.values()), "changed": any("change" in r for r in rows),
            "points": points, "per_100": None}


# -- the other apps ------------------------------------------------------------------------------------------------


def coverage_figures(user, area: Area) -> dict:
    """Coverage of the area (at most five minutes old: ``coverage_memo``; the registry changes rarely)."""
    return coverage_memo.get((user.pk, area.code, tuple(area.paths)), lambda: _coverage_figures(user, area))


def _coverage_figures(user, area: Area) -> dict:
    result = {"homes": 0, "managed": 0, "by_mode": {}, "unmanaged": [], "estates": 0}
    labels = dict(Stewardship.Mode.choices)
    for division in area.divisions:
        cov = coverage(division, estates=Estate.objects.visible_to(user))
        result["homes"] += cov.homes_total
        result["estates"] += cov.estates_total
        result["managed"] += cov.professional_homes
        for mode, homes in cov.homes_by_mode.items():
            key = mode or "unknown"
            result["by_mode"][key] = result["by_mode"].get(key, 0) + homes
        result["unmanaged"] += [{"name": e.name, "community": e.community.name, "homes": e.home_count, "id": e.pk}
                                for e in cov.unmanaged]
    result["share"] = pct(result["managed"], result["homes"])
    result["modes"] = [{"key": k, "label": str(labels.get(k, _("未登记"))), "homes": n}
                       for k, n in sorted(result["by_mode"].items(), key=lambda kv: -kv[1])]
    result["unmanaged_count"] = len(result["unmanaged"])
    result["unmanaged"] = result["unmanaged"][:20]
    result["url"] = (link("places:coverage_division", area.code) if area.code else link("places:coverage"))
    return result


def fee_figures(user, area: Area, period) -> dict:
    opens = reads_fees(user)  # the fee pages' own gate: no link to a page that would answer 404
    estates = list(area.estates(user).values_list("pk", flat=True))
    total = fees.collection(estates, period.first_day, period.last_day)
    per_estate = fees.collection_by_estate(estates, period.first_day, period.last_day)
    names = dict(Estate.objects.filter(pk__in=list(per_estate)).values_list("pk", "name"))
    rows = sorted(({"name": names.get(pk, ""), "id": pk, "rate": pct(c.paid, c.due),
                    "household_rate": pct(c.homes_settled, c.homes), "url": link("fees:estate", pk) if opens else None}
                   for pk, c in per_estate.items() if c.due), key=lambda r: (r["rate"] or 0, r["name"]))
    trend = fee_trend(estates, period.last_day)
    return {"rate": pct(total.paid, total.due), "household_rate": pct(total.homes_settled, total.homes),
            "paid": total.paid, "due": total.due, "estates": rows[:15], "trend": trend,
            "url": None if not opens else (link("fees:figures_division", area.code) if area.code
                                           else link("fees:figures"))}


def fee_trend(estates, until: datetime.date, months: int = 12) -> list[dict]:
    """The collection of each month's bills as paid by the end of that month (当月收缴率) and of the next (次月底),
    from the days the money was paid (``fees.selectors.trend_paid_in_time``): a month's figure stays as it was
    when the month ended, so the line shows how paying habits changed, not how old bills were settled since."""
    return [{"label": m.label if m.ended else _("%(m)s（至今）") % {"m": m.label}, "month": m.label,
             "rate": m.rate, "next_rate": m.next_rate, "due": m.due, "paid": m.by_month_end, "ended": m.ended}
            for m in fees.trend_paid_in_time(estates, months, until=until)]


def _in_area(area: Area, field_name: str) -> Q:
    q = Q()
    for path in area.paths:
        q |= Q(**{f"{field_name}__path__startswith": path})
    return q


def decision_figures(user, area: Area) -> dict:
    open_motions = (Motion.objects.visible_to(user).filter(_in_area(area, "estate__community"),
                                                           status=Motion.Status.OPEN)
                    .select_related("estate").order_by("closes_at"))
    return {"open": open_motions.count(), "rows": [{"title": m.title, "estate": m.estate.name,
                                                    "closes_at": m.closes_at, "url": link("assembly:motion_detail", m.pk)}
                                                   for m in open_motions[:5]],
            "url": link("assembly:index")}


def volunteer_figures(user, area: Area, period) -> dict:
    done = Participation.objects.filter(_in_area(area, "activity__community"), status=Participation.Status.DONE,
                                        checked_out_at__gte=period.start, checked_out_at__lt=period.end)
    minutes = done.aggregate(m=Sum("minutes"), n=Count("person_id", distinct=True))
    points = PointsEntry.objects.filter(_in_area(area, "community"), at__gte=period.start, at__lt=period.end,
                                        amount__gt=0).aggregate(p=Sum("amount"))["p"] or 0
    hours = (Decimal(minutes["m"] or 0) / 60).quantize(PERCENT, rounding=ROUND_HALF_UP)
    return {"hours": hours, "volunteers": minutes["n"] or 0, "points": points,
            "url": link("volunteers:activity_list")}


def wish_figures(user, area: Area, period) -> dict:
    wishes = Wish.objects.visible_to(user).filter(_in_area(area, "community"))
    fulfilled = wishes.filter(status=Wish.Status.FULFILLED, fulfilled_at__gte=period.start,
                              fulfilled_at__lt=period.end).count()
    return {"fulfilled": fulfilled, "url": link("volunteers:wish_list", status=Wish.Status.FULFILLED)}


def care_figures(user, area: Area) -> dict:
    overdue = (VisitPlan.objects.visible_to(user).overdue(timezone.localdate())
               .filter(_in_area(area, "subject__estate__community")).count())
    return {"overdue": overdue, "url": link("care:overdue") if is_care_user(user) else None}


def children_rows(user, area: Area, period) -> list[dict]:
    """One line per division below (streets of a district, communities of a street): received and the rates."""
    if len(area.divisions) > 1:
        children = area.divisions
    else:
        child_level = Division.CHILD_LEVEL.get(area.level)
        if not child_level:
            return []
        children = list(Division.objects.visible_to(user).filter(parent=area.divisions[0], level=child_level)
                        .order_by("path"))
    ids = [c.pk for c in children]
    tallies = daily.tallies(ids, period.first_day, period.last_day, "division")
    received = dict(daily.DailyFigures.objects.filter(division_id__in=ids, day__gte=period.first_day,
                                                        day__lte=period.last_day)
                    .values_list("division_id").annotate(n=Sum("received")).order_by())
    rows = []
    for child in children:
        t = tallies.get(child.pk) or rates_mod.Tally()
        rows.append({"code": child.code, "name": child.name, "received": received.get(child.pk, 0),
                     "response": rate_pct(t.response_rate), "resolution": rate_pct(t.resolution_rate),
                     "satisfaction": rate_pct(t.satisfaction_rate),
                     "url": link("dashboard:division", child.code, period=period.key)})
    return rows


def overview(user, area: Area, period, *, parts=None) -> Figures:
    """Every figure of the overview (``parts``: only these sections, e.g. the wall screen's)."""
    parts = parts or ("orders", "backlog", "hotline", "coverage", "fees", "decisions", "volunteers", "wishes",
                      "care", "children")
    figures = Figures(area=area, period=period, as_of=daily.as_of())
    figures.orders = work_orders(area, period)
    if "backlog" in parts:
        figures.backlog = backlog(user, area)
    if "hotline" in parts:
        figures.hotline = hotline_per_homes(user, area, period, figures.orders.pop("hotline_by_estate"))
    else:
        figures.orders.pop("hotline_by_estate")
    if "coverage" in parts or "hotline" in parts:
        figures.coverage = coverage_figures(user, area)
    if figures.hotline and figures.coverage.get("homes"):
        figures.hotline["per_100"] = (Decimal(figures.hotline["total"]) * 100 / figures.coverage["homes"]
                                      ).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if "fees" in parts:
        figures.fees = fee_figures(user, area, period)
    if "decisions" in parts:
        figures.decisions = decision_figures(user, area)
    if "volunteers" in parts:
        figures.volunteers = volunteer_figures(user, area, period)
    if "wishes" in parts:
        figures.wishes = wish_figures(user, area, period)
    if "care" in parts:
        figures.care = care_figures(user, area)
    if "children" in parts:
        figures.children = children_rows(user, area, period)
    return figures


def as_dict(figures: Figures) -> dict:
    """The JSON shape of the API: numbers as numbers or strings (Decimals exact), estates by id and name."""

    def clean(value):
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, datetime.datetime | datetime.date):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if k != "estate"}
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        return value

    return {
        "area": {"code": figures.area.code, "name": str(figures.area.name), "level": figures.area.level},
        "period": {"key": figures.period.key, "first_day": figures.period.first_day.isoformat(),
                   "last_day": figures.period.last_day.isoformat()},
        **{name: clean(getattr(figures, name)) for name in (
            "orders", "backlog", "hotline", "coverage", "fees", "decisions", "volunteers", "wishes", "care",
            "children")},
    }
