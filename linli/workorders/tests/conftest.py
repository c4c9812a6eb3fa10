import pytest
from django.db import transaction

from linli.people.models import Organization
from linli.workorders.routing import ensure_default_rules


@pytest.fixture
def desk(world):
    """The cast plus the organisations work orders are routed to: C1's community committee and the street's
    property service centre (acting through community_admin and street_admin), and the default routing table."""
    world.committee = Organization.objects.create(name="锦霞社区居委会", kind="community_committee", division=world.c1)
    world.committee2 = Organization.objects.create(name="新工社区居委会", kind="community_committee", division=world.c2)
    world.centre = Organization.objects.create(name="九宫庙街道物业服务中心", kind="property_centre",
                                               division=world.street)
    ensure_default_rules(world.street)
    return world


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The demo street with the demo work orders, loaded once per test module and rolled back after it (the other
    apps' demos are left out: these modules test the work orders; linli/meetings/tests adds its meetings)."""
    from linli.people import demo as street
    from linli.workorders import demo

    with django_db_blocker.unblock(), transaction.atomic():
        street.load(out=lambda line: None)
        demo.load(out=lambda line: None)
        yield
        transaction.set_rollback(True)
