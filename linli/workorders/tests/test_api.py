"""The work-order API (/api/v1/workorders/): who sees what, who may take which step, and what an illegal step says."""

import pytest
from django.test import Client

from linli.core.testing import error_messages, post, results
from linli.core.testing import report_order as report
from linli.workorders import services as s
from linli.workorders import summary
from linli.workorders.models import Status, WorkOrder, WorkOrderEvent

URL = "/api/v1/workorders/"


def snapshot(order):
    order = WorkOrder.objects.get(pk=order.pk)
    return (order.status, order.assignee_org_id, order.category, order.level, order.supervised,
            order.extension_pending, order.events.count())


# -- the steps: (setup → order in the right status, body, the role that may take it, what it changes) ---------


def dispatched(w):
    return report(w)


def received(w):
    return s.workorder_return(order=report(w), actor=w.manager_a, reason="不归物业管")


def accepted(w):
    return s.workorder_accept(order=report(w), actor=w.manager_a)


def replied(w):
    return s.workorder_reply(order=accepted(w), actor=w.manager_a, text="已更换灯泡")


def visited(w):
    return s.workorder_visit(order=replied(w), actor=w.resident_a, solved=True, satisfaction="satisfied")


def pending_extension(w):
    return s.workorder_request_extension(order=accepted(w), actor=w.manager_a, days=3, reason="等配件")


def merge_body(w):
    other = report(w, text="同一个问题")
    return {"into": other.code}


STEPS = {
    "dispatch": (received, lambda w: {"to": w.committee.pk, "note": "转社区"}, "street_admin",
                 lambda o, w: o.status == Status.DISPATCHED and o.assignee_org == w.committee),
    "accept": (dispatched, lambda w: {}, "manager_a", lambda o, w: o.status == Status.ACCEPTED),
    "start": (accepted, lambda w: {"note": "已到现场"}, "staff_a", lambda o, w: o.status == Status.IN_PROGRESS),
    "return": (dispatched, lambda w: {"reason": "不属于物业服务范围"}, "manager_a",
               lambda o, w: (o.status, o.assignee_org, o.needs_triage) == (Status.RECEIVED, None, True)),
    "reply": (accepted, lambda w: {"text": "已更换灯泡"}, "staff_a",
              lambda o, w: (o.status, o.reply_text) == (Status.REPLIED, "已更换灯泡")),
    "visit": (replied, lambda w: {"solved": True, "satisfaction": "basic"}, "resident_a",
              lambda o, w: (o.status, o.satisfaction) == (Status.VISITED, "basic")),
    "close": (visited, lambda w: {}, "community_admin", lambda o, w: o.status == Status.CLOSED),
    "reopen": (replied, lambda w: {"reason": "居民说灯还是不亮"}, "street_admin",
               lambda o, w: (o.status, o.reopen_count) == (Status.DISPATCHED, 1)),
    "request-extension": (accepted, lambda w: {"days": 3, "reason": "等配件"}, "manager_a",
                          lambda o, w: o.extension_pending is True),
    "decide-extension": (pending_extension, lambda w: {"approve": True}, "street_admin",
                         lambda o, w: o.extension_pending is False),
    "supervise": (dispatched, lambda w: {"note": "请尽快处理"}, "community_admin", lambda o, w: o.supervised is True),
    "escalate": (dispatched, lambda w: {"reason": "物业迟迟不处理"}, "street_admin",
                 lambda o, w: (o.level, o.status) == ("estate", Status.DISPATCHED)),
    "merge": (dispatched, merge_body, "street_admin", lambda o, w: o.status == Status.MERGED and o.duplicate_of_id),
    "cancel": (dispatched, lambda w: {"reason": "居民撤回"}, "street_admin", lambda o, w: o.status == Status.CANCELLED),
    "reclassify": (dispatched, lambda w: {"category": "facility", "subcategory": "facility.lighting", "tier": "easy"},
                   "community_admin", lambda o, w: (o.category, o.subcategory) == ("facility", "facility.lighting")),
}


@pytest.mark.parametrize("name", STEPS)
def test_the_right_role_takes_each_step(desk, client_for, name):
    setup, body, role, check = STEPS[name]
    order = setup(desk)
    data = body(desk)
    response = post(client_for(role), f"{URL}{order.code}/{name}/", data)
    assert response.status_code == 200, response.content
    fresh = WorkOrder.objects.get(pk=order.pk)
    assert check(fresh, desk)
    assert response.json()["status"] == fresh.status
    assert response.json()["events"][-1]["actor"] in (role, "系统")


@pytest.mark.parametrize("name", STEPS)
def test_a_read_only_role_gets_403_on_each_step_and_nothing_changes(desk, client_for, name):
    setup, body, _role, _check = STEPS[name]
    order = setup(desk)
    data = body(desk)
    before = snapshot(order)
    response = post(client_for("auditor"), f"{URL}{order.code}/{name}/", data)
    assert response.status_code == 403, response.content
    assert error_messages(response) == {"": ["您无权对该工单执行此操作"]}
    assert snapshot(order) == before


@pytest.mark.parametrize("name", STEPS)
def test_a_stranger_and_another_street_get_404_on_each_step(desk, client_for, name):
    setup, body, _role, _check = STEPS[name]
    order = setup(desk)
    data = body(desk)
    before = snapshot(order)
    for who in ("stranger", "other_street_admin"):
        assert post(client_for(who), f"{URL}{order.code}/{name}/", data).status_code == 404
    assert post(Client(), f"{URL}{order.code}/{name}/", data).status_code == 401
    assert snapshot(order) == before


def test_an_illegal_step_is_a_409_conflict_with_the_chinese_message(desk, client_for):
    order = report(desk)
    before = snapshot(order)
    response = post(client_for("community_admin"), f"{URL}{order.code}/close/", {})
    assert (response.status_code, response.json()["code"]) == (409, "illegal_step")
    assert error_messages(response) == {"": ["工单当前状态为「已派单」，不能结案。"]}
    assert snapshot(order) == before


def test_a_missing_reason_is_a_field_error(desk, client_for):
    order = report(desk)
    response = post(client_for("manager_a"), f"{URL}{order.code}/return/", {"reason": " "})
    assert response.status_code == 400
    assert error_messages(response) == {"reason": ["退单必须说明理由"]}
    assert WorkOrder.objects.get(pk=order.pk).status == Status.DISPATCHED


def test_a_second_extension_request_is_refused(desk, client_for):
    order = pending_extension(desk)
    response = post(client_for("manager_a"), f"{URL}{order.code}/request-extension/", {"days": 2, "reason": "再等"})
    assert (response.status_code, error_messages(response)) == (409, {"": ["已有延期申请等待审批"]})


def test_merging_into_an_invisible_order_is_400(desk, client_for):
    order = report(desk)
    far = s.workorder_create(channel="phone", text="别处", place=s.resolve_place(estate=desk.estate_far))
    response = post(client_for("street_admin"), f"{URL}{order.code}/merge/", {"into": far.code})
    assert (response.status_code, error_messages(response)) == (400, {"into": ["找不到该工单"]})


def test_dispatching_to_an_invisible_organisation_is_400(desk, client_for):
    order = received(desk)
    from linli.people.models import Organization

    elsewhere = Organization.objects.create(name="别区物业", kind="property_company")
    response = post(client_for("street_admin"), f"{URL}{order.code}/dispatch/", {"to": elsewhere.pk})
    assert response.status_code == 400
    assert list(error_messages(response)) == ["to"]


# -- reads ------------------------------------------------------------------------------------------------------


def test_a_stranger_gets_404_and_an_anonymous_caller_401(desk, client_for):
    order = report(desk)
    assert client_for("stranger").get(URL).status_code == 404
    assert client_for("stranger").get(f"{URL}{order.code}/").status_code == 404
    response = Client().get(URL)
    assert (response.status_code, response["WWW-Authenticate"]) == (401, "Token")


def test_each_member_sees_the_orders_of_their_area(desk, client_for):
    mine = report(desk)
    far = s.workorder_create(channel="phone", text="别处", place=s.resolve_place(estate=desk.estate_far))
    b = s.workorder_create(channel="phone", text="新工宿舍", place=s.resolve_place(estate=desk.estate_b))
    seen = {who: {r["code"] for r in results(client_for(who).get(URL))} for who in
            ("resident_a", "manager_a", "community_admin", "street_admin", "district_admin", "auditor",
             "other_street_admin")}
    assert seen == {
        "resident_a": {mine.code}, "manager_a": {mine.code}, "community_admin": {mine.code},
        "street_admin": {mine.code, b.code}, "district_admin": {mine.code, b.code, far.code},
        "auditor": {mine.code, b.code, far.code}, "other_street_admin": {far.code},
    }
    assert client_for("other_street_admin").get(f"{URL}{mine.code}/").status_code == 404


def test_phones_are_masked_unless_the_caller_manages_the_order(desk, client_for):
    order = report(desk)
    managed = results(client_for("community_admin").get(URL))[0]
    handled = client_for("manager_a").get(f"{URL}{order.code}/").json()
    assert (managed["contact_phone"], managed["contact_name"]) == ("13812345678", "周莲秀")
    # the handler sees the name to call on the resident, as on the order's page
    assert (handled["contact_phone"], handled["contact_name"]) == ("138****5678", "周莲秀")
    assert results(client_for("resident_a").get(URL))[0]["contact_phone"] == "138****5678"


def test_the_detail_has_the_timeline_and_the_allowed_steps(desk, client_for):
    order = accepted(desk)
    body = client_for("manager_a").get(f"{URL}{order.code}/").json()
    assert [(e["type"], e["to_status"], e["actor"]) for e in body["events"]] == [
        ("create", "received", "系统"), ("dispatch", "dispatched", "系统"), ("accept", "accepted", "manager_a")]
    assert body["allowed_actions"] == ["start", "return", "reply", "request-extension"]
    assert body["events"][1]["type_display"] == "派单"
    assert client_for("auditor").get(f"{URL}{order.code}/").json()["allowed_actions"] == []


def codes(response):
    return [r["code"] for r in results(response)]


def test_the_list_filters_like_the_pages(desk, client_for):
    light = report(desk, category="facility", urgent=True)
    noise = s.workorder_create(channel="phone", text="楼上噪音", category="neighbor",
                               place=s.resolve_place(estate=desk.estate_b), tier="hard")
    WorkOrder.objects.filter(pk=noise.pk).update(overdue=True)
    summary.rebuild()  # changed without the services
    client = client_for("street_admin")
    assert codes(client.get(URL)) == [noise.code, light.code]
    assert codes(client.get(URL + "?status=dispatched")) == [noise.code, light.code]
    assert codes(client.get(URL + "?status=received,accepted")) == []
    assert codes(client.get(URL + "?channel=phone")) == [noise.code]
    assert codes(client.get(URL + "?category=facility")) == [light.code]
    assert codes(client.get(URL + "?tier=hard")) == [noise.code]
    assert codes(client.get(URL + "?level=building")) == [light.code]
    assert codes(client.get(URL + "?urgent=true")) == [light.code]
    assert codes(client.get(URL + f"?estate={desk.estate_b.pk}")) == [noise.code]
    assert codes(client.get(URL + "?overdue=true")) == [noise.code]
    assert codes(client.get(URL + "?q=噪音")) == [noise.code]
    assert codes(client.get(URL + "?q=樓道燈")) == [light.code]  # Traditional input is normalised


# -- create -----------------------------------------------------------------------------------------------------


def test_a_resident_reports_for_their_own_home(desk, client_for):
    response = post(client_for("resident_a"), URL, {"text": "家里楼道灯不亮", "home": desk.home_a1.pk, "channel": "phone"})
    assert response.status_code == 201, response.content
    order = WorkOrder.objects.get(code=response.json()["code"])
    assert (order.channel, order.reporter, order.home, order.estate, order.created_by) == (
        "resident", desk.resident, desk.home_a1, desk.estate_a, desk.resident_a)
    assert order.status == Status.DISPATCHED


def test_a_resident_cannot_report_for_another_estate_or_home(desk, client_for):
    client = client_for("resident_a")
    assert post(client, URL, {"text": "x", "estate": desk.estate_b.pk}).status_code == 400
    assert post(client, URL, {"text": "x", "home": desk.home_a2.pk}).status_code == 400
    assert post(client, URL, {"text": "x", "community": desk.c1.pk}).status_code == 403
    assert WorkOrder.objects.count() == 0


def test_staff_record_orders_for_places_they_serve(desk, client_for):
    response = post(client_for("manager_a"), URL, {"text": "窗口来访：电梯异响", "estate": desk.estate_a.pk,
                                                   "channel": "walk_in", "contact_phone": "13900000000"})
    assert response.status_code == 201
    assert response.json()["channel"] == "walk_in"
    response = post(client_for("community_admin"), URL, {"text": "社区楼道灯坏了", "community": desk.c1.pk,
                                                         "channel": "patrol"})
    assert response.status_code == 201
    assert (response.json()["level"], response.json()["estate"]) == ("community", None)
    response = post(client_for("grid_worker"), URL, {"text": "楼道堆物", "building": desk.building_a.pk,
                                                     "channel": "grid"})
    assert (response.status_code, response.json()["level"]) == (201, "building")
    assert WorkOrder.objects.count() == 3


def test_staff_cannot_record_outside_their_area(desk, client_for):
    assert post(client_for("manager_a"), URL, {"text": "x", "estate": desk.estate_b.pk}).status_code == 400
    assert post(client_for("community_admin"), URL, {"text": "x", "community": desk.c2.pk}).status_code == 400
    assert WorkOrder.objects.count() == 0


def test_read_only_roles_and_strangers_cannot_create(desk, client_for):
    body = {"text": "x", "estate": desk.estate_a.pk}
    assert post(client_for("auditor"), URL, body).status_code == 403
    assert post(client_for("department_handler"), URL, body).status_code == 403
    assert post(client_for("stranger"), URL, body).status_code == 404
    assert post(Client(), URL, body).status_code == 401
    assert WorkOrder.objects.count() == 0


def test_a_channel_with_its_own_adapter_cannot_be_chosen(desk, client_for):
    response = post(client_for("manager_a"), URL, {"text": "x", "estate": desk.estate_a.pk, "channel": "hotline"})
    assert response.status_code == 400
    assert list(error_messages(response)) == ["channel"]


def test_a_place_is_required(desk, client_for):
    response = post(client_for("street_admin"), URL, {"text": "x"})
    assert (response.status_code, error_messages(response)) == (400, {"estate": ["请指定小区、楼栋、房屋或社区"]})


def test_nothing_is_ever_deleted(desk, client_for):
    order = report(desk)
    assert client_for("street_admin").delete(f"{URL}{order.code}/").status_code == 405
    assert WorkOrderEvent.objects.filter(order=order).count() == 2
