"""Volunteer writes check their caller in the service (linli/volunteers/permissions.py): nobody (``None``), a
read-only role, a property manager and an admin of another street are refused, and nothing is written; the
community's admins and the system may."""

import pytest
from django.core.exceptions import PermissionDenied

from linli.people.actors import system_actor
from linli.volunteers import services
from linli.volunteers.models import BoardEntry, PointsEntry, Reward, Team


def state():
    return tuple(m.objects.count() for m in (Team, PointsEntry, Reward, BoardEntry))


SERVICES = {
    "team_create": lambda w, a: services.team_create(actor=a, community=w.c1, name="新队", kind="care"),
    "points_adjust": lambda w, a: services.points_adjust(actor=a, person=w.neighbour, amount=50, reason="协助搬运",
                                                         community=w.c1),
    "reward_create": lambda w, a: services.reward_create(actor=a, community=w.c1, name="毛巾", cost=10),
    "board_entry_add": lambda w, a: services.board_entry_add(actor=a, community=w.c1, kind="red", reason="好人好事",
                                                             person=w.neighbour),
}


@pytest.mark.parametrize("name", SERVICES)
@pytest.mark.parametrize("actor", [None, "auditor", "manager_a", "resident_a", "other_street_admin"])
def test_a_caller_without_the_right_is_refused_and_nothing_is_written(world, name, actor):
    before = state()
    with pytest.raises(PermissionDenied):
        SERVICES[name](world, getattr(world, actor) if actor else None)
    assert state() == before


@pytest.mark.parametrize("actor", ["community_admin", "street_admin"])
def test_the_communitys_admins_may(world, actor):
    team = services.team_create(actor=getattr(world, actor), community=world.c1, name="新队", kind="care")
    assert (team.community, team.name) == (world.c1, "新队")


def test_the_system_may_manage_but_is_no_person(world):
    from linli.volunteers.permissions import can_manage, is_self

    system = system_actor()
    assert (can_manage(system, world.c1), can_manage(None, world.c1), is_self(system, world.resident)) == (
        True, False, False)
