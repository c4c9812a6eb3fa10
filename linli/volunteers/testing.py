"""Additions to the test cast (linli/core/testing.py) for volunteers and care.

    volunteer_a: 李建国 (the neighbour in A-1-102, a party member), a 红管家 volunteer of 锦霞社区
    volunteer_b: 王芳 (family member in A-1-102), a volunteer of 锦霞社区
"""

import datetime

from django.utils import timezone

from linli.core.testing import make_user
from linli.people.models import Occupancy, Person


def add_volunteers(world):
    from linli.volunteers.models import Team, Volunteer

    team = Team.objects.create(name="锦霞爱心帮扶组", kind="care", community=world.c1)
    a = Volunteer.objects.create(person=world.neighbour, community=world.c1, skills=["repair", "errands"],
                                 weekdays=[5, 6], badge="red_steward", shows_party_identity=True,
                                 duty="1栋楼栋长", pledge="每周六巡查楼道")
    a.teams.set([team])
    wang = Person.objects.create(name="王芳", phone="13700002222")
    Occupancy.objects.create(person=wang, home=world.home_a2, relation="family")
    b = Volunteer.objects.create(person=wang, community=world.c1, skills=["companionship", "cleaning"],
                                 weekdays=[0, 2, 4])
    for name, person in (("volunteer_a", world.neighbour), ("volunteer_b", wang)):
        user = make_user(name)
        user.person = person
        user.save()
        world.users[name] = user
    world.team = team
    world.profile_a, world.profile_b = a, b
    world.wang = wang
    return world


def activity_times(now=None, hours: int = 2):
    """An activity that started ten minutes ago and lasts ``hours`` hours."""
    now = now or timezone.now()
    start = now - datetime.timedelta(minutes=10)
    return start, start + datetime.timedelta(hours=hours)
