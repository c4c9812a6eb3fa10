"""Two sweeps that overlap (one slower than the period, or two schedulers) act on an order once: a sweep that read
its list before another escalated the order cannot claim it again (make deploy-check found double escalations)."""

import datetime

from linli.workorders import services as s
from linli.workorders.models import Status, WorkOrderEvent
from linli.workorders.sweep import claim_remind, claim_reply_overdue, sweep

T0 = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)  # a Monday


def accepted_order(world):
    order = s.workorder_create(channel="resident", text="电梯异响", category="facility",
                               place=s.resolve_place(building=world.building_a), reporter=world.resident, now=T0)
    return s.workorder_accept(order=order, actor=world.manager_a, now=T0 + datetime.timedelta(minutes=20))


def kinds(order):
    return list(WorkOrderEvent.objects.filter(order=order).values_list("kind", flat=True))


def test_a_sweep_that_read_an_order_before_its_escalation_cannot_escalate_it_again(desk):
    order = accepted_order(desk)
    late = order.reply_due + datetime.timedelta(minutes=1)
    assert sweep(now=late).escalated == [order.code]
    order.refresh_from_db()
    assert order.status == Status.DISPATCHED and not order.overdue  # escalated: fresh deadlines
    assert claim_reply_overdue(order.pk, late) is False  # the other sweep's stale list still names it
    assert sweep(now=late).escalated == []
    assert kinds(order).count("escalate") == 1


def test_a_reply_overdue_claim_needs_the_order_still_due(desk):
    order = accepted_order(desk)
    assert claim_reply_overdue(order.pk, order.reply_due - datetime.timedelta(minutes=1)) is False
    assert claim_reply_overdue(order.pk, order.reply_due + datetime.timedelta(minutes=1)) is True
    assert claim_reply_overdue(order.pk, order.reply_due + datetime.timedelta(minutes=1)) is False


def test_a_stale_reminder_claim_does_not_remind_the_fresh_deadlines_of_an_escalated_order(desk):
    order = accepted_order(desk)
    late = order.reply_due + datetime.timedelta(minutes=1)
    sweep(now=late)  # reminded, overdue, escalated: reminded is reset with the new deadlines
    order.refresh_from_db()
    assert order.reminded is False and order.accept_due > late + datetime.timedelta(minutes=30)
    assert claim_remind(order.pk, late) is False
    assert kinds(order).count("remind") == 1
