"""The staff inbox, the work order page and its steps, the resident's own requests, boards and
the routing table: strangers get 404, read-only roles 403 (and nothing changes), the right role succeeds."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from linli.core.testing import report_order as report
from linli.workorders import services as s
from linli.workorders import summary
from linli.workorders.models import RoutingRule, Status, WorkOrder, WorkOrderEvent


def htmx(client, url, data):
    return client.post(url, data, HTTP_HX_REQUEST="true")


def events(order):
    return list(WorkOrderEvent.objects.filter(order=order).values_list("kind", flat=True))


def jpeg():
    buf = io.BytesIO()
    Image.new("RGB", (2400, 1800), (10, 120, 10)).save(buf, "JPEG")
    return SimpleUploadedFile("after.jpg", buf.getvalue(), content_type="image/jpeg")


# -- inbox -------------------------------------------------------------------------------------------------


def test_the_inbox_is_for_staff_only(desk, client_for):
    assert Client().get("/workorders/").status_code == 302
    assert client_for("stranger").get("/workorders/").status_code == 404
    assert client_for("resident_a").get("/workorders/").status_code == 404


def test_the_property_manager_sees_a_new_order_under_to_sign(desk, client_for):
    order = report(desk)
    response = client_for("manager_a").get("/workorders/")
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["tab"] == "to_sign"
    assert [(k, n) for k, _l, n in response.context["tabs"]] == [
        ("to_sign", 1), ("in_progress", 0), ("overdue", 0), ("all", None)]  # "all" is not counted
    assert order.code in body and 'name="codes"' not in body  # no bulk dispatch for property staff


def test_admins_have_the_callback_and_triage_tabs(desk, client_for):
    report(desk)
    s.workorder_create(channel="phone", text="有人在小区里烧垃圾", place=s.resolve_place(estate=desk.estate_a),
                       needs_triage=True)
    response = client_for("street_admin").get("/workorders/?tab=to_triage")
    assert [(k, n) for k, _l, n in response.context["tabs"]] == [
        ("to_sign", 0), ("in_progress", 0), ("overdue", 0), ("to_visit", 0), ("to_triage", 1), ("all", None)]
    assert [o.text for o in response.context["page"]] == ["有人在小区里烧垃圾"]
    assert 'name="codes"' in response.content.decode()


def test_the_inbox_filters_by_text_status_channel_and_estate(desk, client_for):
    a = report(desk)
    b = report(desk, channel="phone", text="新工宿舍院坝积水", place=s.resolve_place(estate=desk.estate_b),
               category="sanitation")
    client = client_for("street_admin")

    def codes(**params):
        return [o.code for o in client.get("/workorders/", {"tab": "all", **params}).context["page"]]

    assert codes(q="积水") == [b.code]
    assert codes(q=a.code) == [a.code]
    assert codes(channel="resident") == [a.code]
    assert codes(estate=desk.estate_b.pk) == [b.code]
    assert codes(status="dispatched") == [b.code, a.code]
    assert codes(status="closed") == []


def test_the_inbox_answers_htmx_with_the_rows_only(desk, client_for):
    report(desk)
    response = client_for("street_admin").get("/workorders/?tab=all", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="rows")
    assert response.templates[0].name == "workorders/_inbox_rows.html"


def test_another_street_sees_none_of_these_orders(desk, client_for):
    order = report(desk)
    response = client_for("other_street_admin").get("/workorders/?tab=all")
    assert order.code not in response.content.decode()


# -- bulk dispatch -----------------------------------------------------------------------------------------


def queued(world, n=2):
    return [s.workorder_create(channel="phone", text=f"待派单{i}", place=s.resolve_place(estate=world.estate_a),
                               needs_triage=True, contact_phone="13900001111") for i in range(n)]


def test_a_street_admin_dispatches_several_orders_at_once(desk, client_for):
    orders = queued(desk)
    response = client_for("street_admin").post("/workorders/bulk-dispatch/", {
        "codes": [o.code for o in orders], "to": desk.committee.pk})
    assert response.status_code == 302
    assert list(WorkOrder.objects.order_by("pk").values_list("status", "assignee_org")) == [
        ("dispatched", desk.committee.pk), ("dispatched", desk.committee.pk)]


def test_bulk_dispatch_is_refused_to_read_only_and_property_roles(desk, client_for):
    orders = queued(desk)
    for name in ("auditor", "manager_a"):
        response = client_for(name).post("/workorders/bulk-dispatch/", {
            "codes": [o.code for o in orders], "to": desk.committee.pk})
        assert response.status_code == 403
    assert set(WorkOrder.objects.values_list("status", flat=True)) == {"received"}


def test_bulk_dispatch_skips_orders_outside_the_scope(desk, client_for):
    orders = queued(desk)
    client_for("other_street_admin").post("/workorders/bulk-dispatch/", {
        "codes": [o.code for o in orders], "to": desk.committee.pk})
    assert set(WorkOrder.objects.values_list("status", flat=True)) == {"received"}


# -- the work order page -----------------------------------------------------------------------------------


def test_the_order_page_is_404_for_strangers_and_other_streets(desk, client_for):
    order = report(desk)
    for name in ("stranger", "other_street_admin"):
        assert client_for(name).get(f"/workorders/{order.code}/").status_code == 404
    assert Client().get(f"/workorders/{order.code}/").status_code == 302


def test_the_handler_sees_the_accept_form_and_a_masked_phone(desk, client_for):
    order = report(desk)
    response = client_for("manager_a").get(f"/workorders/{order.code}/")
    body = response.content.decode()
    assert [a["name"] for a in response.context["actions"]] == ["accept", "return"]
    assert "138****5678" in body and "13812345678" not in body
    assert "周莲秀" in body  # the handler needs the name to call on the resident


def test_the_community_admin_sees_the_full_phone_and_the_management_steps(desk, client_for):
    order = report(desk)
    response = client_for("community_admin").get(f"/workorders/{order.code}/")
    assert "13812345678" in response.content.decode()
    assert [a["name"] for a in response.context["actions"]] == [
        "dispatch", "supervise", "escalate", "merge", "cancel", "reclassify"]


def test_a_read_only_role_sees_the_order_but_no_step_and_is_refused_one(desk, client_for):
    order = report(desk)
    client = client_for("auditor")
    response = client.get(f"/workorders/{order.code}/")
    assert response.status_code == 200 and response.context["actions"] == []
    assert "138****5678" in response.content.decode()
    assert htmx(client, f"/workorders/{order.code}/act/accept/", {"accept-note": ""}).status_code == 403
    assert htmx(client, f"/workorders/{order.code}/act/cancel/", {"cancel-reason": "x"}).status_code == 403
    assert events(order) == ["create", "dispatch"]


def test_an_illegal_step_is_shown_as_a_clear_message(desk, client_for):
    order = report(desk)
    response = htmx(client_for("community_admin"), f"/workorders/{order.code}/act/close/", {"close-note": ""})
    assert response.status_code == 200
    assert "工单当前状态为「已派单」，不能结案。" in response.content.decode()
    assert events(order) == ["create", "dispatch"]


def test_a_missing_reason_is_shown_and_nothing_changes(desk, client_for):
    order = report(desk)
    response = htmx(client_for("manager_a"), f"/workorders/{order.code}/act/return/", {"return-reason": ""})
    assert "请检查填写的内容" in response.content.decode()
    assert WorkOrder.objects.get().status == Status.DISPATCHED


def test_the_full_path_through_the_order_page(desk, client_for):
    order = report(desk)
    url = f"/workorders/{order.code}/act"
    manager = client_for("manager_a")
    response = htmx(manager, f"{url}/accept/", {"accept-note": "马上安排"})
    assert response.templates[0].name == "workorders/_order.html"
    assert "已签收" in response.content.decode()
    htmx(manager, f"{url}/start/", {"start-note": ""})
    response = manager.post(f"{url}/reply/", {"reply-text": "已更换楼道灯", "reply-photos": [jpeg()]},
                            HTTP_HX_REQUEST="true")
    assert "已更换楼道灯" in response.content.decode()
    reply = WorkOrderEvent.objects.get(order=order, kind="reply")
    assert [Image.open(a.file.path).size for a in reply.attachments.all()] == [(1600, 1200)]
    resident = client_for("resident_a")
    card = htmx(resident, f"{url}/visit/", {"visit-solved": "1", "visit-satisfaction": "satisfied", "view": "mine"})
    assert card.templates[0].name == "workorders/_mine_card.html"
    assert "满意" in card.content.decode()
    response = client_for("community_admin").post(f"{url}/close/", {"close-note": "回访满意，结案"})
    assert response.status_code == 302 and response["Location"] == f"/workorders/{order.code}/"
    order.refresh_from_db()
    assert (order.status, order.satisfaction, order.solved, order.reached) == ("closed", "satisfied", True, True)
    assert events(order) == ["create", "dispatch", "accept", "start", "reply", "visit", "close"]


def test_dispatch_from_the_order_page(desk, client_for):
    [order] = queued(desk, 1)
    client = client_for("street_admin")
    response = htmx(client, f"/workorders/{order.code}/act/dispatch/", {"dispatch-to": desk.centre.pk,
                                                                          "dispatch-note": "街道统筹"})
    assert "九宫庙街道物业服务中心" in response.content.decode()
    order.refresh_from_db()
    assert (order.status, order.assignee_org) == ("dispatched", desk.centre)


def test_an_unknown_action_is_404(desk, client_for):
    order = report(desk)
    assert client_for("street_admin").post(f"/workorders/{order.code}/act/delete/").status_code == 404


def test_a_photo_is_served_only_to_those_who_see_the_order(desk, client_for):
    order = report(desk, photos=[SimpleUploadedFile("a.jpg", b"jpegbytes")])
    attachment = order.attachments.get()
    url = f"/workorders/{order.code}/files/{attachment.pk}/"
    assert client_for("manager_a").get(url).status_code == 200
    assert client_for("stranger").get(url).status_code == 404
    assert client_for("other_street_admin").get(url).status_code == 404


def test_the_reporter_sees_the_public_timeline_without_internal_notes(desk, client_for):
    order = report(desk)
    s.workorder_supervise(order=order, actor=desk.street_admin, note="内部督办意见")
    response = client_for("resident_a").get(f"/workorders/{order.code}/")
    body = response.content.decode()
    assert [e.kind for e in response.context["events"]] == ["create", "dispatch"]
    assert "内部督办意见" not in body and response.context["actions"] == []


# -- the resident's own requests -------------------------------------------------------------------------


def test_a_resident_sees_only_their_own_requests(desk, client_for):
    mine = report(desk)
    theirs = report(desk, reporter=desk.neighbour, text="邻居的诉求")
    response = client_for("resident_a").get("/workorders/mine/")
    assert [c["order"].code for c in response.context["cards"]] == [mine.code]
    assert theirs.code not in response.content.decode()
    assert client_for("resident_a").get(f"/workorders/{theirs.code}/").status_code == 404


def test_my_requests_is_404_for_a_stranger_without_requests(desk, client_for):
    assert client_for("stranger").get("/workorders/mine/").status_code == 404


def test_the_rating_form_appears_once_the_order_is_replied(desk, client_for):
    order = report(desk)
    client = client_for("resident_a")
    assert "请评价这次处理" not in client.get("/workorders/mine/").content.decode()
    s.workorder_accept(order=order, actor=desk.manager_a)
    s.workorder_reply(order=order, actor=desk.manager_a, text="已修好")
    body = client.get("/workorders/mine/").content.decode()
    assert "请评价这次处理" in body and "基本满意" in body and "已修好" in body


def test_an_unsatisfied_rating_reopens_the_order(desk, client_for):
    order = report(desk)
    s.workorder_accept(order=order, actor=desk.manager_a)
    s.workorder_reply(order=order, actor=desk.manager_a, text="已处理")
    htmx(client_for("resident_a"), f"/workorders/{order.code}/act/visit/", {
        "visit-solved": "0", "visit-satisfaction": "unsatisfied", "visit-note": "灯还是不亮", "view": "mine"})
    order.refresh_from_db()
    assert (order.status, order.reopen_count) == ("dispatched", 1)


def test_a_neighbour_cannot_rate_someone_elses_order(desk, client_for):
    order = report(desk)
    s.workorder_accept(order=order, actor=desk.manager_a)
    s.workorder_reply(order=order, actor=desk.manager_a, text="已处理")
    response = client_for("manager_a").post(f"/workorders/{order.code}/act/visit/", {
        "visit-solved": "1", "visit-satisfaction": "satisfied"})
    assert response.status_code == 403
    assert WorkOrder.objects.get().status == "replied"


# -- boards ------------------------------------------------------------------------------------------------


def test_the_dispatch_board_counts_per_organisation(desk, client_for):
    report(desk)
    report(desk)
    queued(desk, 1)
    response = client_for("street_admin").get("/workorders/board/")
    assert response.context["counts"] == {"received": 1, "needs_triage": 1, "dispatched": 2, "overdue": 0}
    assert [(r["assignee_org__name"], r["to_sign"], r["working"]) for r in response.context["rows"]] == [
        ("重庆锦绣物业服务有限公司", 2, 0)]
    assert client_for("stranger").get("/workorders/board/").status_code == 404
    assert client_for("resident_a").get("/workorders/board/").status_code == 404


def test_the_dispatch_board_rows_link_each_waiting_order_and_escape_what_people_wrote(desk, client_for):
    """The board's rows are written in the view (views.worklists._board_rows): an organisation's figures, the
    overdue tag, and each waiting order linked to its page with its text cut at 40 characters, all escaped."""
    report(desk)
    order = report(desk)
    WorkOrder.objects.filter(pk=order.pk).update(overdue=True)
    summary.rebuild()
    waiting = queued(desk, 1)[0]
    WorkOrder.objects.filter(pk=waiting.pk).update(text='<b>"积水"</b>' + "很长" * 30)
    body = client_for("street_admin").get("/workorders/board/").content.decode()
    orgs = body.split('id="org-table"')[1].split("</table>")[0]
    assert ('<tr><td>重庆锦绣物业服务有限公司<br><span class="muted">物业服务企业</span></td><td>2</td><td>0</td>'
            '<td>0</td><td><span class="tag overdue">1</span></td></tr>') in orgs
    rows = body.split("等待派单")[1].split("</table>")[0]
    assert f'<a href="/workorders/{waiting.code}/">{waiting.code}</a>' in rows
    assert "&lt;b&gt;&quot;积水&quot;&lt;/b&gt;很长很长" in rows and "<b>" not in rows
    empty = client_for("street_admin")
    WorkOrder.objects.filter(status="received").update(status="cancelled")
    summary.rebuild()
    assert "没有等待派单的工单" in empty.get("/workorders/board/").content.decode()


def test_the_overdue_board_lists_overdue_orders(desk, client_for):
    order = report(desk)
    s.workorder_accept(order=order, actor=desk.manager_a)
    WorkOrder.objects.filter(pk=order.pk).update(overdue=True,
                                                 reply_due=timezone.now() - datetime.timedelta(hours=5, minutes=1))
    summary.rebuild()  # changed without the services
    response = client_for("street_admin").get("/workorders/overdue/")
    assert [(o.code, o.late_hours) for o in response.context["page"]] == [(order.code, 5)]
    assert list(response.context["per_org"]) == [{"assignee_org__name": "重庆锦绣物业服务有限公司", "n": 1}]
    assert client_for("other_street_admin").get("/workorders/overdue/").context["page"].paginator.count == 0
    assert client_for("stranger").get("/workorders/overdue/").status_code == 404


def test_an_overdue_row_shows_its_hours_status_organisation_and_supervision_and_escapes_what_people_wrote(
        desk, client_for):
    hostile = s.workorder_create(channel="phone", text='<script>alert(1)</script> & "楼道"' + "很长" * 30,
                                 category="facility", place=s.resolve_place(building=desk.building_a))
    plain = report(desk)
    s.workorder_accept(order=plain, actor=desk.manager_a)
    late = timezone.now() - datetime.timedelta(hours=30, minutes=1)
    WorkOrder.objects.filter(pk__in=[hostile.pk, plain.pk]).update(overdue=True, reply_due=late)
    WorkOrder.objects.filter(pk=plain.pk).update(supervised=True, reply_due=late - datetime.timedelta(hours=2))
    summary.rebuild()  # changed without the services
    body = client_for("street_admin").get("/workorders/overdue/").content.decode()
    table = body.split('<table id="overdue-table">')[1].split("</table>")[0]
    rows = {code: row for row in table.split("<tbody>")[1].split("<tr>")[1:]
            for code in (hostile.code, plain.code) if code in row}
    assert "<script>" not in table
    # the text cut at 40 characters (as truncatechars), then escaped
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;楼道&quot;很长很长很...</td>" in rows[hostile.code]
    plain = WorkOrder.objects.select_related("assignee_org").get(pk=plain.pk)
    assert rows[plain.code] == (
        f'<td class="nowrap"><a href="/workorders/{plain.code}/">{plain.code}</a><br>'
        f'<span class="tag status-accepted">{Status.ACCEPTED.label}</span></td><td>{plain.text}</td>'
        f'<td class="nowrap">32 小时</td><td class="hide-sm">{plain.assignee_org.name}</td>'
        f'<td class="hide-sm">已督办</td></tr>')
    assert '<td class="nowrap">30 小时</td>' in rows[hostile.code]
    assert '<td class="hide-sm">—</td></tr>' in rows[hostile.code]  # not supervised
    # most late first
    assert table.index(plain.code) < table.index(hostile.code)


# -- the routing table -------------------------------------------------------------------------------------


def test_a_street_admin_sees_and_edits_the_routing_table(desk, client_for):
    client = client_for("street_admin")
    response = client.get("/workorders/routing/")
    assert [r.priority for r in response.context["rules"]] == [10, 20, 30, 40, 50, 60, 70]
    assert response.context["can_write"] is True
    rule = RoutingRule.objects.get(street=desk.street, priority=10)
    response = client.post(f"/workorders/routing/{rule.pk}/", {
        "priority": 10, "category": "other", "level": "", "mode": "", "target": "organization",
        "organization": desk.department.pk, "note": "非物业事项交城管"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.target, rule.organization, rule.note) == ("organization", desk.department, "非物业事项交城管")
    client.post(f"/workorders/routing/new/?street={desk.street.code}", {
        "priority": 5, "category": "parking", "level": "", "mode": "none", "target": "community", "note": "停车"})
    assert RoutingRule.objects.filter(street=desk.street).count() == 8


def test_a_rule_for_a_named_organisation_needs_the_organisation(desk, client_for):
    response = client_for("street_admin").post(f"/workorders/routing/new/?street={desk.street.code}", {
        "priority": 5, "category": "", "level": "", "mode": "", "target": "organization", "note": ""})
    assert "交办给指定单位时必须选择单位" in response.content.decode()
    assert RoutingRule.objects.filter(street=desk.street).count() == 7


def test_the_routing_table_is_read_only_for_the_auditor(desk, client_for):
    client = client_for("auditor")
    assert client.get(f"/workorders/routing/?street={desk.street.code}").context["can_write"] is False
    rule = RoutingRule.objects.get(street=desk.street, priority=10)
    response = client.post(f"/workorders/routing/{rule.pk}/", {
        "priority": 1, "category": "", "level": "", "mode": "", "target": "community", "note": ""})
    assert response.status_code == 403
    rule.refresh_from_db()
    assert rule.priority == 10


def test_the_routing_table_of_a_street_is_404_outside_it(desk, client_for):
    rule = RoutingRule.objects.get(street=desk.street, priority=10)
    assert client_for("other_street_admin").get(f"/workorders/routing/?street={desk.street.code}").status_code == 404
    assert client_for("other_street_admin").get(f"/workorders/routing/{rule.pk}/").status_code == 404
    assert client_for("community_admin").get("/workorders/routing/").status_code == 404
    assert client_for("stranger").get("/workorders/routing/").status_code == 404


def test_default_rules_are_loaded_for_a_street_without_any(desk, client_for):
    client = client_for("other_street_admin")
    assert client.get("/workorders/routing/").context["rules"] == []
    client.post("/workorders/routing/defaults/", {"street": desk.street2.code})
    assert RoutingRule.objects.filter(street=desk.street2).count() == 7
    assert client_for("auditor").post("/workorders/routing/defaults/", {"street": desk.street2.code}).status_code == 403


def test_the_reclassify_form_starts_from_the_orders_current_values(desk, client_for):
    order = report(desk, category="facility", urgent=True)
    response = client_for("street_admin").get(f"/workorders/{order.code}/")
    form = next(a["form"] for a in response.context["actions"] if a["name"] == "reclassify")
    assert (form["category"].value(), form["level"].value(), form["urgent"].value()) == ("facility", "building", True)


def test_an_admin_approves_an_extension_from_the_order_page(desk, client_for):
    order = report(desk)
    s.workorder_accept(order=order, actor=desk.manager_a)
    s.workorder_request_extension(order=order, actor=desk.manager_a, days=3, reason="等配件")
    due = WorkOrder.objects.get().reply_due
    body = htmx(client_for("community_admin"), f"/workorders/{order.code}/act/decide_extension/", {
        "decide_extension-approve": "1", "decide_extension-note": "同意"}).content.decode()
    assert "（3 个工作日）" in body and "批准延期" in body
    order.refresh_from_db()
    assert order.extension_pending is False and order.reply_due > due


def test_the_inbox_date_filter_counts_local_days(desk, client_for):
    def local(day, hour, minute=0):
        return timezone.make_aware(datetime.datetime(2026, 11, day, hour, minute))

    # 23:59 on the 17th and 00:00 on the 18th, Beijing time (15:59 and 16:00 UTC).
    late = report(desk, text="楼道灯坏了", now=local(17, 23, 59))
    early = report(desk, text="楼道灯又坏了", now=local(18, 0, 0))
    client = client_for("street_admin")

    def codes(**params):
        return sorted(o.code for o in client.get("/workorders/", {"tab": "all", **params}).context["page"])

    assert codes(since="2026-11-18") == [early.code]
    assert codes(until="2026-11-17") == [late.code]
    assert codes(since="2026-11-17", until="2026-11-18") == sorted([late.code, early.code])


@pytest.mark.parametrize("who", ["community_admin", "grid_worker", "street_admin", "district_admin", "auditor",
                                 "department_handler", "manager_a", "staff_a"])
def test_the_inbox_links_the_routing_table_only_for_those_who_may_open_it(desk, client_for, who):
    """Issue 18 item 6: 派单规则 on /workorders/ was a 404 for community admins."""
    client = client_for(who)
    linked = 'href="/workorders/routing/"' in client.get("/workorders/").content.decode()
    opens = client.get("/workorders/routing/").status_code == 200
    assert linked == opens
    assert linked is (who in ("street_admin", "district_admin", "auditor", "department_handler"))
