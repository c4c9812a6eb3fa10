"""The care API: hidden (404) from everyone without care duties, logged for those who read it."""

import pytest
from django.test import Client
from django.utils import timezone

from linli.care.models import CareSubject, Visit, VisitPlan
from linli.core.testing import post, results
from linli.people.models import AccessLog

LISTS = ["care-subjects", "care-plans", "care-visits", "care-problems"]
HIDDEN_FROM = ["stranger", "resident_a", "manager_a", "staff_a", "auditor", "department_handler", "volunteer_b"]


@pytest.mark.parametrize("name", HIDDEN_FROM)
@pytest.mark.parametrize("url", LISTS)
def test_roles_without_care_duties_get_404(subject, client_for, name, url):
    client = client_for(name)
    assert client.get(f"/api/v1/{url}/").status_code == 404
    assert post(client, f"/api/v1/{url}/", {}).status_code == 404
    assert AccessLog.objects.count() == 0


@pytest.mark.parametrize("url", LISTS)
def test_anonymous_callers_get_401(subject, url):
    assert Client().get(f"/api/v1/{url}/").status_code == 401


def test_a_subject_is_404_for_another_street(subject, client_for):
    assert client_for("other_street_admin").get(f"/api/v1/care-subjects/{subject.pk}/").status_code == 404


def test_reading_subjects_is_logged_per_person(subject, client_for):
    rows = results(client_for("grid_worker").get("/api/v1/care-subjects/"))
    assert [(r["name"], r["kinds"]) for r in rows] == [("周莲秀", ["elderly_alone"])]
    client_for("volunteer_a").get(f"/api/v1/care-subjects/{subject.pk}/")
    assert [(log.actor.username, log.kind) for log in AccessLog.objects.order_by("pk")] == [
        ("grid_worker", "api_caresubject"), ("volunteer_a", "api_caresubject")]


def test_the_overdue_list_is_logged(subject, client_for):
    rows = client_for("community_admin").get("/api/v1/care-plans/overdue/").json()
    assert [r["subject"] for r in rows] == [subject.pk]
    assert AccessLog.objects.get().kind == "api_visitplan"


def test_the_assigned_visitor_records_a_visit_and_cannot_plan(subject, client_for, vworld):
    client = client_for("volunteer_a")
    response = post(client, "/api/v1/care-visits/", {"subject": subject.pk, "visited_at": timezone.now().isoformat(),
                                                     "condition": "good", "problems": ["门锁坏了"]})
    assert response.status_code == 201
    assert response.json()["problems"][0]["description"] == "门锁坏了"
    response = post(client, "/api/v1/care-plans/", {"subject": subject.pk, "frequency": "monthly",
                                                    "visitors": [vworld.volunteer_b.pk]})
    assert response.status_code == 403
    assert (VisitPlan.objects.count(), Visit.objects.count()) == (1, 1)


def test_the_work_order_step_turns_a_problem_into_a_work_order(subject, client_for):
    post(client_for("volunteer_a"), "/api/v1/care-visits/", {"subject": subject.pk, "condition": "poor",
                                                             "visited_at": timezone.now().isoformat(),
                                                             "problems": ["热水器坏了"]})
    pid = results(client_for("community_admin").get("/api/v1/care-problems/"))[0]["id"]
    response = post(client_for("community_admin"), f"/api/v1/care-problems/{pid}/work-order/", {})
    assert response.status_code == 200
    assert response.json()["status"] == "converted" and response.json()["work_order_ref"]
    again = post(client_for("community_admin"), f"/api/v1/care-problems/{pid}/work-order/", {})
    assert again.status_code == 400


@pytest.mark.parametrize(("name", "code"), [("auditor", 404), ("manager_a", 404), ("volunteer_a", 403)])
def test_only_care_staff_enrol(subject, client_for, vworld, name, code):
    """Roles that see no care record get 404; an assigned visitor, who sees the subjects they visit, gets 403."""
    response = post(client_for(name), "/api/v1/care-subjects/", {"person": vworld.wang.pk, "kinds": ["hardship"]})
    assert response.status_code == code
    assert CareSubject.objects.count() == 1


def test_the_community_admin_enrols(subject, client_for, vworld):
    response = post(client_for("community_admin"), "/api/v1/care-subjects/", {"person": vworld.wang.pk,
                                                                              "kinds": ["left_behind_child"]})
    assert (response.status_code, response.json()["kinds"]) == (201, ["left_behind_child"])


def test_care_reminders_are_in_the_callers_own_notifications(subject, client_for):
    from linli.care import services

    services.notify_overdue()
    assert [r["kind"] for r in results(client_for("volunteer_a").get("/api/v1/notifications/?kind=care"))] == ["care"]
    assert client_for("volunteer_a").get("/api/v1/care-notifications/").status_code == 404  # merged (issue 14)


def test_the_subjects_page_and_the_api_filter_by_kind_with_one_filterset(subject, client_for):
    client = client_for("grid_worker")
    for kind, expected in (("elderly_alone", ["周莲秀"]), ("disabled", [])):
        api = [r["name"] for r in results(client.get(f"/api/v1/care-subjects/?kind={kind}"))]
        page = [s.person.name for s, _due, _late in client.get(f"/care/?kind={kind}").context["rows"]]
        assert (api, page) == (expected, expected)
    assert client.get("/api/v1/care-subjects/?kind=nobody").status_code == 400  # the API names a bad value
    assert [s.person.name for s, *_ in client.get("/care/?kind=nobody").context["rows"]] == ["周莲秀"]  # the page ignores it


def test_a_visit_through_the_api_says_where_its_problems_are_and_the_order_says_nothing_of_care(subject, client_for):
    """Issue 15 item 7 through the API: the place of the problem is asked, the order carries no care words."""
    from linli.workorders.models import WorkOrder

    post(client_for("volunteer_a"), "/api/v1/care-visits/", {"subject": subject.pk, "condition": "poor",
                                                             "visited_at": timezone.now().isoformat(),
                                                             "problems": ["楼道灯坏了"], "problem_place": "common"})
    row = results(client_for("community_admin").get("/api/v1/care-problems/"))[0]
    assert (row["description"], row["place"]) == ("楼道灯坏了", "common")
    post(client_for("community_admin"), f"/api/v1/care-problems/{row['id']}/work-order/", {})
    order = WorkOrder.objects.get()
    assert (order.text, order.home, order.building) == ("楼道灯坏了", None, subject.home.building)
