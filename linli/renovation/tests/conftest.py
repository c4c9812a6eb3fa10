import datetime

import pytest
from django.utils import timezone

from linli.assembly.models import Motion
from linli.people.models import Occupancy, Person


def passed_hire_motion(estate, *, mode, provider, title="选聘物业服务人"):
    """A counted and approved motion of ``estate`` choosing ``mode`` and ``provider`` (民法典 art. 278(1)(4))."""
    now = timezone.now()
    return Motion.objects.create(estate=estate, matter="hire_manager", title=title, opens_at=now - datetime.timedelta(
        days=20), closes_at=now - datetime.timedelta(days=5), status=Motion.Status.CLOSED, approved=True,
        quorum_met=True, closed_at=now - datetime.timedelta(days=5), manager_mode=mode, provider=provider)


@pytest.fixture
def lived_b(world):
    """Estate B (脱管 so far) gets an owner in its only home."""
    Occupancy.objects.create(person=Person.objects.create(name="黄德明"), home=world.home_b1, relation="owner")
    return world


def _resident(world, username, home, name):
    from linli.core.testing import make_user
    from linli.people.models import Membership, Role

    person = Person.objects.create(name=name)
    Occupancy.objects.create(person=person, home=home, relation="owner")
    user = make_user(username)
    user.person = person
    user.save()
    Membership.objects.create(user=user, role=Role.RESIDENT, estate=home.building.estate)
    world.users[username] = user
    return user


@pytest.fixture
def cluster(world):
    """The cast plus a resident of estate B (``resident_b``, 黄德明) and one of estate Far (``resident_far``), and
    a 片区 project of the street over A (the lead, community C1) and B (community C2), its plan published."""
    from linli.places.models import Home
    from linli.renovation import services

    _resident(world, "resident_b", world.home_b1, "黄德明")
    _resident(world, "resident_far", Home.objects.get(building__estate=world.estate_far), "孙桂兰")
    project = services.project_create(estate=world.estate_a, estates=[world.estate_a, world.estate_b],
                                      title="锦霞片区综合整治", actor=world.street_admin)
    world.project = services.project_advance(project=project, actor=world.street_admin, plan="雨污分流、屋面防水")
    return world
