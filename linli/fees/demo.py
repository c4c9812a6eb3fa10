"""Demo fees on the 九宫庙 street (seed 002): the "三个一点" cleaning fee of 8 元/户/月 for every cluster,
a per-m² fee in the market-managed estates, six months billed and mostly paid in 锦霞小区 (the resident's
estate), a hardship family exempted for two years (seed 004), a year of accounts with subsidy,
canteen and parking income, and 九宫庙后街院落 billed only from its takeover by the state custodian (先服务后收费). Idempotent: it does nothing when the street's plans are already there.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from linli.people.models import Occupancy, User
from linli.places.models import Cluster, Estate, Home

from . import services
from .models import FeePlan, LedgerEntry
from .money import add_months

DECISION = "九宫庙街道“三个一点”资金筹集方案（居民缴纳一点、经营创收一点、政府补贴一点）"
MONTHS = 6
SHOWCASE = "锦霞小区"
TAKEOVER = "九宫庙后街院落"  # 脱管 until the state custodian took it over 60 days before the demo's today


def load(*, out) -> None:
    if FeePlan.objects.filter(decision=DECISION).exists() or not Estate.objects.filter(name=SHOWCASE).exists():
        return
    users = {u.username: u for u in User.objects.filter(username__in=[
        "street_admin", "community_admin", "custodian_manager", "property_manager"])}
    if len(users) < 4:
        return
    rng = random.Random(2022)
    today = timezone.localdate()
    first = add_months(today.replace(day=1), -MONTHS)
    for cluster in Cluster.objects.filter(street__code="500104001").order_by("name"):
        services.fee_plan_create(
            actor=users["street_admin"], cluster=cluster, name="清洁费", rate=Decimal("8"),
            effective_from=datetime.date(2022, 5, 1), grace_months=3, decision=DECISION,
            services="打扫保洁、垃圾清运、绿化养护、公共设施小修", quality="楼道每日清扫一次，垃圾日产日清",
            responsible="街道物业服务中心 汪晓璐",
        )
    for estate in Estate.objects.filter(kind="commodity", community__parent__code="500104001"):
        current = estate.current_stewardship()
        if current and current.mode == "market":
            services.fee_plan_create(
                actor=users["property_manager"], estate=estate, basis="per_area", rate=Decimal("1.20"),
                effective_from=first, decision="业主大会决定选聘，物业服务合同约定", services="综合物业服务",
                responsible="项目经理",
            )
    showcase = Estate.objects.get(name=SHOWCASE)
    for i in range(MONTHS):
        month = add_months(first, i)
        services.bill_period(period=f"{month.year}-{month.month:02d}", estate=showcase,
                             actor=users["custodian_manager"])
    homes = list(Home.objects.filter(estate=showcase).order_by("pk"))
    hardship = (Occupancy.objects.current().filter(home__estate=showcase, person__is_hardship=True)
                .values_list("home_id", flat=True).order_by("home_id").first())
    if hardship:
        services.relief_grant(home=Home.objects.get(pk=hardship), kind="exempt", start=first,
                              end=add_months(first, 24) - datetime.timedelta(days=1), reason="hardship",
                              actor=users["community_admin"], note="困难家庭，减免两年（社区议事会同意）")
    now = timezone.now()
    paid = 0
    for home in homes:
        r = rng.random()
        if r < 0.82:
            months = MONTHS if r < 0.7 else rng.randint(1, MONTHS - 1)
            if r < 0.05:
                months = MONTHS + 24  # paid two years ahead
            services.payment_record(
                home=home, amount=Decimal(8 * months), method=rng.choice(["cash", "wechat", "wechat", "alipay"]),
                idempotency_key=f"demo:{home.pk}", actor=users["custodian_manager"],
                # Paid in the first billed month, for the months paid (半年一交): the dashboard's fee trend counts
                # money on the day it was paid, so a payment dated after the months it pays would show them unpaid.
                paid_on=min(today, first + datetime.timedelta(days=rng.randint(0, 27))), now=now,
            )
            paid += 1
    entries = 0
    for i in range(12):
        month = add_months(today.replace(day=1), -11 + i)
        last = min(add_months(month, 1) - datetime.timedelta(days=1), today)
        for direction, category, amount, text in (
            ("income", "subsidy", 3000, "街道老旧小区物业服务补贴"),
            ("income", "canteen", rng.randint(600, 1200), "社区食堂经营结余反哺"),
            ("income", "parking", rng.randint(1500, 2500), "小区停车位经营收入"),
            ("expense", "cleaning", 3600, "保洁员工资（2人）"),
            ("expense", "security", 4200, "门岗值守（24小时）"),
            ("expense", "utilities", rng.randint(300, 600), "楼道照明、公共水电"),
            ("expense", "repairs", rng.randint(200, 1500), "路灯、声控灯、下水道疏通"),
        ):
            services.ledger_record(
                estate=showcase, direction=direction, category=category, amount=Decimal(amount),
                occurred_on=last, description=f"{month.month}月{text}",
                evidence=_evidence(f"{month:%Y%m}-{category}.txt", text), actor=users["custodian_manager"],
            )
            entries += 1
    taken_over = _bill_a_takeover(users["custodian_manager"], today)
    link = services.public_link_for(showcase)
    if taken_over is not None:
        out(f"先服务后收费：{taken_over.name} 自国有托管接管之日起计费，接管当月按天计；"
            f"收支公开 /fees/public/{services.public_link_for(taken_over).token}/")
    out(f"收费演示：{Cluster.objects.filter(street__code='500104001').count()} 个片区清洁费 8 元/户/月，"
        f"{SHOWCASE} {len(homes)} 户开账 {MONTHS} 个月、{paid} 户缴费、台账 {entries + paid} 条；"
        f"收支公开 /fees/public/{link.token}/")
    assert LedgerEntry.objects.filter(estate=showcase).exists()


def _bill_a_takeover(actor, today: datetime.date) -> Estate | None:
    """先服务后收费 on show: 九宫庙后街院落 was unmanaged (脱管) until the state custodian took it over two months
    ago; its cluster's cleaning fee has been in force for years, yet it is billed only from the takeover, the
    month of the takeover by day (issue 15 item 5)."""
    estate = Estate.objects.filter(name=TAKEOVER).first()
    current = estate.current_stewardship(today) if estate else None
    if current is None or current.mode != "custodian":
        return None
    month = current.start.replace(day=1)
    while month <= today.replace(day=1):
        services.bill_period(period=f"{month.year}-{month.month:02d}", estate=estate, actor=actor)
        month = add_months(month, 1)
    return estate


def _evidence(name: str, text: str) -> ContentFile:
    return ContentFile(f"演示凭证：{text}\n".encode(), name=name)
