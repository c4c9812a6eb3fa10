"""Who may take which step (linli/workorders/permissions.py), whatever the door: the service itself, the page and
the API give one answer; nobody (``actor=None``) may do anything; the satisfaction is never self-recorded."""

import pytest
from django.core.exceptions import PermissionDenied

from linli.core.testing import post
from linli.core.testing import report_order as report
from linli.people.actors import system_actor
from linli.workorders import services as s
from linli.workorders.models import Status, WorkOrder, WorkOrderEvent


def replied(world, order=None, by=None):
    order = order or report(world)
    by = by or world.manager_a
    order = s.workorder_accept(order=order, actor=by)
    return s.workorder_reply(order=order, actor=by, text="已更换灯泡")


def state(order):
    order = WorkOrder.objects.get(pk=order.pk)
    return order.status, order.satisfaction, order.events.count()


# -- finding 9: no self-rating --------------------------------------------------------------------------------


def test_property_staff_who_filed_and_handled_an_order_cannot_record_its_satisfaction(desk):
    order = replied(desk, report(desk, channel="patrol", reporter=None, actor=desk.manager_a))
    before = state(order)
    with pytest.raises(PermissionDenied):
        s.workorder_visit(order=order, actor=desk.manager_a, solved=True, satisfaction="satisfied")
    assert state(order) == before


def test_a_community_admin_cannot_rate_what_its_own_committee_handled(desk):
    order = report(desk, place=s.resolve_place(estate=desk.estate_a), reporter=None, channel="phone",
                   actor=desk.community_admin)
    order = s.workorder_dispatch(order=order, to=desk.committee, actor=desk.community_admin)
    order = replied(desk, order, by=desk.community_admin)
    before = state(order)
    with pytest.raises(PermissionDenied):
        s.workorder_visit(order=order, actor=desk.community_admin, solved=True, satisfaction="satisfied")
    assert state(order) == before


def test_a_street_admin_who_filed_the_order_at_the_desk_cannot_rate_it(desk):
    order = replied(desk, report(desk, channel="walk_in", reporter=None, actor=desk.street_admin))
    with pytest.raises(PermissionDenied):
        s.workorder_visit(order=order, actor=desk.street_admin, solved=True, satisfaction="satisfied")
    assert state(order)[0] == Status.REPLIED


def test_a_street_admin_cannot_rate_what_the_streets_centre_handled(desk):
    order = s.workorder_dispatch(order=report(desk), to=desk.centre, actor=desk.street_admin)
    order = replied(desk, order, by=desk.street_admin)
    with pytest.raises(PermissionDenied):
        s.workorder_visit(order=order, actor=desk.street_admin, solved=True, satisfaction="satisfied")


def test_the_reporting_resident_rates_the_reply(desk):
    order = s.workorder_visit(order=replied(desk), actor=desk.resident_a, solved=True, satisfaction="basic")
    assert (order.status, order.satisfaction) == (Status.VISITED, "basic")


def test_the_streets_callback_desk_records_a_phone_callback_independent_of_the_company(desk):
    order = s.workorder_visit(order=replied(desk), actor=desk.street_admin, solved=True, satisfaction="satisfied",
                              reached=False)
    assert (order.status, order.satisfaction, order.reached) == (Status.VISITED, "satisfied", False)
    assert s.allowed_actions(desk.district_admin, WorkOrder.objects.get(pk=order.pk)) == ["close", "reopen"]


@pytest.mark.parametrize("name", ["manager_a", "staff_a", "community_admin", "grid_worker", "auditor"])
def test_nobody_of_the_handling_side_may_rate(desk, name):
    order = replied(desk)
    assert "visit" not in s.allowed_actions(getattr(desk, name), order)
    assert s.can_rate(getattr(desk, name), order) is False


def test_the_page_refuses_a_self_rating_with_403(desk, client_for):
    order = replied(desk, report(desk, channel="patrol", reporter=None, actor=desk.manager_a))
    before = state(order)
    response = client_for("manager_a").post(f"/workorders/{order.code}/act/visit/", {
        "visit-solved": "True", "visit-satisfaction": "satisfied", "visit-note": ""})
    assert response.status_code == 403
    assert state(order) == before


def test_the_api_refuses_a_self_rating_with_403(desk, client_for):
    order = replied(desk, report(desk, channel="patrol", reporter=None, actor=desk.manager_a))
    before = state(order)
    response = post(client_for("manager_a"), f"/api/v1/workorders/{order.code}/visit/",
                    {"solved": True, "satisfaction": "satisfied"})
    assert response.status_code == 403
    assert state(order) == before


# -- nobody may act; the system is named ---------------------------------------------------------------------


def _dispatched(w):
    return report(w)


def _accepted(w):
    return s.workorder_accept(order=report(w), actor=w.manager_a)


def _pending(w):
    return s.workorder_request_extension(order=_accepted(w), actor=w.manager_a, days=2, reason="等配件")


STEPS = {
    "dispatch": (_dispatched, lambda o, w, a: s.workorder_dispatch(order=o, to=w.committee, actor=a)),
    "accept": (_dispatched, lambda o, w, a: s.workorder_accept(order=o, actor=a)),
    "start": (_accepted, lambda o, w, a: s.workorder_start(order=o, actor=a)),
    "return": (_dispatched, lambda o, w, a: s.workorder_return(order=o, actor=a, reason="x")),
    "reply": (_accepted, lambda o, w, a: s.workorder_reply(order=o, actor=a, text="x")),
    "visit": (replied, lambda o, w, a: s.workorder_visit(order=o, actor=a, solved=True, satisfaction="satisfied")),
    "close": (lambda w: s.workorder_visit(order=replied(w), actor=w.resident_a, solved=True, satisfaction="basic"),
              lambda o, w, a: s.workorder_close(order=o, actor=a)),
    "reopen": (replied, lambda o, w, a: s.workorder_reopen(order=o, actor=a, reason="x")),
    "request_extension": (_accepted, lambda o, w, a: s.workorder_request_extension(order=o, actor=a, days=1,
                                                                                   reason="x")),
    "decide_extension": (_pending, lambda o, w, a: s.workorder_decide_extension(order=o, actor=a, approve=True)),
    "supervise": (_dispatched, lambda o, w, a: s.workorder_supervise(order=o, actor=a, note="x")),
    "escalate": (_dispatched, lambda o, w, a: s.workorder_escalate(order=o, actor=a, reason="x")),
    "merge": (_dispatched, lambda o, w, a: s.workorder_merge(order=o, into=report(w, text="同一件事"), actor=a)),
    "cancel": (_dispatched, lambda o, w, a: s.workorder_cancel(order=o, actor=a, reason="x")),
    "reclassify": (_dispatched, lambda o, w, a: s.workorder_reclassify(order=o, actor=a, category="facility")),
}


@pytest.mark.parametrize("name", STEPS)
@pytest.mark.parametrize("actor", [None, "stranger"])
def test_every_step_refuses_nobody_and_a_stranger(desk, name, actor):
    setup, step = STEPS[name]
    order = setup(desk)
    before = state(order)
    with pytest.raises(PermissionDenied):
        step(order, desk, getattr(desk, actor) if actor else None)
    assert state(order) == before


def test_the_system_actor_may_manage_but_not_handle_or_rate(desk):
    system = system_actor()
    order = report(desk)
    assert (s.can_manage(system, order), s.can_handle(system, order), s.can_rate(system, order)) == (
        True, False, False)
    order = s.workorder_supervise(order=order, actor=system, note="超期提醒")
    assert WorkOrderEvent.objects.filter(order=order).last().actor == system


def test_the_system_account_cannot_sign_in_and_is_recognised_only_while_unusable(desk, client):
    order = report(desk)
    system = system_actor()
    assert (system.is_active, system.has_usable_password(), str(system)) == (False, False, "系统")
    assert system_actor().pk == system.pk
    system.is_active = True
    system.save()
    with pytest.raises(RuntimeError):
        system_actor()
    assert s.can_manage(system, order) is False


def test_the_automatic_dispatch_names_the_system(desk):
    order = report(desk)
    event = WorkOrderEvent.objects.get(order=order, kind="dispatch")
    assert event.actor == system_actor()
