"""The ledger's pages: readers see them, strangers, residents and other areas get 404, read-only roles 403 on the
forms (and nothing changes), the managers succeed with exact content."""

import datetime

import pytest
from django.test import Client

from linli.core.testing import report_order
from linli.facilities import services
from linli.facilities.models import Facility, FacilityFault, FacilityRecord

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def pages(world, lift):
    record = services.record_add(actor=world.staff_a, facility=lift, kind="maintenance", done_on=lift.created_at.date())
    e = world.estate_a.pk
    return ["/facilities/", "/facilities/due/", f"/facilities/estates/{e}/", f"/facilities/{lift.pk}/",
            "/facilities/template.xlsx"], [
        f"/facilities/estates/{e}/new/", f"/facilities/estates/{e}/import/", f"/facilities/{lift.pk}/record/",
        f"/facilities/{lift.pk}/fault/", f"/facilities/{lift.pk}/retire/", f"/facilities/records/{record.pk}/correct/",
        f"/facilities/{lift.pk}/change/"]


def test_anonymous_visitors_are_sent_to_sign_in(world, lift):
    reads, writes = pages(world, lift)
    for url in reads + writes:
        response = Client().get(url)
        assert response.status_code == 302 and "login" in response["Location"], url


def test_strangers_and_residents_get_404_everywhere(world, lift, client_for):
    reads, writes = pages(world, lift)
    for name in ("stranger", "resident_a"):
        client = client_for(name)
        for url in reads + writes:
            assert client.get(url).status_code == 404, (name, url)


def test_another_area_s_admin_gets_404_on_this_estate_and_its_lists_leave_it_out(world, lift, client_for):
    reads, writes = pages(world, lift)
    client = client_for("other_street_admin")
    for url in reads[2:4] + writes:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"reason": "x"}).status_code == 404, url
    for url in ("/facilities/", "/facilities/due/"):
        page = client.get(url).content.decode()
        assert "锦霞小区" not in page and "1栋1单元电梯" not in page, url
    lift.refresh_from_db()
    assert lift.status == "in_service"


def test_readers_open_the_ledger_and_get_403_on_every_form(cworld, lift, client_for):
    reads, writes = pages(cworld, lift)
    for name in ("auditor", "district_admin", "committee_chair"):
        client = client_for(name)
        for url in reads:
            assert client.get(url).status_code == 200, (name, url)
        for url in writes:
            assert client.get(url).status_code == 403, (name, url)
            assert client.post(url, {"reason": "x", "kind": "pump", "name": "x"}).status_code == 403, (name, url)
    assert Facility.objects.count() == 1 and FacilityRecord.objects.count() == 1


def test_the_ledger_lists_the_estate_s_facilities_filters_them_and_flags_the_due_ones(world, lift, client_for, today):
    services.facility_register(actor=world.street_admin, estate=world.estate_a, kind="fire", name="灭火器",
                               inspection_due=today + 10 * DAY)
    client = client_for("manager_a")
    page = client.get(f"/facilities/estates/{world.estate_a.pk}/").content.decode()
    assert "1栋1单元电梯" in page and "灭火器" in page and "还有10天" in page
    page = client.get(f"/facilities/estates/{world.estate_a.pk}/?kind=fire").content.decode()
    assert "灭火器" in page and "1栋1单元电梯" not in page
    page = client.get(f"/facilities/estates/{world.estate_a.pk}/?building={world.building_a.pk}").content.decode()
    assert "1栋1单元电梯" in page and "灭火器" not in page
    due = client.get("/facilities/due/").content.decode()
    assert "灭火器" in due and "1栋1单元电梯" not in due


def test_a_manager_registers_a_facility_through_the_form(world, client_for):
    client = client_for("manager_a")
    response = client.post(f"/facilities/estates/{world.estate_a.pk}/new/", {
        "kind": "pump", "name": "二次供水水泵", "building": "", "location": "泵房", "is_public": "on"})
    facility = Facility.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/facilities/{facility.pk}/"
    assert (facility.name, facility.kind, facility.location, facility.created_by) == (
        "二次供水水泵", "pump", "泵房", world.manager_a)


def test_the_form_shows_the_service_s_refusal_on_its_field(world, lift, client_for):
    response = client_for("manager_a").post(f"/facilities/estates/{world.estate_a.pk}/new/", {
        "kind": "lift", "name": "其他电梯", "code": "T-0001"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == ["该小区已有编号为 T-0001 的设施"]
    assert Facility.objects.count() == 1


def test_a_statutory_inspection_recorded_on_the_page_updates_the_due_date(world, lift, client_for, today):
    response = client_for("staff_a").post(f"/facilities/{lift.pk}/record/", {
        "kind": "statutory", "done_on": (today - DAY).isoformat(), "result": "ok",
        "next_due": (today + 364 * DAY).isoformat(), "certificate_no": "DT-9"})
    assert response.status_code == 302
    lift.refresh_from_db()
    assert lift.inspection_due == today + 364 * DAY
    page = client_for("auditor").get(f"/facilities/{lift.pk}/").content.decode()
    assert "DT-9" in page and "法定检验" in page


def test_a_correction_on_the_page_keeps_the_original(world, lift, client_for, today):
    record = services.record_add(actor=world.staff_a, facility=lift, kind="maintenance", done_on=today)
    response = client_for("community_admin").post(f"/facilities/records/{record.pk}/correct/", {
        "reason": "日期写错", "done_on": (today - DAY).isoformat(), "result": "ok"})
    assert response.status_code == 302
    assert FacilityRecord.objects.count() == 2
    page = client_for("manager_a").get(f"/facilities/{lift.pk}/").content.decode()
    assert "已更正" in page and "更正原因：日期写错" in page


def test_a_work_order_is_linked_by_its_code_and_shown_with_a_link(world, lift, client_for):
    order = report_order(world, text="1栋电梯困人")
    response = client_for("manager_a").post(f"/facilities/{lift.pk}/fault/", {"code": order.code, "source": "report"})
    assert response.status_code == 302
    assert FacilityFault.objects.get().order == order
    page = client_for("street_admin").get(f"/facilities/{lift.pk}/").content.decode()
    assert f'href="/workorders/{order.code}/"' in page


def test_an_unknown_order_code_is_refused_on_the_field(world, lift, client_for):
    response = client_for("manager_a").post(f"/facilities/{lift.pk}/fault/", {"code": "20990101-0001",
                                                                             "source": "report"})
    assert response.context["form"].errors["code"] == ["找不到该工单"]
    assert not FacilityFault.objects.exists()


def test_a_facility_is_retired_from_its_page_and_stays_listed(world, lift, client_for):
    client = client_for("street_admin")
    assert client.post(f"/facilities/{lift.pk}/retire/", {"reason": "整体更换"}).status_code == 302
    lift.refresh_from_db()
    assert lift.status == "retired"
    page = client.get(f"/facilities/estates/{world.estate_a.pk}/").content.decode()
    assert "1栋1单元电梯" in page and "已报废" in page


def test_the_estate_page_links_the_ledger_for_staff_and_the_committee_not_residents(cworld, client_for):
    url = f"/places/estates/{cworld.estate_a.pk}/"
    link = f'href="/facilities/estates/{cworld.estate_a.pk}/"'
    for name in ("manager_a", "street_admin", "committee_chair"):
        assert link in client_for(name).get(url).content.decode(), name
    assert link not in client_for("resident_a").get(url).content.decode()


def test_the_template_is_an_xlsx_download(world, client_for):
    response = client_for("manager_a").get("/facilities/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.content[:2] == b"PK"


def test_the_work_order_s_page_links_back_to_the_facility_for_the_ledger_s_readers(world, lift, client_for):
    order = report_order(world, text="1栋电梯困人")
    services.fault_link(actor=world.manager_a, facility=lift, order=order)
    link = f'href="/facilities/{lift.pk}/"'
    assert link in client_for("street_admin").get(f"/workorders/{order.code}/").content.decode()
    assert link not in client_for("resident_a").get(f"/workorders/{order.code}/").content.decode()


def test_the_manager_changes_the_maintenance_contractor_and_the_page_shows_before_and_after(world, lift, client_for):
    client = client_for("manager_a")
    form = client.get(f"/facilities/{lift.pk}/change/").content.decode()
    assert 'name="contractor"' in form and 'name="reason"' in form and 'name="name"' not in form
    response = client.post(f"/facilities/{lift.pk}/change/", {
        "contractor": "重庆新维保电梯有限公司", "contract_no": "WB-2027-009", "contract_end": "2027-12-31",
        "location": lift.location, "is_public": "on", "note": lift.note, "reason": "原维保合同到期，更换维保单位"})
    assert response.status_code == 302 and response["Location"] == f"/facilities/{lift.pk}/"
    lift.refresh_from_db()
    assert (lift.contractor, lift.contract_no, lift.contract_end) == (
        "重庆新维保电梯有限公司", "WB-2027-009", datetime.date(2027, 12, 31))
    page = client.get(f"/facilities/{lift.pk}/").content.decode()
    assert "原维保合同到期，更换维保单位" in page and "→ 重庆新维保电梯有限公司" in page
    refused = client.post(f"/facilities/{lift.pk}/change/", {"contractor": lift.contractor, "reason": "x",
                                                            "contract_no": lift.contract_no,
                                                            "contract_end": "2027-12-31", "is_public": "on",
                                                            "location": lift.location, "note": lift.note})
    assert refused.status_code == 200 and "没有要修改的内容" in refused.content.decode()
