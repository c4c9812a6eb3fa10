"""Joint meetings (街乡吹哨、部门报到, 北京市接诉即办工作条例 第十六条、第三十三条): the services.

    convene (street admin) → invite departments → each department reports (报到) → minutes and decisions
    (status "held") → tasks to departments (each a work order, dispatched to the department) → close

Who may do what is in linli/meetings/permissions.py; each step checks it itself.

Every function is keyword-only, validates, runs in one transaction and returns the object. The meeting's
steps show on the work orders it is about as ``joint_meeting`` events (append-only).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.assembly import services as assembly
from linli.assembly.models import Meeting as AssemblyMeeting
from linli.core.errors import Conflict
from linli.meetings.models import JointMeeting, JointMeetingInvite, JointMeetingOrder, JointMeetingTask
from linli.meetings.permissions import can_convene, can_manage_meeting, can_report
from linli.meetings.permissions import require as _require
from linli.notify.services import notify
from linli.people.models import Organization
from linli.people.scopes import scope_for
from linli.workorders import services
from linli.workorders.models import (
    Channel,
    Level,
    Tier,
    WorkOrder,
    WorkOrderEvent,
)
from linli.workorders.notify import org_users

Status = JointMeeting.Status


class MeetingStepRefused(Conflict):
    """A meeting step its status does not allow (reporting to a closed meeting, minutes twice …); API: 409."""

    default_code = "meeting_step_refused"


def _check_open(meeting: JointMeeting) -> None:
    if meeting.status == Status.CLOSED:
        raise MeetingStepRefused(_("会议已结束，不能再修改"))


def _lock(meeting: JointMeeting) -> JointMeeting:
    return JointMeeting.objects.select_for_update().select_related("street").get(pk=meeting.pk)


def _meeting_event(order: WorkOrder, meeting: JointMeeting, *, actor, note: str, data: dict, now) -> WorkOrderEvent:
    """An append-only ``joint_meeting`` event on a work order; the order's status does not change."""
    return WorkOrderEvent.objects.create(
        order=order, kind=WorkOrderEvent.Type.JOINT_MEETING, from_status=order.status, to_status=order.status,
        actor=actor, at=now, note=note, data={"meeting": meeting.pk, "title": meeting.title, **data},
    )


def _departments_ok(meeting: JointMeeting, departments) -> None:
    street_path = meeting.street.path
    for dept in departments:
        if dept.kind != Organization.Kind.DEPARTMENT:
            raise ValidationError({"departments": _("「%(n)s」不是职能部门") % {"n": dept}})
        path = dept.division.path if dept.division_id else ""
        # A department serves its district (an ancestor of the street) or sits inside the street.
        if not path or not (street_path.startswith(path) or path.startswith(street_path)):
            raise ValidationError({"departments": _("「%(n)s」不在本街道所属区域") % {"n": dept}})


def _orders_ok(meeting: JointMeeting, orders, actor) -> None:
    visible = set(WorkOrder.objects.visible_to(actor).filter(pk__in=[o.pk for o in orders]).values_list("pk", flat=True))
    for order in orders:
        if order.pk not in visible or order.street_id != meeting.street_id:
            raise ValidationError({"orders": _("工单 %(c)s 不属于本街道") % {"c": order.code}})


# -- the steps -------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_convene(
    *,
    street,
    title: str,
    scheduled_at: datetime.datetime,
    actor,
    topic: str = "",
    place: str = "",
    orders=(),
    departments=(),
    now: datetime.datetime | None = None,
) -> JointMeeting:
    """街道吹哨: a street admin calls a meeting about work orders or a topic and invites departments."""
    now = now or timezone.now()
    _require(can_convene(actor, street), _("只有本街道的管理员可以召集吹哨报到会议"))
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("请填写会议名称")})
    if scheduled_at is None:
        raise ValidationError({"scheduled_at": _("请填写召开时间")})
    orders, departments = list(orders), list(departments)
    if not orders and not (topic or "").strip():
        raise ValidationError({"topic": _("请关联工单或填写议题")})
    meeting = JointMeeting(street=street, title=title[:120], topic=(topic or "").strip(), scheduled_at=scheduled_at,
                           place=(place or "").strip()[:120], convened_by=actor, convened_at=now)
    _departments_ok(meeting, departments)
    _orders_ok(meeting, orders, actor)
    meeting.save()
    _link(meeting, orders, actor=actor, now=now)
    _invite(meeting, departments, actor=actor, now=now)
    return meeting


def _link(meeting, orders, *, actor, now):
    when = f"{timezone.localtime(meeting.scheduled_at):%Y-%m-%d %H:%M}"
    for order in orders:
        if JointMeetingOrder.objects.filter(meeting=meeting, order=order).exists():
            continue
        JointMeetingOrder.objects.create(meeting=meeting, order=order, added_by=actor, added_at=now)
        _meeting_event(order, meeting, actor=actor, now=now, data={"step": "convene"},
                       note=_("提请吹哨报到会议「%(t)s」（%(w)s）") % {"t": meeting.title, "w": when})


def _invite(meeting, departments, *, actor, now):
    invited = []
    for dept in departments:
        invite, created = JointMeetingInvite.objects.get_or_create(
            meeting=meeting, department=dept, defaults={"invited_by": actor, "invited_at": now})
        if created:
            invited.append(invite)
            notify(users=org_users(dept), title=_("吹哨报到：请于 %(w)s 到「%(p)s」参加「%(t)s」") % {
                "w": f"{timezone.localtime(meeting.scheduled_at):%m-%d %H:%M}", "p": meeting.place or "—",
                "t": meeting.title}, body=meeting.topic, kind="meeting",
                link=reverse("meetings:meeting_detail", args=[meeting.pk]), key=f"meeting:{meeting.pk}:invite:{dept.pk}")
    return invited


@transaction.atomic
def meeting_invite(*, meeting: JointMeeting, departments, actor, now=None) -> list[JointMeetingInvite]:
    """Invite more departments; departments already invited are left as they are."""
    now = now or timezone.now()
    meeting = _lock(meeting)
    _require(can_manage_meeting(actor, meeting))
    _check_open(meeting)
    departments = list(departments)
    if not departments:
        raise ValidationError({"departments": _("请选择要邀请的部门")})
    _departments_ok(meeting, departments)
    return _invite(meeting, departments, actor=actor, now=now)


@transaction.atomic
def meeting_link_orders(*, meeting: JointMeeting, orders, actor, now=None) -> JointMeeting:
    """Add work orders of the street to the meeting's matters."""
    now = now or timezone.now()
    meeting = _lock(meeting)
    _require(can_manage_meeting(actor, meeting))
    _check_open(meeting)
    orders = list(orders)
    _orders_ok(meeting, orders, actor)
    _link(meeting, orders, actor=actor, now=now)
    return meeting


@transaction.atomic
def meeting_report(*, invite: JointMeetingInvite, actor, attendees: str = "", now=None) -> JointMeetingInvite:
    """部门报到: the invited department reports, with its time and who came. Once per department."""
    now = now or timezone.now()
    invite = JointMeetingInvite.objects.select_for_update().select_related("meeting", "department").get(pk=invite.pk)
    _require(can_report(actor, invite), _("只有被邀请部门的人员可以报到"))
    _check_open(invite.meeting)
    if invite.reported_at is not None:
        raise MeetingStepRefused(_("%(d)s 已于 %(t)s 报到") % {
            "d": invite.department, "t": f"{timezone.localtime(invite.reported_at):%Y-%m-%d %H:%M}"})
    invite.reported_at = now
    invite.reported_by = actor
    invite.attendees = (attendees or "").strip()[:200] or str(getattr(actor, "display_name", "") or actor)
    invite.save(update_fields=["reported_at", "reported_by", "attendees"])
    return invite


@transaction.atomic
def meeting_record_minutes(*, meeting: JointMeeting, actor, minutes: str, decisions: str = "",
                           now=None) -> JointMeeting:
    """The minutes and decisions; the meeting is then held, and the outcome shows on every linked order."""
    now = now or timezone.now()
    meeting = _lock(meeting)
    _require(can_manage_meeting(actor, meeting))
    _check_open(meeting)
    minutes, decisions = (minutes or "").strip(), (decisions or "").strip()
    if not minutes:
        raise ValidationError({"minutes": _("请填写会议纪要")})
    first = meeting.status == Status.PLANNED
    meeting.minutes, meeting.decisions = minutes, decisions
    meeting.status = Status.HELD
    meeting.held_at = meeting.held_at or now
    meeting.save(update_fields=["minutes", "decisions", "status", "held_at"])
    reported = list(meeting.invites.filter(reported_at__isnull=False, reported_at__lte=meeting.held_at)
                    .order_by("id").values_list("department__name", flat=True))
    absent = [i.department.name for i in meeting.absent_invites]
    summary = decisions or minutes
    note = (_("吹哨报到会议「%(t)s」议定：%(s)s") if first else _("吹哨报到会议「%(t)s」纪要更正：%(s)s")) % {
        "t": meeting.title, "s": summary[:500]}
    note += _flag_note(meeting, absent=absent, early=meeting.minutes_early,
                       early_text=_("纪要登记时间早于召开时间 %(w)s"))
    orders = WorkOrder.objects.filter(meeting_links__meeting=meeting).order_by("pk")
    for order in orders:
        _meeting_event(order, meeting, actor=actor, now=now, note=note,
                       data={"step": "minutes", "minutes": minutes[:2000], "decisions": decisions[:2000],
                             "reported": reported, "absent": absent, "early": meeting.minutes_early})
    return meeting


def _flag_note(meeting: JointMeeting, *, absent: list[str], early: bool, early_text: str) -> str:
    """What the record flags, appended to the note on the orders: early (before the scheduled time) and 缺席."""
    parts = []
    if early:
        parts.append(early_text % {"w": f"{timezone.localtime(meeting.scheduled_at):%Y-%m-%d %H:%M}"})
    if absent:
        parts.append(_("缺席：%(d)s") % {"d": "、".join(absent)})
    return "".join(f"（{p}）" for p in parts)


@transaction.atomic
def meeting_add_task(*, meeting: JointMeeting, department: Organization, text: str, deadline: datetime.date, actor,
                     title: str = "", about: WorkOrder | None = None, tier: str = Tier.HARD,
                     now=None) -> JointMeetingTask:
    """A task for a department: a work order (channel joint_meeting, level department) dispatched to it at once,
    whose reply deadline is the end of ``deadline``. ``about`` (one of the meeting's orders) gives its place."""
    now = now or timezone.now()
    meeting = _lock(meeting)
    _require(can_manage_meeting(actor, meeting))
    _check_open(meeting)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("请填写任务内容")})
    if deadline is None:
        raise ValidationError({"deadline": _("请填写完成期限")})
    if deadline < timezone.localtime(now).date():
        raise ValidationError({"deadline": _("完成期限不能早于今天")})
    if not meeting.invites.filter(department=department).exists():
        raise ValidationError({"department": _("只能向已邀请的部门交办任务")})
    if about is not None:
        if not meeting.links.filter(order=about).exists():
            raise ValidationError({"about": _("只能关联本会议的工单")})
        place = services.resolve_place(home=about.home, building=about.building, estate=about.estate,
                                       community=about.community, street=about.street or meeting.street)
    else:
        place = services.resolve_place(street=meeting.street)
    order = services.workorder_create(
        channel=Channel.JOINT_MEETING, text=text, title=title or _("吹哨报到任务：%(t)s") % {"t": meeting.title},
        actor=actor, place=place, level=Level.DEPARTMENT, tier=tier, auto_route=False,
        address=about.address if about is not None else "", category=about.category if about is not None else "",
        now=now,
    )
    # The department hears of the task once, from the meeting (below), not also as a bare "新工单".
    order = services.workorder_dispatch(order=order, to=department, actor=actor,
                                        note=_("吹哨报到会议「%(t)s」交办") % {"t": meeting.title}, now=now,
                                        notify_handlers=False)
    # The meeting's deadline replaces the default time limit: the end of that day, local time.
    end = timezone.make_aware(datetime.datetime.combine(deadline, datetime.time(23, 59, 59)))
    WorkOrder.objects.filter(pk=order.pk).update(reply_due=end)
    order.reply_due = end
    task = JointMeetingTask.objects.create(meeting=meeting, order=order, department=department, deadline=deadline,
                                           created_by=actor, created_at=now)
    _meeting_event(order, meeting, actor=actor, now=now,
                   note=_("吹哨报到会议交办 %(d)s，期限 %(dl)s") % {"d": department, "dl": deadline.isoformat()},
                   data={"step": "task", "department": department.pk, "deadline": deadline.isoformat(),
                         "about": about.pk if about is not None else None,
                         "about_code": about.code if about is not None else ""})
    meeting_link = reverse("meetings:meeting_detail", args=[meeting.pk])
    notify(users=org_users(department), kind="meeting", key=f"meeting:{meeting.pk}:task:{task.pk}",
           link=f"{meeting_link}#task-{task.pk}",
           title=_("吹哨报到会议「%(t)s」交办任务工单 %(c)s") % {"t": meeting.title[:60], "c": order.code},
           body=_("%(text)s\n完成期限：%(dl)s\n任务工单：%(url)s\n会议：%(m)s") % {
               "text": text[:200], "dl": deadline.isoformat(), "url": reverse("workorders:order", args=[order.code]),
               "m": meeting_link})
    if about is not None:
        _meeting_event(about, meeting, actor=actor, now=now, data={"step": "task", "task": order.pk},
                       note=_("交办 %(d)s 任务工单 %(c)s，期限 %(dl)s") % {
                           "d": department, "c": order.code, "dl": deadline.isoformat()})
    return task


@transaction.atomic
def meeting_close(*, meeting: JointMeeting, actor, note: str = "", now=None) -> JointMeeting:
    """End the meeting's record (after the minutes); its tasks go on as work orders.

    Closing before the scheduled time is not refused (a meeting held in writing, or brought forward, is real) but
    needs a reason and is flagged: the closing event on every linked order says 提前结束 and names the
    departments that never reported (缺席), and so do the meeting's page and API (``JointMeeting.flags``)."""
    now = now or timezone.now()
    meeting = _lock(meeting)
    _require(can_manage_meeting(actor, meeting))
    if meeting.status != Status.HELD:
        raise MeetingStepRefused(_("会议状态为「%(s)s」，登记纪要后才能结束") % {"s": meeting.get_status_display()})
    early = now < meeting.scheduled_at
    note = (note or "").strip()
    if early and not note:
        raise ValidationError({"note": _("会议召开时间 %(w)s 未到，提前结束须说明理由") % {
            "w": f"{timezone.localtime(meeting.scheduled_at):%Y-%m-%d %H:%M}"}})
    meeting.status = Status.CLOSED
    meeting.closed_at = now
    meeting.save(update_fields=["status", "closed_at"])
    absent = [i.department.name for i in meeting.absent_invites]
    text = (_("吹哨报到会议「%(t)s」结束") % {"t": meeting.title}) + (f"：{note}" if note else "")
    text += _flag_note(meeting, absent=absent, early=early, early_text=_("提前结束，早于召开时间 %(w)s"))
    for order in WorkOrder.objects.filter(meeting_links__meeting=meeting).order_by("pk"):
        _meeting_event(order, meeting, actor=actor, now=now, note=text,
                       data={"step": "close", "early": early, "absent": absent})
    return meeting


def meeting_actions(user, meeting: JointMeeting) -> dict:
    """What ``user`` may do on ``meeting`` now (for buttons on pages and in the API)."""
    manage = can_manage_meeting(user, meeting)
    open_ = meeting.status != Status.CLOSED
    own = scope_for(user).own_org_ids if user is not None else frozenset()
    return {
        "manage": manage and open_,
        "close": manage and meeting.status == Status.HELD,
        "report": [i.pk for i in meeting.invites.all() if open_ and i.reported_at is None and i.department_id in own],
    }


# -- a deliberation meeting's matter sent straight to a joint meeting (issue 19 item 7; helper "linkage") ----------


@transaction.atomic
def matter_to_joint_meeting(*, meeting, text: str, actor, joint_meeting: JointMeeting | None = None,
                            scheduled_at: datetime.datetime | None = None, decision=None,
                            now=None) -> JointMeeting:
    """A 议事会 (linli.assembly Meeting at building, estate, community or street level) passes a matter it cannot
    settle straight to the street's joint meeting (吹哨报到, 北京市接诉即办工作条例 第十六条): added to the topic of
    ``joint_meeting`` (one not yet closed) or to a new one convened for ``scheduled_at``. Only the street's admins
    convene; the assembly keeps the referral and an event on the meeting it came from, the joint meeting's topic
    says where the matter came from."""
    now = now or timezone.now()
    street = assembly.street_of(meeting)
    _require(can_convene(actor, street), _("只有本街道的管理员可以召集吹哨报到会议"))
    if not (text or "").strip():
        raise ValidationError({"text": _("请写明上报的事项")})
    if meeting.status != AssemblyMeeting.Status.HELD:
        raise ValidationError(_("会议召开后才能上报事项"))
    origin = _("【%(place)s%(kind)s《%(title)s》（%(day)s）上报】%(text)s") % {
        "place": meeting.estate or meeting.division, "kind": meeting.get_kind_display(), "title": meeting.title,
        "day": meeting.held_on.isoformat(), "text": text.strip()}
    if joint_meeting is not None:
        joint_meeting = _lock(joint_meeting)
        if joint_meeting.street_id != street.pk:
            raise ValidationError({"joint_meeting": _("只能提交到本街道的吹哨报到会议")})
        _check_open(joint_meeting)
        joint_meeting.topic = (joint_meeting.topic + "\n" if joint_meeting.topic else "") + origin
        joint_meeting.save(update_fields=["topic"])
    else:
        if scheduled_at is None:
            raise ValidationError({"scheduled_at": _("请填写召开时间")})
        joint_meeting = meeting_convene(street=street, title=_("上报事项：%(t)s") % {"t": text.strip()[:60]},
                                        scheduled_at=scheduled_at, topic=origin, actor=actor, now=now)
    assembly.matter_record_joint_referral(meeting=meeting, text=text, joint_meeting_id=joint_meeting.pk,
                                          decision=decision, actor=actor, now=now)
    return joint_meeting
