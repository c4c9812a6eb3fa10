"""Every fee service checks its caller itself (linli/fees/permissions.py): nobody (``None``), a read-only role, a
resident and an admin of another street are refused whatever the door, and nothing is written."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from linli.fees import services
from linli.fees.models import Bill, BillingRun, FeePlan, LedgerEntry, Payment, Relief
from linli.people.actors import system_actor

D = datetime.date


def state():
    return tuple(m.objects.count() for m in (FeePlan, BillingRun, Bill, Payment, Relief, LedgerEntry))


SERVICES = {
    "fee_plan_create": lambda w, a: services.fee_plan_create(
        actor=a, estate=w.estate_a, rate=Decimal("10"), effective_from=D(2026, 1, 1), decision="业主大会决定"),
    "billing_run_start": lambda w, a: services.billing_run_start(period="2026-12", estate=w.estate_a, actor=a),
    "payment_record": lambda w, a: services.payment_record(
        home=w.home_a1, amount=Decimal("10"), method="cash", idempotency_key="k1", actor=a),
    "relief_grant": lambda w, a: services.relief_grant(
        home=w.home_a1, kind="exempt", start=D(2026, 1, 1), end=D(2026, 12, 31), reason="hardship", actor=a),
    "ledger_record": lambda w, a: services.ledger_record(
        estate=w.estate_a, direction="expense", category="repair", amount=Decimal("5"), occurred_on=D(2026, 1, 1),
        description="换灯", evidence=SimpleUploadedFile("r.pdf", b"%PDF-1.4"), actor=a),
}


@pytest.mark.parametrize("name", SERVICES)
@pytest.mark.parametrize("actor", [None, "auditor", "resident_a", "other_street_admin"])
def test_a_caller_without_the_right_is_refused_and_nothing_is_written(world, plan, name, actor):
    before = state()
    with pytest.raises(PermissionDenied):
        SERVICES[name](world, getattr(world, actor) if actor else None)
    assert state() == before


def test_billing_an_estate_with_no_actor_was_allowed_and_is_now_refused(world, plan):
    with pytest.raises(PermissionDenied):
        services.bill_period(period="2026-12", estate=world.estate_a, actor=None)
    assert Bill.objects.count() == 0


def test_billing_every_estate_at_once_is_for_the_system_only(world, plan):
    with pytest.raises(ValidationError, match="请选择小区"):
        services.billing_run_start(period="2026-12", actor=world.district_admin)
    run = services.bill_period(period="2026-12", actor=system_actor())
    assert (run.estate, run.status, Bill.objects.count()) == (None, "done", 2)
