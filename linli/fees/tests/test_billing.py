"""Billing: one bill per home, plan and period; prorated; grace; relief; prepayment; idempotent runs."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linli.core.testing import pay
from linli.fees import services
from linli.fees.models import Bill, BillingRun, FeeEvent, Payment
from linli.people.actors import system_actor
from linli.people.models import Occupancy, Person

D = datetime.date


def bills(home):
    return list(Bill.objects.filter(home=home).order_by("period_start").values_list("period", "amount", "relief",
                                                                                     "paid", "outstanding"))


def test_a_month_bills_every_lived_in_home_of_the_estate_once(world, plan):
    run = services.bill_period(period="2026-12", estate=world.estate_a, actor=world.manager_a)
    assert (run.status, run.total_homes, run.done_homes, run.bills_created) == ("done", 2, 2, 2)
    assert run.amount_billed == Decimal("20.00")
    assert bills(world.home_a1) == [("2026-12", Decimal("10.00"), Decimal("0.00"), Decimal("0.00"),
                                     Decimal("10.00"))]
    assert Bill.objects.filter(home=world.home_b1).count() == 0  # estate B has no plan


def test_running_a_period_twice_changes_nothing(world, plan):
    services.bill_period(period="2026-12", estate=world.estate_a, actor=world.manager_a)
    before = list(Bill.objects.values_list("pk", "amount", "outstanding"))
    again = services.bill_period(period="2026-12", estate=world.estate_a, actor=world.manager_a)
    assert again.bills_created == 0
    assert list(Bill.objects.values_list("pk", "amount", "outstanding")) == before


def test_the_cli_style_run_over_every_estate_bills_in_small_chunks(world, plan):
    seen = []
    run = services.bill_period(period="2026-12", actor=system_actor(), chunk=1, progress=lambda r: seen.append(r.done_homes))
    assert seen == [1, 2, 2, 2, 2]  # homes of estates without a plan are walked past, not billed
    assert Bill.objects.count() == 2 and run.estate is None


def test_moving_in_mid_month_is_prorated_by_days(world, plan):
    Occupancy.objects.filter(home=world.home_a2).update(start=D(2026, 12, 11))
    services.bill_period(period="2026-12", estate=world.estate_a, actor=world.manager_a)
    bill = Bill.objects.get(home=world.home_a2)
    assert (bill.days, bill.amount) == (21, Decimal("6.77"))


def test_moving_out_ends_billing(world, plan):
    Occupancy.objects.filter(home=world.home_a2).update(end=D(2026, 11, 15))
    services.bill_period(period="2026-Q4", estate=world.estate_a, actor=world.manager_a)  # monthly plan: no bill
    assert Bill.objects.count() == 0
    services.bill_period(period="2026-11", estate=world.estate_a, actor=world.manager_a)
    services.bill_period(period="2026-12", estate=world.estate_a, actor=world.manager_a)
    assert bills(world.home_a2) == [("2026-11", Decimal("5.00"), Decimal("0.00"), Decimal("0.00"),
                                     Decimal("5.00"))]


def test_a_home_nobody_lives_in_is_not_billed(world, plan):
    Occupancy.objects.filter(home=world.home_a2).delete()
    run = services.bill_period(period="2026-12", estate=world.estate_a, actor=world.manager_a)
    assert run.bills_created == 1


def test_a_quarterly_plan_per_square_metre_rounds_once(world):
    services.fee_plan_create(actor=world.manager_a, estate=world.estate_a, basis="per_area", rate=Decimal("0.85"),
                             frequency="quarterly", effective_from=D(2026, 1, 1), decision="备案 2026-1")
    Occupancy.objects.filter(home=world.home_a1).update(end=D(2026, 11, 15))
    services.bill_period(period="2026-Q4", estate=world.estate_a, actor=world.manager_a)
    # 62.5 m² × 0.85 = 53.125 a month: October in full, 15 of 30 days of November.
    assert Bill.objects.get(home=world.home_a1).amount == Decimal("79.69")
    # 48 m² × 0.85 = 40.80 × 3
    assert Bill.objects.get(home=world.home_a2).amount == Decimal("122.40")


def test_a_home_type_plan_charges_by_area_band(world):
    services.fee_plan_create(actor=world.manager_a, estate=world.estate_a, basis="per_type",
                             type_rates=[{"up_to": "50", "amount": "7"}, {"up_to": None, "amount": "9.5"}],
                             effective_from=D(2026, 1, 1), decision="街道文件 九宫庙〔2026〕8号")
    services.bill_period(period="2026-12", estate=world.estate_a, actor=world.manager_a)
    assert Bill.objects.get(home=world.home_a1).amount == Decimal("9.50")
    assert Bill.objects.get(home=world.home_a2).amount == Decimal("7.00")


def test_service_comes_first_no_bill_during_the_grace_months(world):
    services.fee_plan_create(actor=world.manager_a, estate=world.estate_a, rate=Decimal("9"),
                             effective_from=D(2026, 10, 16), grace_months=2, decision="先服务后收费 协议")
    services.bill_period(period="2026-11", estate=world.estate_a, actor=world.manager_a)
    services.bill_period(period="2026-12", estate=world.estate_a, actor=world.manager_a)
    # billing starts 2026-12-16: 16 of 31 days of December
    assert bills(world.home_a1) == [("2026-12", Decimal("4.65"), Decimal("0.00"), Decimal("0.00"),
                                     Decimal("4.65"))]


def test_grace_can_end_on_a_set_date(world):
    plan = services.fee_plan_create(actor=world.manager_a, estate=world.estate_a, rate=Decimal("9"),
                                    effective_from=D(2026, 6, 1), billing_starts_on=D(2026, 12, 1),
                                    decision="先服务后收费 协议")
    assert services.billing_start(plan) == D(2026, 12, 1)
    services.bill_period(period="2026-11", estate=world.estate_a, actor=world.manager_a)
    assert Bill.objects.count() == 0


def test_a_cluster_plan_bills_its_estates_unless_an_estate_has_its_own(world):
    services.fee_plan_create(actor=world.street_admin, cluster=world.cluster, rate=Decimal("7"),
                             effective_from=D(2026, 1, 1), decision="九宫庙街道 三个一点 方案")
    services.bill_period(period="2026-12", actor=system_actor())
    assert set(Bill.objects.values_list("amount", flat=True)) == {Decimal("7.00")}
    services.fee_plan_create(actor=world.manager_a, estate=world.estate_a, rate=Decimal("10"),
                             effective_from=D(2027, 1, 1), decision="业主大会决定")
    services.bill_period(period="2027-01", actor=system_actor())
    assert set(Bill.objects.filter(period="2027-01").values_list("amount", flat=True)) == {Decimal("10.00")}


def test_relief_shows_as_relief_not_arrears(world, plan):
    services.relief_grant(home=world.home_a1, kind="exempt", start=D(2026, 12, 1), end=D(2028, 11, 30),
                          reason="hardship", actor=world.community_admin, note="困难家庭 两年")
    services.bill_period(period="2026-12", estate=world.estate_a, actor=world.manager_a)
    assert bills(world.home_a1) == [("2026-12", Decimal("10.00"), Decimal("10.00"), Decimal("0.00"),
                                     Decimal("0.00"))]


def test_relief_granted_after_billing_adjusts_the_bill_and_refunds_to_credit(world, plan, now):
    services.bill_period(period="2026-12", estate=world.estate_a, actor=world.manager_a)
    payment = pay(world, world.home_a1, "10", "k1", now)
    relief = services.relief_grant(home=world.home_a1, kind="percent", value=Decimal("50"), start=D(2026, 12, 1),
                                   end=D(2026, 12, 31), reason="low_income", actor=world.street_admin)
    assert relief.approver_role == "street_admin"
    assert bills(world.home_a1) == [("2026-12", Decimal("10.00"), Decimal("5.00"), Decimal("5.00"),
                                     Decimal("0.00"))]
    payment.refresh_from_db()
    assert payment.unallocated == Decimal("5.00")
    services.relief_revoke(relief=relief, reason="收入已恢复", actor=world.street_admin)
    assert bills(world.home_a1) == [("2026-12", Decimal("10.00"), Decimal("0.00"), Decimal("10.00"),
                                     Decimal("0.00"))]


@pytest.mark.parametrize("name", ["manager_a", "staff_a", "auditor", "grid_worker", "resident_a"])
def test_only_admins_of_the_estate_approve_relief(world, name):
    with pytest.raises(PermissionDenied):
        services.relief_grant(home=world.home_a1, kind="exempt", start=D(2026, 1, 1), end=D(2026, 12, 31),
                              reason="hardship", actor=getattr(world, name))


def test_prepayment_pays_future_bills_as_they_are_issued(world, plan, now):
    assert services.prepayment_quote(home=world.home_a1, months=24, on=D(2026, 12, 1)) == Decimal("240.00")
    payment = pay(world, world.home_a1, "25", "two-and-a-half-months", now)
    assert payment.unallocated == Decimal("25.00")
    for period in ("2026-12", "2027-01", "2027-02"):
        services.bill_period(period=period, estate=world.estate_a, actor=world.manager_a)
    assert [b[4] for b in bills(world.home_a1)] == [Decimal("0.00"), Decimal("0.00"), Decimal("5.00")]
    payment.refresh_from_db()
    assert payment.unallocated == Decimal("0.00")


def test_a_read_only_role_cannot_start_a_billing_run(world, plan):
    for name in ("auditor", "staff_a", "stranger"):
        with pytest.raises(PermissionDenied):
            services.billing_run_start(period="2026-12", estate=world.estate_a, actor=getattr(world, name))
    assert BillingRun.objects.count() == 0


def test_a_plan_needs_its_decision_and_a_rate(world):
    with pytest.raises(ValidationError) as refused:
        services.fee_plan_create(actor=world.manager_a, estate=world.estate_a, rate=Decimal("10"),
                                 effective_from=D(2026, 1, 1), decision=" ")
    assert list(refused.value.message_dict) == ["decision"]
    with pytest.raises(ValidationError) as refused:
        services.fee_plan_create(actor=world.manager_a, estate=world.estate_a, rate=Decimal("0"),
                                 effective_from=D(2026, 1, 1), decision="x")
    assert list(refused.value.message_dict) == ["rate"]
    with pytest.raises(PermissionDenied):
        services.fee_plan_create(actor=world.manager_a, estate=world.estate_b, rate=Decimal("5"),
                                 effective_from=D(2026, 1, 1), decision="x")


def test_a_billing_run_is_recorded_as_events(world, plan):
    services.bill_period(period="2026-12", estate=world.estate_a, actor=world.manager_a)
    assert list(FeeEvent.objects.order_by("pk").values_list("kind", flat=True)) == [
        "plan_created", "billing_started", "billing_done"]


def test_a_new_owner_moving_in_is_billed_from_the_day_after_the_old_one_left(world, plan):
    Occupancy.objects.filter(home=world.home_a2).update(end=D(2026, 12, 10))
    Occupancy.objects.create(person=Person.objects.create(name="王芳"), home=world.home_a2, relation="owner",
                             start=D(2026, 12, 11))
    services.bill_period(period="2026-12", estate=world.estate_a, actor=world.manager_a)
    assert Bill.objects.get(home=world.home_a2).amount == Decimal("10.00")
    assert Payment.objects.count() == 0


def test_the_bill_command_prints_progress_and_is_idempotent(world, plan, capsys):
    from django.core.management import call_command

    call_command("bill", "--period", "2026-12", "--chunk", "1")
    out = capsys.readouterr().out
    assert " 50.0%  1/2 户" in out and "100.0%  2/2 户" in out
    assert "账期 2026-12：2 户，新生成账单 2 张，应收 20.00 元" in out
    call_command("bill", "--period", "2026-12", "--estate", str(world.estate_a.pk))
    assert "新生成账单 0 张" in capsys.readouterr().out
    assert Bill.objects.count() == 2


def test_the_bill_command_refuses_a_bad_period(world):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("bill", "--period", "2026-13")


def test_bills_written_in_bulk_read_back_exactly(world):
    services.fee_plan_create(actor=world.manager_a, estate=world.estate_a, basis="per_area", rate=Decimal("0.8512"),
                             effective_from=D(2026, 1, 1), decision="x")
    services.bill_period(period="2026-12", estate=world.estate_a, actor=world.manager_a)
    bill = Bill.objects.get(home=world.home_a1)
    # 62.5 × 0.8512 = 53.2000; 48 × 0.8512 = 40.8576
    assert (bill.monthly, bill.amount, bill.outstanding, bill.paid, bill.days) == (
        Decimal("53.2000"), Decimal("53.20"), Decimal("53.20"), Decimal("0.00"), 31)
    other = Bill.objects.get(home=world.home_a2)
    assert (other.monthly, other.amount, other.period_start, other.period_end) == (
        Decimal("40.8576"), Decimal("40.86"), D(2026, 12, 1), D(2026, 12, 31))
    assert other.created_at is not None and other.run.status == "done"


def test_area_bands_typed_in_any_order_are_sorted(world):
    plan = services.fee_plan_create(actor=world.manager_a, estate=world.estate_a, basis="per_type",
                                    type_rates=[{"up_to": None, "amount": "10"}, {"up_to": "80", "amount": "8.5"},
                                                {"up_to": "50", "amount": "7"}],
                                    effective_from=D(2026, 1, 1), decision="x")
    assert [b["up_to"] for b in plan.type_rates] == ["50", "80", None]
    assert plan.describe() == "≤50m² 7 元/户/月；≤80m² 8.5 元/户/月；其余 10 元/户/月"
