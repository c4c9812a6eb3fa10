"""The work-order demo on top of the demo street: every status, every intake channel, some overdue, some rated."""

import io
import time

import pytest

from linli.workorders import demo
from linli.workorders.models import RoutingRule, Status, WorkOrder, WorkOrderEvent


@pytest.fixture
def orders(loaded, db):
    return WorkOrder.objects.all()


def test_the_demo_street_gets_the_default_routing_table(orders):
    assert RoutingRule.objects.filter(street__code="500104001").count() == 7


def test_there_are_about_forty_orders_in_every_status(orders):
    assert orders.count() == len(demo.CASES) == 39  # the joint meetings' tasks come with linli/meetings/demo.py
    assert set(orders.values_list("status", flat=True)) == set(Status.values)


def test_every_intake_channel_of_the_street_is_used(orders):
    assert set(orders.values_list("channel", flat=True)) == {
        "resident", "walk_in", "phone", "wechat", "patrol", "grid", "hotline"}


def test_some_orders_are_overdue_some_escalated_and_some_rated(orders):
    assert orders.filter(overdue=True).count() == 3
    assert WorkOrderEvent.objects.filter(kind="escalate").count() >= 2
    assert set(orders.exclude(satisfaction="").values_list("satisfaction", flat=True)) == {
        "satisfied", "basic", "unsatisfied"}
    assert orders.filter(needs_triage=True, status="received").count() >= 3
    assert orders.filter(extension_pending=True).count() == 1


def test_every_order_has_its_events_from_the_state_machine(orders):
    assert orders.exists()
    for order in orders:
        types = list(order.events.values_list("kind", flat=True))
        assert types[0] == "create", order.code


def test_the_demo_resident_has_requests_to_follow_and_one_to_rate(orders):
    mine = orders.filter(reporter__user__username="resident")
    assert sorted(mine.values_list("status", flat=True)) == ["closed", "replied"]


def test_loading_the_orders_again_changes_nothing(orders):
    before = (orders.count(), WorkOrderEvent.objects.count())
    out = io.StringIO()
    started = time.monotonic()
    demo.load(out=lambda line: out.write(line + "\n"))
    assert time.monotonic() - started < 1
    assert "工单演示数据已存在" in out.getvalue()
    assert (WorkOrder.objects.count(), WorkOrderEvent.objects.count()) == before
