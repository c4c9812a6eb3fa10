"""The inspection-round pages: who sees them, who may write, and what they show."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from linli.facilities import rounds_services as s
from linli.facilities.models import Checkpoint, Facility, FacilityFault, Round, Route, Visit
from linli.workorders.models import WorkOrder


@pytest.fixture
def pump(world):
    return Facility.objects.create(estate=world.estate_a, building=world.building_a, kind=Facility.Kind.PUMP,
                                   name="二次供水水泵")


@pytest.fixture
def route(world, pump):
    r = s.route_create(estate=world.estate_a, name="设备巡检", frequency="daily", actor=world.manager_a,
                       starts_on=timezone.localdate() - datetime.timedelta(days=3))
    s.checkpoint_add(route=r, name="水泵房", facility=pump, actor=world.manager_a, checklist=["无异响", "无渗漏"])
    s.checkpoint_add(route=r, name="大门", actor=world.manager_a)
    return r


def pages(world, route):
    cp = route.checkpoints.first()
    rnd = s.round_start(route=route, actor=world.staff_a)
    return ["/facilities/rounds/", f"/facilities/rounds/estate/{world.estate_a.pk}/",
            f"/facilities/rounds/route/{route.pk}/", f"/facilities/rounds/round/{rnd.pk}/",
            f"/facilities/rounds/c/{cp.token}/"]


def test_anonymous_visitors_are_sent_to_sign_in(world, route):
    for url in pages(world, route):
        response = Client().get(url)
        assert response.status_code == 302 and "/login" in response["Location"], url


def test_strangers_residents_and_other_areas_get_404(world, route, client_for):
    urls = pages(world, route)[1:]
    for name in ("stranger", "resident_a", "other_street_admin"):
        client = client_for(name)
        for url in urls:
            assert client.get(url).status_code == 404, (name, url)


def test_the_staff_of_the_estate_see_every_page(world, route, client_for):
    for name in ("staff_a", "manager_a", "community_admin", "street_admin", "auditor"):
        client = client_for(name)
        for url in pages(world, route):
            assert client.get(url).status_code == 200, (name, url)


def test_the_index_lists_the_route_with_a_button_to_continue_the_round(world, route, client_for):
    s.round_start(route=route, actor=world.staff_a)
    html = client_for("staff_a").get("/facilities/rounds/").content.decode()
    assert "锦霞小区" in html and "设备巡检" in html and "继续巡检" in html


def test_the_estate_page_is_linked_from_the_estate_and_shows_missed_rounds(world, route, client_for):
    client = client_for("manager_a")
    assert f"/facilities/rounds/estate/{world.estate_a.pk}/" in client.get(
        f"/places/estates/{world.estate_a.pk}/").content.decode()
    html = client.get(f"/facilities/rounds/estate/{world.estate_a.pk}/").content.decode()
    assert html.count("round-missed") == 3  # the three days before today, not walked
    assert "新建巡检路线" in html


def test_the_manager_creates_a_route_and_adds_checkpoints_on_the_pages(world, client_for):
    client = client_for("manager_a")
    response = client.post(f"/facilities/rounds/estate/{world.estate_a.pk}/", {"name": "楼道巡检",
                                                                                "frequency": "weekly"})
    route = Route.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/facilities/rounds/route/{route.pk}/"
    client.post(f"/facilities/rounds/route/{route.pk}/checkpoints/",
                {"name": "1栋楼道", "building": world.building_a.pk, "checklist": "楼道灯正常\n无堆物\n"})
    cp = Checkpoint.objects.get()
    assert (cp.name, cp.building, cp.checklist) == ("1栋楼道", world.building_a, ["楼道灯正常", "无堆物"])


def test_adding_fire_equipment_to_a_weekly_route_shows_the_rule_and_adds_nothing(world, client_for):
    client = client_for("manager_a")
    route = s.route_create(estate=world.estate_a, name="楼道巡检", frequency="weekly", actor=world.manager_a)
    fire = Facility.objects.create(estate=world.estate_a, kind=Facility.Kind.FIRE, name="消火栓")
    response = client.post(f"/facilities/rounds/route/{route.pk}/checkpoints/",
                           {"name": "消火栓", "facility": fire.pk}, follow=True)
    assert "第八十八条" in response.content.decode()
    assert not Checkpoint.objects.exists()


@pytest.mark.parametrize("name", ["staff_a", "auditor"])
def test_staff_and_the_auditor_cannot_plan_routes(world, route, client_for, name):
    client = client_for(name)
    assert client.post(f"/facilities/rounds/estate/{world.estate_a.pk}/",
                       {"name": "x", "frequency": "daily"}).status_code == 403
    assert client.post(f"/facilities/rounds/route/{route.pk}/checkpoints/", {"name": "x"}).status_code == 403
    assert client.post(f"/facilities/rounds/route/{route.pk}/schedule/", {"frequency": "weekly"}).status_code == 403
    assert Route.objects.count() == 1 and route.checkpoints.count() == 2
    route.refresh_from_db()
    assert route.frequency == "daily"


def test_the_auditor_cannot_start_a_round(world, route, client_for):
    assert client_for("auditor").post(f"/facilities/rounds/route/{route.pk}/start/").status_code == 403
    assert not Round.objects.exists()


def test_the_qr_sheet_is_a_pdf_with_every_checkpoints_link(world, route, client_for):
    response = client_for("staff_a").get(f"/facilities/rounds/route/{route.pk}/qr.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF")
    for cp in route.checkpoints.all():
        assert f"/facilities/rounds/c/{cp.token}/".encode() in body


def test_a_made_up_token_is_404(world, route, client_for):
    assert client_for("staff_a").get("/facilities/rounds/c/not-a-real-token/").status_code == 404


def test_opening_a_checkpoint_before_the_round_offers_to_start_it_and_comes_back(world, route, client_for):
    client = client_for("staff_a")
    cp = route.checkpoints.first()
    html = client.get(f"/facilities/rounds/c/{cp.token}/").content.decode()
    assert "开始巡检" in html and 'id="visit-form"' not in html
    response = client.post(f"/facilities/rounds/route/{route.pk}/start/", {"next": cp.token})
    assert response["Location"] == f"/facilities/rounds/c/{cp.token}/"
    html = client.get(f"/facilities/rounds/c/{cp.token}/").content.decode()
    assert 'id="visit-form"' in html and 'capture="environment"' in html and "无渗漏" in html
    assert "facilities/rounds.js" in html


def test_a_problem_posted_on_the_checkpoint_page_becomes_a_work_order_linked_to_the_pump(desk, route, pump,
                                                                                         client_for):
    client = client_for("staff_a")
    rnd = s.round_start(route=route, actor=desk.staff_a)
    cp = route.checkpoints.first()
    response = client.post(f"/facilities/rounds/c/{cp.token}/", {"key": "page-1", "ticked": ["0"], "ok": "0",
                                                                  "note": "水泵漏水"})
    assert response.status_code == 302 and response["Location"] == f"/facilities/rounds/round/{rnd.pk}/"
    order = WorkOrder.objects.get()
    assert FacilityFault.objects.get().order == order and Visit.objects.get().ticked == [0]
    html = client.get(f"/facilities/rounds/round/{rnd.pk}/").content.decode()
    assert order.code in html and "有问题" in html
    # the same visit sent again (the phone's queue after a lost connection): still one
    again = client.post(f"/facilities/rounds/c/{cp.token}/", {"key": "page-1", "ok": "0", "note": "水泵漏水"})
    assert again.status_code == 302 and (Visit.objects.count(), WorkOrder.objects.count()) == (1, 1)


def test_finishing_on_the_round_page_needs_every_checkpoint(world, route, client_for):
    client = client_for("staff_a")
    rnd = s.round_start(route=route, actor=world.staff_a)
    first, second = route.checkpoints.all()
    client.post(f"/facilities/rounds/c/{first.token}/", {"key": "a", "ok": "1"})
    html = client.post(f"/facilities/rounds/round/{rnd.pk}/finish/", follow=True).content.decode()
    assert "还有检查点未巡检" in html
    client.post(f"/facilities/rounds/c/{second.token}/", {"key": "b", "ok": "1"})
    client.post(f"/facilities/rounds/round/{rnd.pk}/finish/")
    rnd.refresh_from_db()
    assert rnd.status == "done"


def test_a_round_walked_out_of_order_is_flagged_on_its_page(world, route, client_for):
    client = client_for("staff_a")
    rnd = s.round_start(route=route, actor=world.staff_a)
    second = route.checkpoints.get(position=2)
    client.post(f"/facilities/rounds/c/{second.token}/", {"key": "b", "ok": "1"})
    html = client.get(f"/facilities/rounds/round/{rnd.pk}/").content.decode()
    assert 'id="out-of-order"' in html


def test_the_writes_are_404_for_strangers_and_other_areas_and_change_nothing(world, route, client_for):
    rnd = s.round_start(route=route, actor=world.staff_a)
    cp = route.checkpoints.first()
    for name in ("stranger", "other_street_admin"):
        client = client_for(name)
        for url, data in ((f"/facilities/rounds/estate/{world.estate_a.pk}/", {"name": "x", "frequency": "daily"}),
                          (f"/facilities/rounds/route/{route.pk}/checkpoints/", {"name": "x"}),
                          (f"/facilities/rounds/route/{route.pk}/schedule/", {"frequency": "weekly"}),
                          (f"/facilities/rounds/route/{route.pk}/start/", {}),
                          (f"/facilities/rounds/round/{rnd.pk}/finish/", {}),
                          (f"/facilities/rounds/c/{cp.token}/", {"key": "x", "ok": "1"})):
            assert client.post(url, data).status_code == 404, (name, url)
    route.refresh_from_db()
    assert (Route.objects.count(), route.checkpoints.count(), route.frequency, Visit.objects.count()) == (
        1, 2, "daily", 0)
