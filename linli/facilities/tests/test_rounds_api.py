"""The inspection-rounds API (/api/v1/inspection-routes/, -checkpoints/, -rounds/): scoped reads, and start, visit and
finish through the services."""

import pytest
from django.test import Client

from linli.core.testing import error_messages, post, results
from linli.facilities import rounds_services as s
from linli.facilities.models import Facility, FacilityFault, Round, Visit
from linli.workorders.models import WorkOrder


@pytest.fixture
def route(world):
    pump = Facility.objects.create(estate=world.estate_a, kind=Facility.Kind.PUMP, name="二次供水水泵")
    r = s.route_create(estate=world.estate_a, name="设备巡检", frequency="daily", actor=world.manager_a)
    s.checkpoint_add(route=r, name="水泵房", facility=pump, actor=world.manager_a, checklist=["无渗漏"])
    s.checkpoint_add(route=r, name="大门", actor=world.manager_a)
    return r


def test_the_routes_are_listed_with_their_checkpoints_to_those_who_serve_the_estate(route, client_for):
    for name in ("staff_a", "manager_a", "community_admin", "street_admin", "auditor"):
        rows = results(client_for(name).get("/api/v1/inspection-routes/"))
        assert [(r["name"], r["frequency"], [c["name"] for c in r["checkpoints"]]) for r in rows] == [
            ("设备巡检", "daily", ["水泵房", "大门"])], name


def test_residents_and_other_areas_see_no_route(route, client_for):
    for name in ("resident_a", "other_street_admin"):
        assert results(client_for(name).get("/api/v1/inspection-routes/")) == [], name
        assert client_for(name).get(f"/api/v1/inspection-routes/{route.pk}/").status_code == 404, name


def test_a_stranger_gets_404_and_an_anonymous_caller_401(route, client_for):
    assert client_for("stranger").get("/api/v1/inspection-routes/").status_code == 404
    assert Client().get("/api/v1/inspection-rounds/").status_code == 401


def test_checkpoints_are_listed_by_route(route, client_for):
    rows = results(client_for("staff_a").get(f"/api/v1/inspection-checkpoints/?route={route.pk}"))
    assert [(r["position"], r["name"]) for r in rows] == [(1, "水泵房"), (2, "大门")]


def test_staff_walk_a_round_through_the_api_and_a_problem_becomes_a_work_order(desk, route, client_for):
    client = client_for("staff_a")
    started = post(client, f"/api/v1/inspection-routes/{route.pk}/start/", {})
    assert started.status_code == 201
    round_id = started.json()["id"]
    pump_cp, gate_cp = route.checkpoints.all()
    body = {"checkpoint": pump_cp.pk, "key": "phone-1", "ok": False, "note": "水泵漏水", "ticked": []}
    first = post(client, f"/api/v1/inspection-rounds/{round_id}/visit/", body)
    again = post(client, f"/api/v1/inspection-rounds/{round_id}/visit/", body)  # a resend after a lost connection
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["id"] == again.json()["id"] and first.json()["order_code"]
    assert (Visit.objects.count(), WorkOrder.objects.count(), FacilityFault.objects.count()) == (1, 1, 1)
    refused = post(client, f"/api/v1/inspection-rounds/{round_id}/finish/", {})
    assert refused.status_code == 400 and "大门" in error_messages(refused)["round"][0]
    post(client, f"/api/v1/inspection-rounds/{round_id}/visit/", {"checkpoint": gate_cp.pk, "key": "phone-2"})
    done = post(client, f"/api/v1/inspection-rounds/{round_id}/finish/", {"note": "完成"})
    assert (done.status_code, done.json()["status"], len(done.json()["visits"])) == (200, "done", 2)


def test_read_only_and_resident_roles_cannot_start_a_round(route, client_for):
    assert post(client_for("auditor"), f"/api/v1/inspection-routes/{route.pk}/start/", {}).status_code == 403
    assert post(client_for("resident_a"), f"/api/v1/inspection-routes/{route.pk}/start/", {}).status_code == 404
    assert post(client_for("other_street_admin"),
                f"/api/v1/inspection-routes/{route.pk}/start/", {}).status_code == 404
    assert not Round.objects.exists()


def test_a_visit_naming_an_unknown_checkpoint_is_a_400(world, route, client_for):
    rnd = s.round_start(route=route, actor=world.staff_a)
    response = post(client_for("staff_a"), f"/api/v1/inspection-rounds/{rnd.pk}/visit/",
                    {"checkpoint": 999999, "key": "k"})
    assert response.status_code == 400 and "checkpoint" in error_messages(response)
    assert not Visit.objects.exists()


def test_the_auditor_cannot_record_a_visit(world, route, client_for):
    rnd = s.round_start(route=route, actor=world.staff_a)
    response = post(client_for("auditor"), f"/api/v1/inspection-rounds/{rnd.pk}/visit/",
                    {"checkpoint": route.checkpoints.first().pk, "key": "k"})
    assert response.status_code == 403
    assert not Visit.objects.exists()
