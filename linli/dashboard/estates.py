"""The figures of a set of estates, read from the orders of those estates (issue 17 item 1, the gaps left): the
property manager's overview of the estates their company manages (``company_overview``) and the estate page of the
dashboard (``estate_overview``), where one tap from the ranking, the map or the 12345 table leads.

The daily summary (linli/workorders/daily.py) is kept per division, not per estate, so these pages count the orders
of their estates themselves: a fixed number of grouped statements whatever the number of estates (never one per
estate row), each over the orders of a few estates (the ``estate, status`` index of the orders).

Who sees what: an estate page is open to the staff who serve a division above the estate (``area_for``: a street
admin sees the estates of the street only) and to the property managers of the company that manages it now; the
company page only to that company's property managers. Anyone else gets 404.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.memo import Memo
from linli.dashboard.models import MonthlyScore, ScoreEvent, Subject
from linli.dashboard.selectors import fee_trend, link, pct, rate_pct, top_divisions
from linli.fees import selectors as fees
from linli.people.models import Membership, Organization
from linli.people.roles import Role
from linli.places.models import Estate, Home, Stewardship
from linli.triage.labels import category_label
from linli.workorders import daily
from linli.workorders import rates as rates_mod
from linli.workorders.models import ACTIVE_STATUSES, Channel, Status, Tier, WorkOrder

HUNDREDTH = Decimal("0.01")
CHANGE_DAYS = 90  # the days compared before and after a change of manager, at most (seed 000)
TREND_MONTHS = 12

estates_memo = Memo("dashboard estates", ttl=60)


# -- who may see what ----------------------------------------------------------------------------------------------


def managed_companies(user) -> list[Organization]:
    """The companies the user is a property manager (物业项目经理) of."""
    if not getattr(user, "is_authenticated", False):
        return []
    ids = Membership.objects.filter(user_id=user.pk, role=Role.PROPERTY_MANAGER, organization__isnull=False
                                    ).values("organization_id")
    return list(Organization.objects.filter(pk__in=ids).order_by("name", "pk"))


def company_estates(company: Organization) -> list[Estate]:
    """The estates the company manages today (its current stewardships), by name."""
    ids = Stewardship.objects.current().filter(provider=company).values("estate_id")
    return list(Estate.objects.filter(pk__in=ids).select_related("community").order_by("name", "pk"))


def estate_for(user, pk: int) -> Estate | None:
    """The estate ``pk`` if the user may open its page: it lies under a division they serve as staff, or their
    company manages it now (as its property manager). None otherwise (the page answers 404)."""
    estate = Estate.objects.filter(pk=pk).select_related("community", "community__parent").first()
    if estate is None:
        return None
    if any(estate.community.path.startswith(d.path) for d in top_divisions(user)):
        return estate
    companies = [c.pk for c in managed_companies(user)]
    if companies and Stewardship.objects.current().filter(estate=estate, provider_id__in=companies).exists():
        return estate
    return None


# -- figures of a set of estates -----------------------------------------------------------------------------------


def per_100(n: int, homes: int) -> Decimal | None:
    if not homes:
        return None
    return (Decimal(n) * 100 / homes).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def orders_link(period=None, **params) -> str:
    if period is not None:
        params.update(since=period.first_day.isoformat(), until=period.last_day.isoformat())
    return link("workorders:inbox", tab="all", **params)


@dataclass
class EstateRow:
    """One estate's line: homes, orders, work in hand, 12345 per 100 homes, rates, fees."""

    estate: Estate
    homes: int = 0
    received: int = 0
    hotline: int = 0
    closed: int = 0
    on_time: int = 0
    backlog: int = 0
    overdue: int = 0
    tally: rates_mod.Tally = field(default_factory=rates_mod.Tally)
    fees: fees.Collection = field(default_factory=fees.Collection)
    links: dict = field(default_factory=dict)

    @property
    def hotline_per_100(self):
        return per_100(self.hotline, self.homes)

    @property
    def fee_rate(self):
        return pct(self.fees.paid, self.fees.due)

    @property
    def household_rate(self):
        return pct(self.fees.homes_settled, self.fees.homes)

    @property
    def response(self):
        return rate_pct(self.tally.response_rate)

    @property
    def resolution(self):
        return rate_pct(self.tally.resolution_rate)

    @property
    def satisfaction(self):
        return rate_pct(self.tally.satisfaction_rate)

    @property
    def on_time_rate(self):
        return pct(self.on_time, self.closed)


def _tallies_by_estate(ids: list[int], period, *, org_id: int | None = None) -> dict[int, rates_mod.Tally]:
    """The rates' facts (linli/workorders/rates.py) of the estates' orders in the period, per estate: one walk of
    the events. ``org_id``: only the dispatches and callbacks charged to that organisation (a company's own)."""
    out: dict[int, rates_mod.Tally] = defaultdict(rates_mod.Tally)
    if not ids:
        return out
    now = timezone.now()
    rows, stream, places = rates_mod.event_rows(Q(order__estate_id__in=ids), period, now, ("order__estate_id",))
    facts = Counter()
    with transaction.atomic(using=rows.db):
        for order_id, org, kind, value in rates_mod.tally_events(stream, period, now):
            if org_id is None or org == org_id:
                facts[places.get(order_id, (None,))[0], kind, value] += 1
    for (estate_id, kind, value), n in facts.items():
        rates_mod._apply(out[estate_id], kind, value, n)
    return out


def estate_rows(estates: list[Estate], period, *, org_id: int | None = None) -> tuple[list[EstateRow], dict]:
    """A line per estate and the breakdowns of their orders received in the period (by channel, category, tier).
    Seven grouped statements whatever the number of estates."""
    ids = [e.pk for e in estates]
    rows = {e.pk: EstateRow(estate=e) for e in estates}
    breakdown = {"channel": Counter(), "category": Counter(), "tier": Counter()}
    if not ids:
        return [], breakdown
    for estate_id, n in (Home.objects.filter(estate_id__in=ids).order_by().values_list("estate_id")
                         .annotate(n=Count("pk"))):
        rows[estate_id].homes = n
    received = WorkOrder.objects.filter(estate_id__in=ids, received_at__gte=period.start, received_at__lt=period.end)
    for estate_id, channel, category, tier, n in (received.order_by().values_list("estate_id", "channel", "category",
                                                                                   "tier").annotate(n=Count("pk"))):
        row = rows[estate_id]
        row.received += n
        row.hotline += n if channel == Channel.HOTLINE else 0
        breakdown["channel"][channel] += n
        breakdown["category"][category] += n
        breakdown["tier"][tier] += n
    on_time = Q(reply_due__isnull=True) | Q(replied_at__lte=F("reply_due"))
    for estate_id, closed, in_time in (WorkOrder.objects.filter(estate_id__in=ids, status=Status.CLOSED,
                                                                closed_at__gte=period.start, closed_at__lt=period.end)
                                       .order_by().values_list("estate_id")
                                       .annotate(n=Count("pk"), t=Count("pk", filter=on_time))):
        rows[estate_id].closed, rows[estate_id].on_time = closed, in_time
    for estate_id, overdue, n in (WorkOrder.objects.filter(estate_id__in=ids).active().order_by()
                                  .values_list("estate_id", "overdue").annotate(n=Count("pk"))):
        rows[estate_id].backlog += n
        rows[estate_id].overdue += n if overdue else 0
    for estate_id, tally in _tallies_by_estate(ids, period, org_id=org_id).items():
        if estate_id in rows:
            rows[estate_id].tally = tally
    for estate_id, collection in fees.collection_by_estate(ids, period.first_day, period.last_day).items():
        rows[estate_id].fees = collection
    active = ",".join(ACTIVE_STATUSES)
    for pk, row in rows.items():
        row.links = {
            "page": link("dashboard:estate", pk, period=period.key),
            "received": orders_link(period, estate=pk),
            "hotline": orders_link(period, estate=pk, channel=Channel.HOTLINE),
            "backlog": link("workorders:inbox", tab="all", estate=pk, status=active),
            "overdue": link("workorders:inbox", tab="all", estate=pk, overdue="true", status=active),
            "fees": link("fees:estate", pk),
        }
    return list(rows.values()), breakdown


def totals(rows: list[EstateRow]) -> dict:
    tally = rates_mod.Tally()
    for r in rows:
        tally.add(r.tally)
    collection = fees.sum_collections(r.fees for r in rows)
    homes = sum(r.homes for r in rows)
    hotline = sum(r.hotline for r in rows)
    closed, on_time = sum(r.closed for r in rows), sum(r.on_time for r in rows)
    return {
        "estates": len(rows), "homes": homes, "received": sum(r.received for r in rows), "hotline": hotline,
        "hotline_per_100": per_100(hotline, homes), "backlog": sum(r.backlog for r in rows),
        "overdue": sum(r.overdue for r in rows), "closed": closed, "on_time": on_time,
        "on_time_rate": pct(on_time, closed),
        "response": rate_pct(tally.response_rate), "resolution": rate_pct(tally.resolution_rate),
        "satisfaction": rate_pct(tally.satisfaction_rate), "score": tally.score, "tally": tally,
        "fee_rate": pct(collection.paid, collection.due),
        "household_rate": pct(collection.homes_settled, collection.homes), "paid": collection.paid,
        "due": collection.due,
    }


def breakdown_rows(breakdown: dict, period, **params) -> dict:
    channels = {c.value: str(c.label) for c in Channel}
    out = {
        "by_channel": [{"key": k, "label": channels.get(k, k), "count": n,
                        "url": orders_link(period, channel=k, **params)}
                       for k, n in sorted(breakdown["channel"].items(), key=lambda kv: (-kv[1], kv[0])) if n],
        "by_category": [{"key": k, "label": category_label(k) if k else _("（未分类）"), "count": n,
                         "url": orders_link(period, category=k, **params) if k else orders_link(period, **params)}
                        for k, n in sorted(breakdown["category"].items(), key=lambda kv: (-kv[1], kv[0])) if n][:12],
        "by_tier": [{"key": t.value, "label": str(t.label), "count": breakdown["tier"].get(t.value, 0),
                     "url": orders_link(period, tier=t.value, **params)} for t in Tier],
    }
    return out


def months_back(until: datetime.date, n: int) -> list[datetime.date]:
    month = until.replace(day=1)
    out = []
    for _i in range(n):
        out.append(month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return out[::-1]


def orders_trend(ids: list[int], until: datetime.date, *, months: int = TREND_MONTHS, **params) -> list[dict]:
    """Orders received and 12345 orders per month, the ``months`` months up to ``until``: one grouped statement."""
    firsts = months_back(until, months)
    start = daily.day_start(firsts[0])
    end = daily.day_start((firsts[-1] + datetime.timedelta(days=32)).replace(day=1))
    counts: dict[datetime.date, list[int]] = {m: [0, 0] for m in firsts}
    for month, channel, n in (WorkOrder.objects.filter(estate_id__in=ids, received_at__gte=start, received_at__lt=end)
                              .order_by().annotate(month=TruncMonth("received_at"))
                              .values_list("month", "channel").annotate(n=Count("pk"))):
        month = month.date() if isinstance(month, datetime.datetime) else month
        if month in counts:
            counts[month][0] += n
            counts[month][1] += n if channel == Channel.HOTLINE else 0
    out = []
    for month, (n, hotline) in counts.items():
        last = (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        out.append({"label": f"{month:%Y-%m}", "count": n, "hotline": hotline,
                    "url": orders_link(rates_mod.period_of_days(month, last), **params)})
    return out


# -- the stewardship history and the 12345 orders around each change (seed 000) ----------------------------------


def stewardship_history(estate: Estate, homes: int, *, today: datetime.date | None = None) -> list[dict]:
    """Every manager the estate has had, oldest first; for each change, its 12345 orders in the same number of days
    (up to 90) before and after it, also per 100 homes. One statement for the records, one for the orders."""
    today = today or timezone.localdate()
    records = list(Stewardship.objects.live().filter(estate=estate).select_related("provider").order_by("start", "pk"))
    windows = []
    for i, s in enumerate(records):
        if i == 0:
            continue
        previous = records[i - 1]
        after_end = records[i + 1].start if i + 1 < len(records) else today + datetime.timedelta(days=1)
        days = min(CHANGE_DAYS, (s.start - previous.start).days, (after_end - s.start).days)
        windows.append((i, s.start, days))
    hotline_days = Counter()
    useful = [(i, start, days) for i, start, days in windows if days >= 7]
    if useful:
        lo = min(start - datetime.timedelta(days=days) for _i, start, days in useful)
        hi = max(start + datetime.timedelta(days=days) for _i, start, days in useful)
        for received_at in (WorkOrder.objects.filter(estate=estate, channel=Channel.HOTLINE,
                                                     received_at__gte=daily.day_start(lo),
                                                     received_at__lt=daily.day_start(hi))
                            .order_by().values_list("received_at", flat=True)):
            hotline_days[daily.local_day(received_at)] += 1
    out = []
    changes = {i: (start, days) for i, start, days in useful}
    for i, s in enumerate(records):
        row = {"start": s.start, "end": s.end, "mode": s.get_mode_display(), "mode_key": s.mode,
               "provider": s.provider.name if s.provider_id else "", "basis": s.get_basis_kind_display(),
               "change": None}
        if i in changes:
            start, days = changes[i]
            before = sum(n for d, n in hotline_days.items() if start - datetime.timedelta(days=days) <= d < start)
            after = sum(n for d, n in hotline_days.items() if start <= d < start + datetime.timedelta(days=days))
            row["change"] = {
                "days": days, "before": before, "after": after,
                "before_per_100": per_100(before, homes), "after_per_100": per_100(after, homes),
                "fall": pct(before - after, before),
                "before_url": orders_link(rates_mod.period_of_days(start - datetime.timedelta(days=days),
                                                                   start - datetime.timedelta(days=1)),
                                          estate=estate.pk, channel=Channel.HOTLINE),
                "after_url": orders_link(rates_mod.period_of_days(start, start + datetime.timedelta(days=days - 1)),
                                         estate=estate.pk, channel=Channel.HOTLINE),
            }
        out.append(row)
    return out


# -- the pages' figures --------------------------------------------------------------------------------------------


def estate_overview(estate: Estate, period) -> dict:
    """Everything the estate page shows for the period."""
    rows, breakdown = estate_rows([estate], period)
    row = rows[0]
    statuses = dict(Status.choices)
    backlog = {s: 0 for s in ACTIVE_STATUSES}
    for status, n in (WorkOrder.objects.filter(estate=estate).active().order_by().values_list("status")
                      .annotate(n=Count("pk"))):
        backlog[status] = n
    collection = row.fees
    current = next((s for s in Stewardship.objects.current().filter(estate=estate).select_related("provider")), None)
    return {
        "estate": estate, "row": row, "period": period, "current": current,
        **breakdown_rows(breakdown, period, estate=estate.pk),
        "backlog": [{"key": s, "label": str(statuses[s]), "count": n,
                     "url": link("workorders:inbox", tab="all", estate=estate.pk, status=s)}
                    for s, n in backlog.items()],
        "trend": orders_trend([estate.pk], period.last_day, estate=estate.pk),
        "fees": {"rate": row.fee_rate, "household_rate": row.household_rate, "paid": collection.paid,
                 "due": collection.due, "trend": fee_trend([estate.pk], period.last_day),
                 "url": link("fees:estate", estate.pk)},
        "history": stewardship_history(estate, row.homes),
    }


def company_scores(company: Organization) -> list[dict]:
    """The company's latest monthly assessment (考核) in each district that scores it: score, rank among the
    district's companies, the number ranked and the change against the month before. Four statements."""
    month = (MonthlyScore.objects.filter(subject=Subject.COMPANY, organization=company)
             .aggregate(m=Max("month"))["m"])
    if month is None:
        return []
    events = list(ScoreEvent.objects.filter(month=month, district_id__in=MonthlyScore.objects.filter(
        subject=Subject.COMPANY, organization=company, month=month).values("district_id"))
        .values("district_id").annotate(last=Max("pk")).values_list("last", flat=True))
    ranked = dict(MonthlyScore.objects.filter(event_id__in=events, subject=Subject.COMPANY,
                                              rank_district__isnull=False)
                  .order_by().values_list("event_id").annotate(n=Count("pk")))
    out = []
    for row in (MonthlyScore.objects.filter(event_id__in=events, subject=Subject.COMPANY, organization=company)
                .select_related("district", "event").order_by("district__path")):
        out.append({"district": row.district.name, "month": f"{row.month:%Y-%m}", "score": row.score,
                    "rank": row.rank_district, "of": ranked.get(row.event_id, 0), "change": row.change,
                    "fall": -row.change if row.change and row.change < 0 else None,
                    "frozen": row.event.kind != ScoreEvent.Kind.COMPUTED,
                    "url": link("dashboard:public_ranking", row.district.code)})
    return out


def company_overview(company: Organization, period) -> dict:
    """The property manager's page: the estates the company manages now, a line each, and the totals; the rates
    count the dispatches and callbacks charged to the company (as its assessment does)."""
    estates = company_estates(company)
    rows, breakdown = estate_rows(estates, period, org_id=company.pk)
    rows.sort(key=lambda r: (-(r.hotline_per_100 or 0), r.estate.name))
    ids = [e.pk for e in estates]
    return {
        "company": company, "period": period, "rows": rows, "totals": totals(rows),
        "url": orders_link(period), **breakdown_rows(breakdown, period),
        "backlog_url": link("workorders:inbox", tab="all", status=",".join(ACTIVE_STATUSES)),
        "overdue_url": link("workorders:inbox", tab="all", overdue="true", status=",".join(ACTIVE_STATUSES)),
        "trend": orders_trend(ids, period.last_day) if ids else [],
        "fee_trend": fee_trend(ids, period.last_day) if ids else [],
        "scores": company_scores(company),
        "map": [r for r in rows if r.estate.longitude is not None and r.estate.latitude is not None],
    }


def cached(key: tuple, compute):
    """A page's figures kept a minute per process (``LINLI_DASHBOARD_MEMO_SECONDS``, as the overview)."""
    seconds = getattr(settings, "LINLI_DASHBOARD_MEMO_SECONDS", 60)
    if not seconds:
        return compute()
    estates_memo.ttl = seconds
    return estates_memo.get(key + (timezone.localdate(),), compute)
