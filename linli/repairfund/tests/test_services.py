"""The fund's rules in its services: account, deposits, top-up call, public income, the use from application to
staged payout, emergency use, and the ledger's verification."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from linli.assembly.models import Notice
from linli.notify.models import Notification
from linli.repairfund import services
from linli.repairfund.models import Account, Application, Movement, Share, TopUpCall

from .conftest import voted

D = Decimal


def stages(*amounts):
    return [{"description": f"阶段{i}", "amount": a} for i, a in enumerate(amounts, start=1)]


def test_opening_an_account_gives_each_home_its_first_deposit_due(fund):
    account = fund.account
    assert (account.rate, account.first_amount, account.holder) == (D("100.00"), D("11050.00"), "city_office")
    assert dict(Share.objects.values_list("home_id", "due")) == {fund.home_a1.pk: D("6250.00"),
                                                                fund.home_a2.pk: D("4800.00")}
    assert account.balance() == D("11050.00")
    assert account.top_up_threshold == D("3315.00")


def test_only_a_street_or_district_admin_opens_an_account(world):
    for name in ("community_admin", "manager_a", "resident_a", "other_street_admin", "stranger"):
        with pytest.raises(PermissionDenied):
            services.account_open(estate=world.estate_a, rate=D("50"), holder="city_office", actor=world.users[name])
    assert Account.objects.count() == 0


def test_owners_may_hold_the_fund_only_with_an_elected_committee(world):
    with pytest.raises(ValidationError) as refused:
        services.account_open(estate=world.estate_a, rate=D("50"), holder="owners", actor=world.street_admin)
    assert list(refused.value.message_dict) == ["holder"]
    assert "市住房资金管理部门代管" in refused.value.messages[0]


def test_owners_hold_the_fund_once_their_committee_is_elected(cworld):
    account = services.account_open(estate=cworld.estate_a, rate=D("50"), holder="owners", actor=cworld.street_admin)
    assert account.holder == "owners"


def test_first_deposits_are_not_recorded_twice(fund):
    assert services.deposit_first(account=fund.account, actor=fund.street_admin) == []
    assert Movement.objects.filter(kind="first").count() == 2


def test_a_use_bringing_the_balance_under_30_percent_calls_the_owners_to_top_up(fund):
    app = services.application_create(account=fund.account, title="更换供水管", description="更换1栋老化供水管",
                                      parts="1栋供水管", estimate=D("8000.00"), actor=fund.street_admin)
    voted(fund, app, {fund.home_a1: "for", fund.home_a2: "for"})
    services.application_approve(application=app, stages=stages(D("8000.00")), actor=fund.street_admin)
    stage = app.stages.get()
    services.stage_accept(stage=stage, note="验收合格", actor=fund.street_admin)
    services.stage_pay(stage=stage, actor=fund.street_admin)
    assert fund.account.balance() == D("3050.00")  # < 3315.00
    call = TopUpCall.objects.get()
    assert (call.balance, call.threshold, call.closed_at) == (D("3050.00"), D("3315.00"), None)
    told = Notification.objects.filter(kind="repair_fund")
    assert sorted(n.user.username for n in told) == ["resident_a"]  # the only owner with an account
    assert "第八十三条" in told.get().body
    share = Share.objects.get(home=fund.home_a1)
    assert services.top_up_owed(share) == share.due - share.balance() > 0
    # a second use does not call again while the call is open; topping up closes it
    services.deposit_top_up(account=fund.account, home=fund.home_a1, amount=D("300.00"), actor=fund.street_admin)
    assert TopUpCall.objects.get().closed_at is not None


def test_public_income_tops_up_a_low_fund_with_at_least_half(fund):
    low = fund.account
    services.application_create  # noqa: B018 - the fund is made low by a use below
    app = services.application_create(account=low, title="屋面防水", description="屋面防水", parts="屋面",
                                      estimate=D("9000.00"), actor=fund.street_admin)
    voted(fund, app, {fund.home_a1: "for", fund.home_a2: "for"})
    services.application_approve(application=app, stages=stages(D("9000.00")), actor=fund.street_admin)
    services.stage_accept(stage=app.stages.get(), note="合格", actor=fund.street_admin)
    services.stage_pay(stage=app.stages.get(), actor=fund.street_admin)
    assert low.is_low()
    with pytest.raises(ValidationError) as refused:
        services.deposit_public_income(account=low, income=D("1000.00"), amount=D("499.99"), source="广告收入",
                                       actor=fund.street_admin)
    assert list(refused.value.message_dict) == ["amount"]
    rows = services.deposit_public_income(account=low, income=D("1000.00"), source="广告收入", actor=fund.street_admin)
    assert sum(r.amount for r in rows) == D("500.00")
    assert {r.kind for r in rows} == {"public_income"}


def test_a_use_is_apportioned_by_area_exact_to_the_cent(fund):
    app = services.application_create(account=fund.account, title="屋面", description="屋面防水", parts="屋面",
                                      estimate=D("1000.00"), actor=fund.street_admin)
    assert dict(app.apportionments.values_list("home_id", "amount")) == {fund.home_a1.pk: D("565.61"),
                                                                        fund.home_a2.pk: D("434.39")}


def test_the_vote_counts_only_the_homes_concerned(tower):
    """Building 1's two homes (110.50 m²) vote; building 2's 200 m² home is not concerned. Counted over the whole
    estate, 110.50 of 310.50 m² would not reach two thirds; over the homes concerned it is everyone."""
    app = services.application_create(account=tower.account, title="1栋供水管", description="更换供水管",
                                      parts="1栋供水管", estimate=D("3000.00"), actor=tower.street_admin,
                                      buildings=[tower.building_a])
    assert set(app.homes.all()) == {tower.home_a1, tower.home_a2}
    app = voted(tower, app, {tower.home_a1: "for", tower.home_a2: "for"})
    motion = app.motion
    assert set(motion.concerned_homes.all()) == {tower.home_a1, tower.home_a2}
    assert (motion.total_area, motion.total_owners, motion.approved) == (D("110.50"), 2, True)
    assert app.status == Application.Status.PENDING


def test_a_failed_vote_rejects_the_application_and_it_cannot_be_approved(fund):
    app = services.application_create(account=fund.account, title="外墙", description="外墙", parts="外墙",
                                      estimate=D("100.00"), actor=fund.street_admin)
    app = voted(fund, app, {fund.home_a1: "against", fund.home_a2: "for"})
    assert app.status == Application.Status.REJECTED
    with pytest.raises(ValidationError, match="只有表决通过的申请可以审核批准"):
        services.application_approve(application=app, stages=stages(D("100.00")), actor=fund.street_admin)


def test_stages_must_sum_to_the_amount_and_are_paid_only_after_acceptance_in_order(fund):
    app = services.application_create(account=fund.account, title="电梯", description="加装电梯维修",
                                      parts="电梯", estimate=D("1000.00"), actor=fund.street_admin)
    voted(fund, app, {fund.home_a1: "for", fund.home_a2: "for"})
    with pytest.raises(ValidationError) as refused:
        services.application_approve(application=app, stages=stages(D("300.00"), D("600.00")),
                                     actor=fund.street_admin)
    assert list(refused.value.message_dict) == ["stages"]
    services.application_approve(application=app, stages=stages(D("333.33"), D("666.67")), actor=fund.street_admin)
    first, second = app.stages.all()
    with pytest.raises(ValidationError, match="尚未验收"):
        services.stage_pay(stage=first, actor=fund.street_admin)
    with pytest.raises(ValidationError, match="前一阶段"):
        services.stage_accept(stage=second, note="合格", actor=fund.street_admin)
    with pytest.raises(PermissionDenied):
        services.stage_accept(stage=first, note="合格", actor=fund.community_admin)
    services.stage_accept(stage=first, note="合格", actor=fund.street_admin)
    services.stage_pay(stage=first, actor=fund.street_admin)
    with pytest.raises(ValidationError, match="已支付"):
        services.stage_pay(stage=first, actor=fund.street_admin)
    services.stage_accept(stage=second, note="合格", actor=fund.street_admin)
    services.stage_pay(stage=second, actor=fund.street_admin)
    app.refresh_from_db()
    assert app.status == Application.Status.DONE
    # each home paid exactly its apportionment over both stages
    paid = {}
    for m in app.movements.all():
        paid[m.home_id] = paid.get(m.home_id, D(0)) - m.amount
    assert paid == dict(app.apportionments.values_list("home_id", "amount"))
    assert fund.account.balance() == D("10050.00")
    assert Notice.objects.filter(title__startswith="专项维修资金使用情况公示").count() == 1


def test_emergency_use_needs_no_vote_but_its_confirmation_a_notice_and_a_later_report(fund):
    with pytest.raises(ValidationError) as refused:
        services.application_create(account=fund.account, title="消防水泵", description="消防水泵损坏",
                                    parts="消防水泵", estimate=D("2000.00"), actor=fund.street_admin,
                                    emergency="fire")
    assert list(refused.value.message_dict) == ["emergency_confirmation"]
    app = services.application_create(account=fund.account, title="消防水泵", description="消防水泵损坏",
                                      parts="消防水泵", estimate=D("2000.00"), actor=fund.street_admin,
                                      emergency="fire", emergency_confirmation="业主、居委会、物业共同查验")
    with pytest.raises(ValidationError, match="不经表决"):
        services.application_to_vote(application=app, opens_at=app.created_at, closes_at=app.created_at,
                                     actor=fund.street_admin)
    services.application_approve(application=app, stages=stages(D("2000.00")), actor=fund.street_admin)
    assert Notice.objects.filter(title="紧急使用专项维修资金：消防水泵").exists()
    assert Notification.objects.filter(kind="repair_fund", key=f"repairfund:emergency:{app.pk}").count() == 1
    with pytest.raises(ValidationError, match="支付完成后"):
        services.emergency_report(application=app, report="已修复", actor=fund.street_admin)
    stage = app.stages.get()
    services.stage_accept(stage=stage, note="合格", actor=fund.street_admin)
    services.stage_pay(stage=stage, actor=fund.street_admin)
    services.emergency_report(application=app, report="消防水泵已更换，运行正常", actor=fund.street_admin)
    app.refresh_from_db()
    assert app.reported_at is not None
    assert Notice.objects.filter(title__startswith="紧急使用专项维修资金情况报告").count() == 1


def test_a_committee_member_drafts_an_application_but_does_not_approve_it(cworld):
    account = services.account_open(estate=cworld.estate_a, rate=D("50"), holder="owners", actor=cworld.street_admin)
    app = services.application_create(account=account, title="楼道灯", description="更换楼道灯", parts="楼道照明",
                                      estimate=D("500.00"), actor=cworld.committee_member)
    assert app.created_by == cworld.committee_member
    with pytest.raises(PermissionDenied):
        services.application_to_vote(application=app, opens_at=app.created_at, closes_at=app.created_at,
                                     actor=cworld.committee_member)
    for name in ("resident_a", "manager_a", "community_admin"):
        with pytest.raises(PermissionDenied):
            services.application_create(account=account, title="x", description="x", parts="x",
                                        estimate=D("1.00"), actor=cworld.users[name])


def test_a_quote_goes_through_the_upload_gate(fund, media):
    app = services.application_create(account=fund.account, title="屋面", description="屋面", parts="屋面",
                                      estimate=D("100.00"), actor=fund.street_admin)
    with pytest.raises(ValidationError) as refused:
        services.quote_add(application=app, supplier="甲公司", amount=D("100.00"), actor=fund.street_admin,
                           document=SimpleUploadedFile("q.html", b"<script>alert(1)</script>"))
    assert list(refused.value.message_dict) == ["document"]
    quote = services.quote_add(application=app, supplier="甲公司", amount=D("100.00"), actor=fund.street_admin,
                               document=SimpleUploadedFile("q.pdf", b"%PDF-1.4\n%%EOF\n"))
    assert quote.document.name.endswith(".pdf")


def test_the_ledger_verifies_and_detects_a_tampered_row(fund):
    assert services.verify() == []
    row = Movement.objects.order_by("seq").first()
    Movement.objects.filter(pk=row.pk).retention_redact(amount=D("1.00"))  # a forged change in the database
    problems = services.verify()
    assert problems == [f"账户 {fund.account.pk} 第 1 条：内容与其哈希不符（记录被改动）"]


def test_the_ledger_detects_a_deleted_last_row(fund):
    Movement.objects.filter(seq=2).retention_delete()
    assert services.verify() == [f"账户 {fund.account.pk}：链头记有 2 条，台账有 1 条（末尾记录被删除或改动）"]


def test_the_quarterly_account_sums_deposits_and_uses(fund):
    rows = services.quarterly_account(fund.account, quarters=8, today=datetime.date(2025, 3, 31))
    assert rows[0]["start"] == datetime.date(2025, 1, 1) and rows[0]["end"] == datetime.date(2025, 3, 31)
    assert (rows[0]["opening"], rows[0]["deposits"], rows[0]["uses"], rows[0]["closing"]) == (
        D(0), D("11050.00"), D(0), D("11050.00"))
    assert rows[1]["start"] == datetime.date(2024, 10, 1) and rows[1]["end"] == datetime.date(2024, 12, 31)


def test_a_motion_of_concerned_homes_refuses_a_home_of_another_estate_and_opens_with_only_its_homes(tower):
    from django.utils import timezone

    from linli.assembly import services as assembly

    now = timezone.now()
    opens = now + datetime.timedelta(days=16)
    with pytest.raises(ValidationError) as refused:
        assembly.motion_create(estate=tower.estate_a, matter="use_repair_fund", title="x", opens_at=opens,
                               closes_at=opens + datetime.timedelta(days=7), actor=tower.street_admin,
                               concerned_homes=[tower.home_a1, tower.home_b1], now=now)
    assert list(refused.value.message_dict) == ["concerned_homes"]
    motion = assembly.motion_create(estate=tower.estate_a, matter="use_repair_fund", title="2栋", opens_at=opens,
                                    closes_at=opens + datetime.timedelta(days=7), actor=tower.street_admin,
                                    concerned_homes=[tower.home_t], now=now)
    assembly.motion_open(motion=motion, actor=tower.street_admin, now=opens + datetime.timedelta(hours=1))
    assert [eh.home for e in motion.electors.all() for eh in e.homes.all()] == [tower.home_t]
    # a motion without concerned homes still counts every home of the estate
    plain = assembly.motion_create(estate=tower.estate_a, matter="use_repair_fund", title="全体", opens_at=opens,
                                   closes_at=opens + datetime.timedelta(days=7), actor=tower.street_admin, now=now)
    assembly.motion_open(motion=plain, actor=tower.street_admin, now=opens + datetime.timedelta(hours=1))
    assert plain.electors.count() == 3


def test_the_verify_command_exits_1_on_a_tampered_row(fund):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("repairfund", "verify", stdout=out)
    assert "1 个账户，2 条流水，未发现改动" in out.getvalue()
    Movement.objects.filter(seq=2).retention_redact(occurred_on=datetime.date(2025, 1, 16))
    with pytest.raises(SystemExit) as exited:
        call_command("repairfund", "verify", stdout=out)
    assert exited.value.code == 1
    assert "第 2 条：内容与其哈希不符" in out.getvalue()
