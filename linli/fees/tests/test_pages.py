"""Fee pages: strangers get 404, read-only roles 403 (nothing changed), the right role succeeds."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from linli.core.testing import pay
from linli.fees import services
from linli.fees.models import Bill, BillingRun, FeePlan, LedgerEntry, Payment, PublicLink, Relief

D = datetime.date


@pytest.fixture
def billed(world, plan):
    for period in ("2026-10", "2026-11"):
        services.bill_period(period=period, estate=world.estate_a, actor=world.manager_a)


@pytest.fixture
def payment(world, billed, now):
    return pay(world, world.home_a1, "15", "k-page", None)


def urls(world, payment=None):
    e = world.estate_a.pk
    out = {
        "figures": reverse("fees:figures_division", args=[world.street.code]),
        "estate": reverse("fees:estate", args=[e]),
        "plan_new": reverse("fees:plan_new", args=[e]),
        "billing": reverse("fees:billing", args=[e]),
        "arrears": reverse("fees:arrears", args=[e]),
        "ledger": reverse("fees:ledger", args=[e]),
        "statement": reverse("fees:statement", args=[e]) + "?month=2026-11",
        "import": reverse("fees:import", args=[e]),
        "import_template": reverse("fees:import_template", args=[e]),
        "home": reverse("fees:home", args=[world.home_a1.pk]),
        "relief_new": reverse("fees:relief_new", args=[world.home_a1.pk]),
        "qr": reverse("fees:qr", args=[e]),
        "my": reverse("fees:my_bills"),
    }
    if payment:
        out["receipt"] = reverse("fees:receipt", args=[payment.pk])
    return out


STAFF_PAGES = ["figures", "estate", "billing", "arrears", "ledger", "statement", "import", "import_template", "qr"]


def test_anonymous_visitors_are_sent_to_sign_in(world, payment):
    for name, url in urls(world, payment).items():
        response = Client().get(url)
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", ["stranger", "other_street_admin", "grid_worker", "department_handler"])
def test_outsiders_get_404_on_every_page_of_estate_a(world, payment, client_for, who):
    client = client_for(who)
    for name, url in urls(world, payment).items():
        assert client.get(url).status_code == 404, (who, name)


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_a_resident_gets_404_on_staff_pages(world, billed, client_for, name):
    assert client_for("resident_a").get(urls(world)[name]).status_code == 404


@pytest.mark.parametrize("who", ["manager_a", "staff_a", "community_admin", "street_admin", "auditor"])
@pytest.mark.parametrize("name", STAFF_PAGES)
def test_fee_staff_of_the_estate_can_read_its_pages(world, billed, client_for, who, name):
    url = reverse("fees:figures") if name == "figures" else urls(world)[name]
    response = client_for(who).get(url, follow=True)
    assert response.status_code == 200


def test_the_figures_of_a_street_add_up_its_communities_and_clusters(world, payment, client_for):
    response = client_for("street_admin").get(reverse("fees:figures_division", args=[world.street.code]),
                                              {"period": "2026"})
    total = response.context["total"]
    assert (total.billed, total.paid, total.outstanding, total.homes, total.homes_settled) == (
        Decimal("40.00"), Decimal("15.00"), Decimal("25.00"), 2, 0)
    assert [(g["name"], g["c"].paid) for g in response.context["groups"]] == [
        ("锦霞社区", Decimal("15.00")), ("新工社区", Decimal("0.00"))]
    assert [(g["name"], g["c"].homes) for g in response.context["clusters"]] == [("锦霞片区", 2)]


def test_property_people_see_figures_per_estate(world, payment, client_for):
    response = client_for("manager_a").get(reverse("fees:figures"), {"period": "2026-10"})
    assert [(g["name"], g["c"].paid, g["c"].homes_settled) for g in response.context["groups"]] == [
        ("锦霞小区", Decimal("10.00"), 1)]


# -- a home's account and payments --------------------------------------------------------------------


def test_a_resident_sees_their_own_account_but_not_the_neighbours(world, payment, client_for):
    client = client_for("resident_a")
    response = client.get(reverse("fees:home", args=[world.home_a1.pk]))
    assert response.status_code == 200
    assert response.context["owed"] == Decimal("5.00") and response.context["form"] is None
    assert client.get(reverse("fees:home", args=[world.home_a2.pk])).status_code == 404
    assert client.get(reverse("fees:receipt", args=[payment.pk])).status_code == 200
    mine = client.get(reverse("fees:my_bills"))
    assert [r["home"] for r in mine.context["rows"]] == [world.home_a1]


def test_a_resident_cannot_record_a_payment(world, billed, client_for):
    response = client_for("resident_a").post(reverse("fees:pay", args=[world.home_a1.pk]), _pay_form("r1"))
    assert response.status_code == 403
    assert Payment.objects.count() == 0


def _pay_form(key, amount="20"):
    return {"amount": amount, "method": "wechat", "paid_on": "2026-11-20", "idempotency_key": key}


@pytest.mark.parametrize("who", ["auditor", "street_admin", "community_admin"])
def test_read_only_roles_cannot_record_a_payment(world, billed, client_for, who):
    response = client_for(who).post(reverse("fees:pay", args=[world.home_a1.pk]), _pay_form("r1"))
    assert response.status_code == 403
    assert Payment.objects.count() == 0


def test_staff_record_a_payment_and_a_double_click_pays_once(world, billed, client_for):
    client = client_for("staff_a")
    first = client.post(reverse("fees:pay", args=[world.home_a1.pk]), _pay_form("desk:1"))
    second = client.post(reverse("fees:pay", args=[world.home_a1.pk]), _pay_form("desk:1"))
    payment = Payment.objects.get()
    assert first.url == second.url == reverse("fees:receipt", args=[payment.pk])
    assert payment.amount == Decimal("20.00") and payment.recorded_by == world.staff_a
    receipt = client.get(first.url)
    assert payment.receipt_no in receipt.content.decode()


def test_a_payment_form_with_errors_is_shown_again(world, billed, client_for):
    response = client_for("staff_a").post(reverse("fees:pay", args=[world.home_a1.pk]), _pay_form("k", "-1"))
    assert response.status_code == 400
    assert Payment.objects.count() == 0


def test_voiding_from_the_page_needs_the_collector(world, payment, client_for):
    url = reverse("fees:void", args=[payment.pk])
    assert client_for("auditor").post(url, {"reason": "x"}).status_code == 403
    assert client_for("resident_a").post(url, {"reason": "x"}).status_code == 403
    assert client_for("stranger").post(url, {"reason": "x"}).status_code == 404
    assert Payment.objects.get().voided_at is None
    client_for("manager_a").post(url, {"reason": "重复录入"})
    assert Payment.objects.get().void_reason == "重复录入"


# -- plans, billing runs, relief, ledger -----------------------------------------------------------------


def _plan_form(**kw):
    data = {"name": "清洁费", "basis": "per_home", "rate": "8", "frequency": "monthly", "effective_from": "2027-01-01",
            "grace_months": "0", "decision": "三个一点 方案", "type_rates": ""}
    data.update(kw)
    return data


@pytest.mark.parametrize("who", ["staff_a", "auditor"])
def test_read_only_roles_cannot_add_a_plan(world, client_for, who):
    assert client_for(who).post(reverse("fees:plan_new", args=[world.estate_a.pk]), _plan_form()).status_code == 403
    assert FeePlan.objects.count() == 0


def test_the_manager_adds_a_plan_by_home_type(world, client_for):
    response = client_for("manager_a").post(reverse("fees:plan_new", args=[world.estate_a.pk]),
                                            _plan_form(basis="per_type", rate="", type_rates="50 7\n9.5"))
    assert response.status_code == 302
    assert FeePlan.objects.get().type_rates == [{"up_to": "50", "amount": "7"}, {"up_to": None, "amount": "9.5"}]


def test_a_billing_run_from_the_page_goes_chunk_by_chunk(world, plan, client_for):
    client = client_for("manager_a")
    response = client.post(reverse("fees:billing", args=[world.estate_a.pk]), {"period": "2026-12"})
    run = BillingRun.objects.get()
    assert client_for("stranger").get(response.url).status_code == 404
    assert client_for("resident_a").get(response.url).status_code == 404
    assert "run-progress" in client_for("auditor").get(response.url).content.decode()
    assert response.url == reverse("fees:run", args=[run.pk])
    page = client.get(response.url).content.decode()
    assert f'hx-post="{reverse("fees:run_step", args=[run.pk])}"' in page
    step = client.post(reverse("fees:run_step", args=[run.pk]) + "?chunk=1", HTTP_HX_REQUEST="true")
    assert "1 / 2" in step.content.decode()
    client.post(reverse("fees:run_step", args=[run.pk]) + "?chunk=1", HTTP_HX_REQUEST="true")
    done = client.post(reverse("fees:run_step", args=[run.pk]) + "?chunk=1", HTTP_HX_REQUEST="true")
    assert "开账完成" in done.content.decode()
    assert Bill.objects.count() == 2


@pytest.mark.parametrize("who", ["staff_a", "auditor"])
def test_read_only_roles_cannot_run_billing(world, plan, client_for, who):
    client = client_for(who)
    assert client.post(reverse("fees:billing", args=[world.estate_a.pk]), {"period": "2026-12"}).status_code == 403
    run = services.billing_run_start(period="2026-12", estate=world.estate_a, actor=world.manager_a)
    assert client.post(reverse("fees:run_step", args=[run.pk])).status_code == 403
    assert Bill.objects.count() == 0
    assert client_for("stranger").post(reverse("fees:run_step", args=[run.pk])).status_code == 404


def test_a_community_admin_approves_relief_from_the_page(world, billed, client_for):
    url = reverse("fees:relief_new", args=[world.home_a1.pk])
    form = {"kind": "exempt", "start": "2026-10-01", "end": "2028-09-30", "reason": "hardship", "note": ""}
    assert client_for("manager_a").post(url, form).status_code == 403
    assert client_for("auditor").post(url, form).status_code == 403
    assert Relief.objects.count() == 0
    assert client_for("community_admin").post(url, form).status_code == 302
    assert list(Bill.objects.filter(home=world.home_a1).values_list("outstanding", flat=True)) == [Decimal("0")] * 2
    relief = Relief.objects.get()
    revoke = reverse("fees:relief_revoke", args=[relief.pk])
    assert client_for("auditor").post(revoke, {"reason": "x"}).status_code == 403
    client_for("street_admin").post(revoke, {"reason": "情况变化"})
    assert Relief.objects.get().revoke_reason == "情况变化"


def test_the_ledger_page_records_an_entry_with_evidence(world, client_for):
    url = reverse("fees:ledger", args=[world.estate_a.pk])
    form = {"direction": "income", "category": "parking", "amount": "1200", "occurred_on": "2026-11-30",
            "description": "11月停车费"}

    def upload():
        return SimpleUploadedFile("停车.pdf", b"%PDF-1.4", content_type="application/pdf")

    assert client_for("auditor").post(url, dict(form, evidence=upload())).status_code == 403
    assert client_for("staff_a").post(url, dict(form, evidence=upload())).status_code == 403
    assert LedgerEntry.objects.count() == 0
    assert client_for("manager_a").post(url, dict(form, evidence=upload())).status_code == 302
    entry = LedgerEntry.objects.get()
    reverse_url = reverse("fees:ledger_reverse", args=[entry.pk])
    assert client_for("auditor").post(reverse_url, {"reason": "x"}).status_code == 403
    client_for("manager_a").post(reverse_url, {"reason": "重复"})
    assert list(LedgerEntry.objects.order_by("seq").values_list("amount", flat=True)) == [
        Decimal("1200.00"), Decimal("-1200.00")]


# -- public accounts -----------------------------------------------------------------------------------


def test_the_public_accounts_open_without_signing_in_and_show_no_personal_data(world, payment):
    services.ledger_record(estate=world.estate_a, direction="expense", category="cleaning", amount=Decimal("800"),
                           occurred_on=D(2026, 11, 30), description="保洁", evidence=SimpleUploadedFile("a.jpg", b"x"),
                           actor=world.manager_a)
    services.relief_grant(home=world.home_a2, kind="exempt", start=D(2026, 1, 1), end=D(2027, 12, 31),
                          reason="hardship", actor=world.community_admin)
    link = services.public_link_for(world.estate_a)
    response = Client().get(reverse("fees:public", args=[link.token]), {"year": "2026"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "10 元/户/月" in body and "业主大会决定 2025-3号" in body and "项目经理 朱航飞" in body
    assert response.context["income_total"] == Decimal("15.00")
    assert response.context["expense_total"] == Decimal("800.00")
    assert response.context["relieved_households"] == 1
    for private in ("周莲秀", "李建国", "138", "1栋", "101", "102"):
        assert private not in body, private


def test_an_unknown_public_token_is_404(world):
    assert Client().get(reverse("fees:public", args=["nope"])).status_code == 404
    assert PublicLink.objects.count() == 0


def test_the_arrears_list_masks_names(world, billed, client_for):
    response = client_for("community_admin").get(reverse("fees:arrears", args=[world.estate_a.pk]))
    body = response.content.decode()
    assert "周**" in body and "周莲秀" not in body
    assert response.context["summary"]["households"] == 2
