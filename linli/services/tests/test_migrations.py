"""Resident orders and parcels moved from the volunteer app to this one without losing a row: a database at the
volunteer app's last migrations before the move (volunteers 0002), with a provider, an offering, a resident order,
its event and a parcel in it, migrates forward and they are all there, under this app, with their keys."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from linli.services.models import Offering, OrderEvent, Parcel, Provider, ResidentOrder

BEFORE = [("volunteers", "0002_three_lists_and_wishes"), ("services", None)]


def migrate(targets=None):
    """Migrate the test database to ``targets`` (the latest of every app if None); return the state's apps."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state([t for t in targets if t[1] is not None]).apps


@pytest.mark.heavy
@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_its_orders_and_parcels(world):
    try:
        old = migrate(BEFORE)
        with connection.cursor() as cursor:
            assert "volunteers_residentorder" in connection.introspection.table_names(cursor)
        provider = old.get_model("volunteers", "Provider").objects.create(
            organization_id=world.company.pk, estate_id=world.estate_a.pk)
        offering = old.get_model("volunteers", "Offering").objects.create(
            provider=provider, name="桶装水", kind="goods", price=Decimal("18.50"), unit="桶", bulky=True)
        order = old.get_model("volunteers", "ResidentOrder").objects.create(
            estate_id=world.estate_a.pk, home_id=world.home_a1.pk, person_id=world.resident.pk, provider=provider,
            offering=offering, quantity=2, amount=Decimal("37.00"), placed_by_id=world.resident_a.pk)
        event = old.get_model("volunteers", "OrderEvent").objects.create(order=order, kind="placed",
                                                                           actor_id=world.resident_a.pk)
        parcel = old.get_model("volunteers", "Parcel").objects.create(
            estate_id=world.estate_a.pk, home_id=world.home_a1.pk, recipient_id=world.resident.pk, description="大米",
            order=order, code="123456", registered_by_id=world.staff_a.pk)
    finally:
        migrate()

    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    assert {"services_provider", "services_offering", "services_residentorder", "services_orderevent",
            "services_parcel"} <= tables
    assert not {"volunteers_provider", "volunteers_residentorder", "volunteers_parcel"} & tables
    moved = ResidentOrder.objects.get(pk=order.pk)
    assert (moved.provider_id, moved.offering_id, moved.quantity, moved.amount) == (provider.pk, offering.pk, 2,
                                                                                    Decimal("37.00"))
    assert Provider.objects.get(pk=provider.pk).organization_id == world.company.pk
    assert Offering.objects.get(pk=offering.pk).price == Decimal("18.50")
    assert OrderEvent.objects.get(pk=event.pk).order_id == order.pk
    assert (Parcel.objects.get(pk=parcel.pk).order_id, Parcel.objects.get(pk=parcel.pk).code) == (order.pk, "123456")
