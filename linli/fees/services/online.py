"""Online payment gateways (the sandbox and configured ones)."""

from __future__ import annotations

import functools
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from linli.core import crypto
from linli.people.scopes import scope_for
from linli.places.models import Home

from .. import permissions
from ..models import (
    Payment,
    PaymentIntent,
)
from ..serializers import CallbackSerializer
from .payments import payment_record

# -- online payment ----------------------------------------------------------------------------------


class PaymentGateway:
    """An online payment channel (WeChat Pay, Alipay …): create an intent, then confirm it by callback.

    A real channel subclasses this, sets ``name`` (a slug: its callback is ``/api/v1/fees/gateway/<name>/callback/``)
    and is listed by dotted path in ``LINLI_PAYMENT_GATEWAYS``. ``parse_callback`` turns the channel's HTTP
    callback into a dict (verifying the channel's signature there or in ``confirm``); ``confirm`` must be
    idempotent and record the money with ``payment_record(..., method=Payment.Method.ONLINE, _gateway=True)``.
    """

    name = ""

    def create_intent(self, *, home: Home, amount: Decimal, actor) -> PaymentIntent:
        raise NotImplementedError

    def parse_callback(self, request) -> dict:
        return dict(request.data.items())

    def confirm(self, payload: dict) -> Payment:
        raise NotImplementedError

    def checkout_url(self, intent: PaymentIntent) -> str | None:
        """Where the payer goes to pay the intent (the channel's cashier page), or None: the sandbox has none, and
        its intent page offers a simulated payment instead."""
        return None


SANDBOX_PURPOSE = "fees.gateway.sandbox"


class SandboxGateway(PaymentGateway):
    """A gateway for development and tests: the "callback" carries an HMAC with a key derived for it alone.

    Off unless ``LINLI_PAYMENT_SANDBOX`` is on (``make run`` turns it on): whoever can compute the signature
    can mark bills paid, so it has no place in production (settings refuse it under ``LINLI_PRODUCTION``)."""

    name = "sandbox"

    def sign(self, reference: str, amount: str) -> str:
        return crypto.sign(SANDBOX_PURPOSE, f"{reference}|{amount}")

    def create_intent(self, *, home: Home, amount: Decimal, actor) -> PaymentIntent:
        if home.pk not in scope_for(actor).home_ids and not permissions.can_collect(actor, home.estate):
            raise ValidationError(_("只能为自己的房屋在线缴费"))
        amount = Decimal(amount)
        if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
            raise ValidationError({"amount": _("金额必须大于0，最多两位小数")})
        return PaymentIntent.objects.create(gateway=self.name, reference="SBX" + secrets.token_hex(12), home=home,
                                            amount=amount, created_by=actor)

    def simulate_payment(self, intent: PaymentIntent) -> Payment:
        """The sandbox's stand-in for the payer paying at a cashier: the callback the channel would send."""
        amount = f"{intent.amount:.2f}"
        return self.confirm({"reference": intent.reference, "amount": amount,
                             "signature": self.sign(intent.reference, amount)})

    def parse_callback(self, request) -> dict:
        body = CallbackSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data

    def confirm(self, payload: dict) -> Payment:
        reference, amount = str(payload.get("reference", "")), str(payload.get("amount", ""))
        if not crypto.verify(SANDBOX_PURPOSE, f"{reference}|{amount}", str(payload.get("signature") or "")):
            raise ValidationError(_("签名无效"))
        with transaction.atomic():
            intent = PaymentIntent.objects.select_for_update().filter(reference=reference, gateway=self.name).first()
            if intent is None or f"{intent.amount:.2f}" != amount:
                raise ValidationError(_("订单不存在或金额不符"))
            if intent.payment_id:
                return intent.payment
            payment = payment_record(
                home=intent.home, amount=intent.amount, method=Payment.Method.ONLINE,
                idempotency_key=f"gw:{self.name}:{reference}", actor=None, reference=reference,
                payer="在线支付", _gateway=True,
            )
            intent.status, intent.payment = PaymentIntent.Status.PAID, payment
            intent.save(update_fields=["status", "payment"])
            return payment


@functools.cache
def _load_gateways(paths: tuple[str, ...], sandbox: bool) -> dict[str, PaymentGateway]:
    found = {"sandbox": SandboxGateway()} if sandbox else {}
    for path in paths:
        gateway = import_string(path)()
        found[gateway.name] = gateway
    return found


def gateways() -> dict[str, PaymentGateway]:
    """The payment channels turned on, by name: ``LINLI_PAYMENT_GATEWAYS``, then the sandbox if it is on."""
    return _load_gateways(tuple(settings.LINLI_PAYMENT_GATEWAYS), bool(settings.LINLI_PAYMENT_SANDBOX))


def gateway(name: str | None = None) -> PaymentGateway | None:
    """The channel called ``name`` (or the first one turned on), or None when it is not turned on."""
    found = gateways()
    if name is None:
        return next(iter(found.values()), None)
    return found.get(name)
