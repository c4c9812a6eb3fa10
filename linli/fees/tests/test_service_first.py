"""先服务后收费 (issue 15 item 5): money follows service.

Billing of a period starts at the later of the plan's start, the end of its grace period and the start of the
stewardship of the provider it bills for, and stops at the earlier of the plan's end and the stewardship's end;
each end is prorated by day. A billing run that bills nothing says why, per estate and plan.
"""

import datetime
from decimal import Decimal

from linli.fees import services
from linli.fees.models import Bill
from linli.people.models import Occupancy, Person
from linli.places.services import stewardship_change

D = datetime.date


def lived_in(world):
    """Estate B (脱管 so far) gets an owner in its only home."""
    Occupancy.objects.create(person=Person.objects.create(name="黄德明"), home=world.home_b1, relation="owner")


def hire(world, start, provider=None, mode="market"):
    return stewardship_change(estate=world.estate_b, mode=mode, provider=provider or world.company, start=start,
                              actor=world.street_admin, basis="业主大会决定选聘", basis_kind="decision",
                              basis_ref="motion:1")


def test_reproduction_a_plan_older_than_the_stewardship_bills_from_the_takeover_not_the_whole_month(world):
    """Reproduced on the demo: the plan took effect on 1 July, the manager took over on 15 July, and July was
    billed in full. Only the 17 days served are billed: 10 × 17/31 = 5.48."""
    lived_in(world)
    hire(world, D(2026, 7, 15))
    services.fee_plan_create(actor=world.street_admin, estate=world.estate_b, rate=Decimal("10"),
                             effective_from=D(2026, 7, 1), decision="业主大会决定 2026-2号")
    services.bill_period(period="2026-07", estate=world.estate_b, actor=world.street_admin)
    bill = Bill.objects.get(home=world.home_b1)
    assert (bill.days, bill.amount) == (17, Decimal("5.48"))


def leave(world, day):
    """The manager of estate B leaves: from ``day`` the estate is 脱管 again (a street record)."""
    stewardship_change(estate=world.estate_b, mode="none", start=day, actor=world.street_admin,
                       basis="合同期满，物业撤出", basis_kind="street")


def plan_b(world, **kw):
    kw.setdefault("rate", Decimal("10"))
    kw.setdefault("effective_from", D(2026, 7, 1))
    return services.fee_plan_create(actor=world.street_admin, estate=world.estate_b, decision="业主大会决定 2026-2号",
                                    **kw)


def bill_b(world, period):
    return services.bill_period(period=period, estate=world.estate_b, actor=world.street_admin)


def amounts(home):
    return list(Bill.objects.filter(home=home).order_by("period_start", "plan_id").values_list(
        "period", "days", "amount"))


def test_a_stewardship_that_starts_and_ends_within_a_quarter_is_prorated_at_both_ends(world):
    lived_in(world)
    hire(world, D(2026, 7, 15))
    leave(world, D(2026, 9, 21))
    plan_b(world, frequency="quarterly")
    bill_b(world, "2026-Q3")
    # 10 × (17/31 + 31/31 + 20/30) = 22.1505… → 22.15, rounded once
    assert amounts(world.home_b1) == [("2026-Q3", 68, Decimal("22.15"))]


def test_a_manager_who_left_mid_month_is_billed_to_the_day_it_left_and_not_after(world):
    lived_in(world)
    hire(world, D(2026, 7, 1))
    leave(world, D(2026, 9, 21))
    plan_b(world)
    for month in ("2026-09", "2026-10"):
        run = bill_b(world, month)
    assert amounts(world.home_b1) == [("2026-09", 20, Decimal("6.67"))]  # 10 × 20/30
    assert run.bills_created == 0
    assert run.reasons == ["新工宿舍 · 物业服务费：本期无可计费天数：服务已于 2026-09-20 结束"]


def test_a_stewardship_starting_mid_month_after_the_grace_period_bills_from_its_own_start(world):
    lived_in(world)
    hire(world, D(2026, 7, 15))
    plan_b(world, effective_from=D(2026, 6, 1), billing_starts_on=D(2026, 7, 10))
    bill_b(world, "2026-07")
    assert amounts(world.home_b1) == [("2026-07", 17, Decimal("5.48"))]


def test_the_grace_period_counts_when_it_ends_after_the_stewardship_starts(world):
    lived_in(world)
    hire(world, D(2026, 7, 15))
    plan_b(world, grace_months=1)  # service from 15 July, fees from 1 August
    july = bill_b(world, "2026-07")
    bill_b(world, "2026-08")
    assert amounts(world.home_b1) == [("2026-08", 31, Decimal("10.00"))]
    assert july.reasons == ["新工宿舍 · 物业服务费：先服务后收费：宽限期至 2026-07-31"]


def test_a_change_of_manager_within_a_month_bills_each_provider_for_its_own_days(world):
    old = services.fee_plan_create(actor=world.manager_a, estate=world.estate_a, rate=Decimal("10"),
                                   effective_from=D(2026, 1, 1), decision="物业服务合同 JX-2025")
    assert old.provider == world.company  # a property manager's plan bills for their company
    stewardship_change(estate=world.estate_a, mode="custodian", provider=world.custodian, start=D(2026, 8, 15),
                       actor=world.street_admin, basis="业主大会决定国有托管", basis_kind="decision",
                       basis_ref="motion:1")
    new = services.fee_plan_create(actor=world.street_admin, estate=world.estate_a, rate=Decimal("8"),
                                   effective_from=D(2026, 8, 1), decision="托管协议 DT-2026",
                                   provider=world.custodian)
    services.bill_period(period="2026-08", estate=world.estate_a, actor=world.street_admin)
    september = services.bill_period(period="2026-09", estate=world.estate_a, actor=world.street_admin)
    by_plan = list(Bill.objects.filter(home=world.home_a1).order_by("period", "plan_id").values_list(
        "period", "plan_id", "days", "amount"))
    assert by_plan == [
        ("2026-08", old.pk, 14, Decimal("4.52")),  # 10 × 14/31, to 14 August
        ("2026-08", new.pk, 17, Decimal("4.39")),  # 8 × 17/31, from 15 August
        ("2026-09", new.pk, 30, Decimal("8.00")),
    ]
    assert september.reasons == ["锦霞小区 · 物业服务费：本期无可计费天数：服务已于 2026-08-14 结束"]


def test_a_plan_for_whoever_serves_bills_across_a_change_of_manager(world):
    lived_in(world)
    hire(world, D(2026, 7, 15))
    hire(world, D(2026, 8, 15), provider=world.custodian, mode="custodian")
    plan = plan_b(world)
    assert plan.provider is None  # an admin's plan bills for whoever serves the estate on the day
    bill_b(world, "2026-08")
    assert amounts(world.home_b1) == [("2026-08", 31, Decimal("10.00"))]


def test_a_plan_cannot_bill_for_a_provider_that_never_served_the_estate(world):
    from django.core.exceptions import ValidationError

    try:
        plan_b(world, provider=world.custodian)
    except ValidationError as refused:
        assert list(refused.message_dict) == ["provider"]
    else:
        raise AssertionError("accepted")


def test_a_run_that_bills_nothing_says_why_for_each_estate_and_plan(world):
    lived_in(world)
    assert bill_b(world, "2026-06").reasons == ["新工宿舍：无有效收费方案（按月收取的）"]
    plan_b(world)
    assert bill_b(world, "2026-07").reasons == ["新工宿舍 · 物业服务费：本期无可计费天数：本小区无物业服务人（脱管）"]
    hire(world, D(2026, 8, 15))
    assert bill_b(world, "2026-07").reasons == ["新工宿舍 · 物业服务费：本期无可计费天数：服务自 2026-08-15 开始"]
    plan_b(world, name="清洁费", rate=Decimal("5"), effective_from=D(2026, 8, 1), grace_months=2)
    august = bill_b(world, "2026-08")
    assert august.bills_created == 1  # the first plan bills 17 days; the cleaning fee is still in its grace
    assert august.reasons == ["新工宿舍 · 清洁费：先服务后收费：宽限期至 2026-09-30"]
    again = bill_b(world, "2026-08")
    assert again.reasons == ["新工宿舍 · 物业服务费：已出账（1 户）", "新工宿舍 · 清洁费：先服务后收费：宽限期至 2026-09-30"]
    Occupancy.objects.filter(home=world.home_b1).update(end=D(2026, 8, 31))
    assert bill_b(world, "2026-10").reasons == ["新工宿舍 · 物业服务费：本期可计费的日子里没有登记住户的房屋",
                                               "新工宿舍 · 清洁费：本期可计费的日子里没有登记住户的房屋"]


def test_a_run_that_bills_something_for_every_plan_has_no_reasons(world, plan):
    assert services.bill_period(period="2026-12", estate=world.estate_a, actor=world.manager_a).notes == []


def test_the_reasons_are_on_the_run_page_in_the_api_and_in_the_command_output(world, client_for, capsys):
    from django.core.management import call_command

    lived_in(world)
    hire(world, D(2026, 8, 15))
    plan_b(world)
    why = "本期无可计费天数：服务自 2026-08-15 开始"
    client = client_for("street_admin")
    response = client.post(f"/fees/estates/{world.estate_b.pk}/billing/", {"period": "2026-07"})
    run_url = response["Location"]
    for _chunk in range(3):  # the page polls the step until the run is done
        step = client.post(f"{run_url}step/", HTTP_HX_REQUEST="true").content.decode()
    assert "开账完成" in step and why in step
    page = client.get(run_url).content.decode()
    assert "未出账原因" in page and why in page
    api = client.get(f"/api/v1/billing-runs/{run_url.rstrip('/').rsplit('/', 1)[1]}/").json()
    assert api["bills_created"] == 0 and api["reasons"] == [f"新工宿舍 · 物业服务费：{why}"]
    call_command("bill", "--period", "2026-07", "--estate", str(world.estate_b.pk))
    assert f"未出账：新工宿舍 · 物业服务费：{why}" in capsys.readouterr().out


def test_strangers_do_not_see_a_run_and_its_reasons(world, client_for):
    lived_in(world)
    plan_b(world)
    run = bill_b(world, "2026-07")
    for who in ("stranger", "other_street_admin", "resident_a", "grid_worker"):
        assert client_for(who).get(f"/fees/runs/{run.pk}/").status_code in (403, 404), who
        assert client_for(who).get(f"/api/v1/billing-runs/{run.pk}/").status_code in (403, 404), who
    assert client_for("auditor").get(f"/api/v1/billing-runs/{run.pk}/").json()["reasons"] == run.reasons


def test_the_prepayment_quote_follows_service_too(world):
    lived_in(world)
    hire(world, D(2026, 7, 15))
    plan_b(world)
    # July: 17 of 31 days; August in full
    assert services.prepayment_quote(home=world.home_b1, months=2, on=D(2026, 7, 3)) == Decimal("15.48")


# -- the public accounts and the staff pages show when billing starts ------------------------------------------


def test_the_public_accounts_show_when_billing_starts_and_why(world):
    from django.test import Client

    lived_in(world)
    hire(world, D(2026, 7, 15))
    plan_b(world)
    link = services.public_link_for(world.estate_b)
    page = Client().get(f"/fees/public/{link.token}/?year=2026").content.decode()
    assert "开始收费：<strong>2026-07-15</strong>（物业服务自 2026-07-15 开始，此前不收费）" in page
    data = Client().get(f"/api/v1/fees/public/{link.token}/?year=2026").json()["plans"][0]
    assert (data["billing_starts_on"], data["billing_start"], data["billing_ends_on"]) == (
        "2026-07-15", "物业服务自 2026-07-15 开始，此前不收费", None)


def test_the_public_accounts_show_a_grace_period_and_the_end_of_service(world):
    from django.test import Client

    lived_in(world)
    hire(world, D(2026, 7, 1))
    leave(world, D(2026, 11, 1))
    plan_b(world, grace_months=2)
    link = services.public_link_for(world.estate_b)
    data = Client().get(f"/api/v1/fees/public/{link.token}/?year=2026").json()
    # The plan still in force on 1 Nov has no stewardship after 31 Oct: billing ran 1 Sep – 31 Oct.
    assert [(p["billing_starts_on"], p["billing_start"], p["billing_ends_on"]) for p in data["plans"]] == [
        ("2026-09-01", "先服务后收费：服务满 2 个月后开始收费", "2026-10-31")]


def test_the_public_accounts_show_prepayments_as_their_own_line(world, now):
    from django.test import Client

    from linli.core.testing import pay

    lived_in(world)
    hire(world, D(2026, 7, 1))
    plan_b(world)
    for month in ("2026-07", "2026-08"):
        bill_b(world, month)
    pay(world, world.home_b1, "50", "b1-ahead", now, paid_on=D(2026, 8, 20))  # 20 for July and August, 30 ahead
    link = services.public_link_for(world.estate_b)
    page = Client().get(f"/fees/public/{link.token}/?year=2026").content.decode()
    assert "预缴（提前交纳、尚未到期的物业费，截至" in page and "）：30.00 元，1 户" in page
    data = Client().get(f"/api/v1/fees/public/{link.token}/?year=2026").json()
    assert (data["prepaid"]["amount"], data["prepaid"]["households"]) == ("30.00", 1)
    assert "黄德明" not in page and "101" not in data.__repr__()  # no personal data, no home numbers
    bill_b(world, "2026-09")  # September is billed from the credit: 20 left ahead
    data = Client().get(f"/api/v1/fees/public/{link.token}/?year=2026").json()
    assert data["prepaid"]["amount"] == "20.00"


def test_the_staff_estate_page_shows_billing_start_and_the_plan_form_offers_the_estates_providers(world, client_for):
    lived_in(world)
    hire(world, D(2026, 7, 15))
    plan_b(world)
    client = client_for("street_admin")
    page = client.get(f"/fees/estates/{world.estate_b.pk}/").content.decode()
    assert "开始收费 2026-07-15：物业服务自 2026-07-15 开始，此前不收费" in page
    form = client.get(f"/fees/estates/{world.estate_b.pk}/plans/new/").content.decode()
    assert world.company.name in form and world.custodian.name not in form
    response = client.post(f"/fees/estates/{world.estate_b.pk}/plans/new/", {
        "name": "物业服务费", "basis": "per_home", "rate": "9", "frequency": "monthly", "effective_from": "2027-01-01",
        "grace_months": "0", "decision": "业主大会决定 2026-5号", "type_rates": "", "provider": world.company.pk})
    assert response.status_code == 302
    assert world.estate_b.fee_plans.get(rate=9).provider == world.company


def test_the_api_takes_the_provider_a_plan_bills_for(world, client_for):
    from linli.core.testing import post

    lived_in(world)
    hire(world, D(2026, 7, 15))
    client = client_for("street_admin")
    body = {"estate": world.estate_b.pk, "rate": "9", "effective_from": "2026-07-01", "decision": "业主大会决定"}
    refused = post(client, "/api/v1/fee-plans/", {**body, "provider": world.custodian.pk})
    assert refused.status_code == 400 and list(refused.json()["fields"]) == ["provider"]
    made = post(client, "/api/v1/fee-plans/", {**body, "provider": world.company.pk})
    assert made.status_code == 201 and made.json()["provider"] == world.company.pk


def test_the_reasons_and_the_billing_start_are_read_in_english_too(world):
    from django.utils import translation

    lived_in(world)
    hire(world, D(2026, 8, 15))
    plan = plan_b(world)
    run = bill_b(world, "2026-07")
    with translation.override("en"):
        assert run.reasons == ["新工宿舍 · 物业服务费：No billable days in this period: service starts on 2026-08-15"]
        rows = services.stewardship_rows([world.estate_b.pk])[world.estate_b.pk]
        assert str(services.billing_start_of(plan, rows)) == (
            "The provider's service started on 2026-08-15; nothing is billed before")
