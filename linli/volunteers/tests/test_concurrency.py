"""Two people redeem at the same moment, each in their own thread and database connection (PostgreSQL only).

SQLite serialises whole-database writes, so the race cannot happen there; these tests are skipped on it.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from linli.core.testing import add_volunteers, build_world
from linli.people.models import Person
from linli.volunteers import services as s
from linli.volunteers.models import PointsEntry, Redemption, Reward

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")


def _race(*calls):
    """Run the calls at the same moment in separate threads; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, fn):
        from django.db import connection as conn

        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            conn.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


@pytest.fixture
def race_world(transactional_db):
    world = add_volunteers(build_world())
    for person in (world.neighbour, world.wang):
        s.points_adjust(actor=world.community_admin, person=person, amount=50, reason="楼道清理", community=world.c1)
    return world


def test_two_people_redeeming_the_last_item_at_once_get_it_only_once(race_world):
    w = race_world
    reward = s.reward_create(actor=w.community_admin, community=w.c1, name="大米 5kg", cost=40, stock=1)
    for _ in range(5):
        results = _race(
            lambda: s.redeem(actor=w.volunteer_a, reward=Reward.objects.get(pk=reward.pk),
                             person=Person.objects.get(pk=w.neighbour.pk)),
            lambda: s.redeem(actor=w.volunteer_b, reward=Reward.objects.get(pk=reward.pk),
                             person=Person.objects.get(pk=w.wang.pk)),
        )
        won = [r for r in results if isinstance(r, Redemption)]
        lost = [r for r in results if isinstance(r, ValidationError)]
        assert (len(won), len(lost)) == (1, 1), results
        reward.refresh_from_db()
        assert reward.stock == 0
        assert sorted([s.balance(w.neighbour), s.balance(w.wang)]) == [10, 50]
        s.redemption_void(actor=w.community_admin, redemption=won[0], reason="重复测试")
        reward.refresh_from_db()
        assert reward.stock == 1


def test_one_person_spending_twice_at_once_never_goes_below_zero(race_world):
    w = race_world
    reward = s.reward_create(actor=w.community_admin, community=w.c1, name="理发券", cost=30, stock=10)
    results = _race(*[
        (lambda: s.redeem(actor=w.volunteer_a, reward=Reward.objects.get(pk=reward.pk),
                          person=Person.objects.get(pk=w.neighbour.pk)))
        for _ in range(4)
    ])
    assert sum(isinstance(r, Redemption) for r in results) == 1, results
    assert sum(isinstance(r, ValidationError) for r in results) == 3
    assert s.balance(w.neighbour) == 20
    reward.refresh_from_db()
    assert reward.stock == 9
    assert PointsEntry.objects.filter(account__person=w.neighbour, kind="redemption").count() == 1
