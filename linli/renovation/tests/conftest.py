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
