"""State changes of fees and funds. Pages, the API, the CLI, the import and the gateway all call these.

Every function is keyword-only, validates, runs in a transaction, writes its ``FeeEvent`` and returns
the object. Money rows of one home are locked in primary-key order (the home row first, then its bills),
so two payments on one home at the same moment are serialised.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from linli.core import crypto
from linli.people.models import Occupancy
from linli.people.scopes import scope_for
from linli.places.models import Cluster, Estate, Home

from . import permissions
from .models import (
    EXPENSE_CATEGORIES,
    INCOME_CATEGORIES,
    Allocation,
    Bill,
    BillingRun,
    Category,
    FeeEvent,
    FeePlan,
    LedgerEntry,
    LedgerHead,
    Payment,
    PaymentIntent,
    PublicLink,
    ReceiptCounter,
    Relief,
)
from .money import (
    ZERO,
    Interval,
    Period,
    add_months,
    clip,
    monthly_charge,
    parse_period,
    prorated,
    relief_share,
    to_fen,
)

FOREVER = (datetime.date(1900, 1, 1), datetime.date(9999, 12, 31))


def _event(kind: str, *, actor=None, estate=None, home=None, now=None, **data) -> FeeEvent:
    return FeeEvent.objects.create(kind=kind, actor=actor, estate=estate, home=home, data=data,
                                   at=now or timezone.now())


# -- fee plans ---------------------------------------------------------------------------------------


@transaction.atomic
def fee_plan_create(
    *,
    actor,
    effective_from: datetime.date,
    decision: str,
    estate: Estate | None = None,
    cluster: Cluster | None = None,
    name: str = "物业服务费",
    basis: str = FeePlan.Basis.PER_HOME,
    rate: Decimal = ZERO,
    type_rates: list | None = None,
    frequency: str = "monthly",
    effective_to: datetime.date | None = None,
    grace_months: int = 0,
    billing_starts_on: datetime.date | None = None,
    services: str = "",
    quality: str = "",
    responsible: str = "",
) -> FeePlan:
    """A fee standard for an estate or a cluster. There are no late fees (滞纳金) in Linli, and nothing here
    can stop water, power, heat or gas (Civil Code art. 944): arrears are asked for, never enforced."""
    if (estate is None) == (cluster is None):
        raise ValidationError(_("收费标准须且只能属于一个小区或一个片区"))
    targets = [estate] if estate else list(cluster.estates.all())
    if not targets:
        raise ValidationError({"cluster": _("该片区没有小区")})
    for target in targets:
        permissions.require_manager(actor, target)
    if basis not in FeePlan.Basis.values:
        raise ValidationError({"basis": _("未知的计费方式")})
    if frequency not in ("monthly", "quarterly", "yearly"):
        raise ValidationError({"frequency": _("未知的账期")})
    if not decision.strip():
        raise ValidationError({"decision": _("请填写收费依据（业主大会决定、街道文件或备案编号）")})
    rate = Decimal(rate or 0)
    type_rates = type_rates or []
    if basis == FeePlan.Basis.PER_TYPE:
        if not type_rates:
            raise ValidationError({"type_rates": _("按户型计费须填写各面积段的价格")})
        try:
            type_rates = [
                {"up_to": str(Decimal(str(b["up_to"]))) if b.get("up_to") not in (None, "") else None,
                 "amount": str(Decimal(str(b["amount"])))}
                for b in type_rates
            ]
        except Exception as exc:
            raise ValidationError({"type_rates": _("户型价格格式不正确")}) from exc
        # Smallest band first, the open band ("其余") last: a home takes the first band it fits.
        type_rates.sort(key=lambda b: (b["up_to"] is None, Decimal(b["up_to"] or 0)))
    elif rate <= 0:
        raise ValidationError({"rate": _("单价必须大于0")})
    if effective_to and effective_to < effective_from:
        raise ValidationError({"effective_to": _("截止日期不能早于生效日期")})
    plan = FeePlan.objects.create(
        name=name, estate=estate, cluster=cluster, basis=basis, rate=rate, type_rates=type_rates,
        frequency=frequency, effective_from=effective_from, effective_to=effective_to, grace_months=grace_months,
        billing_starts_on=billing_starts_on, decision=decision.strip(), services=services, quality=quality,
        responsible=responsible, created_by=actor,
    )
    _event("plan_created", actor=actor, estate=estate, plan=plan.pk, rate=str(rate), basis=basis)
    return plan


def billing_start(plan: FeePlan) -> datetime.date:
    """The first billed day: 先服务后收费 — after ``grace_months`` of service, or from a set date."""
    if plan.billing_starts_on:
        return max(plan.billing_starts_on, plan.effective_from)
    return add_months(plan.effective_from, plan.grace_months)


def plans_by_estate(period: Period, estate_ids: Iterable[int] | None = None) -> dict[int, list[FeePlan]]:
    """For each estate, the plans that bill it in ``period``: its own plans, else its cluster's."""
    plans = FeePlan.objects.in_effect(period.start, period.end).filter(frequency=period.frequency)
    own: dict[int, list[FeePlan]] = defaultdict(list)
    by_cluster: dict[int, list[FeePlan]] = defaultdict(list)
    for plan in plans.order_by("pk"):
        if plan.estate_id:
            own[plan.estate_id].append(plan)
        else:
            by_cluster[plan.cluster_id].append(plan)
    estates = Estate.objects.filter(Q(pk__in=list(own)) | Q(cluster_id__in=list(by_cluster)))
    if estate_ids is not None:
        estates = estates.filter(pk__in=list(estate_ids))
    out = {}
    for estate_id, cluster_id in estates.values_list("pk", "cluster_id"):
        chosen = own.get(estate_id) or by_cluster.get(cluster_id) or []
        if chosen:
            out[estate_id] = chosen
    return out


def _occupied(intervals: list[tuple]) -> list[Interval]:
    return [(start or FOREVER[0], end or FOREVER[1]) for start, end in intervals]


def billable_days(plan: FeePlan, occupied: list[Interval], period: Period) -> list[Interval]:
    """Days of ``period`` on which the home is lived in and the plan bills (in effect, grace over)."""
    lo = max(period.start, plan.effective_from, billing_start(plan))
    hi = min(period.end, plan.effective_to or FOREVER[1])
    return clip(occupied, lo, hi)


def _relief_for(reliefs, *, monthly, period, billable) -> Fraction:
    total = Fraction(0)
    for r in reliefs:
        total += relief_share(kind=r.kind, value=r.value, monthly=monthly, period=period, billable=billable,
                              relief=(r.start, r.end))
    return total


# -- billing -----------------------------------------------------------------------------------------


def _run_homes(run: BillingRun):
    period = parse_period(run.period)
    estate_ids = plans_by_estate(period, [run.estate_id] if run.estate_id else None)
    return Home.objects.filter(estate_id__in=list(estate_ids)), estate_ids, period


@transaction.atomic
def billing_run_start(*, period: str, actor, estate: Estate | None = None, now=None) -> BillingRun:
    """Start (or resume) billing ``period`` for one estate or, with no estate (the CLI, as the system actor), for
    every estate."""
    try:
        parsed = parse_period(period)
    except ValueError as exc:
        raise ValidationError({"period": ValidationError(str(exc), code="invalid_period")}) from None
    if estate is not None:
        permissions.require_manager(actor, estate)
    elif not permissions.can_bill_every_estate(actor):
        if actor is None:
            raise PermissionDenied(_("您无权管理该小区的收费和台账"))
        raise ValidationError(_("请选择小区"))
    existing = BillingRun.objects.filter(period=parsed.code, estate=estate, status=BillingRun.Status.RUNNING).first()
    if existing:
        return existing
    run = BillingRun(period=parsed.code, estate=estate, started_by=actor, started_at=now or timezone.now())
    homes = _run_homes(run)[0]
    run.total_homes = homes.count()
    run.save()
    _event("billing_started", actor=actor, estate=estate, run=run.pk, period=parsed.code, homes=run.total_homes)
    return run


def billing_run_step(*, run: BillingRun, chunk: int = 2000, now=None) -> BillingRun:
    """Bill the next ``chunk`` homes of the run. Safe to repeat: a bill that exists is left as it is."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _billing_step(run=run, chunk=chunk, now=now or timezone.now())
        except IntegrityError:  # another run billed some of these homes meanwhile: read again
            if attempt == 2:
                raise
            run.refresh_from_db()
    raise AssertionError("unreachable")


def _billing_step(*, run: BillingRun, chunk: int, now) -> BillingRun:
    run = BillingRun.objects.select_for_update().get(pk=run.pk)
    if run.status == BillingRun.Status.DONE:
        return run
    homes_qs, plans, period = _run_homes(run)
    if run.estate_id:
        batch = homes_qs.filter(pk__gt=run.last_home_id)
    else:
        # Every estate: walk all homes by primary key and skip those without a plan. Filtering on a long
        # list of estates here would make the database scan the whole table at every chunk.
        batch = Home.objects.filter(pk__gt=run.last_home_id)
    batch = list(batch.order_by("pk").values_list("pk", "estate_id", "area")[:chunk])
    homes = [h for h in batch if h[1] in plans]
    if not batch:
        run.status = BillingRun.Status.DONE
        run.finished_at = now
        run.done_homes = run.total_homes
        run.save()
        _event("billing_done", actor=run.started_by, estate=run.estate, run=run.pk, period=run.period,
               bills=run.bills_created, amount=str(run.amount_billed), now=now)
        return run
    lo, hi = batch[0][0], batch[-1][0]
    ids = {h[0] for h in homes}
    occupied = defaultdict(list)
    for home_id, start, end in Occupancy.objects.filter(home_id__gte=lo, home_id__lte=hi).values_list(
        "home_id", "start", "end"
    ).order_by():
        if home_id in ids:
            occupied[home_id].append((start, end))
    existing = set(
        Bill.objects.filter(home_id__gte=lo, home_id__lte=hi, period=period.code).values_list("home_id", "plan_id")
        .order_by()
    )
    reliefs = defaultdict(list)
    for relief in Relief.objects.active().filter(home_id__gte=lo, home_id__lte=hi, start__lte=period.end,
                                                 end__gte=period.start).order_by("pk"):
        reliefs[relief.home_id].append(relief)
    rows = []
    whole, months = [(period.start, period.end)], len(period.months())
    whole_days = (period.end - period.start).days + 1
    for home_id, estate_id, area in homes:
        occ = _occupied(occupied.get(home_id, []))
        for plan in plans.get(estate_id, []):
            if (home_id, plan.pk) in existing:
                continue
            billable = billable_days(plan, occ, period)
            if not billable:
                continue
            monthly = monthly_charge(basis=plan.basis, rate=plan.rate, type_rates=plan.type_rates, area=area)
            if billable == whole:  # the common case, the same result without fractions
                amount, days = to_fen(monthly * months), whole_days
            else:
                exact, days = prorated(monthly, period, billable)
                amount = to_fen(exact)
            if amount <= 0:
                continue
            home_reliefs = reliefs.get(home_id)
            relief = min(to_fen(_relief_for(home_reliefs, monthly=monthly, period=period, billable=billable)),
                         amount) if home_reliefs else ZERO
            rows.append((home_id, estate_id, plan.pk, days, monthly, amount, relief, amount - relief))
    _insert_bills(rows, period=period, run=run, now=now)
    new_total = sum((r[5] for r in rows), ZERO)
    # Prepayments (预存) pay the new bills at once.
    billed_homes = {r[0] for r in rows}
    if billed_homes:
        with_credit = set(
            Payment.objects.filter(home_id__gte=lo, home_id__lte=hi, unallocated__gt=0, voided_at__isnull=True)
            .values_list("home_id", flat=True).order_by()
        ) & billed_homes
        for home_id in sorted(with_credit):
            _allocate_credit(home_id)
    run.last_home_id = hi
    run.done_homes = min(run.done_homes + len(homes), run.total_homes)
    run.bills_created += len(rows)
    run.amount_billed += new_total
    run.save()
    return run


MONTHLY = Decimal("0.0001")
BILL_COLUMNS = ("home_id", "estate_id", "plan_id", "days", "monthly", "amount", "relief", "outstanding",
                "period", "period_start", "period_end", "paid", "run_id", "created_at")


def _insert_bills(rows: list[tuple], *, period: Period, run: BillingRun, now) -> None:
    """Write new bills with one ``executemany``: the ORM's per-object work was 90% of a billing run.

    The values are the ones ``Bill(...).save()`` would store (checked by the tests against ORM reads).
    """
    if not rows:
        return
    from django.db import connection

    created = connection.ops.adapt_datetimefield_value(now)
    rows = [(h, e, p, d, m.quantize(MONTHLY, ROUND_HALF_UP), a, r, o) for h, e, p, d, m, a, r, o in rows]
    if connection.vendor == "sqlite":
        tail = (period.code, period.start.isoformat(), period.end.isoformat(), "0.00", run.pk, created)
        data = [(h, e, p, d, str(m), str(a), str(r), str(o)) + tail for h, e, p, d, m, a, r, o in rows]
    else:
        tail = (period.code, period.start, period.end, ZERO, run.pk, created)
        data = [row + tail for row in rows]
    columns = ", ".join(f'"{c}"' for c in BILL_COLUMNS)
    marks = ", ".join(["%s"] * len(BILL_COLUMNS))
    with connection.cursor() as cursor:
        cursor.executemany(f'INSERT INTO "{Bill._meta.db_table}" ({columns}) VALUES ({marks})', data)


def bill_period(*, period: str, actor, estate: Estate | None = None, chunk: int = 2000,
                progress: Callable[[BillingRun], None] | None = None, now=None) -> BillingRun:
    """Run a whole billing period, chunk by chunk (the CLI, tests and benchmarks)."""
    run = billing_run_start(period=period, estate=estate, actor=actor, now=now)
    while run.status != BillingRun.Status.DONE:
        run = billing_run_step(run=run, chunk=chunk, now=now)
        if progress:
            progress(run)
    return run


# -- payments ----------------------------------------------------------------------------------------


def _lock_home(home_id: int) -> list[Bill]:
    """Lock the home and its open bills, in primary-key order; the open bills oldest first."""
    Home.objects.select_for_update().filter(pk=home_id).values_list("pk").first()
    bills = list(Bill.objects.select_for_update().filter(home_id=home_id, outstanding__gt=0).order_by("pk"))
    return sorted(bills, key=lambda b: (b.period_start, b.pk))


def _pause_after_lock() -> None:
    """A seam for the concurrency test (it sleeps here to hold the locks); does nothing otherwise."""


def _plan_allocation(amount, bills: list[Bill]) -> list[tuple[Bill, Decimal]]:
    """How ``amount`` pays ``bills`` (oldest first): [(bill, part)], in memory."""
    parts, left = [], amount
    for bill in bills:
        if left <= 0:
            break
        if bill.outstanding <= 0:
            continue
        part = min(left, bill.outstanding)
        parts.append((bill, part))
        left -= part
    return parts


def _write_allocation(payment: Payment, parts, now=None) -> None:
    if not parts:
        return
    at = now or timezone.now()
    Allocation.objects.bulk_create([Allocation(payment=payment, bill=bill, amount=part, at=at) for bill, part in parts])
    for bill, part in parts:
        bill.paid += part
        bill.outstanding -= part
    Bill.objects.bulk_update([bill for bill, _part in parts], ["paid", "outstanding"])


def _allocate(payment: Payment, bills: list[Bill], now=None) -> None:
    """Apply the payment's unallocated money to ``bills`` (oldest first); the rest stays as credit."""
    parts = _plan_allocation(payment.unallocated, bills)
    if parts:
        _write_allocation(payment, parts, now)
        payment.unallocated -= sum((part for _bill, part in parts), ZERO)
        payment.save(update_fields=["unallocated"])


def _allocate_credit(home_id: int, now=None) -> None:
    """Use the home's prepayments (oldest payment first) for its open bills (oldest first)."""
    bills = _lock_home(home_id)
    if not bills:
        return
    for payment in Payment.objects.select_for_update().filter(
        home_id=home_id, unallocated__gt=0, voided_at__isnull=True
    ).order_by("pk"):
        _allocate(payment, bills, now)


def _next_receipt_no(estate_id: int, year: int) -> str:
    """The next number of the estate's receipt book for the year; the UPDATE locks the counter row."""
    counters = ReceiptCounter.objects.filter(estate_id=estate_id, year=year)
    if not counters.update(last=F("last") + 1):
        try:
            with transaction.atomic():
                ReceiptCounter.objects.create(estate_id=estate_id, year=year, last=1)
        except IntegrityError:
            counters.update(last=F("last") + 1)
    last = counters.values_list("last", flat=True).get()
    return f"{estate_id:05d}-{year}-{last:06d}"


def payment_record(
    *,
    home: Home,
    amount: Decimal,
    method: str,
    idempotency_key: str,
    actor=None,
    paid_on: datetime.date | None = None,
    payer: str = "",
    reference: str = "",
    note: str = "",
    now=None,
    _gateway: bool = False,
) -> Payment:
    """Record money received for ``home``; allocated to its oldest open bills, the rest kept as credit.

    The same ``idempotency_key`` returns the payment already recorded (a double click, a retried import or
    a repeated gateway callback never pays twice); the key with a different home or amount is an error.
    """
    amount = Decimal(amount)
    key = (idempotency_key or "").strip()
    if not key:
        raise ValidationError({"idempotency_key": _("缺少幂等键")})
    existing = Payment.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return _same_payment(existing, home, amount)
    if not _gateway:
        permissions.require_collector(actor, home.estate)
    if method not in Payment.Method.values:
        raise ValidationError({"method": _("未知的缴费方式")})
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": _("金额必须大于0，最多两位小数")})
    amount = amount.quantize(Decimal("0.01"))
    now = now or timezone.now()
    paid_on = paid_on or timezone.localdate(now)
    if paid_on > timezone.localdate(now):
        raise ValidationError({"paid_on": _("缴费日期不能晚于今天")})
    try:
        with transaction.atomic():
            bills = _lock_home(home.pk)
            _pause_after_lock()
            parts = _plan_allocation(amount, bills)
            payment = Payment.objects.create(
                home=home, estate_id=home.estate_id, amount=amount, method=method, paid_on=paid_on,
                receipt_no=_next_receipt_no(home.estate_id, paid_on.year), idempotency_key=key, payer=payer[:60],
                reference=reference[:100], note=note[:200], recorded_by=actor, recorded_at=now,
                unallocated=amount - sum((part for _bill, part in parts), ZERO),
            )
            _write_allocation(payment, parts, now)
            _ledger_append(
                estate_id=home.estate_id, direction="income", category=Category.RESIDENT_FEES, amount=amount,
                occurred_on=paid_on, description=f"物业费 收据 {payment.receipt_no}", approved_by=actor,
                approver_role="gateway" if _gateway else permissions.role_on(actor, home.estate), payment=payment,
                now=now,
            )
            _event("payment_recorded", actor=actor, estate=home.estate, home=home, now=now, payment=payment.pk,
                   amount=str(amount), method=method, receipt=payment.receipt_no)
            return payment
    except IntegrityError:
        existing = Payment.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return _same_payment(existing, home, amount)


def _same_payment(existing: Payment, home: Home, amount: Decimal) -> Payment:
    if existing.home_id != home.pk or existing.amount != amount:
        raise ValidationError({"idempotency_key": _("该幂等键已用于另一笔收款")})
    return existing


@transaction.atomic
def payment_void(*, payment: Payment, reason: str, actor, now=None) -> Payment:
    """Void a payment (作废): its allocations are reversed by new rows, its ledger entry by a reversing entry."""
    permissions.require_collector(actor, payment.estate)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写作废原因")})
    now = now or timezone.now()
    _lock_home(payment.home_id)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.is_void:
        raise ValidationError(_("该收款已作废"))
    net = defaultdict(Decimal)
    for bill_id, part in payment.allocations.values_list("bill_id", "amount"):
        net[bill_id] += part
    for bill in Bill.objects.select_for_update().filter(pk__in=[b for b, v in net.items() if v]).order_by("pk"):
        part = net[bill.pk]
        Allocation.objects.create(payment=payment, bill=bill, amount=-part, at=now)
        bill.paid -= part
        bill.outstanding += part
        bill.save(update_fields=["paid", "outstanding"])
    payment.unallocated = ZERO
    payment.voided_at, payment.voided_by, payment.void_reason = now, actor, reason.strip()[:200]
    payment.save(update_fields=["unallocated", "voided_at", "voided_by", "void_reason"])
    entry = LedgerEntry.objects.filter(payment=payment, reverses__isnull=True).first()
    if entry is not None and not hasattr(entry, "reversed_by"):
        _ledger_reverse(entry=entry, reason=reason, actor=actor, role=permissions.role_on(actor, payment.estate), now=now)
    _event("payment_voided", actor=actor, estate=payment.estate, home=payment.home, now=now, payment=payment.pk,
           reason=payment.void_reason)
    _allocate_credit(payment.home_id, now)  # other prepayments may now cover the reopened bills
    return payment


def prepayment_quote(*, home: Home, months: int, on: datetime.date | None = None) -> Decimal:
    """What ``months`` of fees cost for ``home`` at the plans in effect ``on`` (to pay years ahead)."""
    on = on or timezone.localdate()
    period = parse_period(f"{on.year}-{on.month:02d}")
    total = ZERO
    for plan in plans_by_estate(period, [home.estate_id]).get(home.estate_id, []):
        total += monthly_charge(basis=plan.basis, rate=plan.rate, type_rates=plan.type_rates, area=home.area)
    return to_fen(total * months)


# -- online payment ----------------------------------------------------------------------------------


class PaymentGateway:
    """An online payment channel (WeChat Pay, Alipay …): create an intent, then confirm it by callback.

    A real channel subclasses this, sets ``name`` (a slug: its callback is ``/api/v1/fees/gateway/<name>/callback/``)
    and is listed by dotted path in ``LINLI_PAYMENT_GATEWAYS``. ``parse_callback`` turns the channel's HTTP
    callback into a dict (verifying the channel's signature there or in ``confirm``); ``confirm`` must be
    idempotent and record the money with ``payment_record(..., method=Payment.Method.ONLINE, _gateway=True)``.
    """

    name = ""

    def create_intent(self, *, home: Home, amount: Decimal, actor) -> PaymentIntent:
        raise NotImplementedError

    def parse_callback(self, request) -> dict:
        return dict(request.data.items())

    def confirm(self, payload: dict) -> Payment:
        raise NotImplementedError


SANDBOX_PURPOSE = "fees.gateway.sandbox"


class SandboxGateway(PaymentGateway):
    """A gateway for development and tests: the "callback" carries an HMAC with a key derived for it alone.

    Off unless ``LINLI_PAYMENT_SANDBOX`` is on (``make run`` turns it on): whoever can compute the signature
    can mark bills paid, so it has no place in production (settings refuse it under ``LINLI_PRODUCTION``)."""

    name = "sandbox"

    def sign(self, reference: str, amount: str) -> str:
        return crypto.sign(SANDBOX_PURPOSE, f"{reference}|{amount}")

    def create_intent(self, *, home: Home, amount: Decimal, actor) -> PaymentIntent:
        if home.pk not in scope_for(actor).home_ids and not permissions.can_collect(actor, home.estate):
            raise ValidationError(_("只能为自己的房屋在线缴费"))
        amount = Decimal(amount)
        if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
            raise ValidationError({"amount": _("金额必须大于0，最多两位小数")})
        import secrets

        return PaymentIntent.objects.create(gateway=self.name, reference="SBX" + secrets.token_hex(12), home=home,
                                            amount=amount, created_by=actor)

    def parse_callback(self, request) -> dict:
        from .serializers import CallbackSerializer

        body = CallbackSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data

    def confirm(self, payload: dict) -> Payment:
        reference, amount = str(payload.get("reference", "")), str(payload.get("amount", ""))
        if not crypto.verify(SANDBOX_PURPOSE, f"{reference}|{amount}", str(payload.get("signature") or "")):
            raise ValidationError(_("签名无效"))
        with transaction.atomic():
            intent = PaymentIntent.objects.select_for_update().filter(reference=reference, gateway=self.name).first()
            if intent is None or f"{intent.amount:.2f}" != amount:
                raise ValidationError(_("订单不存在或金额不符"))
            if intent.payment_id:
                return intent.payment
            payment = payment_record(
                home=intent.home, amount=intent.amount, method=Payment.Method.ONLINE,
                idempotency_key=f"gw:{self.name}:{reference}", actor=None, reference=reference,
                payer="在线支付", _gateway=True,
            )
            intent.status, intent.payment = PaymentIntent.Status.PAID, payment
            intent.save(update_fields=["status", "payment"])
            return payment


@functools.cache
def _load_gateways(paths: tuple[str, ...], sandbox: bool) -> dict[str, PaymentGateway]:
    found = {"sandbox": SandboxGateway()} if sandbox else {}
    for path in paths:
        gateway = import_string(path)()
        found[gateway.name] = gateway
    return found


def gateways() -> dict[str, PaymentGateway]:
    """The payment channels turned on, by name: ``LINLI_PAYMENT_GATEWAYS``, then the sandbox if it is on."""
    return _load_gateways(tuple(settings.LINLI_PAYMENT_GATEWAYS), bool(settings.LINLI_PAYMENT_SANDBOX))


def gateway(name: str | None = None) -> PaymentGateway | None:
    """The channel called ``name`` (or the first one turned on), or None when it is not turned on."""
    found = gateways()
    if name is None:
        return next(iter(found.values()), None)
    return found.get(name)


# -- relief ------------------------------------------------------------------------------------------


def _bill_relief(bill: Bill, reliefs: list[Relief]) -> Decimal:
    period = parse_period(bill.period)
    occ = _occupied(list(Occupancy.objects.filter(home_id=bill.home_id).values_list("start", "end")))
    billable = billable_days(bill.plan, occ, period)
    return min(to_fen(_relief_for(reliefs, monthly=bill.monthly, period=period, billable=billable)), bill.amount)


def _rebalance_reliefs(home_id: int, start: datetime.date, end: datetime.date, now) -> None:
    """Recompute the relief of the home's bills overlapping [start, end]; money paid beyond what is now due
    goes back to its payment as credit (latest allocation first)."""
    _lock_home(home_id)
    reliefs = list(Relief.objects.active().filter(home_id=home_id).order_by("pk"))
    bills = Bill.objects.select_for_update().filter(home_id=home_id, period_start__lte=end, period_end__gte=start)
    for bill in bills.select_related("plan").order_by("pk"):
        relief = _bill_relief(bill, [r for r in reliefs if r.start <= bill.period_end and r.end >= bill.period_start])
        if relief == bill.relief:
            continue
        bill.relief = relief
        excess = bill.paid - (bill.amount - relief)
        if excess > 0:
            for alloc in bill.allocations.select_related("payment").order_by("-pk"):
                if excess <= 0:
                    break
                net = sum(bill.allocations.filter(payment=alloc.payment).values_list("amount", flat=True), ZERO)
                back = min(net, excess)
                if back <= 0 or alloc.payment.is_void:
                    continue
                Allocation.objects.create(payment=alloc.payment, bill=bill, amount=-back, at=now)
                Payment.objects.filter(pk=alloc.payment_id).update(unallocated=F("unallocated") + back)
                bill.paid -= back
                excess -= back
        bill.outstanding = bill.amount - bill.relief - bill.paid
        bill.save(update_fields=["relief", "paid", "outstanding"])
    _allocate_credit(home_id, now)


@transaction.atomic
def relief_grant(
    *, home: Home, kind: str, start: datetime.date, end: datetime.date, reason: str, actor,
    value: Decimal = ZERO, note: str = "", now=None,
) -> Relief:
    """Exempt or reduce a home's fees over [start, end] (e.g. a hardship family for two years, seed 004).
    Shown as relief, not as arrears; bills already issued are adjusted."""
    permissions.require_relief_approver(actor, home.estate)
    if kind not in Relief.Kind.values:
        raise ValidationError({"kind": _("未知的减免方式")})
    if reason not in Relief.Reason.values:
        raise ValidationError({"reason": _("请选择减免原因")})
    if end < start:
        raise ValidationError({"end": _("终止日期不能早于起始日期")})
    value = Decimal(value or 0)
    if kind == Relief.Kind.PERCENT and not (0 < value <= 100):
        raise ValidationError({"value": _("减免比例应在 0–100 之间")})
    if kind == Relief.Kind.FIXED and value <= 0:
        raise ValidationError({"value": _("每月减免金额必须大于0")})
    now = now or timezone.now()
    relief = Relief.objects.create(
        home=home, estate_id=home.estate_id, kind=kind, value=value if kind != Relief.Kind.EXEMPT else ZERO,
        start=start, end=end, reason=reason, note=note[:200], approved_by=actor,
        approver_role=permissions.role_on(actor, home.estate), approved_at=now,
    )
    _rebalance_reliefs(home.pk, start, end, now)
    _event("relief_granted", actor=actor, estate=home.estate, home=home, now=now, relief=relief.pk, relief_kind=kind,
           start=start.isoformat(), end=end.isoformat())
    return relief


@transaction.atomic
def relief_revoke(*, relief: Relief, reason: str, actor, now=None) -> Relief:
    """End a relief early or withdraw it; the bills it touched are due again in full."""
    permissions.require_relief_approver(actor, relief.estate)
    if relief.revoked_at:
        raise ValidationError(_("该减免已撤销"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写撤销原因")})
    now = now or timezone.now()
    relief.revoked_at, relief.revoked_by, relief.revoke_reason = now, actor, reason.strip()[:200]
    relief.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    _rebalance_reliefs(relief.home_id, relief.start, relief.end, now)
    _event("relief_revoked", actor=actor, estate=relief.estate, home=relief.home, now=now, relief=relief.pk)
    return relief


# -- the ledger --------------------------------------------------------------------------------------


def _ledger_append(*, estate_id: int, direction: str, category: str, amount: Decimal, occurred_on, description: str,
                   approved_by, approver_role: str, payment=None, reverses=None, evidence=None,
                   evidence_name: str = "", now=None) -> LedgerEntry:
    head = LedgerHead.objects.select_for_update().filter(estate_id=estate_id).first()
    if head is None:
        try:
            with transaction.atomic():
                head = LedgerHead.objects.create(estate_id=estate_id)
        except IntegrityError:
            pass
        head = LedgerHead.objects.select_for_update().get(estate_id=estate_id)
    entry = LedgerEntry(
        estate_id=estate_id, seq=head.seq + 1, direction=direction, category=category, amount=amount,
        occurred_on=occurred_on, description=description[:200], approved_by=approved_by,
        approver_role=approver_role, payment=payment, reverses=reverses,
        created_at=now or timezone.now(),
        prev_hash=head.hash,
    )
    if evidence is not None:
        data = evidence.read()
        entry.evidence_sha256 = hashlib.sha256(data).hexdigest()
        from django.core.files.base import ContentFile

        entry.evidence.save(evidence_name or getattr(evidence, "name", "evidence"), ContentFile(data), save=False)
    entry.row_hash = entry.compute_hash()
    entry.save()
    head.seq, head.hash = entry.seq, entry.row_hash
    head.save(update_fields=["seq", "hash"])
    return entry


@transaction.atomic
def ledger_record(*, estate: Estate, direction: str, category: str, amount: Decimal, occurred_on: datetime.date,
                  description: str, evidence, actor, now=None) -> LedgerEntry:
    """Enter income or an expense in the estate's accounts, with its evidence (a photo or a file); the
    person entering it approves it under their role. Resident fees come from payments, not from here."""
    permissions.require_manager(actor, estate)
    if direction == "income" and category not in INCOME_CATEGORIES:
        raise ValidationError({"category": _("该类别不是收入类别")})
    if direction == "expense" and category not in EXPENSE_CATEGORIES:
        raise ValidationError({"category": _("该类别不是支出类别")})
    if category == Category.RESIDENT_FEES:
        raise ValidationError({"category": _("居民缴费由收款自动记账")})
    amount = Decimal(amount)
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": _("金额必须大于0，最多两位小数")})
    amount = amount.quantize(Decimal("0.01"))
    if evidence is None:
        raise ValidationError({"evidence": _("请上传凭证（照片或文件）")})
    if not description.strip():
        raise ValidationError({"description": _("请填写摘要")})
    entry = _ledger_append(
        estate_id=estate.pk, direction=direction, category=category, amount=amount, occurred_on=occurred_on,
        description=description.strip(), approved_by=actor, approver_role=permissions.role_on(actor, estate),
        evidence=evidence, now=now,
    )
    _event("ledger_recorded", actor=actor, estate=estate, now=now, entry=entry.pk, amount=str(amount))
    return entry


def _ledger_reverse(*, entry: LedgerEntry, reason: str, actor, role: str, now=None) -> LedgerEntry:
    return _ledger_append(
        estate_id=entry.estate_id, direction=entry.direction, category=entry.category, amount=-entry.amount,
        occurred_on=timezone.localdate(now or timezone.now()), description=f"冲销 #{entry.seq}：{reason.strip()}",
        approved_by=actor, approver_role=role, payment=entry.payment, reverses=entry, now=now,
    )


@transaction.atomic
def ledger_reverse(*, entry: LedgerEntry, reason: str, actor, now=None) -> LedgerEntry:
    """Correct an entry by a reversing entry (冲销) with the negated amount; the original stays."""
    estate = Estate.objects.get(pk=entry.estate_id)
    permissions.require_manager(actor, estate)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写冲销原因")})
    if entry.reverses_id:
        raise ValidationError(_("冲销记录不能再冲销"))
    if entry.payment_id:
        raise ValidationError(_("收款记账请通过作废收款冲销"))
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("该记录已冲销"))
    rev = _ledger_reverse(entry=entry, reason=reason, actor=actor, role=permissions.role_on(actor, estate), now=now)
    _event("ledger_reversed", actor=actor, estate=estate, now=now, entry=entry.pk, reversal=rev.pk)
    return rev


def ledger_verify(*, estate_ids: Iterable[int] | None = None) -> list[str]:
    """Recompute every chain; a list of problems (empty when nothing stored was changed)."""
    problems = []
    heads = LedgerHead.objects.all()
    entries = LedgerEntry.objects.all()
    if estate_ids is not None:
        heads, entries = heads.filter(estate_id__in=estate_ids), entries.filter(estate_id__in=estate_ids)
    chain_heads = {h.estate_id: h for h in heads}
    seen = set()
    estate, expected_seq, prev = None, 0, "0" * 64
    for entry in entries.order_by("estate_id", "seq").iterator(chunk_size=5000):
        if entry.estate_id != estate:
            if estate is not None:
                problems += _check_head(estate, expected_seq, prev, chain_heads.get(estate))
            estate, expected_seq, prev = entry.estate_id, 0, "0" * 64
            seen.add(estate)
        expected_seq += 1
        where = f"小区 {entry.estate_id} 第 {entry.seq} 条"
        if entry.seq != expected_seq:
            problems.append(f"{where}：序号应为 {expected_seq}（有记录被删除或插入）")
            expected_seq = entry.seq
        if entry.prev_hash != prev:
            problems.append(f"{where}：与上一条的链接不符（上一条被改动、删除或插入）")
        if entry.compute_hash() != entry.row_hash:
            problems.append(f"{where}：内容与其哈希不符（记录被改动）")
        prev = entry.row_hash
    if estate is not None:
        problems += _check_head(estate, expected_seq, prev, chain_heads.get(estate))
    for estate_id, head in chain_heads.items():
        if estate_id not in seen and head.seq:
            problems.append(f"小区 {estate_id}：链头记有 {head.seq} 条，但台账为空（记录被删除）")
    return problems


def _check_head(estate_id, seq, last_hash, head) -> list[str]:
    if head is None:
        return [f"小区 {estate_id}：缺少链头"]
    if head.seq != seq or head.hash != last_hash:
        return [f"小区 {estate_id}：链头记有 {head.seq} 条，台账有 {seq} 条（末尾记录被删除或改动）"]
    return []


# -- public link ---------------------------------------------------------------------------------------


def public_link_for(estate: Estate) -> PublicLink:
    link, _created = PublicLink.objects.get_or_create(estate=estate)
    return link

