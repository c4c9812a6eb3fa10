import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from linli.people.models import Occupancy, Person
from linli.places.models import Building, Home
from linli.repairfund import services


@pytest.fixture
def fund(world):
    """Estate A's account at 100 元/m² (homes 62.50 and 48.00 m²: 6250.00 + 4800.00), first deposits paid."""
    account = services.account_open(estate=world.estate_a, rate=Decimal("100"), holder="city_office",
                                     actor=world.street_admin, bank_account="建行 5000-0001",
                                     opened_on=datetime.date(2025, 1, 10))
    services.deposit_first(account=account, actor=world.street_admin, occurred_on=datetime.date(2025, 1, 15))
    world.account = account
    return world


@pytest.fixture
def tower(fund):
    """A second building of estate A with one large home (200 m², an owner without an account): in the fund."""
    world = fund
    building = Building.objects.create(estate=world.estate_a, number="2栋", floors=6)
    home = Home.objects.create(building=building, entrance="1", floor=2, number="201", area=Decimal("200.00"))
    owner = Person.objects.create(name="钱多多", phone="13500005555")
    Occupancy.objects.create(person=owner, home=home, relation="owner")
    from linli.repairfund.models import Share

    Share.objects.create(account=world.account, home=home, area=home.area, due=Decimal("20000.00"))
    world.building_2, world.home_t = building, home
    return world


def voted(world, app, choices, *, now=None):
    """Put ``app`` to the vote 16 days before ``now``, open it, cast paper ballots {home: choice}, close it."""
    from linli.assembly import services as assembly
    from linli.core.testing import sheet

    now = now or timezone.now()
    start = now - datetime.timedelta(days=30)
    motion = services.application_to_vote(application=app, opens_at=start + datetime.timedelta(days=16),
                                          closes_at=start + datetime.timedelta(days=23), actor=world.street_admin,
                                          now=start)
    assembly.motion_open(motion=motion, actor=world.street_admin, now=start + datetime.timedelta(days=16, hours=1))
    for home, choice in choices.items():
        elector = motion.electors.get(homes__home=home)
        assembly.ballot_cast(motion=motion, elector=elector, choice=choice, actor=world.street_admin,
                             channel="paper", sheet=sheet(), now=start + datetime.timedelta(days=17))
    assembly.motion_close(motion=motion, actor=world.street_admin, now=start + datetime.timedelta(days=24))
    return services.application_record_vote(application=app, actor=world.street_admin, now=now)
