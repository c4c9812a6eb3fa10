"""/api/v1/facilities/ and /api/v1/facility-records/: scoped like the pages, writes through the same services."""

import datetime

import pytest
from django.test import Client

from linli.core.testing import error_messages, post, report_order, results
from linli.facilities import services
from linli.facilities.models import Facility, FacilityFault, FacilityRecord

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_anonymous_callers_get_401(world, lift):
    assert Client().get("/api/v1/facilities/").status_code == 401
    assert Client().get("/api/v1/facility-records/").status_code == 401


def test_strangers_residents_and_other_areas_see_nothing(world, lift, client_for):
    record = services.record_add(actor=world.staff_a, facility=lift, kind="maintenance", done_on=lift.installed_on)
    assert client_for("stranger").get("/api/v1/facilities/").status_code == 404
    for name in ("resident_a", "other_street_admin"):
        client = client_for(name)
        assert results(client.get("/api/v1/facilities/")) == [], name
        assert results(client.get("/api/v1/facility-records/")) == [], name
        assert client.get(f"/api/v1/facilities/{lift.pk}/").status_code == 404, name
        assert client.get(f"/api/v1/facility-records/{record.pk}/").status_code == 404, name
        assert post(client, f"/api/v1/facilities/{lift.pk}/retire/", {"reason": "x"}).status_code == 404, name
        assert post(client, f"/api/v1/facilities/{lift.pk}/change/", {"reason": "x", "contractor": "乙"}
                    ).status_code == 404, name


def test_readers_list_and_retrieve(cworld, lift, client_for):
    for name in ("auditor", "district_admin", "committee_chair", "manager_a"):
        client = client_for(name)
        rows = results(client.get("/api/v1/facilities/"))
        assert [(r["id"], r["name"], r["contract_no"]) for r in rows] == [(lift.pk, "1栋1单元电梯", "WB-2025-001")]
        assert client.get(f"/api/v1/facilities/{lift.pk}/").json()["kind_label"] == "电梯"


def test_the_list_filters_by_kind_and_status(world, lift, client_for):
    services.facility_register(actor=world.street_admin, estate=world.estate_a, kind="pump", name="水泵")
    client = client_for("street_admin")
    assert [r["name"] for r in results(client.get("/api/v1/facilities/?kind=pump"))] == ["水泵"]
    assert results(client.get("/api/v1/facilities/?status=retired")) == []


def test_a_manager_registers_through_the_api_and_a_reader_gets_403(world, client_for, today):
    body = {"estate": world.estate_a.pk, "kind": "fire", "name": "消火栓", "inspection_due": str(today + 60 * DAY)}
    response = post(client_for("auditor"), "/api/v1/facilities/", body)
    assert response.status_code == 403
    assert not Facility.objects.exists()
    response = post(client_for("manager_a"), "/api/v1/facilities/", body)
    assert response.status_code == 201, response.content
    facility = Facility.objects.get()
    assert response.json()["id"] == facility.pk and facility.created_by == world.manager_a


def test_a_duplicate_name_is_a_400_naming_the_field(world, lift, client_for):
    response = post(client_for("manager_a"), "/api/v1/facilities/",
                    {"estate": world.estate_a.pk, "kind": "lift", "name": "1栋1单元电梯"})
    assert response.status_code == 400
    assert error_messages(response) == {"name": ["该小区已有名为“1栋1单元电梯”的设施"]}


def test_records_are_added_and_corrected_through_the_api(world, lift, client_for, today):
    client = client_for("staff_a")
    response = post(client, "/api/v1/facility-records/", {
        "facility": lift.pk, "kind": "statutory", "done_on": str(today - DAY), "next_due": str(today + 20 * DAY)})
    assert response.status_code == 201, response.content
    record = FacilityRecord.objects.get()
    lift.refresh_from_db()
    assert lift.inspection_due == today + 20 * DAY
    response = post(client, f"/api/v1/facility-records/{record.pk}/correct/", {
        "reason": "日期错", "done_on": str(today - DAY), "result": "ok", "next_due": str(today + 364 * DAY)})
    assert response.status_code == 201, response.content
    assert response.json()["corrects"] == record.pk
    assert client.get(f"/api/v1/facility-records/{record.pk}/").json()["corrected_by"] == response.json()["id"]
    lift.refresh_from_db()
    assert lift.inspection_due == today + 364 * DAY


def test_a_reader_may_not_add_a_record_through_the_api(world, lift, client_for, today):
    response = post(client_for("auditor"), "/api/v1/facility-records/",
                    {"facility": lift.pk, "kind": "maintenance", "done_on": str(today)})
    assert response.status_code == 403
    assert not FacilityRecord.objects.exists()


def test_a_record_for_a_facility_out_of_reach_is_a_400(world, client_for, today):
    far = services.facility_register(actor=world.other_street_admin, estate=world.estate_far, kind="pump", name="泵")
    response = post(client_for("street_admin"), "/api/v1/facility-records/",
                    {"facility": far.pk, "kind": "maintenance", "done_on": str(today)})
    assert response.status_code == 400 and "facility" in error_messages(response)
    assert not FacilityRecord.objects.exists()


def test_a_fault_and_a_retirement_through_the_api(world, lift, client_for):
    order = report_order(world, text="电梯异响")
    client = client_for("manager_a")
    response = post(client, f"/api/v1/facilities/{lift.pk}/faults/", {"order_code": order.code})
    assert response.status_code == 201, response.content
    assert FacilityFault.objects.get().order == order
    response = post(client, f"/api/v1/facilities/{lift.pk}/retire/", {"reason": "更换"})
    assert response.status_code == 200 and response.json()["status"] == "retired"


def test_a_new_contractor_through_the_api_and_a_reader_refused(cworld, lift, client_for):
    refused = post(client_for("auditor"), f"/api/v1/facilities/{lift.pk}/change/", {"reason": "x", "contractor": "乙"})
    assert refused.status_code == 403
    response = post(client_for("manager_a"), f"/api/v1/facilities/{lift.pk}/change/",
                    {"reason": "更换维保单位", "contractor": "重庆新维保电梯有限公司", "contract_end": "2027-12-31"})
    assert response.status_code == 200, response.content
    assert (response.json()["contractor"], response.json()["contract_end"]) == ("重庆新维保电梯有限公司", "2027-12-31")
    bad = post(client_for("manager_a"), f"/api/v1/facilities/{lift.pk}/change/", {"contractor": "丙"})
    assert bad.status_code == 400 and "reason" in str(bad.json())
    lift.refresh_from_db()
    assert lift.contractor == "重庆新维保电梯有限公司"
