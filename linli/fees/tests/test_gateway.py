"""Issue 12, findings 1 and 2: the sandbox gateway is off unless turned on, and its callback is an HMAC that
only the installation's derived key can make — never a hash of a key written in the source."""

import hashlib
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.test import Client

from linli.core import crypto
from linli.core.testing import post
from linli.fees import services
from linli.fees.models import Bill, Payment, PaymentIntent

from .test_api import billed  # noqa: F401  (fixture)

OLD_KEY = "linli-insecure-development-key-set-SECRET_KEY-in-production"
CALLBACK = "/api/v1/fees/gateway/sandbox/callback/"


def intent_for(world, amount="20.00"):
    """An intent as the sandbox would have made it (created directly: the API refuses while it is off)."""
    return PaymentIntent.objects.create(gateway="sandbox", reference="SBX0123456789abcdef012345",
                                        home=world.home_a1, amount=Decimal(amount), created_by=world.resident_a)


def forged(reference, amount):
    """The callback signature of the old code, which anyone who read linli/settings.py could compute."""
    return hashlib.sha256(f"{OLD_KEY}|{reference}|{amount}".encode()).hexdigest()


def unpaid():
    return list(Bill.objects.order_by("pk").values_list("paid", flat=True))


def test_the_key_written_in_the_source_signs_nothing(world, billed):  # noqa: F811
    intent = intent_for(world)
    before = unpaid()
    body = {"reference": intent.reference, "amount": "20.00", "signature": forged(intent.reference, "20.00")}
    response = post(Client(), CALLBACK, body)
    assert response.status_code == 404
    assert Payment.objects.count() == 0 and unpaid() == before
    assert PaymentIntent.objects.get().status == PaymentIntent.Status.PENDING


def test_with_the_sandbox_on_a_forged_callback_is_refused(world, billed, settings):  # noqa: F811
    settings.LINLI_PAYMENT_SANDBOX = True
    intent = intent_for(world)
    before = unpaid()
    for signature in (forged(intent.reference, "20.00"),
                      hashlib.sha256(f"{django_settings.SECRET_KEY}|{intent.reference}|20.00".encode()).hexdigest(),
                      crypto.sign("some.other.purpose", f"{intent.reference}|20.00"), "", "é" * 64):
        response = post(Client(), CALLBACK, {"reference": intent.reference, "amount": "20.00",
                                            "signature": signature})
        assert response.status_code == 400, signature
    assert Payment.objects.count() == 0 and unpaid() == before


def test_the_installation_key_is_not_the_published_one():
    assert django_settings.SECRET_KEY != OLD_KEY and not crypto.weak_secret_key(django_settings.SECRET_KEY)


def test_intents_and_callbacks_answer_404_while_no_gateway_is_on(world, billed, client_for):  # noqa: F811
    response = post(client_for("resident_a"), "/api/v1/payment-intents/", {"home": world.home_a1.pk, "amount": "20"})
    assert response.status_code == 404
    assert PaymentIntent.objects.count() == 0
    assert services.gateways() == {} and services.gateway() is None and services.gateway("sandbox") is None
    assert post(Client(), "/api/v1/fees/gateway/wechat/callback/", {}).status_code == 404


def test_the_sandbox_signature_is_an_hmac_with_its_own_key(settings):
    settings.LINLI_PAYMENT_SANDBOX = True
    signature = services.gateway("sandbox").sign("SBX1", "20.00")
    assert signature == crypto.sign(services.SANDBOX_PURPOSE, "SBX1|20.00")
    assert signature != crypto.sign("another.purpose", "SBX1|20.00")
    assert crypto.verify(services.SANDBOX_PURPOSE, "SBX1|20.00", signature)
    assert not crypto.verify(services.SANDBOX_PURPOSE, "SBX1|20.01", signature)


class FakeGateway(services.PaymentGateway):
    """A stand-in for a real channel listed in LINLI_PAYMENT_GATEWAYS."""

    name = "fake"

    def create_intent(self, *, home, amount, actor):
        return PaymentIntent.objects.create(gateway=self.name, reference="FAKE1", home=home, amount=amount,
                                            created_by=actor)

    def confirm(self, payload):
        if payload.get("token") != "ok":
            from django.core.exceptions import ValidationError

            raise ValidationError("签名无效")
        intent = PaymentIntent.objects.get(reference=payload["reference"])
        return services.payment_record(home=intent.home, amount=intent.amount, method=Payment.Method.ONLINE,
                                       idempotency_key=f"gw:fake:{intent.reference}", actor=None,
                                       reference=intent.reference, payer="在线支付", _gateway=True)


def test_a_real_gateway_plugs_in_by_dotted_path(world, billed, client_for, settings):  # noqa: F811
    settings.LINLI_PAYMENT_GATEWAYS = [f"{__name__}.FakeGateway"]
    assert list(services.gateways()) == ["fake"]
    response = post(client_for("resident_a"), "/api/v1/payment-intents/", {"home": world.home_a1.pk, "amount": "20"})
    assert response.status_code == 201 and response.json()["gateway"] == "fake"
    assert post(Client(), "/api/v1/fees/gateway/fake/callback/", {"reference": "FAKE1", "token": "no"}).status_code == 400
    assert Payment.objects.count() == 0
    paid = post(Client(), "/api/v1/fees/gateway/fake/callback/", {"reference": "FAKE1", "token": "ok"})
    assert paid.status_code == 200 and paid.json()["amount"] == "20.00"
    assert post(Client(), CALLBACK, {}).status_code == 404  # the sandbox stays off


@pytest.mark.parametrize("purpose", ["", None])
def test_a_signature_needs_a_purpose(purpose):
    with pytest.raises(ValueError):
        crypto.sign(purpose, "x")


def test_a_rotated_key_still_verifies(settings):
    old = crypto.sign("p", "m")
    previous, settings.SECRET_KEY = settings.SECRET_KEY, "n" * 10 + "ew-key-" + "x" * 50
    settings.SECRET_KEY_FALLBACKS = [previous]
    assert crypto.verify("p", "m", old)
    settings.SECRET_KEY_FALLBACKS = []
    assert not crypto.verify("p", "m", old)
