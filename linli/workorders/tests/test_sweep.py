"""The deadline sweep with frozen time: remind, mark overdue, escalate one level, notify; safe to run twice."""

import datetime

from django.utils import timezone

from linli.notify.models import Notification
from linli.workorders import services as s
from linli.workorders.models import Status, WorkOrderEvent
from linli.workorders.sweep import sweep

T0 = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)  # a Monday


def report(world, now=T0, **kw):
    return s.workorder_create(channel="resident", text="电梯异响", category="facility", place=s.resolve_place(building=world.building_a),
                              reporter=world.resident, now=now, **kw)


def types(order):
    return list(WorkOrderEvent.objects.filter(order=order).values_list("kind", flat=True))


def test_nothing_happens_before_any_deadline(desk):
    order = report(desk)
    result = sweep(now=T0 + datetime.timedelta(minutes=10))
    assert (result.reminded, result.overdue, result.escalated) == ([], [], [])
    assert types(order) == ["create", "dispatch"]


def test_an_order_about_to_miss_its_accept_deadline_is_reminded_once(desk):
    order = report(desk)
    now = T0 + datetime.timedelta(hours=1, minutes=45)
    assert sweep(now=now).reminded == [order.code]
    assert sweep(now=now).reminded == []
    assert types(order).count("remind") == 1
    assert Notification.objects.filter(user=desk.manager_a, title__contains="即将超期").count() == 1


def test_an_order_not_accepted_in_time_is_escalated_one_level(desk):
    order = report(desk)
    result = sweep(now=T0 + datetime.timedelta(hours=3))
    order.refresh_from_db()
    assert result.escalated == [order.code]
    assert (order.level, order.assignee_org, order.status) == ("estate", desk.company, Status.DISPATCHED)
    assert types(order)[-2:] == ["overdue", "escalate"]


def test_running_the_sweep_twice_escalates_only_once(desk):
    order = report(desk)
    now = T0 + datetime.timedelta(hours=3)
    sweep(now=now)
    second = sweep(now=now)
    order.refresh_from_db()
    assert second.escalated == [] and order.level == "estate"
    assert types(order).count("escalate") == 1


def test_an_accepted_order_past_its_reply_deadline_is_overdue_and_goes_to_the_community(desk):
    order = report(desk, level="estate")
    order = s.workorder_accept(order=order, actor=desk.manager_a, now=T0 + datetime.timedelta(minutes=20))
    late = T0 + datetime.timedelta(days=8)  # 5 working days from Monday end on the next Monday
    result = sweep(now=late)
    order.refresh_from_db()
    assert result.overdue == [order.code] and result.escalated == [order.code]
    assert (order.level, order.assignee_org) == ("community", desk.committee)
    assert Notification.objects.filter(user=desk.community_admin, title__contains="已超期").exists()


def test_an_overdue_order_at_the_street_stays_on_the_overdue_board(desk):
    order = report(desk, level="street")
    order = s.workorder_accept(order=order, actor=desk.street_admin, now=T0)
    sweep(now=T0 + datetime.timedelta(days=10))
    order.refresh_from_db()
    assert order.overdue is True and order.level == "street"


def test_the_sweep_uses_the_real_clock_when_not_told(desk):
    order = report(desk, now=timezone.now() - datetime.timedelta(hours=5))
    sweep()
    order.refresh_from_db()
    assert order.level == "estate"
