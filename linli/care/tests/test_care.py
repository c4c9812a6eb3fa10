"""Care subjects, plans and visits: overdue visits listed and notified; sensitive records only for those who need them."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.care import selectors, services
from linli.care.models import CareSubject, Problem, VisitPlan
from linli.notify.models import Notification

NOW = timezone.now()


def test_the_care_kinds_come_from_the_person_flags(vworld):
    subject = services.subject_enrol(actor=vworld.grid_worker, person=vworld.resident)
    assert (subject.kinds, subject.kind_labels(), subject.community, subject.home) == (
        ["elderly_alone"], ["独居老人"], vworld.c1, vworld.home_a1)


def test_a_left_behind_child_is_enrolled_by_kind(vworld):
    subject = services.subject_enrol(actor=vworld.community_admin, person=vworld.wang, kinds=["left_behind_child"])
    assert subject.kind_labels() == ["留守儿童"]


@pytest.mark.parametrize("name", ["manager_a", "staff_a", "auditor", "department_handler", "volunteer_a", "resident_a",
                                  "other_street_admin"])
def test_roles_without_care_duties_cannot_enrol(vworld, name):
    with pytest.raises(PermissionDenied):
        services.subject_enrol(actor=vworld.users[name], person=vworld.resident)
    assert CareSubject.objects.count() == 0


def test_a_visit_moves_the_next_due_date_on_and_records_problems(vworld, subject):
    plan = subject.plans.get()
    visited = NOW - datetime.timedelta(hours=1)
    visit = services.visit_record(actor=vworld.volunteer_a, subject=subject, visited_at=visited, condition="fair",
                                  notes="精神尚可，冰箱空了", problems=["热水器坏了"], urgent_problems=["药快吃完了"])
    plan.refresh_from_db()
    assert plan.next_due == timezone.localtime(visited).date() + datetime.timedelta(days=7)
    assert [(p.description, p.urgent, p.status) for p in visit.problems.order_by("pk")] == [
        ("热水器坏了", False, "open"), ("药快吃完了", True, "open")]


def test_a_visitor_not_assigned_cannot_record_a_visit(vworld, subject):
    with pytest.raises(PermissionDenied):
        services.visit_record(actor=vworld.volunteer_b, subject=subject, visited_at=NOW, condition="good")


def test_a_problem_becomes_a_work_order_in_one_step(vworld, subject):
    from linli.workorders.models import WorkOrder

    visit = services.visit_record(actor=vworld.volunteer_a, subject=subject, visited_at=NOW, condition="poor",
                                  problems=["楼道灯坏了"])
    problem = services.problem_to_work_order(actor=vworld.community_admin, problem=visit.problems.get())
    order = WorkOrder.objects.get()
    assert (problem.status, problem.work_order_ref) == ("converted", order.code)
    assert order.text == "楼道灯坏了" and order.community == subject.community  # no care words (issue 15 item 7)
    with pytest.raises(ValidationError, match="该问题已处理"):
        services.problem_to_work_order(actor=vworld.community_admin, problem=problem)
    assert WorkOrder.objects.count() == 1


def test_a_problem_can_also_be_resolved_without_a_work_order(vworld, subject):
    visit = services.visit_record(actor=vworld.volunteer_a, subject=subject, visited_at=NOW, condition="poor",
                                  problems=["楼道灯坏了"])
    services.problem_resolve(actor=vworld.community_admin, problem=visit.problems.get(), resolution="社区已联系物业更换")
    assert Problem.objects.get().status == "resolved"


def test_an_overdue_visit_is_listed_and_notified_once(vworld, subject):
    today = timezone.localdate()
    assert [p.subject for p in selectors.overdue_plans(vworld.community_admin, today=today)] == [subject]
    assert services.notify_overdue(today=today) == 2  # the visitor and the community admin
    assert services.notify_overdue(today=today) == 0
    notes = Notification.objects.order_by("user__username")
    due = today - datetime.timedelta(days=3)
    assert [(n.user.username, n.kind, n.title, n.key, n.link) for n in notes] == [
        ("community_admin", "care", f"周莲秀 的探访已逾期 3 天（应于 {due} 前探访）",
         f"care:{subject.plans.get().pk}:{due}", f"/care/subjects/{subject.pk}/"),
        ("volunteer_a", "care", f"周莲秀 的探访已逾期 3 天（应于 {due} 前探访）",
         f"care:{subject.plans.get().pk}:{due}", f"/care/subjects/{subject.pk}/"),
    ]


def test_a_visit_clears_the_overdue_list(vworld, subject):
    services.visit_record(actor=vworld.volunteer_a, subject=subject, visited_at=NOW, condition="good")
    assert list(selectors.overdue_plans(vworld.community_admin)) == []
    assert services.notify_overdue() == 0


def test_the_frozen_clock_makes_a_plan_overdue(vworld, subject, monkeypatch):
    services.visit_record(actor=vworld.volunteer_a, subject=subject, visited_at=NOW, condition="good")
    later = NOW + datetime.timedelta(days=9)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert services.notify_overdue() == 2


def test_care_records_are_seen_by_sensitive_roles_and_assigned_visitors_only(vworld, subject):
    who = ["community_admin", "grid_worker", "street_admin", "district_admin", "volunteer_a", "volunteer_b",
           "resident_a", "manager_a", "staff_a", "auditor", "department_handler", "other_street_admin", "stranger"]
    seen = [n for n in who if CareSubject.objects.visible_to(vworld.users[n]).exists()]
    assert seen == ["community_admin", "grid_worker", "street_admin", "district_admin", "volunteer_a"]
    assert [n for n in who if VisitPlan.objects.visible_to(vworld.users[n]).exists()] == seen


def test_a_visit_in_the_future_is_refused(vworld, subject):
    with pytest.raises(ValidationError) as refused:
        services.visit_record(actor=vworld.volunteer_a, subject=subject, visited_at=NOW + datetime.timedelta(days=1),
                              condition="good")
    assert list(refused.value.message_dict) == ["visited_at"]
