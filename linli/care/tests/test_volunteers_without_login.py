"""Issue 15 item 8: volunteers without a login (the 红管家) are assigned visits and record them through a personal
link or a staff member; pickers find the right person among duplicates."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.care import services
from linli.care.models import Visit, VisitLink
from linli.people.models import AccessLog, Occupancy, Person
from linli.volunteers.models import Volunteer


@pytest.fixture
def steward(vworld):
    """张红梅, a 红管家 of 锦霞社区 with no account, living in A-1-102."""
    person = Person.objects.create(name="张红梅", phone="13711113333")
    Occupancy.objects.create(person=person, home=vworld.home_a2, relation="family")
    Volunteer.objects.create(person=person, community=vworld.c1, badge="red_steward")
    return person


@pytest.fixture
def plan(vworld, steward):
    subject = services.subject_enrol(actor=vworld.community_admin, person=vworld.resident, guardian_contact="女儿 139")
    return services.plan_create(actor=vworld.community_admin, subject=subject, frequency="weekly",
                                volunteers=[steward, vworld.wang])


def _when():
    return timezone.localtime().replace(second=0, microsecond=0)


def test_a_volunteer_without_a_login_is_assigned_beside_one_with(vworld, plan, steward):
    assert (list(plan.visitors.all()), list(plan.visitor_people.all())) == ([vworld.volunteer_b], [steward])


def test_only_the_communitys_volunteers_may_be_assigned(vworld, steward):
    subject = services.subject_enrol(actor=vworld.community_admin, person=vworld.resident)
    outsider = Person.objects.create(name="赵外人", phone="13000000000")
    with pytest.raises(ValidationError) as refused:
        services.plan_create(actor=vworld.community_admin, subject=subject, frequency="weekly", volunteers=[outsider])
    assert refused.value.message_dict == {"volunteers": ["赵外人 不是本社区在册的志愿者"]}


def test_a_staff_member_records_a_visit_on_behalf_of_the_volunteer(vworld, plan, steward):
    visit = services.visit_record(actor=vworld.community_admin, subject=plan.subject, visited_at=_when(),
                                  condition="good", on_behalf_of=steward)
    assert (visit.visitor, visit.visitor_person, visit.recorded_by, visit.via) == (
        None, steward, vworld.community_admin, "staff")
    assert visit.visitor_label == "张红梅（community_admin 代为登记）"


def test_on_behalf_of_refused_for_a_volunteer_or_someone_not_assigned(vworld, plan, steward):
    with pytest.raises(PermissionDenied):
        services.visit_record(actor=vworld.volunteer_b, subject=plan.subject, visited_at=_when(), condition="good",
                              on_behalf_of=steward)
    with pytest.raises(ValidationError) as refused:
        services.visit_record(actor=vworld.community_admin, subject=plan.subject, visited_at=_when(),
                              condition="good", on_behalf_of=vworld.neighbour)
    assert list(refused.value.message_dict) == ["on_behalf_of"]
    assert Visit.objects.count() == 0


def test_the_staff_page_records_on_behalf(vworld, plan, steward, client_for):
    client_for("community_admin").post(reverse("care:visit_new", args=[plan.subject.pk]), {
        "visited_at": _when().strftime("%Y-%m-%dT%H:%M"), "condition": "fair", "on_behalf_of": steward.pk})
    assert list(Visit.objects.values_list("visitor_person__name", "recorded_by__username", "via")) == [
        ("张红梅", "community_admin", "staff")]


# -- the personal link -------------------------------------------------------------------------------------------

def _issue(vworld, plan, steward, **kw):
    return services.link_issue(actor=vworld.community_admin, plan=plan, person=steward, **kw)


def test_the_token_is_stored_hashed_and_unguessable(vworld, plan, steward):
    link, token = _issue(vworld, plan, steward)
    assert len(token) >= 43 and link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not VisitLink.objects.filter(token_hash=token).exists()
    assert services.link_for_token(token) == link and services.link_for_token(token[:-1] + "x") is None


def test_the_link_shows_the_minimum_and_records_the_visit(vworld, plan, steward):
    link, token = _issue(vworld, plan, steward)
    client = Client(REMOTE_ADDR="10.9.0.1")
    page = client.get(f"/care/v/{token}/")
    body = page.content.decode()
    assert page.status_code == 200 and "周**" in body and "1栋1单元101" in body
    for secret in ("周莲秀", "13812345678", "812345678", "独居", "女儿 139", "张红梅"):
        assert secret not in body, secret
    assert page["Cache-Control"].startswith("max-age=0")
    response = client.post(f"/care/v/{token}/", {"visited_at": _when().strftime("%Y-%m-%dT%H:%M"),
                                                 "condition": "fair", "problems": "门锁坏了", "problem_place": "home"})
    assert response.status_code == 200 and 'id="done"' in response.content.decode()
    visit = Visit.objects.get()
    assert (visit.visitor, visit.visitor_person, visit.recorded_by, visit.via) == (None, steward, None, "link")
    assert [p.description for p in visit.problems.all()] == ["门锁坏了"]
    assert list(AccessLog.objects.values_list("person__name", "kind", "path")) == [
        ("周莲秀", "care_link", f"/care/v/#link-{link.pk}"), ("周莲秀", "care_link", f"/care/v/#link-{link.pk}")]


def test_an_expired_a_revoked_and_a_wrong_token_are_refused(vworld, plan, steward):
    old, old_token = _issue(vworld, plan, steward, days=1, now=timezone.now() - datetime.timedelta(days=2))
    client = Client(REMOTE_ADDR="10.9.0.2")
    assert client.get(f"/care/v/{old_token}/").status_code == 404
    link, token = _issue(vworld, plan, steward)
    services.link_revoke(actor=vworld.community_admin, link=link)
    assert client.get(f"/care/v/{token}/").status_code == 404
    assert client.post(f"/care/v/{token}/", {"visited_at": _when().strftime("%Y-%m-%dT%H:%M"),
                                            "condition": "good"}).status_code == 404
    assert client.get("/care/v/not-a-token/").status_code == 404
    assert Visit.objects.count() == 0


def test_a_link_stops_when_its_volunteer_leaves_the_plan_or_the_care_ends(vworld, plan, steward):
    link, token = _issue(vworld, plan, steward)
    plan.visitor_people.remove(steward)
    assert services.link_for_token(token) is None
    plan.visitor_people.add(steward)
    assert services.link_for_token(token) == link
    services.subject_close(actor=vworld.community_admin, subject=plan.subject, reason="迁居外地")
    assert services.link_for_token(token) is None


def test_a_new_link_revokes_the_old_one(vworld, plan, steward):
    first, first_token = _issue(vworld, plan, steward)
    _issue(vworld, plan, steward)
    assert services.link_for_token(first_token) is None
    assert VisitLink.objects.get(pk=first.pk).revoked_by == vworld.community_admin


def test_the_eleventh_bad_attempt_is_rate_limited(vworld, plan, steward):
    link, token = _issue(vworld, plan, steward)
    client = Client(REMOTE_ADDR="10.9.0.3")
    assert [client.get(f"/care/v/bad-{i}/").status_code for i in range(10)] == [404] * 10
    assert client.get("/care/v/bad-10/").status_code == 429
    assert client.get(f"/care/v/{token}/").status_code == 429  # even the right token, from this address, for now
    assert Client(REMOTE_ADDR="10.9.0.4").get(f"/care/v/{token}/").status_code == 200


def test_who_may_issue_and_revoke_a_link(vworld, plan, steward, client_for):
    url = reverse("care:link_new", args=[plan.pk])
    assert Client().post(url, {"person": steward.pk, "days": 7}).status_code == 302  # to sign in
    for name in ("stranger", "manager_a", "resident_a", "volunteer_b"):
        assert client_for(name).post(url, {"person": steward.pk, "days": 7}).status_code == 404, name
    assert VisitLink.objects.count() == 0
    page = client_for("community_admin").post(url, {"person": steward.pk, "days": 7})
    link = VisitLink.objects.get()
    assert page.status_code == 200 and "/care/v/" in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0")
    revoke = reverse("care:link_revoke", args=[link.pk])
    assert client_for("volunteer_b").post(revoke).status_code == 404
    assert VisitLink.objects.get().revoked_at is None
    client_for("community_admin").post(revoke)
    assert VisitLink.objects.get().revoked_at is not None


# -- pickers ---------------------------------------------------------------------------------------------------

def test_the_volunteer_picker_tells_two_of_the_same_name_apart(vworld, plan, client_for):
    twin = Person.objects.create(name="王芳", phone="13699998888")
    Occupancy.objects.create(person=twin, home=vworld.home_a1, relation="tenant")
    Volunteer.objects.create(person=twin, community=vworld.c1)
    url = reverse("care:plan_people", args=[plan.subject.pk])
    page = client_for("community_admin").get(url, {"volunteers_q": "王芳"})
    body = page.content.decode()
    assert page.status_code == 200 and body.count('type="checkbox" name="volunteers"') == 2
    assert "137****2222" in body and "136****8888" in body and "13700002222" not in body
    assert client_for("community_admin").get(url, {"volunteers_q": "王芳 1-1-101"}).content.decode().count(
        'name="volunteers"') == 1
    kept = client_for("community_admin").get(url, {"volunteers_q": "张", "volunteers": [twin.pk]}).content.decode()
    assert f'value="{twin.pk}" checked' in kept and "张红梅" in kept


@pytest.mark.parametrize("name", ["stranger", "manager_a", "resident_a", "volunteer_b"])
def test_the_pickers_are_refused_to_who_has_no_care_duty(vworld, plan, client_for, name):
    for url in (reverse("care:plan_people", args=[plan.subject.pk]), reverse("care:subject_people")):
        assert client_for(name).get(url, {"volunteers_q": "王", "person_q": "王"}).status_code == 404, (name, url)


def test_another_streets_care_staff_find_nobody_here(vworld, plan, client_for):
    client = client_for("other_street_admin")
    assert client.get(reverse("care:plan_people", args=[plan.subject.pk]), {"volunteers_q": "王"}).status_code == 404
    body = client.get(reverse("care:subject_people"), {"person_q": "王"}).content.decode()
    assert "王芳" not in body and 'name="person"' not in body


def test_the_pickers_send_anonymous_visitors_to_sign_in(vworld, plan):
    response = Client().get(reverse("care:subject_people"), {"person_q": "王"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_enrolment_picker_offers_only_people_not_yet_under_care(vworld, plan, client_for):
    body = client_for("community_admin").get(reverse("care:subject_people"), {"person_q": "1栋"}).content.decode()
    assert "王芳" in body and "李建国" in body and "周莲秀" not in body


def test_the_enrolment_form_searches_without_javascript(vworld, plan, client_for):
    page = client_for("community_admin").get(reverse("care:subject_new"), {"person_q": "李建国", "person_search": "1"})
    body = page.content.decode()
    assert f'type="radio" name="person" value="{vworld.neighbour.pk}"' in body and "139****1111" in body
