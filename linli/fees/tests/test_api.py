"""The fees API: strangers 404, anonymous 401, read-only roles 403 (nothing changed), the right role succeeds."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from linli.core.testing import pay, post, results
from linli.core.tests import samples
from linli.fees import services
from linli.fees.models import Bill, BillingRun, FeePlan, LedgerEntry, Payment, PaymentIntent, Relief

D = datetime.date

LISTS = ["/api/v1/fee-plans/", "/api/v1/bills/", "/api/v1/payments/", "/api/v1/reliefs/", "/api/v1/ledger-entries/",
         "/api/v1/billing-runs/", "/api/v1/fees/collection/?division=500104001"]


@pytest.fixture
def billed(world, plan):
    services.bill_period(period="2026-11", estate=world.estate_a, actor=world.manager_a)
    services.bill_period(period="2026-12", estate=world.estate_a, actor=world.manager_a)


@pytest.mark.parametrize("url", LISTS)
def test_a_stranger_gets_404_and_an_anonymous_caller_401(world, billed, client_for, url):
    assert client_for("stranger").get(url).status_code == 404
    assert Client().get(url).status_code == 401


def test_a_stranger_cannot_write_anything(world, billed, client_for):
    client = client_for("stranger")
    assert post(client, "/api/v1/payments/", {"home": world.home_a1.pk, "amount": "10", "method": "cash",
                                              "idempotency_key": "s"}).status_code == 404
    assert Payment.objects.count() == 0


def test_residents_see_only_their_own_bills_and_payments(world, billed, client_for, now):
    pay(world, world.home_a1, "10", "k1", None)
    pay(world, world.home_a2, "10", "k2", None)
    client = client_for("resident_a")
    assert {row["home"] for row in results(client.get("/api/v1/bills/"))} == {world.home_a1.pk}
    assert [row["home"] for row in results(client.get("/api/v1/payments/"))] == [world.home_a1.pk]
    assert results(client.get("/api/v1/ledger-entries/")) == []
    assert client.get("/api/v1/fees/collection/?division=500104001").status_code == 404
    assert [row["estate"] for row in results(client.get("/api/v1/fee-plans/"))] == [world.estate_a.pk]


def test_other_streets_see_nothing_of_estate_a(world, billed, client_for):
    client = client_for("other_street_admin")
    assert results(client.get("/api/v1/bills/")) == []
    bill = Bill.objects.first()
    assert client.get(f"/api/v1/bills/{bill.pk}/").status_code == 404


def test_staff_record_a_payment_and_a_retry_returns_the_same_one(world, billed, client_for):
    client = client_for("staff_a")
    body = {"home": world.home_a1.pk, "amount": "15.00", "method": "alipay", "idempotency_key": "app-77"}
    first = post(client, "/api/v1/payments/", body)
    again = post(client, "/api/v1/payments/", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["allocations"] == [
        {"bill": Bill.objects.get(home=world.home_a1, period="2026-11").pk, "amount": "10.00"},
        {"bill": Bill.objects.get(home=world.home_a1, period="2026-12").pk, "amount": "5.00"}]
    assert Payment.objects.count() == 1


@pytest.mark.parametrize("who", ["auditor", "street_admin", "resident_a"])
def test_read_only_roles_get_403_on_payments(world, billed, client_for, who):
    response = post(client_for(who), "/api/v1/payments/",
                    {"home": world.home_a1.pk, "amount": "15", "method": "cash", "idempotency_key": "x"})
    assert response.status_code == 403
    assert Payment.objects.count() == 0


def test_voiding_by_api_needs_a_reason_and_the_collector(world, billed, client_for):
    payment = pay(world, world.home_a1, "10", "k1", None)
    url = f"/api/v1/payments/{payment.pk}/void/"
    assert post(client_for("auditor"), url, {"reason": "x"}).status_code == 403
    assert post(client_for("manager_a"), url, {}).status_code == 400
    response = post(client_for("manager_a"), url, {"reason": "录错"})
    assert response.status_code == 200 and response.json()["void_reason"] == "录错"
    assert post(client_for("manager_a"), url, {"reason": "again"}).status_code == 400
    assert client_for("manager_a").delete(f"/api/v1/payments/{payment.pk}/").status_code == 405


def test_relief_by_api(world, billed, client_for):
    body = {"home": world.home_a1.pk, "kind": "percent", "value": "50", "start": "2026-11-01", "end": "2027-10-31",
            "reason": "disability"}
    assert post(client_for("manager_a"), "/api/v1/reliefs/", body).status_code == 403
    assert post(client_for("auditor"), "/api/v1/reliefs/", body).status_code == 403
    assert Relief.objects.count() == 0
    response = post(client_for("community_admin"), "/api/v1/reliefs/", body)
    assert response.status_code == 201 and response.json()["approver_role"] == "community_admin"
    assert list(Bill.objects.filter(home=world.home_a1).values_list("relief", flat=True)) == [Decimal("5.00")] * 2
    revoke = post(client_for("community_admin"), f"/api/v1/reliefs/{response.json()['id']}/revoke/",
                  {"reason": "复核不符合"})
    assert revoke.status_code == 200 and revoke.json()["revoke_reason"] == "复核不符合"


def test_ledger_entries_by_api(world, client_for):
    body = {"estate": world.estate_a.pk, "direction": "income", "category": "canteen", "amount": "360.00",
            "occurred_on": "2026-11-30", "description": "社区食堂11月结余"}

    def upload():
        return SimpleUploadedFile("食堂.jpg", samples.jpeg_with_gps(), content_type="image/jpeg")

    assert client_for("auditor").post("/api/v1/ledger-entries/", dict(body, evidence=upload())).status_code == 403
    assert client_for("manager_a").post("/api/v1/ledger-entries/", body).status_code == 400  # no evidence
    assert LedgerEntry.objects.count() == 0
    response = client_for("manager_a").post("/api/v1/ledger-entries/", dict(body, evidence=upload()))
    assert response.status_code == 201, response.content
    assert response.json()["seq"] == 1 and response.json()["has_evidence"] is True
    rev = post(client_for("manager_a"), f"/api/v1/ledger-entries/{response.json()['id']}/reverse/", {"reason": "重复"})
    assert rev.status_code == 201 and rev.json()["amount"] == "-360.00"
    assert [r["seq"] for r in results(client_for("auditor").get("/api/v1/ledger-entries/"))] == [1, 2]


def test_fee_plans_and_billing_runs_by_api(world, client_for):
    body = {"estate": world.estate_a.pk, "basis": "per_area", "rate": "0.85", "frequency": "quarterly",
            "effective_from": "2026-01-01", "decision": "业主大会决定"}
    assert post(client_for("staff_a"), "/api/v1/fee-plans/", body).status_code == 403
    assert FeePlan.objects.count() == 0
    response = post(client_for("manager_a"), "/api/v1/fee-plans/", body)
    assert response.status_code == 201 and response.json()["description"] == "0.85 元/m²/月"
    run = post(client_for("manager_a"), "/api/v1/billing-runs/", {"estate": world.estate_a.pk, "period": "2026-Q4"})
    assert run.status_code == 201 and run.json()["total_homes"] == 2
    url = f"/api/v1/billing-runs/{run.json()['id']}/step/"
    assert post(client_for("auditor"), url, {}).status_code == 403
    post(client_for("manager_a"), url + "?chunk=10", {})
    done = post(client_for("manager_a"), url, {})
    assert done.json()["status"] == "done"
    assert sorted(Bill.objects.values_list("amount", flat=True)) == [Decimal("122.40"), Decimal("159.38")]
    assert BillingRun.objects.count() == 1


def test_collection_figures_by_api(world, billed, client_for):
    pay(world, world.home_a1, "20", "k1", None)
    data = client_for("auditor").get("/api/v1/fees/collection/?division=500104001&period=2026").json()
    assert (data["billed"], data["paid"], data["homes"], data["homes_settled"]) == ("40.00", "20.00", 2, 1)
    assert data["rate"] == 0.5 and data["household_rate"] == 0.5
    assert client_for("other_street_admin").get("/api/v1/fees/collection/?division=500104001").status_code == 404


def test_online_payment_through_the_sandbox(world, billed, client_for, settings):
    settings.LINLI_PAYMENT_SANDBOX = True
    intent = post(client_for("resident_a"), "/api/v1/payment-intents/", {"home": world.home_a1.pk, "amount": "20"})
    assert intent.status_code == 201
    reference = intent.json()["reference"]
    gateway = services.gateway("sandbox")
    body = {"reference": reference, "amount": "20.00", "signature": gateway.sign(reference, "20.00")}
    first = post(Client(), "/api/v1/fees/gateway/sandbox/callback/", body)
    second = post(Client(), "/api/v1/fees/gateway/sandbox/callback/", body)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert Payment.objects.count() == 1 and PaymentIntent.objects.get().status == "paid"
    assert post(Client(), "/api/v1/fees/gateway/sandbox/callback/", dict(body, signature="x")).status_code == 400
    neighbour = post(client_for("resident_a"), "/api/v1/payment-intents/", {"home": world.home_a2.pk, "amount": "5"})
    assert neighbour.status_code == 400


def test_public_accounts_by_api_need_no_sign_in(world, billed):
    link = services.public_link_for(world.estate_a)
    data = Client().get(f"/api/v1/fees/public/{link.token}/?year=2026").json()
    assert data["estate"] == "锦霞小区" and data["plans"][0]["standard"] == "10 元/户/月"
    assert "周莲秀" not in str(data)
    assert Client().get("/api/v1/fees/public/unknown/").status_code == 404
