"""在线缴费 on the resident's page: only where a payment channel is on, only for a home of the payer's own; the
sandbox's simulated payment records the money once and ends on the receipt."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from linli.fees import services as fees
from linli.fees.models import Bill, Payment, PaymentIntent
from linli.places.models import Home


@pytest.fixture
def billed(world):
    fees.fee_plan_create(actor=world.manager_a, estate=world.estate_a, rate=Decimal("10"),
                         effective_from=datetime.date(2026, 1, 1), decision="业主大会决定 2025-3号",
                         services="保洁", responsible="项目经理")
    for period in ("2026-10", "2026-11"):
        fees.bill_period(period=period, estate=world.estate_a, actor=world.manager_a)
    return world


def _home(world):
    from linli.people.scopes import scope_for

    return Home.objects.get(pk=min(scope_for(world.resident_a).home_ids))


def test_no_channel_no_button_and_no_way_in(billed, client_for, settings):
    settings.LINLI_PAYMENT_SANDBOX = False
    settings.LINLI_PAYMENT_GATEWAYS = []
    client = client_for("resident_a")
    assert "在线缴费" not in client.get("/fees/my/").content.decode()
    assert client.post(f"/fees/homes/{_home(billed).pk}/pay-online/").status_code == 404


def test_a_resident_pays_what_the_home_owes_and_gets_the_receipt(billed, client_for, settings):
    settings.LINLI_PAYMENT_SANDBOX = True
    home = _home(billed)
    owed = sum(b.outstanding for b in Bill.objects.filter(home=home))
    assert owed > 0
    client = client_for("resident_a")
    page = client.get("/fees/my/").content.decode()
    assert f'id="pay-online-{home.pk}"' in page and f"在线缴费 {owed} 元" in page
    response = client.post(f"/fees/homes/{home.pk}/pay-online/")
    intent = PaymentIntent.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/fees/pay/{intent.reference}/"
    assert (intent.amount, intent.home, intent.status) == (owed, home, "pending")
    shown = client.get(response["Location"]).content.decode()
    assert "模拟支付（测试环境）" in shown and str(owed) in shown
    paid = client.post(response["Location"])
    payment = Payment.objects.get()
    assert paid.status_code == 302 and paid["Location"] == f"/fees/payments/{payment.pk}/receipt/"
    assert (payment.amount, payment.method, payment.home) == (owed, Payment.Method.ONLINE, home)
    assert client.get(paid["Location"]).status_code == 200
    assert sum(b.outstanding for b in Bill.objects.filter(home=home)) == 0
    # Paid once: the button is gone, a second confirmation is refused and records nothing.
    assert client.post(response["Location"]).status_code == 404
    assert Payment.objects.count() == 1
    assert "在线缴费" not in client.get("/fees/my/").content.decode()


def test_nobody_pays_for_or_sees_another_home(billed, client_for, settings):
    settings.LINLI_PAYMENT_SANDBOX = True
    home = _home(billed)
    for who in ("manager_a", "street_admin", "stranger"):
        assert client_for(who).post(f"/fees/homes/{home.pk}/pay-online/").status_code == 404, who
    client_for("resident_a").post(f"/fees/homes/{home.pk}/pay-online/")
    reference = PaymentIntent.objects.get().reference
    for who in ("manager_a", "street_admin", "stranger"):
        assert client_for(who).get(f"/fees/pay/{reference}/").status_code == 404, who
        assert client_for(who).post(f"/fees/pay/{reference}/").status_code == 404, who
    anonymous = Client()
    assert anonymous.get(f"/fees/pay/{reference}/")["Location"].startswith("/accounts/login/")
    assert anonymous.post(f"/fees/homes/{home.pk}/pay-online/")["Location"].startswith("/accounts/login/")
    assert Payment.objects.count() == 0
