"""The demo's joint meetings (吹哨报到): one concluded about the unmanaged 金桥二村, one upcoming about a topic."""

import io

import pytest
from django.utils import timezone

from linli.meetings import demo
from linli.meetings.models import JointMeeting, JointMeetingInvite, JointMeetingTask
from linli.people.models import User
from linli.workorders.models import WorkOrder, WorkOrderEvent


@pytest.fixture
def held(loaded, db):
    return JointMeeting.objects.get(title=demo.HELD_TITLE)


def test_there_is_a_concluded_meeting_and_an_upcoming_one(held):
    upcoming = JointMeeting.objects.get(title=demo.UPCOMING_TITLE)
    assert (held.status, upcoming.status) == ("closed", "planned")
    assert held.scheduled_at < timezone.now() < upcoming.scheduled_at
    assert held.minutes and "区城市管理局 3 日内清运" in held.decisions
    assert upcoming.links.count() == 0 and upcoming.topic.startswith("入汛在即")
    assert list(upcoming.invites.values_list("reported_at", flat=True)) == [None, None, None]


def test_the_departments_reported_one_of_them_late(held):
    reports = {i.department.name: (i.reported_by.username, i.late) for i in held.invites.select_related(
        "department", "reported_by")}
    assert reports == {"大渡口区城市管理局": ("department_handler", False), "大渡口区消防救援支队": ("demo_fire", False),
                       "大渡口区住房和城乡建设委员会": ("demo_housing", True)}
    # the people of 住建 and 消防 have no password: only the printed logins sign in
    assert not any(u.has_usable_password() for u in User.objects.filter(username__in=["demo_fire", "demo_housing"]))


def test_one_task_is_done_and_one_is_under_way_before_its_deadline(held):
    tasks = {t.department.name: t for t in held.tasks.select_related("order", "department")}
    done, open_ = tasks["大渡口区城市管理局"].order, tasks["大渡口区住房和城乡建设委员会"].order
    assert (done.status, done.satisfaction, done.channel) == ("closed", "satisfied", "joint_meeting")
    assert (open_.status, open_.overdue) == ("in_progress", False)
    assert tasks["大渡口区住房和城乡建设委员会"].deadline > timezone.localdate()
    assert open_.reply_due > timezone.now()


def test_the_outcome_shows_on_the_order_the_meeting_was_about(held):
    order = WorkOrder.objects.get(text=demo.HELD_ABOUT)
    steps = [e.data["step"] for e in order.events.filter(kind="joint_meeting").order_by("at", "id")]
    # the task 城管 delivered answers on the order: reply, the street's check (验收), closing (issue 15 item 6)
    assert steps == ["convene", "minutes", "task", "task", "close", "task_reply", "task_visit", "task_close"]
    minutes = order.events.get(kind="joint_meeting", data__step="minutes")
    assert minutes.note.startswith(f"吹哨报到会议「{demo.HELD_TITLE}」议定：一、区城市管理局")
    assert sorted(minutes.data["reported"]) == sorted(["大渡口区城市管理局", "大渡口区消防救援支队", "大渡口区住房和城乡建设委员会"])


def test_loading_again_changes_nothing(held):
    def counts():
        return [M.objects.count() for M in (JointMeeting, JointMeetingInvite, JointMeetingTask, WorkOrder,
                                            WorkOrderEvent, User)]

    before, out = counts(), io.StringIO()
    demo.load(out=lambda line: out.write(line + "\n"))
    assert "吹哨报到演示会议已存在" in out.getvalue()
    assert counts() == before
