"""Payments: oldest bills first, numbered receipts, idempotent, voided never deleted, serialised per home."""

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from linli.core.testing import pay
from linli.fees import services
from linli.fees.models import Allocation, Bill, LedgerEntry, Payment, PaymentIntent

D = datetime.date


def outstanding(home):
    return list(Bill.objects.filter(home=home).order_by("period_start").values_list("period", "outstanding"))


@pytest.fixture
def three_months(world, plan):
    for period in ("2026-10", "2026-11", "2026-12"):
        services.bill_period(period=period, estate=world.estate_a, actor=world.manager_a)


def test_a_payment_pays_the_oldest_bills_first(world, three_months, now):
    payment = pay(world, world.home_a1, "15", "k1", now)
    assert outstanding(world.home_a1) == [("2026-10", Decimal("0.00")), ("2026-11", Decimal("5.00")),
                                          ("2026-12", Decimal("10.00"))]
    assert payment.unallocated == Decimal("0.00")
    assert payment.receipt_no == f"{world.estate_a.pk:05d}-2026-000001"


def test_paying_more_than_owed_keeps_the_rest_as_credit(world, three_months, now):
    payment = pay(world, world.home_a1, "100", "k1", now)
    assert [o for _, o in outstanding(world.home_a1)] == [Decimal("0.00")] * 3
    assert payment.unallocated == Decimal("70.00")


def test_receipts_are_numbered_in_order_per_estate_and_year(world, three_months, now):
    numbers = [pay(world, world.home_a1, "1", f"k{i}", now).receipt_no for i in range(3)]
    assert [n[-6:] for n in numbers] == ["000001", "000002", "000003"]


def test_the_same_idempotency_key_never_pays_twice(world, three_months, now):
    first = pay(world, world.home_a1, "10", "double-click", now)
    second = pay(world, world.home_a1, "10", "double-click", now)
    assert first.pk == second.pk
    assert Payment.objects.count() == 1
    assert outstanding(world.home_a1)[0] == ("2026-10", Decimal("0.00"))
    with pytest.raises(ValidationError) as refused:
        pay(world, world.home_a1, "11", "double-click", now)
    assert list(refused.value.message_dict) == ["idempotency_key"]


def test_a_voided_payment_stays_with_its_reason_and_reopens_the_bills(world, three_months, now):
    payment = pay(world, world.home_a1, "15", "k1", now)
    services.payment_void(payment=payment, reason="金额录错", actor=world.manager_a, now=now)
    payment.refresh_from_db()
    assert (payment.void_reason, payment.voided_by, payment.unallocated) == ("金额录错", world.manager_a,
                                                                             Decimal("0.00"))
    assert [o for _, o in outstanding(world.home_a1)] == [Decimal("10.00")] * 3
    assert list(Allocation.objects.order_by("pk").values_list("amount", flat=True)) == [
        Decimal("10.00"), Decimal("5.00"), Decimal("-10.00"), Decimal("-5.00")]
    assert list(LedgerEntry.objects.order_by("seq").values_list("amount", flat=True)) == [
        Decimal("15.00"), Decimal("-15.00")]
    with pytest.raises(ValidationError, match="该收款已作废"):
        services.payment_void(payment=payment, reason="again", actor=world.manager_a, now=now)


def test_voiding_needs_a_reason(world, three_months, now):
    payment = pay(world, world.home_a1, "15", "k1", now)
    with pytest.raises(ValidationError) as refused:
        services.payment_void(payment=payment, reason=" ", actor=world.manager_a, now=now)
    assert list(refused.value.message_dict) == ["reason"]
    assert Payment.objects.get().voided_at is None


@pytest.mark.parametrize("name", ["auditor", "street_admin", "community_admin", "resident_a", "stranger"])
def test_only_the_current_providers_people_record_payments(world, three_months, now, name):
    with pytest.raises(PermissionDenied):
        pay(world, world.home_a1, "10", "k1", now, who=name)
    assert Payment.objects.count() == 0


def test_a_payment_in_the_future_is_refused(world, three_months, now):
    with pytest.raises(ValidationError) as refused:
        pay(world, world.home_a1, "10", "k1", now, paid_on=D(2026, 12, 21))
    assert list(refused.value.message_dict) == ["paid_on"]


def test_the_sandbox_gateway_confirms_once(world, three_months, now, settings):
    settings.LINLI_PAYMENT_SANDBOX = True
    gateway = services.gateway("sandbox")
    intent = gateway.create_intent(home=world.home_a1, amount=Decimal("20"), actor=world.resident_a)
    payload = {"reference": intent.reference, "amount": "20.00",
               "signature": gateway.sign(intent.reference, "20.00")}
    first = gateway.confirm(payload)
    second = gateway.confirm(payload)
    assert first.pk == second.pk and first.method == "online"
    intent.refresh_from_db()
    assert intent.status == PaymentIntent.Status.PAID
    assert outstanding(world.home_a1)[:2] == [("2026-10", Decimal("0.00")), ("2026-11", Decimal("0.00"))]
    with pytest.raises(ValidationError, match="签名无效"):
        gateway.confirm(dict(payload, signature="forged"))


def test_a_resident_cannot_start_an_online_payment_for_a_neighbour(world, three_months, settings):
    settings.LINLI_PAYMENT_SANDBOX = True
    with pytest.raises(ValidationError, match="只能为自己的房屋在线缴费"):
        services.gateway("sandbox").create_intent(home=world.home_a2, amount=Decimal("20"), actor=world.resident_a)


@pytest.mark.django_db(transaction=True)
def test_two_payments_on_one_home_at_the_same_moment_are_serialised(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises every writer anyway)")
    from linli.core.testing import build_world

    world = build_world()
    services.fee_plan_create(actor=world.manager_a, estate=world.estate_a, rate=Decimal("10"),
                             effective_from=D(2026, 1, 1), decision="x")
    for period in ("2026-11", "2026-12"):
        services.bill_period(period=period, estate=world.estate_a, actor=world.manager_a)
    held = threading.Event()

    def pause():
        # The first payer holds the locks for a moment; the second must wait for it, not read stale bills.
        if threading.current_thread().name == "first":
            held.set()
            time.sleep(0.5)

    monkeypatch.setattr(services.payments, "_pause_after_lock", pause)
    errors = []

    def run(key):
        try:
            pay(world, world.home_a1, "10", key, None)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    first = threading.Thread(target=run, args=("first",), name="first")
    second = threading.Thread(target=run, args=("second",), name="second")
    first.start()
    held.wait(5)
    started = time.perf_counter()
    second.start()
    first.join()
    second.join()
    assert errors == []
    assert time.perf_counter() - started >= 0.3  # the second waited for the first's locks
    assert outstanding(world.home_a1) == [("2026-11", Decimal("0.00")), ("2026-12", Decimal("0.00"))]
    assert sorted(Bill.objects.values_list("paid", flat=True)) == [Decimal("0.00"), Decimal("0.00"),
                                                                   Decimal("10.00"), Decimal("10.00")]
    assert sorted(p.receipt_no[-6:] for p in Payment.objects.all()) == ["000001", "000002"]
