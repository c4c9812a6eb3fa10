"""The people API (/api/v1/): organisations, persons (masked, sensitive reads logged), occupancies."""


import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from linli.core.testing import error_messages, names, patch, post, results
from linli.people.models import AccessLog, Occupancy, Organization, Person
from linli.places.models import Building, Home

READ_ONLY_ROLES = ["auditor", "department_handler", "manager_a", "staff_a", "grid_worker", "resident_a"]

LIST_URLS = ["/api/v1/organizations/", "/api/v1/persons/", "/api/v1/occupancies/"]

DETAIL_URLS = {
    "organization": lambda w: f"/api/v1/organizations/{w.company.pk}/",
    "person": lambda w: f"/api/v1/persons/{w.resident.pk}/",
    "occupancy": lambda w: f"/api/v1/occupancies/{w.resident.occupancies.get().pk}/",
}


# -- strangers and anonymous callers ------------------------------------------------------------


@pytest.mark.parametrize("url", LIST_URLS)
def test_a_stranger_gets_404_on_every_list(client_for, url):
    client = client_for("stranger")
    assert client.get(url).status_code == 404
    assert post(client, url, {"name": "x"}).status_code == 404
    assert (Organization.objects.count(), Person.objects.count(), Occupancy.objects.count()) == (3, 2, 2)


@pytest.mark.parametrize("kind", DETAIL_URLS)
def test_a_stranger_gets_404_on_every_record(world, client_for, kind):
    client = client_for("stranger")
    url = DETAIL_URLS[kind](world)
    assert client.get(url).status_code == 404
    assert patch(client, url, {"name": "x"}).status_code == 404


@pytest.mark.parametrize("url", LIST_URLS)
def test_an_anonymous_caller_is_asked_to_authenticate_on_every_list(world, url):
    assert Client().get(url).status_code == 401
    assert post(Client(), url, {"name": "x"}).status_code == 401
    assert (Organization.objects.count(), Person.objects.count(), Occupancy.objects.count()) == (3, 2, 2)


@pytest.mark.parametrize("kind", DETAIL_URLS)
def test_an_anonymous_caller_is_asked_to_authenticate_on_every_record(world, kind):
    assert Client().get(DETAIL_URLS[kind](world)).status_code == 401


@pytest.mark.parametrize("kind", ["person", "occupancy"])
def test_a_member_of_another_street_gets_404_on_people_outside_it(world, client_for, kind):
    assert client_for("other_street_admin").get(DETAIL_URLS[kind](world)).status_code == 404


@pytest.mark.parametrize("kind", DETAIL_URLS)
def test_nothing_can_be_deleted(world, client_for, kind):
    assert client_for("district_admin").delete(DETAIL_URLS[kind](world)).status_code == 405
    assert (Organization.objects.count(), Person.objects.count(), Occupancy.objects.count()) == (3, 2, 2)


# -- organisations ------------------------------------------------------------------------------


def test_a_street_admin_lists_the_organisations_of_its_district(client_for):
    assert names(client_for("street_admin").get("/api/v1/organizations/")) == [
        "大渡口区城市管理局", "大渡口区城市更新国有托管公司", "重庆锦绣物业服务有限公司"]


def test_a_resident_sees_only_the_company_managing_its_estate(world, client_for):
    rows = results(client_for("resident_a").get("/api/v1/organizations/"))
    assert rows == [{
        "id": world.company.pk, "name": "重庆锦绣物业服务有限公司", "initials": "cqjxwyfwyxgs",
        "kind": "property_company", "ownership": "market", "field": "", "division": world.district.pk,
        "division_name": "大渡口区", "credit_code": "", "phone": "",
    }]


def test_organisations_filter_by_kind_and_initials(client_for):
    client = client_for("district_admin")
    assert names(client.get("/api/v1/organizations/?kind=department")) == ["大渡口区城市管理局"]
    assert names(client.get("/api/v1/organizations/?q=cqjx")) == ["重庆锦绣物业服务有限公司"]


def test_a_street_admin_registers_an_organisation_of_its_street(world, client_for):
    response = post(client_for("street_admin"), "/api/v1/organizations/", {
        "name": "锦霞小区业主委员会", "kind": "owners_committee", "division": world.c1.pk})
    assert response.status_code == 201, response.content
    assert Organization.objects.get(name="锦霞小区业主委员会").division == world.c1


def test_a_street_admin_cannot_change_a_district_company_it_can_see(world, client_for):
    response = patch(client_for("street_admin"), f"/api/v1/organizations/{world.company.pk}/", {"phone": "023-1"})
    assert response.status_code == 403
    world.company.refresh_from_db()
    assert world.company.phone == ""


def test_a_district_admin_changes_a_district_company(world, client_for):
    response = patch(client_for("district_admin"), f"/api/v1/organizations/{world.company.pk}/",
                     {"phone": "023-68800000"})
    assert response.status_code == 200
    world.company.refresh_from_db()
    assert world.company.phone == "023-68800000"


def test_an_organisation_name_is_unique_per_kind(world, client_for):
    response = post(client_for("district_admin"), "/api/v1/organizations/", {
        "name": "重庆锦绣物业服务有限公司", "kind": "property_company", "division": world.district.pk})
    assert response.status_code == 400
    assert Organization.objects.filter(name="重庆锦绣物业服务有限公司").count() == 1


@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_a_read_only_role_cannot_change_organisations(world, client_for, role):
    client = client_for(role)
    response = post(client, "/api/v1/organizations/", {"name": "新公司", "kind": "merchant", "division": world.c1.pk})
    assert response.status_code == 403
    assert patch(client, f"/api/v1/organizations/{world.company.pk}/", {"phone": "1"}).status_code == 403
    world.company.refresh_from_db()
    assert (Organization.objects.count(), world.company.phone) == (3, "")


# -- persons ------------------------------------------------------------------------------------


def test_a_property_manager_sees_masked_phones_and_no_sensitive_flags(world, client_for):
    rows = results(client_for("manager_a").get("/api/v1/persons/"))
    assert [(r["name"], r["phone"]) for r in rows] == [("周莲秀", "138****5678"), ("李建国", "139****1111")]
    detail = client_for("manager_a").get(f"/api/v1/persons/{world.resident.pk}/").json()
    assert detail == {"id": world.resident.pk, "name": "周莲秀", "initials": "zlx", "phone": "138****5678",
                      "created_at": detail["created_at"]}
    assert AccessLog.objects.count() == 0


def test_a_street_admin_sees_full_phones(client_for):
    rows = results(client_for("street_admin").get("/api/v1/persons/"))
    assert [(r["name"], r["phone"]) for r in rows] == [("周莲秀", "13812345678"), ("李建国", "13900001111")]


def test_the_person_list_never_carries_sensitive_flags(client_for):
    rows = results(client_for("community_admin").get("/api/v1/persons/"))
    assert [sorted(r) for r in rows] == [["created_at", "id", "initials", "name", "phone"]] * 2
    assert AccessLog.objects.count() == 0


def test_a_community_admin_reading_a_sensitive_person_is_logged(world, client_for):
    url = f"/api/v1/persons/{world.resident.pk}/"
    data = client_for("community_admin").get(url).json()
    assert (data["phone"], data["is_elderly_alone"], data["is_party_member"], data["is_disabled"],
            data["is_hardship"]) == ("13812345678", True, False, False, False)
    log = AccessLog.objects.get()
    assert (log.actor, log.person, log.kind, log.path) == (world.community_admin, world.resident, "api_view", url)


def test_every_sensitive_reading_is_logged_again(world, client_for):
    client = client_for("grid_worker")
    client.get(f"/api/v1/persons/{world.neighbour.pk}/")
    client.get(f"/api/v1/persons/{world.neighbour.pk}/")
    assert list(AccessLog.objects.values_list("actor__username", "person__name", "kind")) == [
        ("grid_worker", "李建国", "api_view")] * 2


def test_reading_a_person_without_sensitive_flags_is_not_logged(world, client_for):
    world.neighbour.is_party_member = False
    world.neighbour.save()
    data = client_for("community_admin").get(f"/api/v1/persons/{world.neighbour.pk}/").json()
    assert data["is_party_member"] is False
    assert AccessLog.objects.count() == 0


def test_a_resident_sees_only_itself(world, client_for):
    client = client_for("resident_a")
    rows = results(client.get("/api/v1/persons/"))
    assert [(r["id"], r["phone"]) for r in rows] == [(world.resident.pk, "13812345678")]
    assert client.get(f"/api/v1/persons/{world.neighbour.pk}/").status_code == 404
    assert AccessLog.objects.count() == 0


def test_persons_are_found_by_pinyin_initials_and_estate(world, client_for):
    client = client_for("street_admin")
    assert names(client.get("/api/v1/persons/?q=zlx")) == ["周莲秀"]
    assert names(client.get("/api/v1/persons/?q=李")) == ["李建国"]
    assert names(client.get(f"/api/v1/persons/?estate={world.estate_a.pk}")) == ["周莲秀", "李建国"]
    assert names(client.get(f"/api/v1/persons/?estate={world.estate_b.pk}")) == []
    assert names(client.get(f"/api/v1/persons/?home={world.home_a2.pk}")) == ["李建国"]


def test_a_community_admin_registers_a_person_with_their_home(world, client_for):
    response = post(client_for("community_admin"), "/api/v1/persons/", {
        "name": "王芳", "phone": "13700002222", "home": world.home_a2.pk, "relation": "tenant"})
    assert response.status_code == 201, response.content
    person = Person.objects.get(name="王芳")
    assert list(person.occupancies.values_list("home", "relation")) == [(world.home_a2.pk, "tenant")]
    assert response.json()["phone"] == "13700002222"
    assert "home" not in response.json()


def test_a_person_needs_a_home_to_be_registered(world, client_for):
    response = post(client_for("community_admin"), "/api/v1/persons/", {"name": "王芳"})
    assert response.status_code == 400
    assert sorted(error_messages(response)) == ["home", "relation"]
    assert not Person.objects.filter(name="王芳").exists()


def test_an_admin_cannot_register_a_person_in_a_home_it_cannot_see(world, client_for):
    response = post(client_for("community_admin"), "/api/v1/persons/", {
        "name": "王芳", "home": world.home_b1.pk, "relation": "owner"})
    assert response.status_code == 400
    assert list(error_messages(response)) == ["home"]
    assert not Person.objects.filter(name="王芳").exists()


def test_a_street_admin_corrects_a_phone_and_a_flag(world, client_for):
    response = patch(client_for("street_admin"), f"/api/v1/persons/{world.resident.pk}/",
                     {"phone": "13812340000", "is_hardship": True})
    assert response.status_code == 200
    world.resident.refresh_from_db()
    assert (world.resident.phone, world.resident.is_hardship) == ("13812340000", True)


def test_an_admin_cannot_change_a_person_it_sees_only_as_a_grid_worker(world, client_for):
    from linli.people.models import Membership, Role

    Membership.objects.create(user=world.other_street_admin, role=Role.GRID_WORKER, division=world.c1)
    response = patch(client_for("other_street_admin"), f"/api/v1/persons/{world.resident.pk}/", {"phone": "1"})
    assert response.status_code == 403
    world.resident.refresh_from_db()
    assert world.resident.phone == "13812345678"


@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_a_read_only_role_cannot_change_persons(world, client_for, role):
    client = client_for(role)
    response = post(client, "/api/v1/persons/", {"name": "王芳", "home": world.home_a2.pk, "relation": "tenant"})
    assert response.status_code == 403
    assert patch(client, f"/api/v1/persons/{world.resident.pk}/", {"phone": "1"}).status_code == 403
    world.resident.refresh_from_db()
    assert (Person.objects.count(), Occupancy.objects.count(), world.resident.phone) == (2, 2, "13812345678")


# -- occupancies --------------------------------------------------------------------------------


def test_a_resident_sees_only_its_own_occupancy(world, client_for):
    rows = results(client_for("resident_a").get("/api/v1/occupancies/"))
    assert rows == [{
        "id": world.resident.occupancies.get().pk, "person": world.resident.pk, "person_name": "周莲秀",
        "home": world.home_a1.pk, "home_label": "1栋1单元101", "estate": world.estate_a.pk, "estate_name": "锦霞小区",
        "relation": "owner", "start": None, "end": None,
    }]


def test_a_property_manager_lists_the_occupancies_of_its_estate(world, client_for):
    rows = results(client_for("manager_a").get("/api/v1/occupancies/"))
    assert [(r["person_name"], r["home_label"], r["relation"]) for r in rows] == [
        ("周莲秀", "1栋1单元101", "owner"), ("李建国", "1栋1单元102", "owner")]


def test_occupancies_filter_by_relation_and_estate(world, client_for):
    client = client_for("street_admin")
    assert results(client.get("/api/v1/occupancies/?relation=tenant")) == []
    assert len(results(client.get(f"/api/v1/occupancies/?estate={world.estate_a.pk}"))) == 2
    assert results(client.get(f"/api/v1/occupancies/?estate={world.estate_b.pk}")) == []


def test_the_occupancy_list_does_not_grow_queries_with_rows(world, client_for):
    client = client_for("street_admin")
    with CaptureQueriesContext(connection) as before:
        client.get("/api/v1/occupancies/")
    building = Building.objects.create(estate=world.estate_b, number="2栋")
    for n in range(4):
        home = Home.objects.create(building=building, number=f"20{n}", area="50.00")
        Occupancy.objects.create(person=world.neighbour, home=home, relation="tenant")
    with CaptureQueriesContext(connection) as after:
        assert len(results(client.get("/api/v1/occupancies/"))) == 6
    assert len(after) == len(before)


def test_a_street_admin_records_a_tenancy_and_its_end(world, client_for):
    client = client_for("street_admin")
    response = post(client, "/api/v1/occupancies/", {
        "person": world.neighbour.pk, "home": world.home_b1.pk, "relation": "tenant", "start": "2025-03-01"})
    assert response.status_code == 201, response.content
    url = f"/api/v1/occupancies/{response.json()['id']}/"
    assert patch(client, url, {"end": "2026-02-28"}).status_code == 200
    occupancy = Occupancy.objects.get(home=world.home_b1)
    assert (occupancy.person, occupancy.relation, str(occupancy.start), str(occupancy.end)) == (
        world.neighbour, "tenant", "2025-03-01", "2026-02-28")


def test_an_occupancy_cannot_end_before_it_starts(world, client_for):
    occupancy = world.resident.occupancies.get()
    response = patch(client_for("street_admin"), f"/api/v1/occupancies/{occupancy.pk}/",
                     {"start": "2025-01-01", "end": "2024-01-01"})
    assert response.status_code == 400
    occupancy.refresh_from_db()
    assert (occupancy.start, occupancy.end) == (None, None)


def test_an_open_occupancy_is_not_recorded_twice(world, client_for):
    response = post(client_for("street_admin"), "/api/v1/occupancies/", {
        "person": world.resident.pk, "home": world.home_a1.pk, "relation": "owner"})
    assert response.status_code == 400
    assert error_messages(response) == {"relation": ["此人与该房屋已有同一关系的有效记录"]}
    assert world.resident.occupancies.count() == 1


def test_an_occupancy_never_changes_person_or_home(world, client_for):
    occupancy = world.resident.occupancies.get()
    response = patch(client_for("street_admin"), f"/api/v1/occupancies/{occupancy.pk}/", {"home": world.home_a2.pk})
    assert response.status_code == 400
    occupancy.refresh_from_db()
    assert occupancy.home == world.home_a1


@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_a_read_only_role_cannot_change_occupancies(world, client_for, role):
    client = client_for(role)
    occupancy = world.resident.occupancies.get()
    response = post(client, "/api/v1/occupancies/", {
        "person": world.resident.pk, "home": world.home_a1.pk, "relation": "family"})
    assert response.status_code == 403
    assert patch(client, f"/api/v1/occupancies/{occupancy.pk}/", {"end": "2026-01-01"}).status_code == 403
    occupancy.refresh_from_db()
    assert (Occupancy.objects.count(), occupancy.end) == (2, None)
