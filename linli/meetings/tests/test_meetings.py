"""吹哨报到 joint meetings: the street convenes, departments report, tasks are work orders, the outcome shows
on the orders; and who may do what, on the services, the pages and the API."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.core.testing import make_user, post
from linli.meetings import services as m
from linli.meetings.models import JointMeeting, JointMeetingInvite, JointMeetingTask
from linli.people.models import Organization, Role
from linli.workorders import services as s
from linli.workorders.models import WorkOrder, WorkOrderEvent

NOON = timezone.make_aware(datetime.datetime(2026, 11, 20, 12, 0))
MEETING_AT = timezone.make_aware(datetime.datetime(2026, 11, 23, 9, 30))


@pytest.fixture
def cast(desk):
    desk.parks = Organization.objects.create(name="大渡口区园林绿化局", kind="department", field="landscaping",
                                             division=desk.district)
    desk.parks_handler = make_user("parks_handler", Role.DEPARTMENT_HANDLER, organization=desk.parks)
    desk.order = s.workorder_create(channel="resident", text="小区围墙倒塌，占用人行道", category="repair",
                                    reporter=desk.resident,
                                    place=s.resolve_place(estate=desk.estate_a), now=NOON)
    return desk


def convene(w, **kw):
    kw.setdefault("street", w.street)
    kw.setdefault("title", "锦霞小区围墙倒塌处置")
    kw.setdefault("scheduled_at", MEETING_AT)
    kw.setdefault("place", "街道三楼会议室")
    kw.setdefault("orders", [w.order])
    kw.setdefault("departments", [w.department, w.parks])
    kw.setdefault("actor", w.street_admin)
    kw.setdefault("now", NOON)
    return m.meeting_convene(**kw)


def types(order):
    return list(WorkOrderEvent.objects.filter(order=order).values_list("kind", flat=True))


# -- the services ------------------------------------------------------------------------------------------


def test_a_street_admin_convenes_a_meeting_about_an_order_and_invites_departments(cast):
    meeting = convene(cast)
    assert meeting.status == "planned" and meeting.convened_by == cast.street_admin
    assert list(meeting.invites.order_by("id").values_list("department__name", flat=True)) == ["大渡口区城市管理局", "大渡口区园林绿化局"]
    assert types(cast.order)[-1] == "joint_meeting"
    event = cast.order.events.last()
    assert event.note == "提请吹哨报到会议「锦霞小区围墙倒塌处置」（2026-11-23 09:30）"
    assert event.data == {"meeting": meeting.pk, "title": "锦霞小区围墙倒塌处置", "step": "convene"}
    assert cast.department_handler.inbox.count() == 1


def test_a_meeting_about_a_topic_needs_no_order_but_needs_a_topic(cast):
    with pytest.raises(ValidationError) as refused:
        convene(cast, orders=[], topic="")
    assert list(refused.value.message_dict) == ["topic"]
    meeting = convene(cast, orders=[], topic="汛期前老旧小区挡墙排查")
    assert meeting.links.count() == 0


@pytest.mark.parametrize("who", ["community_admin", "department_handler", "auditor", "grid_worker",
                                 "other_street_admin", "manager_a"])
def test_only_admins_of_the_street_convene(cast, who):
    with pytest.raises(PermissionDenied):
        convene(cast, actor=getattr(cast, who))
    assert JointMeeting.objects.count() == 0 and types(cast.order) == ["create", "dispatch"]


def test_a_district_admin_may_convene_for_a_street_below(cast):
    assert convene(cast, actor=cast.district_admin).street == cast.street


def test_an_order_of_another_street_or_a_non_department_cannot_be_brought_in(cast):
    far = s.workorder_create(channel="phone", text="百花园漏水", place=s.resolve_place(estate=cast.estate_far), now=NOON)
    with pytest.raises(ValidationError) as refused:
        convene(cast, orders=[cast.order, far])
    assert list(refused.value.message_dict) == ["orders"]
    with pytest.raises(ValidationError) as refused:
        convene(cast, departments=[cast.company])
    assert list(refused.value.message_dict) == ["departments"]
    assert JointMeeting.objects.count() == 0


def test_a_department_reports_once_with_its_time_and_people(cast):
    meeting = convene(cast)
    invite = meeting.invites.get(department=cast.department)
    invite = m.meeting_report(invite=invite, actor=cast.department_handler, attendees="王科长、李队员",
                              now=MEETING_AT - datetime.timedelta(minutes=10))
    assert (invite.reported_at, invite.reported_by, invite.attendees) == (
        MEETING_AT - datetime.timedelta(minutes=10), cast.department_handler, "王科长、李队员")
    assert invite.late is False
    with pytest.raises(m.MeetingStepRefused):
        m.meeting_report(invite=invite, actor=cast.department_handler)
    late = m.meeting_report(invite=meeting.invites.get(department=cast.parks), actor=cast.parks_handler,
                            now=MEETING_AT + datetime.timedelta(minutes=20))
    assert late.late is True and late.attendees == "parks_handler"


@pytest.mark.parametrize("who", ["street_admin", "parks_handler", "auditor"])
def test_only_the_invited_department_reports_for_itself(cast, who):
    meeting = convene(cast)
    invite = meeting.invites.get(department=cast.department)
    with pytest.raises(PermissionDenied):
        m.meeting_report(invite=invite, actor=getattr(cast, who))
    invite.refresh_from_db()
    assert invite.reported_at is None


def test_the_minutes_are_written_on_every_linked_order(cast):
    second = s.workorder_create(channel="phone", text="围墙倒塌压坏自行车棚", place=s.resolve_place(estate=cast.estate_a),
                                now=NOON)
    meeting = convene(cast, orders=[cast.order, second])
    m.meeting_report(invite=meeting.invites.get(department=cast.department), actor=cast.department_handler, now=NOON)
    meeting = m.meeting_record_minutes(meeting=meeting, actor=cast.street_admin, minutes="城管、园林到会，现场查看。",
                                       decisions="城管负责清运，园林负责补种", now=MEETING_AT)
    assert (meeting.status, meeting.held_at) == ("held", MEETING_AT)
    for order in (cast.order, second):
        event = order.events.last()
        assert event.kind == "joint_meeting" and event.at == MEETING_AT
        assert event.note == "吹哨报到会议「锦霞小区围墙倒塌处置」议定：城管负责清运，园林负责补种（缺席：大渡口区园林绿化局）"
        assert event.data["reported"] == ["大渡口区城市管理局"]
        assert event.to_status == order.status  # the order's own status is untouched


def test_a_task_is_a_work_order_dispatched_to_the_department(cast):
    meeting = convene(cast)
    task = m.meeting_add_task(meeting=meeting, department=cast.department, text="清运倒塌围墙的建筑垃圾",
                              deadline=datetime.date(2026, 11, 27), about=cast.order, actor=cast.street_admin,
                              now=MEETING_AT)
    order = task.order
    assert (order.channel, order.level, order.status, order.assignee_org) == (
        "joint_meeting", "department", "dispatched", cast.department)
    assert (order.estate, order.street) == (cast.estate_a, cast.street)
    assert order.reply_due == timezone.make_aware(datetime.datetime(2026, 11, 27, 23, 59, 59))
    assert WorkOrder.objects.get(pk=order.pk).reply_due == order.reply_due
    assert types(order) == ["create", "dispatch", "joint_meeting"]
    assert cast.order.events.last().note == f"交办 大渡口区城市管理局 任务工单 {order.code}，期限 2026-11-27"
    # tracked like any work order: the department signs it and replies
    order = s.workorder_accept(order=order, actor=cast.department_handler)
    order = s.workorder_reply(order=order, actor=cast.department_handler, text="已清运")
    assert order.status == "replied"


def test_a_task_goes_only_to_an_invited_department_with_a_deadline_not_past(cast):
    meeting = convene(cast, departments=[cast.department])
    with pytest.raises(ValidationError) as refused:
        m.meeting_add_task(meeting=meeting, department=cast.parks, text="补种", deadline=datetime.date(2026, 11, 30),
                           actor=cast.street_admin, now=MEETING_AT)
    assert list(refused.value.message_dict) == ["department"]
    with pytest.raises(ValidationError) as refused:
        m.meeting_add_task(meeting=meeting, department=cast.department, text="清运",
                           deadline=datetime.date(2026, 11, 1), actor=cast.street_admin, now=MEETING_AT)
    assert list(refused.value.message_dict) == ["deadline"]
    with pytest.raises(PermissionDenied):
        m.meeting_add_task(meeting=meeting, department=cast.department, text="清运",
                           deadline=datetime.date(2026, 11, 30), actor=cast.department_handler, now=MEETING_AT)
    assert JointMeetingTask.objects.count() == 0 and WorkOrder.objects.filter(channel="joint_meeting").count() == 0


def test_a_meeting_closes_after_its_minutes_and_then_takes_no_more_reports(cast):
    meeting = convene(cast)
    with pytest.raises(m.MeetingStepRefused):
        m.meeting_close(meeting=meeting, actor=cast.street_admin)
    m.meeting_record_minutes(meeting=meeting, actor=cast.street_admin, minutes="议定由城管牵头")
    meeting = m.meeting_close(meeting=meeting, actor=cast.street_admin, note="任务已交办")
    assert meeting.status == "closed" and cast.order.events.last().note == (
        "吹哨报到会议「锦霞小区围墙倒塌处置」结束：任务已交办（缺席：大渡口区城市管理局、大渡口区园林绿化局）")
    with pytest.raises(m.MeetingStepRefused):
        m.meeting_report(invite=meeting.invites.get(department=cast.department), actor=cast.department_handler)
    with pytest.raises(m.MeetingStepRefused):
        m.meeting_record_minutes(meeting=meeting, actor=cast.street_admin, minutes="改")


def test_who_sees_a_meeting(cast):
    meeting = convene(cast, departments=[cast.parks])
    seen = {name: JointMeeting.objects.visible_to(getattr(cast, name)).filter(pk=meeting.pk).exists()
            for name in ("street_admin", "district_admin", "auditor", "parks_handler", "department_handler",
                         "other_street_admin", "community_admin", "manager_a", "resident_a", "stranger")}
    assert seen == {"street_admin": True, "district_admin": True, "auditor": True, "parks_handler": True,
                    "department_handler": True,  # serves the whole district
                    "other_street_admin": False, "community_admin": False, "manager_a": False,
                    "resident_a": False, "stranger": False}
    assert JointMeetingInvite.objects.visible_to(cast.other_street_admin).count() == 0


# -- pages -------------------------------------------------------------------------------------------------


def test_the_meeting_list_is_for_staff_in_scope(cast, client_for, client):
    convene(cast)
    assert client.get("/workorders/meetings/").status_code == 302
    assert client_for("stranger").get("/workorders/meetings/").status_code == 404
    assert client_for("resident_a").get("/workorders/meetings/").status_code == 404
    assert "锦霞小区围墙倒塌处置" not in client_for("other_street_admin").get("/workorders/meetings/").content.decode()
    html = client_for("street_admin").get("/workorders/meetings/").content.decode()
    assert "锦霞小区围墙倒塌处置" in html and "/workorders/meetings/new/" in html


def test_the_meeting_page_is_404_to_another_street(cast, client_for):
    meeting = convene(cast)
    assert client_for("other_street_admin").get(f"/workorders/meetings/{meeting.pk}/").status_code == 404
    assert client_for("stranger").get(f"/workorders/meetings/{meeting.pk}/").status_code == 404
    html = client_for("department_handler").get(f"/workorders/meetings/{meeting.pk}/").content.decode()
    assert "街道三楼会议室" in html and "/workorders/meetings/invites/" in html  # its report button


def _next_week() -> datetime.datetime:
    """A time the page takes for a new meeting (not in the past), as the form shows it."""
    return timezone.localtime().replace(second=0, microsecond=0) + datetime.timedelta(days=7)


def test_convening_from_the_page(cast, client_for):
    at = _next_week()
    assert client_for("auditor").get("/workorders/meetings/new/").status_code == 403
    response = client_for("auditor").post("/workorders/meetings/new/", {"street": cast.street.pk, "title": "x",
                                                                        "scheduled_at": f"{at:%Y-%m-%dT%H:%M}"})
    assert response.status_code == 403 and JointMeeting.objects.count() == 0
    response = client_for("street_admin").post("/workorders/meetings/new/", {
        "street": cast.street.pk, "title": "围墙倒塌", "scheduled_at": f"{at:%Y-%m-%dT%H:%M}", "place": "街道",
        "orders": cast.order.code, "departments": [cast.department.pk]})
    meeting = JointMeeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/workorders/meetings/{meeting.pk}/"
    assert meeting.scheduled_at == at and list(meeting.links.values_list("order", flat=True)) == [cast.order.pk]


def test_a_new_meeting_cannot_be_called_for_a_time_past_but_an_old_one_takes_its_minutes(cast, client_for):
    """Issue 18 item 6: the form says so on the time, in words; the meeting of 23 November still takes its minutes."""
    client = client_for("street_admin")
    yesterday = timezone.localtime() - datetime.timedelta(days=1)
    response = client.post("/workorders/meetings/new/", {
        "street": cast.street.pk, "title": "围墙倒塌", "scheduled_at": f"{yesterday:%Y-%m-%dT%H:%M}"})
    assert response.status_code == 200 and JointMeeting.objects.count() == 0
    assert response.context["form"].errors["scheduled_at"] == ["召开时间已经过去，新会议请选择现在以后的时间"]
    old = convene(cast)  # MEETING_AT, in the past by now
    response = client.post(f"/workorders/meetings/{old.pk}/minutes/", {"minutes": "城管牵头清运", "decisions": ""})
    old.refresh_from_db()
    assert response.status_code == 302 and old.minutes == "城管牵头清运"


def test_an_unknown_order_code_is_an_error_on_the_form(cast, client_for):
    response = client_for("street_admin").post("/workorders/meetings/new/", {
        "street": cast.street.pk, "title": "围墙倒塌", "scheduled_at": f"{_next_week():%Y-%m-%dT%H:%M}",
        "orders": "20260101-9999"})
    assert response.status_code == 200 and "找不到工单：20260101-9999" in response.content.decode()
    assert JointMeeting.objects.count() == 0


def test_reporting_from_the_page(cast, client_for):
    meeting = convene(cast)
    invite = meeting.invites.get(department=cast.department)
    url = f"/workorders/meetings/invites/{invite.pk}/report/"
    assert client_for("other_street_admin").post(url).status_code == 404
    assert client_for("street_admin").post(url).status_code == 403
    assert client_for("parks_handler").post(url).status_code == 403
    invite.refresh_from_db()
    assert invite.reported_at is None
    response = client_for("department_handler").post(url, {"attendees": "王科长"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "王科长" in response.content.decode()
    invite.refresh_from_db()
    assert invite.reported_by == cast.department_handler


@pytest.mark.parametrize("who,status", [("auditor", 403), ("department_handler", 403), ("other_street_admin", 404)])
def test_a_read_only_role_cannot_write_minutes_or_tasks(cast, client_for, who, status):
    meeting = convene(cast)
    client = client_for(who)
    assert client.post(f"/workorders/meetings/{meeting.pk}/minutes/", {"minutes": "x"}).status_code == status
    assert client.post(f"/workorders/meetings/{meeting.pk}/tasks/", {
        "department": cast.department.pk, "text": "清运", "deadline": "2026-12-31", "tier": "hard"}).status_code == status
    assert client.post(f"/workorders/meetings/{meeting.pk}/close/").status_code == status
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.status, meeting.tasks.count()) == ("", "planned", 0)


def test_minutes_task_and_close_from_the_page(cast, client_for):
    meeting = convene(cast)
    client = client_for("street_admin")
    response = client.post(f"/workorders/meetings/{meeting.pk}/minutes/", {"minutes": "现场会", "decisions": "城管清运"})
    assert response.status_code == 302
    response = client.post(f"/workorders/meetings/{meeting.pk}/tasks/", {
        "department": cast.department.pk, "text": "清运建筑垃圾", "deadline": "2099-12-31", "tier": "hard",
        "about": cast.order.pk})
    assert response.status_code == 302
    task = meeting.tasks.get()
    assert task.order.assignee_org == cast.department and task.deadline == datetime.date(2099, 12, 31)
    assert client.post(f"/workorders/meetings/{meeting.pk}/close/", {"note": "完成"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "closed"
    html = client.get(f"/workorders/meetings/{meeting.pk}/").content.decode()
    assert task.order.code in html and "城管清运" in html


def test_inviting_and_linking_from_the_page(cast, client_for):
    meeting = convene(cast, departments=[cast.department], orders=[], topic="挡墙排查")
    client = client_for("street_admin")
    assert client.post(f"/workorders/meetings/{meeting.pk}/invite/", {"departments": [cast.parks.pk]}).status_code == 302
    assert client.post(f"/workorders/meetings/{meeting.pk}/orders/", {"orders": cast.order.code}).status_code == 302
    assert meeting.invites.count() == 2 and meeting.links.count() == 1
    assert client_for("auditor").post(f"/workorders/meetings/{meeting.pk}/orders/",
                                      {"orders": cast.order.code}).status_code == 403


def test_the_order_page_offers_a_meeting_to_the_admins_of_its_street(cast, client_for):
    url, link = f"/workorders/{cast.order.code}/", f'href="/workorders/meetings/new/?orders={cast.order.code}"'
    for who in ("street_admin", "district_admin"):
        html = client_for(who).get(url).content.decode()
        assert link in html and "提请吹哨" in html, who
    for who in ("community_admin", "department_handler", "auditor", "manager_a", "resident_a"):
        response = client_for(who).get(url)
        assert response.status_code == 200 and link not in response.content.decode(), who
    assert client_for("stranger").get(url).status_code == 404
    assert client_for("other_street_admin").get(url).status_code == 404


def test_the_new_meeting_page_is_prefilled_with_the_order(cast, client_for):
    response = client_for("street_admin").get(f"/workorders/meetings/new/?orders={cast.order.code}")
    assert response.status_code == 200
    form = response.context["form"]
    assert form["orders"].value() == cast.order.code and form["street"].value() == cast.street.pk
    assert form["topic"].value() == f"{cast.order.code}：小区围墙倒塌，占用人行道"
    html = response.content.decode()
    assert f'value="{cast.order.code}"' in html and f'href="/workorders/{cast.order.code}/"' in html
    # an order the user cannot see is left as typed, for the form to refuse on submit
    response = client_for("other_street_admin").get(f"/workorders/meetings/new/?orders={cast.order.code}")
    assert response.context["form"]["orders"].value() == cast.order.code and response.context["about"] == []
    assert "小区围墙倒塌" not in response.content.decode()


def test_the_meeting_page_links_its_orders_and_tasks(cast, client_for):
    meeting = convene(cast)
    task = m.meeting_add_task(meeting=meeting, department=cast.department, text="清运", about=cast.order,
                              deadline=datetime.date(2099, 12, 31), actor=cast.street_admin)
    html = client_for("street_admin").get(f"/workorders/meetings/{meeting.pk}/").content.decode()
    assert f'href="/workorders/{cast.order.code}/"' in html and f'href="/workorders/{task.order.code}/"' in html


# -- API ---------------------------------------------------------------------------------------------------


def test_the_api_lists_meetings_in_scope(cast, client_for, client):
    meeting = convene(cast)
    assert client.get("/api/v1/joint-meetings/").status_code == 401
    assert client_for("stranger").get("/api/v1/joint-meetings/").status_code == 404
    assert client_for("resident_a").get("/api/v1/joint-meetings/").status_code == 404
    assert client_for("other_street_admin").get("/api/v1/joint-meetings/").json()["results"] == []
    assert client_for("other_street_admin").get(f"/api/v1/joint-meetings/{meeting.pk}/").status_code == 404
    body = client_for("parks_handler").get(f"/api/v1/joint-meetings/{meeting.pk}/").json()
    assert body["street"] == cast.street.code and [o["code"] for o in body["linked_orders"]] == [cast.order.code]


def test_convening_through_the_api(cast, client_for):
    data = {"street": cast.street.code, "title": "围墙倒塌", "scheduled_at": "2026-11-23T09:30:00+08:00",
            "orders": [cast.order.code], "departments": [cast.department.pk]}
    assert post(client_for("auditor"), "/api/v1/joint-meetings/", data).status_code == 403
    assert post(client_for("department_handler"), "/api/v1/joint-meetings/", data).status_code == 403
    assert JointMeeting.objects.count() == 0
    response = post(client_for("street_admin"), "/api/v1/joint-meetings/", data)
    assert response.status_code == 201, response.content
    assert [i["department_name"] for i in response.json()["invites"]] == ["大渡口区城市管理局"]


def test_the_whole_meeting_through_the_api(cast, client_for):
    meeting = convene(cast)
    base = f"/api/v1/joint-meetings/{meeting.pk}"
    assert post(client_for("street_admin"), f"{base}/report/", {"department": cast.department.pk}).status_code == 403
    response = post(client_for("department_handler"), f"{base}/report/",
                    {"department": cast.department.pk, "attendees": "王科长"})
    assert response.status_code == 200 and response.json()["attendees"] == "王科长"
    twice = post(client_for("department_handler"), f"{base}/report/", {"department": cast.department.pk})
    assert (twice.status_code, twice.json()["code"]) == (409, "meeting_step_refused")
    assert post(client_for("department_handler"), f"{base}/minutes/", {"minutes": "x"}).status_code == 403
    assert post(client_for("street_admin"), f"{base}/minutes/", {"minutes": "现场会", "decisions": "城管清运"}).status_code == 200
    response = post(client_for("street_admin"), f"{base}/tasks/", {
        "department": cast.department.pk, "text": "清运", "deadline": "2099-12-31", "about": cast.order.code})
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "dispatched"
    assert post(client_for("auditor"), f"{base}/close/", {}).status_code == 403
    response = post(client_for("street_admin"), f"{base}/close/", {"note": "完成"})
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert cast.order.events.filter(kind="joint_meeting").count() == 4  # convene, minutes, task, close
