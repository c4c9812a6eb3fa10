"""Relief (减免): granting and revoking, and rebalancing the bills it touches."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.people.models import Occupancy
from linli.places.models import Home

from .. import permissions
from ..models import (
    Allocation,
    Bill,
    Payment,
    Relief,
)
from ..money import (
    ZERO,
    parse_period,
    to_fen,
)
from .payments import _allocate_credit, _lock_home
from .plans import _event, _occupied, _relief_for, billable_days, stewardship_rows

# -- relief ------------------------------------------------------------------------------------------


def _bill_relief(bill: Bill, reliefs: list[Relief]) -> Decimal:
    period = parse_period(bill.period)
    occ = _occupied(list(Occupancy.objects.filter(home_id=bill.home_id).values_list("start", "end")))
    billable = billable_days(bill.plan, occ, period, stewardship_rows([bill.estate_id])[bill.estate_id])
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
