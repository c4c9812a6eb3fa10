"""Issue 20's "done when" for inspection rounds, on a 360 px phone: a property staff member starts the day's round and
opens the pump room's checkpoint (its QR code); there is no connection down there. She ticks the list, finds the pump
leaking, describes and photographs it: the whole visit, photo included, waits on the phone and the page says so. When
the connection comes back it is sent, once: one work order with its photo, linked to the pump, at the time the visit
was made. The gate is checked online, then the round is finished."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from linli.core.testing import PASSWORD
from linli.core.tests.samples import jpeg_with_gps
from linli.facilities import rounds_services as s
from linli.facilities.models import Facility, FacilityFault, FacilityRecord, Round, Visit
from linli.workorders.models import WorkOrder
from linli.workorders.routing import ensure_default_rules

# The photos of the visits kept in the phone's IndexedDB (static/facilities/rounds.js): type and size of each.
KEPT_PHOTOS = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("linli-rounds");
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const all = open.result.transaction("visits").objectStore("visits").getAll();
    all.onsuccess = async () => {
      const out = [];
      for (const item of all.result) {
        for (const p of item.photos) {
          const bitmap = await createImageBitmap(p.blob);
          out.push({type: p.blob.type, width: bitmap.width, height: bitmap.height});
        }
      }
      resolve(out);
    };
  };
})"""


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

    # Scanning the pump room's QR code opens its page; in the pump room there is no connection.
    page.goto(f"{base}/facilities/rounds/c/{pump_room.token}/")
    expect(page.locator("h1")).to_contain_text("水泵房")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
    page.context.set_offline(True)
    page.get_by_label("水泵运行无异响").check()
    page.get_by_role("radio", name="有问题").check()
    page.fill("#id_note", "水泵密封处漏水，地面积水")
    page.set_input_files("input[type=file][accept^=image]", files=[
        {"name": "pump.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps(2400, 1200)}])
    page.click("#visit-submit")

    # The whole visit waits on the phone, photo included, and the page says so in big words.
    expect(page.locator("#round-offline")).to_be_visible()
    expect(page.locator("#round-queue-text")).to_have_text("手机上还有 1 条巡检记录等待发送")
    expect(page.locator("#round-queue-here")).to_be_visible()
    expect(page.locator("#visit-form")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    kept = page.evaluate(KEPT_PHOTOS)
    assert kept == [{"type": "image/jpeg", "width": 1600, "height": 800}]  # shrunk on the phone before it waits
    assert (Visit.objects.count(), WorkOrder.objects.count()) == (0, 0)
    made_before = timezone.now()
    page.wait_for_timeout(1500)  # the connection comes back a little later

    # The connection comes back: sent once, the time it was made kept.
    page.context.set_offline(False)
    expect(page.locator("#round-sent")).to_be_visible()
    expect(page.locator("#round-queue")).to_be_hidden()
    assert _wait_for(lambda: WorkOrder.objects.count() == 1, page)
    order = WorkOrder.objects.get()
    fault = FacilityFault.objects.get()
    assert (fault.facility, fault.order, fault.source) == (pump, order, "patrol")
    assert (order.channel, order.estate, order.attachments.count()) == ("patrol", world.estate_a, 1)
    assert "水泵密封处漏水" in order.text
    visit = Visit.objects.get()
    assert (visit.checkpoint, visit.ok, visit.ticked, visit.order, visit.round) == (pump_room, False, [0], order, rnd)
    assert rnd.started_at <= visit.visited_at <= made_before
    record = FacilityRecord.objects.get(facility=pump)
    assert (record.kind, record.result) == ("patrol", "problem")
    page.click("#round-sent-next")
    expect(page.locator("main")).to_contain_text(order.code)
    expect(page.locator("#round-queue")).to_be_hidden()

    # The gate, online: checked fine, straight to the round's page.
    page.goto(f"{base}/facilities/rounds/c/{gate.token}/")
    page.get_by_label("道闸起落正常").check()
    page.click("#visit-submit")
    page.wait_for_url(f"{base}/facilities/rounds/round/{rnd.pk}/")
    gate_visit = Visit.objects.get(checkpoint=gate)
    assert (gate_visit.ok, gate_visit.ticked, gate_visit.round) == (True, [0], rnd)

    # Back at the round: both checked, in order, nothing sent twice; finish it.
    expect(page.locator("#out-of-order")).to_have_count(0)
    page.click("#finish-round")
    expect(page.locator("#round-status")).to_have_text("已完成")
    rnd.refresh_from_db()
    assert rnd.status == "done"
    assert (Visit.objects.count(), WorkOrder.objects.count(), FacilityFault.objects.count()) == (2, 1, 1)
    assert page.external_requests == []


def test_a_visit_whose_answer_is_lost_on_the_way_back_is_sent_again_and_recorded_once(world, live_server, phone):
    """Online, but the answer never reaches the phone (a dropped connection on the way back): the visit was recorded,
    the phone does not know it and keeps it; 现在发送 sends it again and the server answers with the same visit."""
    ensure_default_rules(world.street)
    pump = Facility.objects.create(estate=world.estate_a, building=world.building_a, kind=Facility.Kind.PUMP,
                                   name="二次供水水泵")
    route = s.route_create(estate=world.estate_a, name="设备房巡检", frequency="daily", actor=world.manager_a)
    pump_room = s.checkpoint_add(route=route, name="水泵房", facility=pump, actor=world.manager_a)
    rnd = s.round_start(route=route, actor=world.staff_a)
    base, page = live_server.url, phone
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "staff_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(rf"^{re.escape(base)}/"))

    posts = []

    def lose_the_answer(route_):
        if route_.request.method == "POST":
            posts.append(route_.fetch().status)  # the server gets it and answers ...
            route_.abort()  # ... and the answer is lost
        else:
            route_.continue_()

    url = f"{base}/facilities/rounds/c/{pump_room.token}/"
    page.goto(url)
    page.route(url, lose_the_answer)
    page.get_by_role("radio", name="有问题").check()
    page.fill("#id_note", "水泵异响")
    page.set_input_files("input[type=file][accept^=image]", files=[
        {"name": "pump.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}])
    page.click("#visit-submit")
    expect(page.locator("#round-queue-text")).to_have_text("手机上还有 1 条巡检记录等待发送")
    expect(page.locator("#round-queue-problem")).to_contain_text("暂时发不出去")
    assert posts == [200] and (Visit.objects.count(), WorkOrder.objects.count()) == (1, 1)

    page.unroute(url)
    page.click("#round-queue-send")
    expect(page.locator("#round-sent")).to_be_visible()
    expect(page.locator("#round-queue")).to_be_hidden()
    order = WorkOrder.objects.get()
    assert (Visit.objects.get().order, order.attachments.count(), FacilityFault.objects.get().order) == (
        order, 1, order)
    assert Visit.objects.get().round == rnd

    # Opening the round later sends nothing more.
    page.goto(f"{base}/facilities/rounds/round/{rnd.pk}/")
    expect(page.locator("#round-queue")).to_be_hidden()
    assert (Visit.objects.count(), WorkOrder.objects.count()) == (1, 1)
