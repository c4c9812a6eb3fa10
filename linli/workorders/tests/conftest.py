import pytest

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
