"""Demo repair fund on the 九宫庙 street: an account for every old estate with its first collection (30 元/m², in
2020), in 锦霞小区 a use in the past (the 2栋 water pipes: voted, approved, paid in two stages after acceptance) and
an application for 1栋's roof whose vote of the homes concerned is open now (the demo resident lives in 1栋 and may
vote). In 锦霞小区 three homes of 2栋 are sold public housing (售后公房, 房改房 sold by a former work unit that deposited
for them), so the 2栋 pipes were split with that unit (Beijing art. 86(2)–(3)); the 2025 interest was posted by
balance. In 锦霞二村 an emergency use (a lift fault) paid and reported, which left the fund under 30% of its first
collection: the top-up call is out. Idempotent: nothing is added once 锦霞小区 has an account.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from linli.assembly import services as assembly
from linli.people.models import User
from linli.places.models import Estate

from . import services
from .models import Account, Application

SHOWCASE = "锦霞小区"
RATE = Decimal("30.00")
OPENED = datetime.date(2020, 1, 1)
SELLER = "原大渡口区第二机械厂"  # the former work unit that sold 2栋's flats to their tenants (房改房)
SELLER_DEPOSIT = Decimal("1500.00")


def _vote(motion, actor, *, opens, share_for: float, now):
    """Paper ballots: the first ``share_for`` of the electors with a registered owner vote for, the rest abstain."""
    assembly.motion_open(motion=motion, actor=actor, now=opens)
    electors = [e for e in motion.electors.order_by("id") if e.persons.exists()]
    resident = User.objects.filter(username="resident").values_list("person_id", flat=True).first()
    for i, elector in enumerate(electors):
        if resident and elector.persons.filter(pk=resident).exists():
            continue  # the demo resident votes themselves
        choice = "for" if i < share_for * len(electors) else "abstain"
        assembly.ballot_cast(motion=motion, elector=elector, choice=choice, actor=actor, channel="paper",
                             sheet=ContentFile(b"%PDF-1.4 demo ballot", name=f"ballot-{elector.pk}.pdf"), now=now)


def _part(account, estimate_share: Decimal, homes) -> Decimal:
    """A round estimate: ``estimate_share`` of what the homes concerned paid at the first collection."""
    due = sum((s.due for s in account.shares.filter(home__in=homes)), Decimal(0))
    return max((due * estimate_share).quantize(Decimal("100")), Decimal("100")).quantize(Decimal("0.01"))


def load(*, out) -> None:
    showcase = Estate.objects.filter(name=SHOWCASE, community__parent__code="500104001").first()
    admin = User.objects.filter(username="street_admin").first()
    if showcase is None or admin is None or Account.objects.filter(estate=showcase).exists():
        return
    now = timezone.now()
    estates = Estate.objects.filter(kind="old", community__parent__code="500104001").order_by("pk")
    accounts = {}
    buildings = {b.number: b for b in showcase.buildings.all()}
    pipes = buildings.get("2栋") or next(iter(buildings.values()))
    sold = {h.pk: {"kind": "sold_public", "seller": SELLER, "seller_deposit": SELLER_DEPOSIT}
            for h in pipes.homes.order_by("pk")[:3]}
    for estate in estates:
        if not estate.homes.exists():
            continue
        holder = "owners" if services._has_committee(estate) else "city_office"
        account = services.account_open(estate=estate, rate=RATE, holder=holder, actor=admin,
                                         bank_account="" if holder == "city_office" else f"{estate.name}业主大会专户",
                                         opened_on=OPENED, now=now, shares=sold if estate == showcase else None)
        services.deposit_first(account=account, actor=admin, occurred_on=OPENED, now=now)
        accounts[estate.name] = account

    account = accounts[SHOWCASE]
    # The holder's statement for 2025: 1.35% on the balance, shared by balance.
    services.deposit_interest(account=account, amount=(account.balance() * Decimal("0.0135")).quantize(Decimal("0.01")),
                              source="2025年度结息（市住房资金管理部门对账单）", occurred_on=datetime.date(2025, 12, 21),
                              actor=admin, now=now)
    # A use in the past: 2栋's water pipes, voted 70 days ago, paid in two stages after acceptance; three of its
    # homes are sold public housing, whose part is shared with the selling unit by deposits (art. 86(2)–(3)).
    past = now - datetime.timedelta(days=90)
    estimate = _part(account, Decimal("0.25"), pipes.homes.all())
    app = services.application_create(
        account=account, title="更换2栋老化供水管", description="2栋供水立管锈蚀渗漏，整体更换为不锈钢管。",
        parts="2栋供水立管及阀门", estimate=estimate, buildings=[pipes], actor=admin, now=past)
    services.quote_add(application=app, supplier="重庆渝安管道工程有限公司", amount=estimate, actor=admin,
                       document=ContentFile(b"%PDF-1.4 demo quote", name="quote.pdf"), now=past)
    opens = past + datetime.timedelta(days=16)
    motion = services.application_to_vote(application=app, opens_at=opens, closes_at=opens + datetime.timedelta(days=7),
                                          actor=admin, now=past)
    _vote(motion, admin, opens=opens, share_for=0.85, now=opens + datetime.timedelta(days=1))
    assembly.motion_close(motion=motion, actor=admin, now=opens + datetime.timedelta(days=8))
    app = services.application_record_vote(application=app, actor=admin, now=opens + datetime.timedelta(days=8))
    if app.status == Application.Status.PENDING:
        first = (estimate * Decimal("0.4")).quantize(Decimal("0.01"))
        services.application_approve(application=app, actor=admin, now=opens + datetime.timedelta(days=9), stages=[
            {"description": "材料进场、旧管拆除", "amount": first},
            {"description": "安装完成、试压验收", "amount": estimate - first}])
        for stage, day in zip(app.stages.all(), (20, 40), strict=True):
            when = opens + datetime.timedelta(days=day)
            services.stage_accept(stage=stage, note="经业主代表、社区和物业现场查验合格。", actor=admin, now=when)
            services.stage_pay(stage=stage, actor=admin, occurred_on=timezone.localdate(when), now=when)

    # An application in its vote now: 1栋's roof, the homes of 1栋 only.
    roof = buildings.get("1栋") or next(iter(buildings.values()))
    start = now - datetime.timedelta(days=18)
    app = services.application_create(
        account=account, title="1栋屋面防水修缮", description="1栋屋面防水层老化，顶层住户渗漏，重做防水层。",
        parts="1栋屋面防水层", estimate=_part(account, Decimal("0.15"), roof.homes.all()), buildings=[roof],
        actor=admin, now=start)
    opens = now - datetime.timedelta(days=2)
    motion = services.application_to_vote(application=app, opens_at=opens, closes_at=now + datetime.timedelta(days=8),
                                          actor=admin, now=start)
    _vote(motion, admin, opens=opens, share_for=0.4, now=opens + datetime.timedelta(hours=3))

    # An emergency use in 锦霞二村: a lift fault, no vote (Civil Code art. 281 para. 2), notice, payment, report.
    second = accounts.get("锦霞二村")
    if second is not None:
        when = now - datetime.timedelta(days=30)
        app = services.application_create(
            account=second, title="1号电梯曳引机紧急维修", description="电梯曳引机故障停运，老人出行受困，紧急更换。",
            parts="电梯曳引机", estimate=(second.first_amount * Decimal("0.75")).quantize(Decimal("0.01")),
            emergency="lift", emergency_confirmation="相关业主代表、社区居委会、物业服务人现场查验确认。",
            actor=admin, now=when)
        services.application_approve(application=app, actor=admin, now=when, stages=[
            {"description": "更换曳引机并验收", "amount": app.estimate}])
        stage = app.stages.get()
        done = when + datetime.timedelta(days=5)
        services.stage_accept(stage=stage, note="特种设备检验合格，恢复运行。", actor=admin, now=done)
        services.stage_pay(stage=stage, actor=admin, occurred_on=timezone.localdate(done), now=done)
        services.emergency_report(application=app, actor=admin, now=done + datetime.timedelta(days=1),
                                  report="电梯曳引机已更换，经特种设备检验机构检验合格，恢复运行。")
    out(f"专项维修资金：{len(accounts)} 个老旧小区开户，使用申请 3 项（锦霞小区已使用 1 项、表决中 1 项，锦霞二村应急使用 1 项）"
        f"；锦霞小区 {len(sold)} 户售后公房、2025年度利息已入账")
