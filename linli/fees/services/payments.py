"""Payments: recording, allocation to the oldest bills, receipts, voiding, prepayment."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.places.models import Home

from .. import permissions
from ..models import (
    Allocation,
    Bill,
    Category,
    LedgerEntry,
    Payment,
    ReceiptCounter,
)
from ..money import (
    ZERO,
    Period,
    add_months,
    month_end,
    monthly_charge,
    parse_period,
    prorated,
    to_fen,
)
from .ledger import _ledger_append, _ledger_reverse
from .plans import _event, billing_window, plans_by_estate, stewardship_rows

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
    first = parse_period(f"{on.year}-{on.month:02d}")
    span = Period(first.code, "monthly", first.start, month_end(add_months(first.start, max(months, 1) - 1)))
    rows = stewardship_rows([home.estate_id]).get(home.estate_id, [])
    total = Fraction(0)
    for plan in plans_by_estate(first, [home.estate_id]).get(home.estate_id, []):
        monthly = monthly_charge(basis=plan.basis, rate=plan.rate, type_rates=plan.type_rates, area=home.area)
        # 先服务后收费: only the days the plan may bill (grace, stewardship) — the billing run's rule.
        total += prorated(monthly, span, billing_window(plan, rows, span.start, span.end))[0]
    return to_fen(total)
