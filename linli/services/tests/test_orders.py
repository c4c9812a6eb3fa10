"""Resident orders (群众点单) and the parcel station with pick-up codes and volunteer delivery."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linli.services import services as o
from linli.services.models import Parcel, ResidentOrder


@pytest.fixture
def shop(vworld):
    provider = o.provider_add(actor=vworld.community_admin, organization=vworld.company, estate=vworld.estate_a)
    water = o.offering_add(actor=vworld.manager_a, provider=provider, name="桶装水", kind="goods",
                           price=Decimal("18.50"), unit="桶", bulky=True)
    return provider, water


def test_a_resident_orders_and_the_provider_accepts_and_completes(vworld, shop):
    _, water = shop
    order = o.order_place(actor=vworld.resident_a, offering=water, quantity=2, note="下午送")
    assert (order.amount, order.status, order.home) == (Decimal("37.00"), "placed", vworld.home_a1)
    with pytest.raises(PermissionDenied):
        o.order_accept(actor=vworld.resident_a, order=order)
    order = o.order_accept(actor=vworld.staff_a, order=order)
    order = o.order_complete(actor=vworld.staff_a, order=order, to_station=True)
    parcel = Parcel.objects.get()
    assert (order.status, parcel.description, parcel.bulky, parcel.recipient) == (
        "completed", "桶装水 × 2", True, vworld.resident)
    assert list(order.events.values_list("kind", flat=True)) == ["placed", "accepted", "completed"]


def test_a_resident_cannot_order_from_another_estate(vworld, shop):
    provider_b = o.provider_add(actor=vworld.street_admin, organization=vworld.company, estate=vworld.estate_b)
    meal = o.offering_add(actor=vworld.street_admin, provider=provider_b, name="助老餐", kind="meal",
                          price=Decimal("12"))
    with pytest.raises(PermissionDenied):
        o.order_place(actor=vworld.resident_a, offering=meal)
    assert ResidentOrder.objects.count() == 0


def test_a_bulky_parcel_is_carried_up_by_a_volunteer_against_the_code(vworld):
    parcel = o.parcel_register(actor=vworld.staff_a, home=vworld.home_a1, recipient=vworld.resident,
                               description="大米 25kg", bulky=True)
    assert len(parcel.code) == 6 and parcel.code.isdigit()
    with pytest.raises(PermissionDenied):
        o.parcel_request_delivery(actor=vworld.volunteer_a, parcel=parcel)
    o.parcel_request_delivery(actor=vworld.resident_a, parcel=parcel)
    assert list(Parcel.objects.delivery_pool(vworld.volunteer_a)) == [parcel]
    assert list(Parcel.objects.delivery_pool(vworld.resident_a)) == []  # not a volunteer
    parcel = o.parcel_take(actor=vworld.volunteer_a, parcel=parcel)
    with pytest.raises(ValidationError, match="该包裹已有人接单"):
        o.parcel_take(actor=vworld.volunteer_b, parcel=parcel)
    with pytest.raises(ValidationError) as refused:
        o.parcel_deliver(actor=vworld.volunteer_a, parcel=parcel, code="000000" if parcel.code != "000000" else "1")
    assert list(refused.value.message_dict) == ["code"]
    parcel = o.parcel_deliver(actor=vworld.volunteer_a, parcel=parcel, code=parcel.code)
    assert (parcel.status, parcel.courier) == ("delivered", vworld.neighbour)


def test_picking_up_at_the_station_needs_the_code(vworld):
    parcel = o.parcel_register(actor=vworld.manager_a, home=vworld.home_a1, recipient=vworld.resident,
                               description="快递")
    with pytest.raises(ValidationError) as refused:
        o.parcel_pick_up(actor=vworld.staff_a, parcel=parcel, code="x")
    assert list(refused.value.message_dict) == ["code"]
    assert o.parcel_pick_up(actor=vworld.staff_a, parcel=parcel, code=parcel.code).status == "picked_up"


def test_only_station_staff_register_parcels(vworld):
    for name in ("auditor", "grid_worker", "volunteer_a", "department_handler"):
        with pytest.raises(PermissionDenied):
            o.parcel_register(actor=vworld.users[name], home=vworld.home_a1, recipient=vworld.resident,
                              description="快递")
    assert Parcel.objects.count() == 0


def test_orders_are_seen_by_the_resident_the_provider_and_the_estate_staff(vworld, shop):
    _, water = shop
    order = o.order_place(actor=vworld.resident_a, offering=water)
    who = ["resident_a", "volunteer_a", "manager_a", "staff_a", "community_admin", "auditor", "other_street_admin",
           "stranger"]
    seen = [n for n in who if ResidentOrder.objects.visible_to(vworld.users[n]).filter(pk=order.pk).exists()]
    assert seen == ["resident_a", "manager_a", "staff_a", "community_admin", "auditor"]
