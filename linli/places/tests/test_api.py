"""The registry API (/api/v1/): who reads what, who writes where, and that history is never lost."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linli.core.testing import error_messages, names, patch, post, results
from linli.people.models import Membership, Role
from linli.places.models import Building, Cluster, Division, Estate, Home, Stewardship

READ_ONLY_ROLES = ["auditor", "department_handler", "manager_a", "staff_a", "grid_worker", "resident_a"]

LIST_URLS = [
    "/api/v1/divisions/",
    "/api/v1/clusters/",
    "/api/v1/estates/",
    "/api/v1/buildings/",
    "/api/v1/homes/",
    "/api/v1/stewardships/",
    "/api/v1/coverage/?division=500104001",
]

DETAIL_URLS = {
    "division": lambda w: f"/api/v1/divisions/{w.c1.pk}/",
    "cluster": lambda w: f"/api/v1/clusters/{w.cluster.pk}/",
    "estate": lambda w: f"/api/v1/estates/{w.estate_a.pk}/",
    "building": lambda w: f"/api/v1/buildings/{w.building_a.pk}/",
    "home": lambda w: f"/api/v1/homes/{w.home_a1.pk}/",
    "stewardship": lambda w: f"/api/v1/stewardships/{w.estate_a.current_stewardship().pk}/",
}


# -- strangers and anonymous callers ------------------------------------------------------------


@pytest.mark.parametrize("url", LIST_URLS)
def test_a_stranger_gets_404_on_every_list(client_for, url):
    client = client_for("stranger")
    assert client.get(url).status_code == 404
    assert post(client, url, {"name": "x"}).status_code == 404
    assert (Estate.objects.count(), Stewardship.objects.count()) == (3, 3)


@pytest.mark.parametrize("kind", DETAIL_URLS)
def test_a_stranger_gets_404_on_every_record(world, client_for, kind):
    url = DETAIL_URLS[kind](world)
    client = client_for("stranger")
    assert client.get(url).status_code == 404
    assert patch(client, url, {"name": "x"}).status_code == 404


@pytest.mark.parametrize("url", LIST_URLS)
def test_an_anonymous_caller_is_asked_to_authenticate_on_every_list(world, url):
    response = Client().get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert post(Client(), url, {"name": "x"}).status_code == 401
    assert (Estate.objects.count(), Stewardship.objects.count()) == (3, 3)


@pytest.mark.parametrize("kind", DETAIL_URLS)
def test_an_anonymous_caller_is_asked_to_authenticate_on_every_record(world, kind):
    assert Client().get(DETAIL_URLS[kind](world)).status_code == 401


@pytest.mark.parametrize("kind", DETAIL_URLS)
def test_a_member_of_another_street_gets_404_on_records_outside_it(world, client_for, kind):
    assert client_for("other_street_admin").get(DETAIL_URLS[kind](world)).status_code == 404


@pytest.mark.parametrize("kind", DETAIL_URLS)
def test_nothing_can_be_deleted_not_even_by_the_district_admin(world, client_for, kind):
    url = DETAIL_URLS[kind](world)
    response = client_for("district_admin").delete(url)
    assert response.status_code == 405
    assert client_for("district_admin").get(url).status_code == 200


@pytest.mark.parametrize("kind", DETAIL_URLS)
def test_put_is_not_offered(world, client_for, kind):
    response = client_for("district_admin").put(DETAIL_URLS[kind](world), "{}", content_type="application/json")
    assert response.status_code == 405


def test_a_read_only_role_asking_to_delete_also_gets_405(world, client_for):
    assert client_for("auditor").delete(f"/api/v1/estates/{world.estate_a.pk}/").status_code == 405
    assert Estate.objects.filter(pk=world.estate_a.pk).exists()


# -- divisions ----------------------------------------------------------------------------------


def test_a_street_admin_lists_the_street_and_its_communities(client_for):
    response = client_for("street_admin").get("/api/v1/divisions/")
    assert [(d["code"], d["name"], d["level"]) for d in results(response)] == [
        ("500104001", "九宫庙街道", "street"),
        ("500104001001", "锦霞社区", "community"),
        ("500104001002", "新工社区", "community"),
    ]


def test_divisions_filter_by_pinyin_initials_and_level(client_for):
    client = client_for("district_admin")
    assert names(client.get("/api/v1/divisions/?q=jxsq")) == ["锦霞社区"]
    assert names(client.get("/api/v1/divisions/?level=street")) == ["九宫庙街道", "新山村街道"]
    assert names(client.get("/api/v1/divisions/?within=500104002")) == ["新山村街道", "百花社区"]


def test_a_street_admin_adds_a_community_to_its_street(world, client_for):
    response = post(client_for("street_admin"), "/api/v1/divisions/",
                    {"name": "钢花社区", "code": "500104001003", "level": "community", "parent": world.street.pk})
    assert response.status_code == 201, response.content
    created = Division.objects.get(code="500104001003")
    assert created.path == "500104/500104001/500104001003/"
    assert response.json()["path"] == created.path
    assert response.json()["initials"] == "ghsq"


def test_a_division_level_must_follow_its_parent(world, client_for):
    response = post(client_for("district_admin"), "/api/v1/divisions/",
                    {"name": "错层", "code": "500104009", "level": "community", "parent": world.district.pk})
    assert response.status_code == 400
    assert "level" in error_messages(response)
    assert not Division.objects.filter(code="500104009").exists()


def test_a_street_admin_cannot_add_a_street_under_the_district_it_cannot_see(world, client_for):
    response = post(client_for("street_admin"), "/api/v1/divisions/",
                    {"name": "新街道", "code": "500104009", "level": "street", "parent": world.district.pk})
    assert response.status_code == 400
    assert "parent" in error_messages(response)
    assert not Division.objects.filter(code="500104009").exists()


def test_a_division_can_be_renamed_but_keeps_its_code(world, client_for):
    client = client_for("community_admin")
    url = f"/api/v1/divisions/{world.c1.pk}/"
    assert patch(client, url, {"code": "999"}).status_code == 400
    response = patch(client, url, {"name": "锦霞新村社区"})
    assert response.status_code == 200
    world.c1.refresh_from_db()
    assert (world.c1.name, world.c1.code) == ("锦霞新村社区", "500104001001")


@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_a_read_only_role_cannot_change_divisions(world, client_for, role):
    client = client_for(role)
    assert patch(client, f"/api/v1/divisions/{world.c1.pk}/", {"name": "改名"}).status_code == 403
    response = post(client, "/api/v1/divisions/",
                    {"name": "新社区", "code": "500104001009", "level": "community", "parent": world.street.pk})
    assert response.status_code == 403
    world.c1.refresh_from_db()
    assert world.c1.name == "锦霞社区"
    assert not Division.objects.filter(code="500104001009").exists()


# -- clusters -----------------------------------------------------------------------------------


def test_a_street_admin_lists_the_clusters_of_its_street(world, client_for):
    response = client_for("street_admin").get("/api/v1/clusters/")
    assert results(response) == [
        {"id": world.cluster.pk, "name": "锦霞片区", "initials": "jxpq", "street": world.street.pk,
         "street_name": "九宫庙街道"},
    ]


def test_an_admin_of_another_street_lists_no_cluster(client_for):
    assert results(client_for("other_street_admin").get("/api/v1/clusters/")) == []


def test_a_street_admin_creates_a_cluster(world, client_for):
    response = post(client_for("street_admin"), "/api/v1/clusters/", {"name": "新工片区", "street": world.street.pk})
    assert response.status_code == 201, response.content
    assert list(Cluster.objects.filter(street=world.street).values_list("name", flat=True).order_by("name")) == [
        "新工片区", "锦霞片区"]


def test_a_cluster_belongs_to_a_street(world, client_for):
    response = post(client_for("street_admin"), "/api/v1/clusters/", {"name": "错片区", "street": world.c1.pk})
    assert response.status_code == 400
    assert error_messages(response) == {"street": ["片区必须属于一个街道"]}


@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_a_read_only_role_cannot_change_clusters(world, client_for, role):
    client = client_for(role)
    assert post(client, "/api/v1/clusters/", {"name": "新片区", "street": world.street.pk}).status_code == 403
    assert patch(client, f"/api/v1/clusters/{world.cluster.pk}/", {"name": "改名"}).status_code == 403
    assert list(Cluster.objects.values_list("name", flat=True)) == ["锦霞片区"]


# -- estates ------------------------------------------------------------------------------------


def test_a_street_admin_lists_exactly_the_two_estates_of_its_street_with_their_stewardship(world, client_for):
    response = client_for("street_admin").get("/api/v1/estates/")
    rows = results(response)
    assert [(r["name"], r["community_name"], r["mode"], r["provider"], r["provider_name"]) for r in rows] == [
        ("锦霞小区", "锦霞社区", "market", world.company.pk, "重庆锦绣物业服务有限公司"),
        ("新工宿舍", "新工社区", "none", None, None),
    ]
    assert response.json()["count"] == 2


def test_an_estate_record_reads_in_full(world, client_for):
    response = client_for("community_admin").get(f"/api/v1/estates/{world.estate_a.pk}/")
    assert response.json() == {
        "id": world.estate_a.pk, "name": "锦霞小区", "initials": "jxxq", "community": world.c1.pk,
        "community_name": "锦霞社区", "cluster": world.cluster.pk, "kind": "old", "governance": "contract",
        "built_year": 1985, "address": "锦霞街1号", "latitude": None, "longitude": None, "mode": "market",
        "provider": world.company.pk, "provider_name": "重庆锦绣物业服务有限公司",
    }


def test_a_property_manager_lists_only_the_estate_its_company_manages(client_for):
    assert names(client_for("manager_a").get("/api/v1/estates/")) == ["锦霞小区"]


def test_estates_are_found_by_pinyin_initials(client_for):
    assert names(client_for("district_admin").get("/api/v1/estates/?q=jxxq")) == ["锦霞小区"]


def test_estates_filter_by_mode_division_and_kind(client_for):
    client = client_for("district_admin")
    assert names(client.get("/api/v1/estates/?mode=none")) == ["新工宿舍"]
    assert names(client.get("/api/v1/estates/?mode=custodian")) == ["百花园"]
    assert names(client.get("/api/v1/estates/?division=500104001002")) == ["新工宿舍"]
    assert names(client.get("/api/v1/estates/?kind=commodity")) == ["百花园"]


def test_the_estate_list_does_not_grow_queries_with_estates(world, client_for):
    client = client_for("district_admin")
    with CaptureQueriesContext(connection) as before:
        client.get("/api/v1/estates/")
    for n in range(5):
        Estate.objects.create(name=f"新小区{n}", community=world.c2, cluster=world.cluster)
    with CaptureQueriesContext(connection) as after:
        assert len(results(client.get("/api/v1/estates/"))) == 8
    assert len(after) == len(before)


def test_a_community_admin_registers_an_estate_in_its_community(world, client_for):
    response = post(client_for("community_admin"), "/api/v1/estates/",
                    {"name": "锦霞新苑", "community": world.c1.pk, "kind": "commodity", "built_year": 2010})
    assert response.status_code == 201, response.content
    estate = Estate.objects.get(name="锦霞新苑")
    assert (estate.community, estate.kind, estate.initials) == (world.c1, "commodity", "jxxy")
    assert response.json()["mode"] is None


def test_an_admin_cannot_register_an_estate_in_a_community_it_cannot_see(world, client_for):
    response = post(client_for("community_admin"), "/api/v1/estates/", {"name": "越界小区", "community": world.c2.pk})
    assert response.status_code == 400
    assert "community" in error_messages(response)
    assert not Estate.objects.filter(name="越界小区").exists()


def test_an_admin_cannot_change_an_estate_it_can_see_but_does_not_administer(world, client_for):
    # The admin of the other street is also the grid worker of C1: it reads estate A but may not change it.
    Membership.objects.create(user=world.other_street_admin, role=Role.GRID_WORKER, division=world.c1)
    client = client_for("other_street_admin")
    assert client.get(f"/api/v1/estates/{world.estate_a.pk}/").status_code == 200
    response = patch(client, f"/api/v1/estates/{world.estate_a.pk}/", {"address": "改"})
    assert response.status_code == 403
    response = post(client, "/api/v1/estates/", {"name": "越界小区", "community": world.c1.pk})
    assert response.status_code == 403
    world.estate_a.refresh_from_db()
    assert world.estate_a.address == "锦霞街1号"
    assert not Estate.objects.filter(name="越界小区").exists()


def test_an_admin_cannot_move_an_estate_out_of_its_scope(world, client_for):
    response = patch(client_for("street_admin"), f"/api/v1/estates/{world.estate_a.pk}/", {"community": world.c3.pk})
    assert response.status_code == 400
    world.estate_a.refresh_from_db()
    assert world.estate_a.community == world.c1


def test_an_estate_outside_the_street_is_404_even_to_change(world, client_for):
    response = patch(client_for("street_admin"), f"/api/v1/estates/{world.estate_far.pk}/", {"address": "改"})
    assert response.status_code == 404
    world.estate_far.refresh_from_db()
    assert world.estate_far.address == ""


def test_a_street_admin_corrects_an_estate(world, client_for):
    response = patch(client_for("street_admin"), f"/api/v1/estates/{world.estate_b.pk}/", {"built_year": 1979})
    assert response.status_code == 200
    assert (response.json()["built_year"], response.json()["mode"]) == (1979, "none")
    world.estate_b.refresh_from_db()
    assert world.estate_b.built_year == 1979


def test_an_estate_cluster_must_be_of_the_same_street(world, client_for):
    other = Cluster.objects.create(name="百花片区", street=world.street2)
    response = patch(client_for("district_admin"), f"/api/v1/estates/{world.estate_a.pk}/", {"cluster": other.pk})
    assert response.status_code == 400
    assert error_messages(response) == {"cluster": ["片区必须属于小区所在的街道"]}


@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_a_read_only_role_cannot_change_estates(world, client_for, role):
    client = client_for(role)
    assert post(client, "/api/v1/estates/", {"name": "新小区", "community": world.c1.pk}).status_code == 403
    assert patch(client, f"/api/v1/estates/{world.estate_a.pk}/", {"address": "改"}).status_code == 403
    world.estate_a.refresh_from_db()
    assert world.estate_a.address == "锦霞街1号"
    assert Estate.objects.count() == 3


# -- buildings and homes ------------------------------------------------------------------------


def test_a_street_admin_lists_the_buildings_of_its_estates(world, client_for):
    rows = results(client_for("street_admin").get("/api/v1/buildings/"))
    assert [(r["estate_name"], r["number"], r["floors"]) for r in rows] == [("锦霞小区", "1栋", 6), ("新工宿舍", "1栋", 5)]


def test_buildings_filter_by_estate_and_division(world, client_for):
    client = client_for("district_admin")
    assert [r["estate"] for r in results(client.get(f"/api/v1/buildings/?estate={world.estate_b.pk}"))] == [
        world.estate_b.pk]
    assert [r["estate_name"] for r in results(client.get("/api/v1/buildings/?division=500104002"))] == ["百花园"]


def test_a_community_admin_adds_a_building(world, client_for):
    response = post(client_for("community_admin"), "/api/v1/buildings/",
                    {"estate": world.estate_a.pk, "number": "2栋", "floors": 7})
    assert response.status_code == 201, response.content
    assert list(world.estate_a.buildings.values_list("number", "floors")) == [("1栋", 6), ("2栋", 7)]


def test_a_building_number_is_unique_in_its_estate(world, client_for):
    response = post(client_for("community_admin"), "/api/v1/buildings/", {"estate": world.estate_a.pk, "number": "1栋"})
    assert response.status_code == 400
    assert world.estate_a.buildings.count() == 1


@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_a_read_only_role_cannot_change_buildings(world, client_for, role):
    client = client_for(role)
    assert post(client, "/api/v1/buildings/", {"estate": world.estate_a.pk, "number": "9栋"}).status_code == 403
    assert patch(client, f"/api/v1/buildings/{world.building_a.pk}/", {"floors": 9}).status_code == 403
    world.building_a.refresh_from_db()
    assert world.building_a.floors == 6
    assert Building.objects.count() == 3


def test_a_resident_sees_exactly_its_own_home(world, client_for):
    rows = results(client_for("resident_a").get("/api/v1/homes/"))
    assert rows == [{
        "id": world.home_a1.pk, "estate": world.estate_a.pk, "estate_name": "锦霞小区", "building": world.building_a.pk,
        "building_number": "1栋", "entrance": "1", "floor": 1, "number": "101", "area": "62.50",
    }]
    assert client_for("resident_a").get(f"/api/v1/homes/{world.home_a2.pk}/").status_code == 404


def test_a_property_manager_lists_the_homes_of_its_estate(world, client_for):
    rows = results(client_for("manager_a").get("/api/v1/homes/"))
    assert [r["id"] for r in rows] == [world.home_a1.pk, world.home_a2.pk]


def test_a_community_admin_adds_a_home_and_its_estate_comes_from_the_building(world, client_for):
    response = post(client_for("community_admin"), "/api/v1/homes/",
                    {"building": world.building_a.pk, "entrance": "2", "floor": 3, "number": "301", "area": "75.10"})
    assert response.status_code == 201, response.content
    home = Home.objects.get(building=world.building_a, entrance="2", number="301")
    assert home.estate == world.estate_a
    assert response.json()["estate"] == world.estate_a.pk


def test_a_home_never_changes_building(world, client_for):
    other = Building.objects.create(estate=world.estate_a, number="2栋")
    response = patch(client_for("community_admin"), f"/api/v1/homes/{world.home_a1.pk}/", {"building": other.pk})
    assert response.status_code == 400
    assert error_messages(response) == {"building": ["创建后不能修改"]}
    world.home_a1.refresh_from_db()
    assert world.home_a1.building == world.building_a


def test_a_home_area_is_positive(world, client_for):
    response = post(client_for("community_admin"), "/api/v1/homes/",
                    {"building": world.building_a.pk, "number": "999", "area": "0"})
    assert response.status_code == 400
    assert "area" in error_messages(response)


@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_a_read_only_role_cannot_change_homes(world, client_for, role):
    client = client_for(role)
    response = post(client, "/api/v1/homes/", {"building": world.building_a.pk, "number": "999", "area": "50"})
    assert response.status_code == 403
    assert patch(client, f"/api/v1/homes/{world.home_a1.pk}/", {"area": "1.00"}).status_code == 403
    world.home_a1.refresh_from_db()
    assert str(world.home_a1.area) == "62.50"
    assert Home.objects.count() == 4


# -- stewardships -------------------------------------------------------------------------------


def test_a_street_admin_lists_the_stewardships_of_its_estates(world, client_for):
    rows = results(client_for("street_admin").get("/api/v1/stewardships/"))
    assert [(r["estate_name"], r["mode"], r["provider_name"], r["end"]) for r in rows] == [
        ("锦霞小区", "market", "重庆锦绣物业服务有限公司", None),
        ("新工宿舍", "none", None, None),
    ]


def test_a_stewardship_change_ends_the_old_row_and_adds_a_new_one(world, client_for):
    today = timezone.localdate()
    old = world.estate_b.current_stewardship()
    response = post(client_for("street_admin"), "/api/v1/stewardships/", {
        "estate": world.estate_b.pk, "mode": "market", "provider": world.company.pk, "start": today.isoformat(),
        "contract_no": "JGM-2026-01", "basis": "街道应急物业服务指定 2026-2号", "basis_kind": "emergency",
        "end": (today + datetime.timedelta(days=180)).isoformat(),
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["mode"], body["provider"], body["end"], body["basis_kind"], body["basis_ref"]) == (
        "market", world.company.pk, (today + datetime.timedelta(days=180)).isoformat(), "emergency", "")
    old.refresh_from_db()
    assert old.end == today - datetime.timedelta(days=1)
    new = world.estate_b.current_stewardship()
    assert (new.pk, new.mode, new.provider, new.created_by) == (
        response.json()["id"], "market", world.company, world.street_admin)
    assert world.estate_b.stewardships.count() == 2


def test_an_illegal_stewardship_is_a_400_with_the_reason(world, client_for):
    response = post(client_for("street_admin"), "/api/v1/stewardships/", {
        "estate": world.estate_b.pk, "mode": "market", "start": timezone.localdate().isoformat(),
        "basis_kind": "emergency",
    })
    assert response.status_code == 400
    assert error_messages(response) == {"provider": ["市场化物业和国有托管必须填写服务单位"]}
    assert world.estate_b.stewardships.count() == 1
    assert world.estate_b.current_stewardship().end is None


def test_a_stewardship_cannot_start_before_the_last_one(world, client_for):
    response = post(client_for("street_admin"), "/api/v1/stewardships/", {
        "estate": world.estate_b.pk, "mode": "none", "start": "2000-01-01", "basis_kind": "street",
    })
    assert response.status_code == 400
    assert list(error_messages(response)) == ["start"]


def test_stewardships_are_never_edited(world, client_for):
    row = world.estate_a.current_stewardship()
    response = patch(client_for("district_admin"), f"/api/v1/stewardships/{row.pk}/", {"mode": "self"})
    assert response.status_code == 405
    row.refresh_from_db()
    assert row.mode == "market"


def test_an_admin_cannot_record_a_stewardship_outside_its_street(world, client_for):
    response = post(client_for("street_admin"), "/api/v1/stewardships/", {
        "estate": world.estate_far.pk, "mode": "self", "start": timezone.localdate().isoformat(),
    })
    assert response.status_code == 400
    assert world.estate_far.stewardships.count() == 1


@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_a_read_only_role_cannot_record_a_stewardship(world, client_for, role):
    response = post(client_for(role), "/api/v1/stewardships/", {
        "estate": world.estate_a.pk, "mode": "self", "start": timezone.localdate().isoformat(),
    })
    assert response.status_code == 403
    assert Stewardship.objects.count() == 3
    assert world.estate_a.current_stewardship().mode == "market"


def test_stewardships_filter_by_current_and_mode(world, client_for):
    stewardship_rows = Stewardship.objects.count()
    post(client_for("street_admin"), "/api/v1/stewardships/", {
        "estate": world.estate_b.pk, "mode": "bundled", "lead_estate": world.estate_a.pk,
        "start": timezone.localdate().isoformat(), "basis_kind": "street"})
    assert Stewardship.objects.count() == stewardship_rows + 1
    client = client_for("street_admin")
    assert [r["mode"] for r in results(client.get(f"/api/v1/stewardships/?estate={world.estate_b.pk}"))] == [
        "bundled", "none"]
    assert [r["mode"] for r in results(client.get(f"/api/v1/stewardships/?estate={world.estate_b.pk}&current=true"))] == [
        "bundled"]
    assert [r["estate_name"] for r in results(client.get("/api/v1/stewardships/?mode=market"))] == ["锦霞小区"]


# -- coverage -----------------------------------------------------------------------------------


def test_the_coverage_of_a_street(world, client_for):
    response = client_for("street_admin").get("/api/v1/coverage/?division=500104001")
    assert response.status_code == 200
    data = response.json()
    contract = world.estate_a.current_stewardship()
    assert data == {
        "division": {"id": world.street.pk, "code": "500104001", "name": "九宫庙街道", "level": "street"},
        "estates_total": 2,
        "homes_total": 3,
        "estates_by_mode": {"market": 1, "custodian": 0, "bundled": 0, "self": 0, "none": 1, "unknown": 0},
        "homes_by_mode": {"market": 2, "custodian": 0, "bundled": 0, "self": 0, "none": 1, "unknown": 0},
        "professional_estates": 1,
        "professional_homes": 2,
        "professional_share": "0.6667",
        "professional_estate_share": "0.5000",
        "unmanaged": [{"id": world.estate_b.pk, "name": "新工宿舍", "community": world.c2.pk,
                       "community_name": "新工社区", "mode": "none", "homes": 1}],
        "expiring": [{"id": contract.pk, "estate": world.estate_a.pk, "estate_name": "锦霞小区", "mode": "market",
                      "provider": world.company.pk, "provider_name": "重庆锦绣物业服务有限公司", "contract_no": "",
                      "contract_end": contract.contract_end.isoformat(), "days_left": 30}],
    }


def test_the_coverage_counts_only_the_estates_the_caller_sees(world, client_for):
    data = client_for("manager_a").get("/api/v1/coverage/?division=500104001001").json()
    assert (data["estates_total"], data["homes_total"], data["professional_share"]) == (1, 2, "1.0000")


def test_the_coverage_of_a_division_the_caller_cannot_see_is_404(client_for):
    assert client_for("community_admin").get("/api/v1/coverage/?division=500104001").status_code == 404
    assert client_for("street_admin").get("/api/v1/coverage/?division=500104002").status_code == 404
    assert client_for("street_admin").get("/api/v1/coverage/?division=nope").status_code == 404


def test_the_coverage_needs_a_division(client_for):
    response = client_for("street_admin").get("/api/v1/coverage/")
    assert response.status_code == 400
    assert list(error_messages(response)) == ["division"]


@pytest.mark.parametrize("role", READ_ONLY_ROLES + ["street_admin"])
def test_the_coverage_is_read_only(client_for, role):
    assert client_for(role).post("/api/v1/coverage/?division=500104001").status_code == 405
