import pytest
from django.urls import reverse

from linli.people.models import AccessLog


def test_a_stranger_gets_404_on_people_pages(world, client_for):
    client = client_for("stranger")
    assert client.get(reverse("people:person_list")).status_code == 404
    assert client.get(reverse("people:person_detail", args=[world.resident.pk])).status_code == 404


def test_the_person_list_is_scoped_and_masked(world, client_for):
    response = client_for("manager_a").get(reverse("people:person_list"))
    body = response.content.decode()
    assert [p.name for p in response.context["page"]] == ["周莲秀", "李建国"]
    assert "138****5678" in body and "13812345678" not in body


def test_the_person_list_searches_by_initials(world, client_for):
    response = client_for("community_admin").get(reverse("people:person_list"), {"q": "zlx"})
    assert [p.name for p in response.context["page"]] == ["周莲秀"]


def test_a_community_admin_sees_sensitive_flags_and_the_viewing_is_logged(world, client_for):
    response = client_for("community_admin").get(reverse("people:person_detail", args=[world.resident.pk]))
    assert response.status_code == 200
    assert "独居老人" in response.content.decode()
    log = AccessLog.objects.get()
    assert (log.actor.username, log.person, log.kind) == ("community_admin", world.resident, "view")


def test_a_property_manager_does_not_see_sensitive_flags_and_nothing_is_logged(world, client_for):
    response = client_for("manager_a").get(reverse("people:person_detail", args=[world.resident.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "独居老人" not in body and "138****5678" in body
    assert AccessLog.objects.count() == 0


def test_a_resident_sees_their_own_record_but_not_a_neighbours(world, client_for):
    client = client_for("resident_a")
    assert client.get(reverse("people:person_detail", args=[world.resident.pk])).status_code == 200
    assert client.get(reverse("people:person_detail", args=[world.neighbour.pk])).status_code == 404
    assert AccessLog.objects.count() == 0


def test_an_admin_of_another_street_cannot_open_the_person(world, client_for):
    url = reverse("people:person_detail", args=[world.resident.pk])
    assert client_for("other_street_admin").get(url).status_code == 404


# -- finding 6: masked numbers are not rebuilt by searching digits -------------------------------------------


@pytest.mark.parametrize("role", ["manager_a", "staff_a", "auditor"])
@pytest.mark.parametrize("digits", ["1381", "13812345678"])
def test_a_role_that_sees_masked_phones_cannot_search_people_by_phone(world, client_for, role, digits):
    response = client_for(role).get(reverse("people:person_list"), {"q": digits})
    assert response.status_code == 200
    assert list(response.context["page"]) == []
    assert "不能按手机号查找人员" in response.content.decode()


@pytest.mark.parametrize("role", ["community_admin", "grid_worker", "street_admin"])
def test_a_role_that_sees_full_phones_searches_people_by_phone(world, client_for, role):
    response = client_for(role).get(reverse("people:person_list"), {"q": "1381"})
    assert [p.name for p in response.context["page"]] == ["周莲秀"]
    assert "不能按手机号查找人员" not in response.content.decode()


@pytest.mark.parametrize(("role", "found"), [("street_admin", ["周莲秀"]), ("manager_a", [])])
def test_the_api_searches_phones_by_the_same_rule_as_the_page(world, client_for, role, found):
    from linli.core.testing import results

    response = client_for(role).get("/api/v1/persons/", {"q": "1381"})
    assert response.status_code == 200
    assert [p["name"] for p in results(response)] == found


def test_a_manager_still_searches_people_by_name(world, client_for):
    response = client_for("manager_a").get(reverse("people:person_list"), {"q": "周莲"})
    assert [p.name for p in response.context["page"]] == ["周莲秀"]


def test_the_admin_site_searches_phones_only_for_roles_that_see_them(world, rf):
    from django.contrib.admin.sites import site

    from linli.people.models import Person

    admin = site._registry[Person]
    world.manager_a.is_staff = True
    request = rf.get("/")
    request.user = world.manager_a
    assert admin.get_search_fields(request) == ["name", "initials"]
    request.user = world.community_admin
    assert admin.get_search_fields(request) == ["name", "initials", "phone"]
