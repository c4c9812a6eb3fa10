"""Care pages: only sensitive roles and assigned visitors see them (404 for everyone else); each viewing is logged."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.care import services
from linli.care.models import CareSubject, Problem, Visit, VisitPlan
from linli.notify.models import Notification
from linli.people.models import AccessLog

PAGES = {
    "list": lambda s: reverse("care:subject_list"),
    "overdue": lambda s: reverse("care:overdue"),
    "detail": lambda s: reverse("care:subject_detail", args=[s.pk]),
}
HIDDEN_FROM = ["stranger", "resident_a", "manager_a", "staff_a", "auditor", "department_handler", "volunteer_b"]


@pytest.mark.parametrize("name", HIDDEN_FROM)
@pytest.mark.parametrize("page", PAGES)
def test_roles_without_care_duties_get_404_and_nothing_is_logged(subject, client_for, name, page):
    assert client_for(name).get(PAGES[page](subject)).status_code == 404
    assert AccessLog.objects.count() == 0


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(subject, page):
    response = Client().get(PAGES[page](subject))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_another_street_gets_404_on_the_record(subject, client_for):
    assert client_for("other_street_admin").get(PAGES["detail"](subject)).status_code == 404
    assert list(client_for("other_street_admin").get(PAGES["list"](subject)).context["page"]) == []


@pytest.mark.parametrize("name", ["community_admin", "grid_worker", "street_admin", "volunteer_a"])
def test_care_staff_and_the_assigned_visitor_see_the_record_and_each_viewing_is_logged(subject, client_for, name):
    client = client_for(name)
    response = client.get(PAGES["detail"](subject))
    assert response.status_code == 200 and "周莲秀" in response.content.decode()
    client.get(PAGES["list"](subject))
    client.get(PAGES["overdue"](subject))
    logs = AccessLog.objects.order_by("pk")
    assert [(log.actor.username, log.person.name, log.kind) for log in logs] == [
        (name, "周莲秀", "care_view"), (name, "周莲秀", "care_list"), (name, "周莲秀", "care_overdue")]


def test_the_overdue_page_lists_the_late_visit(subject, client_for):
    response = client_for("community_admin").get(PAGES["overdue"](subject))
    assert [(p.subject.person.name, days) for p, days in response.context["rows"]] == [("周莲秀", 3)]


def test_the_assigned_visitor_records_a_visit_with_a_problem(subject, client_for):
    now = timezone.localtime().replace(second=0, microsecond=0)
    client_for("volunteer_a").post(reverse("care:visit_new", args=[subject.pk]), {
        "visited_at": now.strftime("%Y-%m-%dT%H:%M"), "condition": "fair", "notes": "血压偏高",
        "problems": "热水器坏了\n", "urgent_problems": ""})
    visit = Visit.objects.get()
    assert (visit.visitor.username, visit.condition, [p.description for p in visit.problems.all()]) == (
        "volunteer_a", "fair", ["热水器坏了"])
    assert VisitPlan.objects.get().next_due == now.date() + VisitPlan.objects.get().interval


@pytest.mark.parametrize(("name", "code"), [("volunteer_a", 403), ("auditor", 404), ("manager_a", 404)])
def test_a_visitor_or_read_only_role_cannot_enrol_or_plan(subject, client_for, vworld, name, code):
    """The assigned visitor sees the subject (403); roles that see no care record get 404."""
    client = client_for(name)
    assert client.post(reverse("care:subject_new"), {"person": vworld.wang.pk,
                                                     "kinds": ["hardship"]}).status_code == code
    assert client.post(reverse("care:plan_new", args=[subject.pk]), {
        "frequency": "monthly", "volunteers": [vworld.wang.pk]}).status_code == code
    assert (CareSubject.objects.count(), VisitPlan.objects.count()) == (1, 1)


def test_the_community_admin_enrols_and_plans_from_the_pages(subject, client_for, vworld):
    client = client_for("community_admin")
    response = client.post(reverse("care:subject_new"), {"person": vworld.wang.pk, "kinds": ["left_behind_child"]})
    new = CareSubject.objects.get(person=vworld.wang)
    assert response.url == reverse("care:subject_detail", args=[new.pk])
    client.post(reverse("care:plan_new", args=[new.pk]), {"frequency": "monthly", "volunteers": [vworld.wang.pk]})
    assert list(new.plans.get().visitors.all()) == [vworld.volunteer_b]  # 王芳 signs in as volunteer_b


def test_a_problem_becomes_a_work_order_from_the_page(subject, client_for):
    visit = services.visit_record(actor=subject.plans.get().visitors.get(), subject=subject,
                                  visited_at=timezone.now(), condition="poor", problems=["楼道灯坏了"])
    problem = visit.problems.get()
    response = client_for("community_admin").post(reverse("care:problem_action", args=[problem.pk, "work_order"]),
                                                  follow=True)
    assert response.status_code == 200
    assert Problem.objects.get().status == "converted"
    assert client_for("volunteer_a").post(reverse("care:problem_action", args=[problem.pk, "resolve"]),
                                          {"resolution": "x"}).status_code == 403


def test_notifications_are_shown_to_their_user_only(subject, client_for):
    services.notify_overdue()
    old = client_for("volunteer_a").get("/care/notifications/")  # the old page moved to the one inbox
    assert old.status_code == 301 and old["Location"] == "/notify/?kind=care"
    response = client_for("volunteer_a").get(old["Location"])
    assert [n.user.username for n in response.context["page"]] == ["volunteer_a"]
    note = Notification.objects.get(user__username="community_admin")
    assert client_for("volunteer_a").post(f"/notify/{note.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=note.pk).read_at is None


@pytest.mark.parametrize("name", HIDDEN_FROM)
def test_writes_are_404_for_roles_without_care_duties(subject, client_for, name):
    problem_visit = services.visit_record(actor=subject.plans.get().visitors.get(), subject=subject,
                                          visited_at=timezone.now(), condition="poor", problems=["门锁坏了"])
    problem = problem_visit.problems.get()
    client = client_for(name)
    for url in (reverse("care:plan_new", args=[subject.pk]), reverse("care:visit_new", args=[subject.pk]),
                reverse("care:problem_action", args=[problem.pk, "resolve"]), reverse("care:subject_new")):
        assert client.post(url, {"condition": "good", "resolution": "x", "frequency": "weekly"}).status_code == 404
    assert (Visit.objects.count(), Problem.objects.get().status) == (1, "open")
