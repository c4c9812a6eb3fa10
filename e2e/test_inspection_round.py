"""Issue 20's "done when" for inspection rounds, on a 360 px phone: a property staff member starts the day's round,
opens the pump room's checkpoint (its QR code), ticks the list, finds the pump leaking, photographs and describes it:
the work order exists and is linked to the pump. The next checkpoint is checked without a connection: it waits on the
phone and is sent once the connection comes back (once); then the round is finished."""

import re

from playwright.sync_api import expect

from linli.core.testing import PASSWORD
from linli.core.tests.samples import png
from linli.facilities import rounds_services as s
from linli.facilities.models import Facility, FacilityFault, FacilityRecord, Round, Visit
from linli.workorders.models import WorkOrder
from linli.workorders.routing import ensure_default_rules


def _wait_for(predicate, page, timeout_ms=10_000):
    for _ in range(timeout_ms // 200):
        if predicate():
            return True
        page.wait_for_timeout(200)
    return predicate()


def test_a_property_staff_member_walks_a_round_and_turns_a_broken_pump_into_a_work_order(world, live_server, phone):
    ensure_default_rules(world.street)
    pump = Facility.objects.create(estate=world.estate_a, building=world.building_a, kind=Facility.Kind.PUMP,
                                   name="二次供水水泵", location="1栋地下水泵房")
    route = s.route_create(estate=world.estate_a, name="设备房巡检", frequency="daily", actor=world.manager_a)
    pump_room = s.checkpoint_add(route=route, name="水泵房", facility=pump, actor=world.manager_a,
                                 checklist=["水泵运行无异响", "管道阀门无渗漏"])
    gate = s.checkpoint_add(route=route, name="南大门", actor=world.manager_a, checklist=["道闸起落正常"])
    base, page = live_server.url, phone

    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "staff_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(rf"^{re.escape(base)}/"))

    # The 巡检 page: start today's round.
    page.goto(f"{base}/facilities/rounds/")
    expect(page.locator("h1")).to_have_text("巡检")
    page.get_by_role("button", name="开始巡检").click()
    expect(page.locator("#round-status")).to_have_text("进行中")
    rnd = Round.objects.get()

    # Scanning the pump room's QR code opens its page.
    page.goto(f"{base}/facilities/rounds/c/{pump_room.token}/")
    expect(page.locator("h1")).to_contain_text("水泵房")
    page.get_by_label("水泵运行无异响").check()
    page.get_by_role("radio", name="有问题").check()
    page.fill("#id_note", "水泵密封处漏水，地面积水")
    page.set_input_files("input[type=file][accept^=image]", files=[
        {"name": "pump.png", "mimeType": "image/png", "buffer": png()}])
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
    page.click("#visit-submit")
    expect(page.locator("#round-status")).to_be_visible()

    order = WorkOrder.objects.get()
    expect(page.locator("main")).to_contain_text(order.code)
    fault = FacilityFault.objects.get()
    assert (fault.facility, fault.order, fault.source) == (pump, order, "patrol")
    assert (order.channel, order.estate, order.attachments.count()) == ("patrol", world.estate_a, 1)
    assert "水泵密封处漏水" in order.text
    record = FacilityRecord.objects.get(facility=pump)
    assert (record.kind, record.result) == ("patrol", "problem")

    # The gate, with the connection lost: the check waits on the phone, then goes once the connection is back.
    page.goto(f"{base}/facilities/rounds/c/{gate.token}/")
    page.context.set_offline(True)
    page.get_by_label("道闸起落正常").check()
    page.click("#visit-submit")
    expect(page.locator("#round-offline")).to_be_visible()
    assert Visit.objects.count() == 1
    page.context.set_offline(False)
    expect(page.locator("#round-sent")).to_be_visible()
    assert _wait_for(lambda: Visit.objects.count() == 2, page)
    visit = Visit.objects.get(checkpoint=gate)
    assert (visit.ok, visit.ticked, visit.round) == (True, [0], rnd)

    # Back at the round: both checked, in order; finish it.
    page.goto(f"{base}/facilities/rounds/round/{rnd.pk}/")
    expect(page.locator("#out-of-order")).to_have_count(0)
    page.click("#finish-round")
    expect(page.locator("#round-status")).to_have_text("已完成")
    rnd.refresh_from_db()
    assert rnd.status == "done" and Visit.objects.count() == 2
    assert page.external_requests == []
