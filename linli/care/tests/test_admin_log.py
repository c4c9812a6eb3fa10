"""Care records opened in the Django admin are logged against their person, like on the care pages (PIPL)."""

from django.utils import timezone

from linli.care import services
from linli.people.models import AccessLog


def test_opening_a_care_subject_in_the_admin_is_logged(subject, admin_client):
    response = admin_client.get(f"/admin/care/caresubject/{subject.pk}/change/")
    assert response.status_code == 200
    log = AccessLog.objects.get()
    assert (log.actor.username, log.person, log.kind, log.path) == (
        "admin", subject.person, "admin_view", f"/admin/care/caresubject/{subject.pk}/change/")


def test_opening_a_visit_or_a_plan_in_the_admin_is_logged_against_the_subjects_person(subject, vworld, admin_client):
    visit = services.visit_record(actor=vworld.volunteer_a, subject=subject, visited_at=timezone.now(),
                                  condition="good", notes="血压偏高")
    for url in (f"/admin/care/visit/{visit.pk}/change/", f"/admin/care/visitplan/{subject.plans.get().pk}/change/"):
        assert admin_client.get(url).status_code == 200
    assert [(log.person, log.kind) for log in AccessLog.objects.order_by("pk")] == [
        (subject.person, "admin_view"), (subject.person, "admin_view")]


def test_the_admin_list_and_a_missing_record_log_nothing(subject, admin_client):
    assert admin_client.get("/admin/care/caresubject/").status_code == 200
    assert admin_client.get("/admin/care/caresubject/999999/change/").status_code == 302
    assert AccessLog.objects.count() == 0


def test_a_non_staff_user_is_sent_to_the_admin_sign_in_and_nothing_is_logged(subject, client_for):
    response = client_for("community_admin").get(f"/admin/care/caresubject/{subject.pk}/change/")
    assert response.status_code == 302
    assert AccessLog.objects.count() == 0
