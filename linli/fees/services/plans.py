"""Fee plans (物业费/清洁费 standards) and the rules that turn a plan into billable days."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.places.models import Cluster, Estate

from .. import permissions
from ..models import (
    FeeEvent,
    FeePlan,
)
from ..money import (
    ZERO,
    Interval,
    Period,
    add_months,
    clip,
    relief_share,
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
