"""Issue 15 item 6 — joint meetings (吹哨报到) close their loop. Each test reproduces what was seen on the demo:

* a department replied to and closed the task a meeting gave it, and the order the meeting was about never
  showed it (北京市接诉即办工作条例 第十六条: the departments report and deliver; the street answers for the order);
* the department's notification of its task did not link to the meeting;
* minutes written and the meeting closed before its scheduled time, and departments that never reported (报到),
  were accepted silently;
* the task order's callback (回访, 第二十三条) asked whether "the reporter" was reached, on an order that has none.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from linli.core.testing import make_user
from linli.meetings import services as m
from linli.notify.models import Notification
from linli.people.models import Organization, Role
from linli.workorders import services as s

NOON = timezone.make_aware(datetime.datetime(2026, 11, 20, 12, 0))
MEETING_AT = timezone.make_aware(datetime.datetime(2026, 11, 23, 9, 30))
AFTER = timezone.make_aware(datetime.datetime(2026, 11, 23, 11, 0))
DEADLINE = datetime.date(2026, 11, 27)


@pytest.fixture
def cast(desk):
    desk.parks = Organization.objects.create(name="大渡口区园林绿化局", kind="department", field="landscaping",
                                             division=desk.district)
    desk.parks_handler = make_user("parks_handler", Role.DEPARTMENT_HANDLER, organization=desk.parks)
    desk.order = s.workorder_create(channel="resident", text="小区围墙倒塌，占用人行道", category="repair",
                                    reporter=desk.resident, place=s.resolve_place(estate=desk.estate_a), now=NOON)
    desk.meeting = m.meeting_convene(street=desk.street, title="锦霞小区围墙倒塌处置", scheduled_at=MEETING_AT,
                                     place="街道三楼会议室", orders=[desk.order],
                                     departments=[desk.department, desk.parks], actor=desk.street_admin, now=NOON)
    return desk


def meeting_url(meeting):
    return reverse("meetings:meeting_detail", args=[meeting.pk])


def order_url(order):
    return reverse("workorders:order", args=[order.code])


def give_task(w, **kw):
    kw.setdefault("meeting", w.meeting)
    kw.setdefault("department", w.department)
    kw.setdefault("text", "清运倒塌围墙的建筑垃圾")
    kw.setdefault("deadline", DEADLINE)
    kw.setdefault("about", w.order)
    kw.setdefault("actor", w.street_admin)
    kw.setdefault("now", AFTER)
    return m.meeting_add_task(**kw)


# -- 1. the task's reply and closing show on the order the meeting was about, with links both ways ------------


def test_the_tasks_reply_and_closing_show_on_the_parent_order(cast):
    task = give_task(cast).order
    s.workorder_accept(order=task, actor=cast.department_handler)
    s.workorder_reply(order=task, actor=cast.department_handler, text="建筑垃圾已清运完毕")
    echo = cast.order.events.filter(kind="joint_meeting").last()
    assert echo.data["step"] == "task_reply"
    assert (echo.data["task"], echo.data["task_code"], echo.data["meeting"]) == (task.pk, task.code, cast.meeting.pk)
    assert echo.note == f"任务工单 {task.code}（大渡口区城市管理局）办结反馈：建筑垃圾已清运完毕"
    assert echo.to_status == echo.from_status == cast.order.status  # the parent's own status is untouched

    # the convening street checks the work (验收) and closes the task order: both show on the parent
    task = s.workorder_visit(order=task, actor=cast.street_admin, solved=True, satisfaction="satisfied")
    s.workorder_close(order=task, actor=cast.street_admin, note="现场已核实")
    steps = list(cast.order.events.filter(kind="joint_meeting").values_list("data__step", flat=True))
    assert steps[-3:] == ["task_reply", "task_visit", "task_close"]
    assert cast.order.events.last().note == f"任务工单 {task.code}（大渡口区城市管理局）已结案：现场已核实"


def test_a_task_sent_back_or_reopened_shows_on_the_parent_too(cast):
    task = give_task(cast).order
    s.workorder_return(order=task, actor=cast.department_handler, reason="不属于城管职责")
    last = cast.order.events.last()
    assert (last.kind, last.data["step"]) == ("joint_meeting", "task_return")
    assert "退单：不属于城管职责" in last.note


def test_a_task_without_an_order_it_is_about_writes_nowhere_else(cast):
    task = give_task(cast, about=None).order
    before = cast.order.events.count()
    s.workorder_accept(order=task, actor=cast.department_handler)
    s.workorder_reply(order=task, actor=cast.department_handler, text="已完成")
    assert cast.order.events.count() == before


def test_the_parent_and_the_task_order_link_each_other_and_the_meeting(cast, client_for):
    task = give_task(cast).order
    s.workorder_accept(order=task, actor=cast.department_handler)
    s.workorder_reply(order=task, actor=cast.department_handler, text="建筑垃圾已清运完毕")
    admin = client_for("street_admin")
    html = admin.get(order_url(cast.order)).content.decode()
    assert f'href="{order_url(task)}"' in html and f'href="{meeting_url(cast.meeting)}"' in html
    assert "办结反馈：建筑垃圾已清运完毕" in html
    html = admin.get(order_url(task)).content.decode()
    assert f'href="{order_url(cast.order)}"' in html and f'href="{meeting_url(cast.meeting)}"' in html
    # the department sees its task order, the meeting it came from and the order it is about (which it may see)
    html = client_for("department_handler").get(order_url(task)).content.decode()
    assert f'href="{meeting_url(cast.meeting)}"' in html and f'href="{order_url(cast.order)}"' in html
    # a community admin sees the task order of its estate but not the street's meeting: no link to a 404
    html = client_for("community_admin").get(order_url(task)).content.decode()
    assert f'href="{order_url(cast.order)}"' in html and f'href="{meeting_url(cast.meeting)}"' not in html
    # the resident follows the parent: the department's answer shows, the staff pages are not linked
    html = client_for("resident_a").get(order_url(cast.order)).content.decode()
    assert "办结反馈：建筑垃圾已清运完毕" in html
    assert f'href="{meeting_url(cast.meeting)}"' not in html and f'href="{order_url(task)}"' not in html


# -- 2. the department's notifications link to the meeting -----------------------------------------------------


def test_the_invitation_and_the_task_link_the_department_to_the_meeting(cast):
    inbox = Notification.objects.filter(user=cast.department_handler).order_by("id")
    invitation = inbox.get()
    assert invitation.link == meeting_url(cast.meeting) and "锦霞小区围墙倒塌处置" in invitation.title
    task = give_task(cast)
    news = list(inbox.exclude(pk=invitation.pk))
    assert len(news) == 1, [n.title for n in news]  # one notification of the task, not a bare "新工单" as well
    note = news[0]
    assert note.link == f"{meeting_url(cast.meeting)}#task-{task.pk}"
    assert note.kind == "meeting" and "锦霞小区围墙倒塌处置" in note.title and task.order.code in note.title
    assert "2026-11-27" in note.body and order_url(task.order) in note.body


def test_the_meeting_page_anchors_each_task_and_links_its_order(cast, client_for):
    task = give_task(cast)
    html = client_for("department_handler").get(meeting_url(cast.meeting)).content.decode()
    assert f'id="task-{task.pk}"' in html and f'href="{order_url(task.order)}"' in html


# -- 3. early minutes, early closing and absent departments are flagged ----------------------------------------


def test_minutes_before_the_scheduled_time_and_absent_departments_are_flagged(cast):
    m.meeting_report(invite=cast.meeting.invites.get(department=cast.department), actor=cast.department_handler,
                     now=NOON)
    meeting = m.meeting_record_minutes(meeting=cast.meeting, actor=cast.street_admin, minutes="现场会",
                                       decisions="城管清运", now=NOON)
    event = cast.order.events.last()
    assert event.data["absent"] == ["大渡口区园林绿化局"] and event.data["early"] is True
    assert "缺席：大渡口区园林绿化局" in event.note and "早于召开时间" in event.note
    assert meeting.flags == ["minutes_early", "absent"]
    assert [i.department.name for i in meeting.absent_invites] == ["大渡口区园林绿化局"]


def test_minutes_on_time_with_everyone_present_carry_no_flag(cast):
    for invite, who in ((cast.department, cast.department_handler), (cast.parks, cast.parks_handler)):
        m.meeting_report(invite=cast.meeting.invites.get(department=invite), actor=who, now=MEETING_AT)
    meeting = m.meeting_record_minutes(meeting=cast.meeting, actor=cast.street_admin, minutes="现场会", now=AFTER)
    event = cast.order.events.last()
    assert event.data["absent"] == [] and event.data["early"] is False
    assert "缺席" not in event.note and "早于" not in event.note
    assert meeting.flags == []


def test_a_department_reporting_after_the_minutes_was_absent_from_the_meeting(cast):
    meeting = m.meeting_record_minutes(meeting=cast.meeting, actor=cast.street_admin, minutes="现场会", now=AFTER)
    late = timezone.make_aware(datetime.datetime(2026, 11, 23, 15, 0))
    m.meeting_report(invite=meeting.invites.get(department=cast.parks), actor=cast.parks_handler, now=late)
    meeting.refresh_from_db()
    assert sorted(i.department.name for i in meeting.absent_invites) == ["大渡口区园林绿化局", "大渡口区城市管理局"]


def test_closing_before_the_scheduled_time_needs_a_reason_and_is_flagged(cast):
    m.meeting_record_minutes(meeting=cast.meeting, actor=cast.street_admin, minutes="书面会商", now=NOON)
    with pytest.raises(ValidationError) as refused:
        m.meeting_close(meeting=cast.meeting, actor=cast.street_admin, now=NOON)
    assert list(refused.value.message_dict) == ["note"]
    meeting = m.meeting_close(meeting=cast.meeting, actor=cast.street_admin, note="各部门书面会签，提前结束", now=NOON)
    assert meeting.status == "closed" and meeting.flags == ["minutes_early", "closed_early", "absent"]
    event = cast.order.events.last()
    assert event.data["step"] == "close" and event.data["early"] is True
    assert event.data["absent"] == ["大渡口区城市管理局", "大渡口区园林绿化局"]
    assert "提前结束" in event.note and "缺席：大渡口区城市管理局、大渡口区园林绿化局" in event.note


def test_the_flags_show_on_the_meeting_page_and_in_the_api(cast, client_for):
    m.meeting_report(invite=cast.meeting.invites.get(department=cast.department), actor=cast.department_handler,
                     now=NOON)
    m.meeting_record_minutes(meeting=cast.meeting, actor=cast.street_admin, minutes="现场会", now=NOON)
    m.meeting_close(meeting=cast.meeting, actor=cast.street_admin, note="书面会签", now=NOON)
    html = client_for("street_admin").get(meeting_url(cast.meeting)).content.decode()
    parks = cast.meeting.invites.get(department=cast.parks)
    row = html[html.index(f'id="invite-{parks.pk}"'):]
    assert "缺席" in row[:row.index("</tbody>")]
    assert 'id="meeting-flags"' in html and "提前结束" in html and "纪要早于召开时间" in html
    body = client_for("street_admin").get(f"/api/v1/joint-meetings/{cast.meeting.pk}/").json()
    assert body["flags"] == ["minutes_early", "closed_early", "absent"]
    assert {i["department_name"]: i["absent"] for i in body["invites"]} == {
        "大渡口区城市管理局": False, "大渡口区园林绿化局": True}


def test_closing_before_time_from_the_page_without_a_reason_names_the_field(cast, client_for):
    future = timezone.make_aware(datetime.datetime(2099, 1, 4, 9, 30))
    meeting = m.meeting_convene(street=cast.street, title="提前会商", scheduled_at=future, topic="挡墙排查",
                                departments=[cast.department], actor=cast.street_admin)
    m.meeting_record_minutes(meeting=meeting, actor=cast.street_admin, minutes="书面会商")
    client = client_for("street_admin")
    response = client.post(f"{meeting_url(meeting)}close/", {"note": ""})
    assert response.status_code == 400 and "提前结束须说明理由" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "held"
    assert client.post(f"{meeting_url(meeting)}close/", {"note": "书面会签"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "closed" and meeting.flags == ["minutes_early", "closed_early", "absent"]


# -- 4. the task order's callback does not ask about a reporter it does not have -------------------------------


def test_the_task_orders_callback_is_the_convening_streets_check_not_a_reporter_callback(cast, client_for):
    task = give_task(cast).order
    s.workorder_accept(order=task, actor=cast.department_handler)
    before = set(Notification.objects.values_list("pk", flat=True))
    s.workorder_reply(order=task, actor=cast.department_handler, text="建筑垃圾已清运完毕")
    titles = set(Notification.objects.exclude(pk__in=before).values_list("title", flat=True))
    assert titles == {f"任务工单 {task.code} 已办结反馈，请召集街道验收"}
    html = client_for("street_admin").get(order_url(task)).content.decode()
    assert "是否联系上反映人" not in html and "反映人" not in html
    assert "交办方" in html and "九宫庙街道" in html and "验收" in html
    task = s.workorder_visit(order=task, actor=cast.street_admin, solved=True, satisfaction="satisfied")
    assert task.reached is None and task.events.last().data["reached"] is None


def test_an_ordinary_orders_callback_still_asks_about_the_reporter(cast, client_for):
    order = cast.order
    s.workorder_dispatch(order=order, to=cast.committee, actor=cast.street_admin)
    s.workorder_accept(order=order, actor=cast.community_admin)
    s.workorder_reply(order=order, actor=cast.community_admin, text="已清运")
    html = client_for("street_admin").get(order_url(order)).content.decode()
    assert "是否联系上反映人" in html and "反映人" in html
