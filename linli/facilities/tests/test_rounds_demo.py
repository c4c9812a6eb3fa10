"""The demo's inspection rounds (linli/facilities/demo_rounds.py): two routes with QR checkpoints in 重钢新工宿舍, a
month of rounds with some missed and one out of order, and the pump's leak that became a work order linked to it."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from linli.facilities import demo_rounds
from linli.facilities import rounds_selectors as sel
from linli.facilities.models import FacilityFault, Round, Route


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The demo street and the demo rounds, loaded once for the module and rolled back after it."""
    from linli.people import demo as street

    with django_db_blocker.unblock(), transaction.atomic():
        street.load(out=lambda line: None)
        demo_rounds.load(out=lambda line: None)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def routes(loaded, db):
    return {r.name: r for r in Route.objects.filter(estate__name=demo_rounds.ESTATE)}


def test_there_are_two_routes_with_qr_checkpoints_one_including_the_pump(routes):
    assert set(routes) == {demo_rounds.DAILY, demo_rounds.WEEKLY}
    daily, weekly = routes[demo_rounds.DAILY], routes[demo_rounds.WEEKLY]
    assert (daily.frequency, weekly.frequency) == ("daily", "weekly")
    assert [c.facility.kind if c.facility else None for c in daily.checkpoints.select_related("facility")] == [
        "pump", "fire", "gate"]
    assert weekly.checkpoints.count() == 3
    assert all(len(c.token) >= 22 for c in daily.checkpoints.all())


def test_a_month_of_rounds_with_four_missed_days_and_one_out_of_order(routes):
    daily = routes[demo_rounds.DAILY]
    today = timezone.localdate()
    periods = sel.periods(daily, today - datetime.timedelta(days=30), today - datetime.timedelta(days=1))
    assert len(periods) == 30
    missed = [(today - p.start).days for p in periods if not p.done]
    assert sorted(missed) == sorted(demo_rounds.MISSED_DAYS)
    flagged = Round.objects.filter(route=daily, out_of_order=True)
    assert [(today - r.period_start).days for r in flagged] == [demo_rounds.OUT_OF_ORDER_DAY]
    assert not Round.objects.filter(route=daily, period_start=today).exists()  # today's round is left to walk


def test_one_weekly_round_was_missed(routes):
    weekly = routes[demo_rounds.WEEKLY]
    today = timezone.localdate()
    ended = [p for p in sel.periods(weekly, weekly.starts_on, today) if p.end < today]
    assert ended and sum(not p.done for p in ended) == 1


def test_the_pumps_leak_became_a_work_order_linked_to_the_pump(routes):
    fault = FacilityFault.objects.select_related("facility", "order").get(facility__estate__name=demo_rounds.ESTATE)
    assert (fault.facility.kind, fault.source, fault.order.channel) == ("pump", "patrol", "patrol")
    assert demo_rounds.PUMP_PROBLEM in fault.order.text


def test_loading_again_adds_nothing(routes):
    before = (Route.objects.count(), Round.objects.count())
    demo_rounds.load(out=lambda line: None)
    assert (Route.objects.count(), Round.objects.count()) == before
