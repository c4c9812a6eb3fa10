"""Reads shared by pages, API, exports and the benchmark: collection figures, arrears, public accounts."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from linli.core.text import mask_name, redact
from linli.people.models import Occupancy
from linli.places.models import Estate, Home

from .models import (
    COMMON_PARTS_INCOME,
    EXPENSE_CATEGORIES,
    INCOME_CATEGORIES,
    Allocation,
    Bill,
    Category,
    FeePlan,
    LedgerEntry,
    Payment,
    Relief,
)
from .money import FEN, ZERO, add_months, parse_period
from .services.plans import billing_start_of, stewardship_rows

LABELS = dict(Category.choices)


def _fen(value) -> Decimal:
    """Database sums come back as Decimal('3000') on SQLite and Decimal('3000.00') on PostgreSQL."""
    return (value if value is not None else ZERO).quantize(FEN)


@dataclass
class Collection:
    """Collection figures (收缴率) of a set of estates over a range of periods."""

    billed: Decimal = ZERO
    relief: Decimal = ZERO
    paid: Decimal = ZERO
    outstanding: Decimal = ZERO
    homes: int = 0  # households billed
    homes_settled: int = 0  # households with nothing outstanding
    homes_relieved: int = 0

    @property
    def due(self) -> Decimal:
        return self.billed - self.relief

    @property
    def rate(self) -> float | None:
        """Collected / due, by amount."""
        return float(self.paid / self.due) if self.due else None

    @property
    def household_rate(self) -> float | None:
        return self.homes_settled / self.homes if self.homes else None


def _bills(estates, start: datetime.date, end: datetime.date):
    return Bill.objects.filter(estate_id__in=estates, period_start__gte=start, period_start__lte=end)


def collection(estates, start: datetime.date, end: datetime.date) -> Collection:
    """Figures over bills whose period starts in [start, end]; ``estates`` is a queryset of pks or ids."""
    bills = _bills(estates, start, end)
    sums = bills.aggregate(billed=Sum("amount"), relief=Sum("relief"), paid=Sum("paid"), out=Sum("outstanding"))
    homes = bills.order_by().values("home_id").annotate(out=Sum("outstanding"), rel=Sum("relief"))
    counts = homes.aggregate(
        n=Count("home_id"), settled=Count("home_id", filter=Q(out=0)), relieved=Count("home_id", filter=Q(rel__gt=0))
    ) if sums["billed"] is not None else {"n": 0, "settled": 0, "relieved": 0}
    return Collection(
        billed=_fen(sums["billed"]), relief=_fen(sums["relief"]), paid=_fen(sums["paid"]),
        outstanding=_fen(sums["out"]), homes=counts["n"], homes_settled=counts["settled"],
        homes_relieved=counts["relieved"],
    )


def period_range(code: str) -> tuple[datetime.date, datetime.date]:
    period = parse_period(code)
    return period.start, period.end


def collection_by_estate(estates, start, end) -> dict[int, Collection]:
    """One ``Collection`` per estate in a single grouped query (households counted per estate)."""
    out: dict[int, Collection] = defaultdict(Collection)
    per_home = (_bills(estates, start, end).order_by().values("estate_id", "home_id")
                .annotate(a=Sum("amount"), r=Sum("relief"), p=Sum("paid"), o=Sum("outstanding")))
    for row in per_home.iterator(chunk_size=10000):
        c = out[row["estate_id"]]
        c.billed += _fen(row["a"])
        c.relief += _fen(row["r"])
        c.paid += _fen(row["p"])
        c.outstanding += _fen(row["o"])
        c.homes += 1
        c.homes_settled += row["o"] == 0
        c.homes_relieved += row["r"] > 0
    return out


def sum_collections(items) -> Collection:
    total = Collection()
    for c in items:
        total.billed += c.billed
        total.relief += c.relief
        total.paid += c.paid
        total.outstanding += c.outstanding
        total.homes += c.homes
        total.homes_settled += c.homes_settled
        total.homes_relieved += c.homes_relieved
    return total


def trend(estates, months: int = 12, until: datetime.date | None = None) -> list[tuple[str, Collection]]:
    """Collection month by month for the ``months`` months up to ``until`` (bills by their first month)."""
    until = (until or timezone.localdate()).replace(day=1)
    first = add_months(until, -(months - 1))
    rows = {}
    grouped = (_bills(estates, first, add_months(until, 1) - datetime.timedelta(days=1)).order_by()
               .annotate(month=TruncMonth("period_start")).values("month")
               .annotate(billed=Sum("amount"), relief=Sum("relief"), paid=Sum("paid"), out=Sum("outstanding"),
                         homes=Count("home_id", distinct=True)))
    for row in grouped:
        month = row["month"]
        month = month.date() if isinstance(month, datetime.datetime) else month
        rows[month] = Collection(billed=_fen(row["billed"]), relief=_fen(row["relief"]), paid=_fen(row["paid"]),
                                 outstanding=_fen(row["out"]), homes=row["homes"])
    out = []
    for i in range(months):
        month = add_months(first, i)
        out.append((f"{month.year}-{month.month:02d}", rows.get(month, Collection())))
    return out


@dataclass
class PaidInTime:
    """The bills of one month (those whose period starts in it) and how much of them had been paid by the end of
    that month and by the end of the next, by the dates the money was paid (``Payment.paid_on``)."""

    month: datetime.date
    due: Decimal = ZERO  # billed − relief
    by_month_end: Decimal = ZERO
    by_next_month_end: Decimal = ZERO
    ended: bool = True  # the month is over (else its figure is "so far")
    next_ended: bool = True

    @property
    def label(self) -> str:
        return f"{self.month.year}-{self.month.month:02d}"

    @property
    def rate(self) -> Decimal | None:
        """当月收缴率: paid by the end of the month ÷ due, in % with one decimal."""
        return _share(self.by_month_end, self.due)

    @property
    def next_rate(self) -> Decimal | None:
        """次月底收缴率; None while the next month is not over."""
        return _share(self.by_next_month_end, self.due) if self.next_ended else None


def _share(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if whole else None


def trend_paid_in_time(estates, months: int = 12, until: datetime.date | None = None,
                       today: datetime.date | None = None) -> list[PaidInTime]:
    """Month by month for the ``months`` months up to ``until``: each month's bills and what of them was paid by the
    end of that month and of the next. Unlike ``trend`` (today's state of old bills, which makes recent months look
    worse only because they are recent), a month's figure never changes once the month is over, whatever is paid
    later: arrears settled in May count for May's rate, not for January's.

    Money counts on the day it was paid (``Payment.paid_on``, append-only): a payment made ahead (预存) counts for
    the bill it was later applied to, as paid before that month ended; a voided payment never counts. Two grouped
    statements whatever the number of estates and bills."""
    today = today or timezone.localdate()
    until = (until or today).replace(day=1)
    first = add_months(until, -(months - 1))
    last = add_months(until, 1) - datetime.timedelta(days=1)
    out = {add_months(first, i): PaidInTime(month=add_months(first, i)) for i in range(months)}
    for row in (_bills(estates, first, last).order_by().annotate(month=TruncMonth("period_start")).values("month")
                .annotate(billed=Sum("amount"), relief=Sum("relief"))):
        out[_as_date(row["month"])].due = _fen(row["billed"]) - _fen(row["relief"])
    paid = (Allocation.objects.filter(bill__estate_id__in=estates, bill__period_start__gte=first,
                                      bill__period_start__lte=last, payment__voided_at__isnull=True)
            .order_by().annotate(month=TruncMonth("bill__period_start"), paid_month=TruncMonth("payment__paid_on"))
            .values("month", "paid_month").annotate(amount=Sum("amount")))
    for row in paid:
        item = out[_as_date(row["month"])]
        paid_month = _as_date(row["paid_month"])
        if paid_month <= item.month:
            item.by_month_end += _fen(row["amount"])
        if paid_month <= add_months(item.month, 1):
            item.by_next_month_end += _fen(row["amount"])
    for item in out.values():
        item.ended = add_months(item.month, 1) <= today
        item.next_ended = add_months(item.month, 2) <= today
    return list(out.values())


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


# -- arrears ---------------------------------------------------------------------------------------

AGEING = (("0_30", 30, "30天内"), ("31_90", 90, "31–90天"), ("91_180", 180, "91–180天"),
          ("181_365", 365, "181天–1年"), ("over_365", None, "1年以上"))


@dataclass
class Arrears:
    """What one home owes, by age (days since the end of the billed period)."""

    home_id: int
    label: str = ""
    owner: str = ""  # masked
    total: Decimal = ZERO
    buckets: dict = field(default_factory=lambda: {k: ZERO for k, _, _ in AGEING})
    oldest: str = ""


def _bucket(days: int) -> str:
    for key, limit, _label in AGEING:
        if limit is None or days <= limit:
            return key
    return AGEING[-1][0]


def arrears(estates, *, on: datetime.date | None = None, limit: int | None = 200) -> tuple[list[Arrears], dict]:
    """Homes with overdue bills (the period has ended, something is still outstanding), largest first,
    with totals per ageing bucket. Names are masked (张**): the list may be shown at a service desk."""
    on = on or timezone.localdate()
    bills = (Bill.objects.filter(estate_id__in=estates, outstanding__gt=0, period_end__lt=on).order_by("period_start")
             .values_list("home_id", "period", "period_end", "outstanding"))
    by_home: dict[int, Arrears] = {}
    totals = {k: ZERO for k, _, _ in AGEING}
    for home_id, period, period_end, out in bills.iterator(chunk_size=10000):
        row = by_home.get(home_id)
        if row is None:
            row = by_home[home_id] = Arrears(home_id=home_id, oldest=period)
        key = _bucket((on - period_end).days)
        row.buckets[key] += out
        row.total += out
        totals[key] += out
    rows = sorted(by_home.values(), key=lambda r: (-r.total, r.home_id))
    if limit:
        rows = rows[:limit]

    homes = {h.pk: h for h in Home.objects.filter(pk__in=[r.home_id for r in rows]).select_related("building")}
    owners = {}
    for occ in Occupancy.objects.current(on).filter(home_id__in=[r.home_id for r in rows],
                                                    relation__in=["owner", "co_owner", "tenant"]).select_related(
            "person").order_by("relation", "pk"):
        owners.setdefault(occ.home_id, mask_name(occ.person.name))
    for r in rows:
        home = homes.get(r.home_id)
        r.label = str(home) if home else str(r.home_id)
        r.owner = owners.get(r.home_id, "")
    summary = {"households": len(by_home), "total": sum(totals.values(), ZERO), "buckets": totals}
    return rows, summary


# -- public accounts (Civil Code art. 943) -----------------------------------------------------------


@dataclass
class MonthAccounts:
    month: str
    income: dict = field(default_factory=dict)  # category → amount
    expense: dict = field(default_factory=dict)
    collection: object = None

    @property
    def income_total(self) -> Decimal:
        return sum(self.income.values(), ZERO)

    @property
    def expense_total(self) -> Decimal:
        return sum(self.expense.values(), ZERO)


def plans_in_force(estate: Estate, on: datetime.date):
    own = FeePlan.objects.filter(estate=estate).in_effect(on, on)
    if own.exists() or estate.cluster_id is None:
        return list(own)
    return list(FeePlan.objects.filter(cluster_id=estate.cluster_id).in_effect(on, on))


PUBLIC_PLAN_TEXT = ("decision", "services", "quality", "responsible")


def with_billing_start(estate: Estate, plans: list[FeePlan]) -> list[FeePlan]:
    """Each plan gets ``billing`` (a ``BillingStart``: the first billed day and why, by the billing run's own rule)."""
    rows = stewardship_rows([estate.pk]).get(estate.pk, [])
    for plan in plans:
        plan.billing = billing_start_of(plan, rows)
    return plans


@dataclass
class Prepaid:
    """Money paid ahead (预缴/预存) for service not yet billed, as of a day: its own line, never netted."""

    as_of: datetime.date
    amount: Decimal = ZERO
    households: int = 0


def prepaid(estate_ids, as_of: datetime.date) -> Prepaid:
    """What residents had paid by ``as_of`` beyond the bills of periods starting by then (no personal data)."""
    payments = Payment.objects.filter(estate_id__in=estate_ids, paid_on__lte=as_of, voided_at__isnull=True)
    received = defaultdict(lambda: ZERO)
    for home_id, amount in payments.order_by().values("home_id").annotate(a=Sum("amount")).values_list("home_id", "a"):
        received[home_id] += _fen(amount)
    applied = (Allocation.objects.filter(payment__in=payments, bill__period_start__lte=as_of).order_by()
               .values("payment__home_id").annotate(a=Sum("amount")).values_list("payment__home_id", "a"))
    for home_id, amount in applied:
        received[home_id] -= _fen(amount)
    ahead = [v for v in received.values() if v > 0]
    return Prepaid(as_of=as_of, amount=sum(ahead, ZERO), households=len(ahead))


def public_accounts(estate: Estate, year: int, *, today: datetime.date | None = None) -> dict:
    """Everything art. 943 asks to be made public for one estate and year; no personal data at all."""
    today = today or timezone.localdate()
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    last_month = min(end, today).month if year <= today.year else 0
    months = {m: MonthAccounts(month=f"{year}-{m:02d}") for m in range(1, last_month + 1)}
    rows = (LedgerEntry.objects.filter(estate=estate, occurred_on__gte=start, occurred_on__lte=end).order_by()
            .annotate(month=TruncMonth("occurred_on")).values("month", "direction", "category")
            .annotate(total=Sum("amount")))
    by_category = {"income": defaultdict(lambda: ZERO), "expense": defaultdict(lambda: ZERO)}
    for row in rows:
        month = row["month"].month
        if month not in months:
            continue
        side = months[month].income if row["direction"] == "income" else months[month].expense
        side[row["category"]] = side.get(row["category"], ZERO) + _fen(row["total"])
        by_category[row["direction"]][row["category"]] += _fen(row["total"])
    estate_ids = [estate.pk]
    if last_month:
        for label, c in trend(estate_ids, last_month, datetime.date(year, last_month, 1)):
            months[int(label[5:])].collection = c
    year_collection = collection(estate_ids, start, min(end, today))
    stewardship = estate.current_stewardship(today)
    reliefs = Relief.objects.active().filter(estate=estate, start__lte=end, end__gte=start)
    income_rows = [(c, LABELS[c], by_category["income"].get(c, ZERO)) for c in INCOME_CATEGORIES]
    expense_rows = [(c, LABELS[c], by_category["expense"].get(c, ZERO)) for c in EXPENSE_CATEGORIES]
    provider = stewardship.provider if stewardship else None
    plans = list(plans_in_force(estate, min(end, today) if year <= today.year else start))
    # What a person typed is published masked (phones, ID numbers, names after 联系人…); the provider's own line stays.
    keep = [provider.phone] if provider is not None and provider.phone else []
    for plan in plans:
        plan.public = {field: redact(getattr(plan, field), keep=keep) for field in PUBLIC_PLAN_TEXT}
    with_billing_start(estate, plans)
    return {
        "estate": estate,
        "year": year,
        "provider": provider,
        "stewardship": stewardship,
        "plans": plans,
        "months": list(months.values()),
        "income_rows": income_rows,
        "expense_rows": expense_rows,
        "income_total": sum((r[2] for r in income_rows), ZERO),
        "expense_total": sum((r[2] for r in expense_rows), ZERO),
        "common_income": sum((by_category["income"].get(c, ZERO) for c in COMMON_PARTS_INCOME), ZERO),
        "common_rows": [(LABELS[c], by_category["income"].get(c, ZERO)) for c in COMMON_PARTS_INCOME],
        "repair_fund": by_category["expense"].get(Category.REPAIR_FUND, ZERO),
        "collection": year_collection,
        "relieved_households": reliefs.values("home_id").distinct().count(),
        "prepaid": prepaid(estate_ids, min(end, today)),
        "years": _years(estate, today),
    }


def _years(estate, today) -> list[int]:
    first = LedgerEntry.objects.filter(estate=estate).order_by("occurred_on").values_list("occurred_on", flat=True).first()
    start = min(first.year if first else today.year, today.year)
    return list(range(today.year, start - 1, -1))


# -- issue 19 (reach): collection per building, for the committee ---------------------------------------------------


def collection_by_building(estate_id: int, start: datetime.date, end: datetime.date) -> list[tuple[str, Collection]]:
    """[(building number, Collection)] of one estate over bills whose period starts in [start, end], by amount and
    by households, in the buildings' order: figures only, no household named."""
    from linli.places.models import Building

    out: dict[int, Collection] = defaultdict(Collection)
    per_home = (_bills([estate_id], start, end).order_by().values("home__building_id", "home_id")
                .annotate(a=Sum("amount"), r=Sum("relief"), p=Sum("paid"), o=Sum("outstanding")))
    for row in per_home:
        c = out[row["home__building_id"]]
        c.billed += _fen(row["a"])
        c.relief += _fen(row["r"])
        c.paid += _fen(row["p"])
        c.outstanding += _fen(row["o"])
        c.homes += 1
        c.homes_settled += row["o"] == 0
        c.homes_relieved += row["r"] > 0
    buildings = Building.objects.filter(pk__in=list(out)).order_by("number", "pk").values_list("pk", "number")
    return [(number, out[pk]) for pk, number in buildings]
