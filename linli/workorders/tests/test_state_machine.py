"""The work-order state machine, step by step: every legal step works, every illegal one is refused."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linli.core.testing import report_order as report
from linli.workorders import services as s
from linli.workorders.models import Status, WorkOrder, WorkOrderEvent


def events(order):
    return list(WorkOrderEvent.objects.filter(order=order).values_list("kind", flat=True))


def test_a_resident_report_is_routed_to_the_estate_property_company(desk):
    order = report(desk)
    assert order.status == Status.DISPATCHED
    assert order.assignee_org == desk.company
    assert order.street == desk.street and order.community == desk.c1 and order.estate == desk.estate_a
    assert events(order) == ["create", "dispatch"]
    assert order.accept_due is not None and order.reply_due is not None


def test_the_code_is_the_day_and_a_number(desk):
    order = report(desk)
    day, number = order.code.split("-")
    assert len(day) == 8 and int(number) == order.pk


def test_an_unmanaged_estate_falls_back_to_the_community(desk):
    order = report(desk, place=s.resolve_place(estate=desk.estate_b))
    assert order.assignee_org == desk.committee2


def test_a_report_without_a_place_is_refused(desk):
    with pytest.raises(ValidationError) as refused:
        s.workorder_create(channel="phone", text="有问题", place=s.Place())
    assert list(refused.value.message_dict) == ["estate"]
    assert WorkOrder.objects.count() == 0


def test_the_full_path_from_report_to_close(desk):
    order = report(desk)
    order = s.workorder_accept(order=order, actor=desk.manager_a)
    order = s.workorder_start(order=order, actor=desk.staff_a)
    order = s.workorder_reply(order=order, actor=desk.staff_a, text="已更换灯泡")
    order = s.workorder_visit(order=order, actor=desk.resident_a, solved=True, satisfaction="satisfied")
    order = s.workorder_close(order=order, actor=desk.community_admin)
    assert order.status == Status.CLOSED
    assert events(order) == ["create", "dispatch", "accept", "start", "reply", "visit", "close"]
    assert order.satisfaction == "satisfied" and order.solved is True
    assert order.accepted_at and order.replied_at and order.closed_at


def test_an_unsatisfied_resident_reopens_the_order(desk):
    order = report(desk)
    order = s.workorder_accept(order=order, actor=desk.manager_a)
    order = s.workorder_reply(order=order, actor=desk.manager_a, text="已处理")
    order = s.workorder_visit(order=order, actor=desk.resident_a, solved=False, satisfaction="unsatisfied")
    assert order.status == Status.DISPATCHED and order.reopen_count == 1
    assert events(order)[-2:] == ["visit", "reopen"]


def test_a_return_needs_a_reason_and_sends_the_order_back_to_the_queue(desk):
    order = report(desk)
    with pytest.raises(ValidationError) as refused:
        s.workorder_return(order=order, actor=desk.manager_a, reason=" ")
    assert list(refused.value.message_dict) == ["reason"]
    order = s.workorder_return(order=order, actor=desk.manager_a, reason="不属于物业服务范围")
    assert (order.status, order.assignee_org, order.needs_triage) == (Status.RECEIVED, None, True)
    order = s.workorder_dispatch(order=order, to=desk.committee, actor=desk.street_admin, note="转社区")
    assert order.status == Status.DISPATCHED and order.assignee_org == desk.committee


def test_the_community_committee_acts_through_the_community_admin(desk):
    order = report(desk, place=s.resolve_place(estate=desk.estate_a), level="community")
    assert order.assignee_org == desk.committee
    order = s.workorder_accept(order=order, actor=desk.community_admin)
    assert order.status == Status.ACCEPTED


def test_an_extension_is_asked_then_approved_and_moves_the_deadline(desk):
    order = s.workorder_accept(order=report(desk), actor=desk.manager_a)
    due = order.reply_due
    order = s.workorder_request_extension(order=order, actor=desk.manager_a, days=3, reason="需等配件")
    assert order.extension_pending is True
    with pytest.raises(s.IllegalStep):
        s.workorder_request_extension(order=order, actor=desk.manager_a, days=3, reason="再申请")
    order = s.workorder_decide_extension(order=order, actor=desk.street_admin, approve=True)
    assert order.extension_pending is False and order.reply_due > due
    assert events(order)[-2:] == ["request_extension", "approve_extension"]


def test_a_rejected_extension_keeps_the_deadline(desk):
    order = s.workorder_accept(order=report(desk), actor=desk.manager_a)
    due = order.reply_due
    order = s.workorder_request_extension(order=order, actor=desk.manager_a, days=2, reason="人手不足")
    order = s.workorder_decide_extension(order=order, actor=desk.street_admin, approve=False)
    assert order.reply_due == due and events(order)[-1] == "reject_extension"


def test_deciding_an_extension_nobody_asked_for_is_refused(desk):
    order = s.workorder_accept(order=report(desk), actor=desk.manager_a)
    with pytest.raises(s.IllegalStep):
        s.workorder_decide_extension(order=order, actor=desk.street_admin, approve=True)


def test_supervision_is_recorded(desk):
    order = s.workorder_supervise(order=report(desk), actor=desk.street_admin, note="请尽快签收")
    assert order.supervised is True and events(order)[-1] == "supervise"


def test_escalation_goes_up_one_level_at_a_time(desk):
    order = report(desk)
    assert order.level == "building"
    order = s.workorder_escalate(order=order, actor=desk.street_admin, reason="物业不处理")
    assert (order.level, order.assignee_org) == ("estate", desk.company)
    order = s.workorder_escalate(order=order, actor=desk.street_admin, reason="仍未处理")
    assert (order.level, order.assignee_org) == ("community", desk.committee)
    order = s.workorder_escalate(order=order, actor=desk.street_admin, reason="社区协调不了")
    assert (order.level, order.assignee_org) == ("street", desk.centre)
    with pytest.raises(s.IllegalStep):
        s.workorder_escalate(order=order, actor=desk.street_admin, reason="再升")


def test_a_duplicate_is_merged_into_the_first_order(desk):
    first, second = report(desk), report(desk, text="楼道灯还是不亮")
    second = s.workorder_merge(order=second, into=first, actor=desk.community_admin)
    assert second.status == Status.MERGED and second.duplicate_of == first
    with pytest.raises(ValidationError) as refused:
        s.workorder_merge(order=first, into=first, actor=desk.community_admin)
    assert list(refused.value.message_dict) == ["into"]


def test_a_cancel_needs_a_reason(desk):
    order = report(desk)
    with pytest.raises(ValidationError) as refused:
        s.workorder_cancel(order=order, actor=desk.street_admin, reason="")
    assert list(refused.value.message_dict) == ["reason"]
    order = s.workorder_cancel(order=order, actor=desk.street_admin, reason="居民撤回")
    assert order.status == Status.CANCELLED


def test_reclassifying_records_before_and_after(desk):
    order = s.workorder_reclassify(order=report(desk), actor=desk.street_admin, category="facility",
                                   subcategory="lighting", tier="easy")
    event = order.events.last()
    assert event.kind == "reclassify" and event.data["after"]["category"] == "facility"


# -- illegal steps ----------------------------------------------------------------------------------

ILLEGAL = [
    ("dispatched", "start", lambda w, o: s.workorder_start(order=o, actor=w.manager_a)),
    ("dispatched", "reply", lambda w, o: s.workorder_reply(order=o, actor=w.manager_a, text="x")),
    ("dispatched", "visit", lambda w, o: s.workorder_visit(order=o, actor=w.resident_a, solved=True,
                                                           satisfaction="satisfied")),
    ("dispatched", "close", lambda w, o: s.workorder_close(order=o, actor=w.street_admin)),
    ("dispatched", "reopen", lambda w, o: s.workorder_reopen(order=o, actor=w.street_admin, reason="x")),
    ("dispatched", "request_extension", lambda w, o: s.workorder_request_extension(order=o, actor=w.manager_a, days=1,
                                                                                   reason="x")),
]


@pytest.mark.parametrize("status,action,step", ILLEGAL, ids=[a for _, a, _ in ILLEGAL])
def test_an_illegal_step_is_refused_with_a_clear_message_and_changes_nothing(desk, status, action, step):
    order = report(desk)
    assert order.status == status
    before = events(order)
    with pytest.raises(s.IllegalStep) as exc:
        step(desk, order)
    assert "不能" in exc.value.messages[0] and "已派单" in exc.value.messages[0]
    order.refresh_from_db()
    assert order.status == status and events(order) == before


def test_a_closed_order_cannot_be_accepted_or_cancelled(desk):
    order = s.workorder_accept(order=report(desk), actor=desk.manager_a)
    order = s.workorder_reply(order=order, actor=desk.manager_a, text="好了")
    order = s.workorder_visit(order=order, actor=desk.resident_a, solved=True, satisfaction="basic")
    order = s.workorder_close(order=order, actor=desk.street_admin)
    for step in (lambda: s.workorder_accept(order=order, actor=desk.manager_a),
                 lambda: s.workorder_cancel(order=order, actor=desk.street_admin, reason="x")):
        with pytest.raises(s.IllegalStep):
            step()


# -- who may take a step ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["auditor", "grid_worker", "resident_a", "other_street_admin", "department_handler"])
def test_only_the_assigned_organisation_accepts(desk, name):
    order = report(desk)
    with pytest.raises(PermissionDenied):
        s.workorder_accept(order=order, actor=getattr(desk, name))
    order.refresh_from_db()
    assert order.status == Status.DISPATCHED


@pytest.mark.parametrize("name", ["auditor", "manager_a", "resident_a", "other_street_admin"])
def test_only_admins_in_scope_dispatch_close_or_cancel(desk, name):
    order = report(desk)
    with pytest.raises(PermissionDenied):
        s.workorder_cancel(order=order, actor=getattr(desk, name), reason="x")
    order.refresh_from_db()
    assert order.status == Status.DISPATCHED


def test_a_neighbour_cannot_rate_someone_elses_order(desk):
    order = s.workorder_accept(order=report(desk), actor=desk.manager_a)
    order = s.workorder_reply(order=order, actor=desk.manager_a, text="好了")
    from linli.core.testing import make_user

    neighbour = make_user("neighbour_user")
    neighbour.person = desk.neighbour
    neighbour.save()
    with pytest.raises(PermissionDenied):
        s.workorder_visit(order=order, actor=neighbour, solved=True, satisfaction="satisfied")


def test_allowed_actions_follow_the_role(desk):
    order = report(desk)
    assert s.allowed_actions(desk.manager_a, order) == ["accept", "return"]
    assert "dispatch" in s.allowed_actions(desk.street_admin, order)
    assert s.allowed_actions(desk.auditor, order) == []
