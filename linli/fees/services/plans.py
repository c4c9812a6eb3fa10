"""Fee plans (物业费/清洁费 standards) and the rules that turn a plan into billable days."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.deferred import gettext_noop, translated
from linli.places.models import Cluster, Estate, Stewardship

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
    intersect,
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
    provider=None,
) -> FeePlan:
    """A fee standard for an estate or a cluster. There are no late fees (滞纳金) in Linli, and nothing here
    can stop water, power, heat or gas (Civil Code art. 944): arrears are asked for, never enforced.

    ``provider`` is the 物业服务人 the plan bills for (it bills only the days that provider serves, see
    ``billing_window``); a property manager's plan is their company's, an admin's plan bills for whoever serves."""
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
    if provider is None and estate is not None:
        provider = _own_provider(actor, estate)
    if provider is not None and not Stewardship.objects.filter(
        estate__in=[t.pk for t in targets], provider=provider, mode__in=SERVED_MODES
    ).exists():
        raise ValidationError({"provider": _("该服务单位未登记为本小区的物业服务人")})
    plan = FeePlan.objects.create(
        name=name, estate=estate, cluster=cluster, basis=basis, rate=rate, type_rates=type_rates,
        frequency=frequency, effective_from=effective_from, effective_to=effective_to, grace_months=grace_months,
        billing_starts_on=billing_starts_on, decision=decision.strip(), services=services, quality=quality,
        responsible=responsible, provider=provider, created_by=actor,
    )
    _event("plan_created", actor=actor, estate=estate, plan=plan.pk, rate=str(rate), basis=basis)
    return plan


def _own_provider(actor, estate: Estate):
    """The estate's current provider when ``actor`` is its property staff (their plan bills for their company)."""
    from ..permissions import provider_roles

    if not provider_roles(actor, estate):
        return None
    current = estate.current_stewardship()
    return current.provider if current is not None else None


def billing_start(plan: FeePlan) -> datetime.date:
    """The end of the plan's grace period (先服务后收费): its start plus ``grace_months``, or a set date.

    Only one of the three limits on the first billed day; ``billing_window`` is the whole rule."""
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


# -- 先服务后收费: the days a plan may bill (issue 15 item 5) ------------------------------------------------

# Modes in which somebody serves the estate: a market company, the state custodian, a neighbour's manager (套管)
# or the owners themselves (自管, Civil Code art. 284). 脱管 (none) and days with no record are not served.
SERVED_MODES = (Stewardship.Mode.MARKET, Stewardship.Mode.CUSTODIAN, Stewardship.Mode.BUNDLED, Stewardship.Mode.SELF)

# One stewardship row as the rule needs it: (mode, provider_id, start, end or None).
Row = tuple[str, int | None, datetime.date, datetime.date | None]


def stewardship_rows(estate_ids: Iterable[int]) -> dict[int, list[Row]]:
    """The whole stewardship history of each estate, oldest first, in one query."""
    out: dict[int, list[Row]] = defaultdict(list)
    for estate_id, *row in (Stewardship.objects.filter(estate_id__in=list(estate_ids)).order_by("estate_id", "start", "pk")
                            .values_list("estate_id", "mode", "provider_id", "start", "end")):
        out[estate_id].append(tuple(row))
    return out


def served_days(plan: FeePlan, rows: list[Row]) -> list[Interval]:
    """The days somebody serves the estate — for a plan of one provider, that provider."""
    return clip([(start, end or FOREVER[1]) for mode, provider_id, start, end in rows
                 if mode in SERVED_MODES and plan.provider_id in (None, provider_id)], *FOREVER)


def billing_window(plan: FeePlan, rows: list[Row], lo: datetime.date = FOREVER[0],
                   hi: datetime.date = FOREVER[1]) -> list[Interval]:
    """The days of [lo, hi] that ``plan`` may bill: THE rule of 先服务后收费, used by billing runs, relief,
    prepayment quotes, the run's reasons, the API and the public page.

    Billing starts on the LATER of the plan's start, the end of its grace period (``billing_start``) and the start
    of the stewardship of the provider it bills for, and stops on the EARLIER of the plan's end and that
    stewardship's end; days on which nobody serves the estate (脱管, or no record) are never billed.

    Civil Code art. 937 (the 物业服务人 serves, the owner pays the 物业费), art. 944 (the owner pays the provider
    按照约定, for service provided 按照约定和有关规定), art. 949 (a former provider that does not hand over may
    not ask for fees after the contract ended) and art. 950 (until the new manager takes over, the former one
    keeps serving and may charge for that time — it is still the stewardship row of that time); 物业管理条例
    (2018) art. 40 (费用与服务水平相适应) and art. 41; 北京市物业管理条例 art. 72 (fees by the contract's terms)."""
    start = max(lo, billing_start(plan))
    end = min(hi, plan.effective_to or FOREVER[1])
    if start > end:
        return []
    return clip(served_days(plan, rows), start, end)


def billable_days(plan: FeePlan, occupied: list[Interval], period: Period, rows: list[Row]) -> list[Interval]:
    """Days of ``period`` on which the home is lived in and the plan may bill (``billing_window``)."""
    return intersect(occupied, billing_window(plan, rows, period.start, period.end))


@dataclass(frozen=True)
class BillingStart:
    """When a plan starts billing (the date and why), and when it stops if that is known; for people to read."""

    on: datetime.date | None
    msg: str
    params: dict = field(default_factory=dict)
    until: datetime.date | None = None

    def __str__(self) -> str:
        return translated(self.msg, **self.params)


def billing_start_of(plan: FeePlan, rows: list[Row]) -> BillingStart:
    """The first day ``plan`` bills (by ``billing_window``) and which of the three limits sets it."""
    window = billing_window(plan, rows)
    if not window:
        if plan.provider_id:
            return BillingStart(None, gettext_noop("该服务单位尚未为本小区提供服务，暂不收费"))
        return BillingStart(None, gettext_noop("本小区尚无物业服务人提供服务，暂不收费"))
    first, last = window[0][0], window[-1][1]
    until = last if last < FOREVER[1] else None
    grace_end = billing_start(plan)
    params = {"date": first.isoformat()}
    if first == plan.effective_from:
        return BillingStart(first, gettext_noop("自收费标准生效之日起收费"), params, until)
    if first == grace_end:
        if plan.billing_starts_on:
            return BillingStart(first, gettext_noop("先服务后收费：%(date)s 前只服务、不收费"), params, until)
        return BillingStart(first, gettext_noop("先服务后收费：服务满 %(months)s 个月后开始收费"),
                            {**params, "months": plan.grace_months}, until)
    return BillingStart(first, gettext_noop("物业服务自 %(date)s 开始，此前不收费"), params, until)


def why_nothing_billed(plan: FeePlan, rows: list[Row], period: Period, *, billed: int) -> tuple[str, dict]:
    """(msgid, params): why ``plan`` billed no new home in ``period``; ``billed`` homes were billed before."""
    if billing_window(plan, rows, period.start, period.end):
        if billed:
            return gettext_noop("已出账（%(count)s 户）"), {"count": billed}
        return gettext_noop("本期可计费的日子里没有登记住户的房屋"), {}
    later = billing_window(plan, rows, period.end + datetime.timedelta(days=1))
    if later:
        first = later[0][0]
        if first == billing_start(plan):
            return gettext_noop("先服务后收费：宽限期至 %(date)s"), {
                "date": (first - datetime.timedelta(days=1)).isoformat()}
        return gettext_noop("本期无可计费天数：服务自 %(date)s 开始"), {"date": first.isoformat()}
    earlier = billing_window(plan, rows, hi=period.start - datetime.timedelta(days=1))
    if earlier:
        return gettext_noop("本期无可计费天数：服务已于 %(date)s 结束"), {"date": earlier[-1][1].isoformat()}
    if plan.provider_id:
        return gettext_noop("本期无可计费天数：该服务单位未为本小区提供服务"), {}
    return gettext_noop("本期无可计费天数：本小区无物业服务人（脱管）"), {}


def _relief_for(reliefs, *, monthly, period, billable) -> Fraction:
    total = Fraction(0)
    for r in reliefs:
        total += relief_share(kind=r.kind, value=r.value, monthly=monthly, period=period, billable=billable,
                              relief=(r.start, r.end))
    return total
