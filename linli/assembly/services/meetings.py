"""Deliberation meetings: scheduling, minutes, decisions, follow-up tasks (and their work orders)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.assembly import permissions
from linli.assembly.models import (
    Attendance,
    Decision,
    FollowUpTask,
    Level,
    Meeting,
    MeetingEvent,
)
from linli.places.models import Division, Estate
from linli.workorders import services as workorders

# -- meetings ----------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_schedule(
    *,
    kind: str,
    level: str,
    title: str,
    notified_on: datetime.date,
    held_on: datetime.date,
    actor,
    estate: Estate | None = None,
    building=None,
    division: Division | None = None,
    place: str = "",
    agenda: str = "",
) -> Meeting:
    """Give notice of a meeting. An owners' assembly is notified 15 days or more before it meets."""
    permissions.require(permissions.can_write(actor, estate=estate or (building.estate if building else None),
                                              division=division))
    if kind not in Meeting.Kind.values:
        raise ValidationError({"kind": _("未知的会议类型")})
    if level not in Level.values:
        raise ValidationError({"level": _("未知的层级")})
    if not title.strip():
        raise ValidationError({"title": _("请填写议题")})
    if held_on < notified_on:
        raise ValidationError({"held_on": _("开会日期不能早于通知日期")})
    if building is not None:
        estate = building.estate
    if level == Level.BUILDING and building is None:
        raise ValidationError({"building": _("楼栋层级的会议必须指定楼栋")})
    if level in (Level.BUILDING, Level.ESTATE):
        if estate is None:
            raise ValidationError({"estate": _("小区层级的会议必须指定小区")})
        division = estate.community
    elif level == Level.COMMUNITY:
        if division is None or division.level != Division.Level.COMMUNITY:
            raise ValidationError({"division": _("社区层级的会议必须指定社区")})
        estate = None
    else:
        if division is None or division.level != Division.Level.STREET:
            raise ValidationError({"division": _("街道层级的会议必须指定街道")})
        estate = None
    if kind in (Meeting.Kind.ASSEMBLY, Meeting.Kind.COMMITTEE) and (level != Level.ESTATE or estate is None):
        raise ValidationError({"level": _("业主大会和业主委员会会议以小区为单位召开")})
    if kind == Meeting.Kind.ASSEMBLY and (held_on - notified_on).days < Meeting.ASSEMBLY_NOTICE_DAYS:
        raise ValidationError({"held_on": _("业主大会会议应当于会议召开15日以前通知全体业主（通知日期 %(n)s，最早可于 %(d)s 召开）")
                               % {"n": notified_on, "d": notified_on + datetime.timedelta(days=Meeting.ASSEMBLY_NOTICE_DAYS)}})
    meeting = Meeting.objects.create(
        kind=kind, level=level, title=title.strip(), division=division, estate=estate, building=building,
        notified_on=notified_on, held_on=held_on, place=place, agenda=agenda, created_by=actor,
    )
    MeetingEvent.objects.create(meeting=meeting, kind="notified", actor=actor,
                                data={"notified_on": str(notified_on), "held_on": str(held_on)})
    return meeting


@transaction.atomic
def meeting_record(
    *, meeting: Meeting, minutes: str, attendees: list[tuple[str, str]], actor, decisions: list[str] = ()
) -> Meeting:
    """Record that the meeting was held: attendance (name, capacity), minutes and decisions."""
    permissions.require(permissions.can_write_meeting(actor, meeting))
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("会议已取消"))
    if locked.status == Meeting.Status.HELD:
        raise ValidationError(_("会议纪要已登记；如需更正请追加会议决定"))
    if not minutes.strip():
        raise ValidationError({"minutes": _("请填写会议纪要")})
    if not attendees:
        raise ValidationError({"attendees": _("请登记参会人员")})
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, name=name.strip(), capacity=capacity.strip()) for name, capacity in attendees
         if name.strip()]
    )
    meeting.minutes = minutes.strip()
    meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["minutes", "status"])
    MeetingEvent.objects.create(meeting=meeting, kind="held", actor=actor, data={"attendees": len(attendees)})
    for text in decisions:
        if text.strip():
            meeting_decide(meeting=meeting, text=text, actor=actor)
    return meeting


@transaction.atomic
def meeting_decide(*, meeting: Meeting, text: str, actor) -> Decision:
    permissions.require(permissions.can_write_meeting(actor, meeting))
    if meeting.status != Meeting.Status.HELD:
        raise ValidationError(_("会议召开后才能登记决定"))
    if not text.strip():
        raise ValidationError({"text": _("请填写决定内容")})
    decision = Decision.objects.create(meeting=meeting, text=text.strip())
    MeetingEvent.objects.create(meeting=meeting, kind="decision", actor=actor, data={"decision": decision.pk})
    return decision


@transaction.atomic
def task_add(
    *, meeting: Meeting, title: str, assignee: str, actor, due: datetime.date | None = None,
    decision: Decision | None = None,
) -> FollowUpTask:
    """A follow-up task of a meeting; ``task_to_work_order`` turns it into a work order when it needs handling."""
    permissions.require(permissions.can_write_meeting(actor, meeting))
    if meeting.status != Meeting.Status.HELD:
        raise ValidationError(_("会议召开后才能分派跟进任务"))
    if decision is not None and decision.meeting_id != meeting.pk:
        raise ValidationError({"decision": _("该决定不属于本次会议")})
    if not title.strip() or not assignee.strip():
        raise ValidationError(_("请填写任务和责任单位"))
    task = FollowUpTask.objects.create(meeting=meeting, decision=decision, title=title.strip(),
                                       assignee=assignee.strip(), due=due)
    MeetingEvent.objects.create(meeting=meeting, kind="task", actor=actor, data={"task": task.pk})
    return task


@transaction.atomic
def task_done(*, task: FollowUpTask, actor, now=None) -> FollowUpTask:
    permissions.require(permissions.can_write_meeting(actor, task.meeting))
    if task.status == FollowUpTask.Status.DONE:
        return task
    task.status = FollowUpTask.Status.DONE
    task.done_at = now or timezone.now()
    task.save(update_fields=["status", "done_at"])
    MeetingEvent.objects.create(meeting=task.meeting, kind="task_done", actor=actor, data={"task": task.pk})
    return task


@transaction.atomic
def task_to_work_order(*, task: FollowUpTask, actor) -> FollowUpTask:
    """Hand a follow-up task to the work-order system (routed like any request, tracked to its callback)."""
    task = FollowUpTask.objects.select_for_update().select_related("meeting").get(pk=task.pk)
    permissions.require(permissions.can_write_meeting(actor, task.meeting))
    if task.status != FollowUpTask.Status.OPEN or task.work_order_ref:
        raise ValidationError(_("该任务已完成或已转为工单"))
    meeting = task.meeting
    if meeting.building_id or meeting.estate_id:
        place = workorders.resolve_place(building=meeting.building, estate=meeting.estate)
    elif meeting.division.level == "community":
        place = workorders.resolve_place(community=meeting.division)
    else:
        place = workorders.resolve_place(street=meeting.division)
    text = _("%(meeting)s 跟进任务：%(task)s（责任单位/人：%(who)s）") % {
        "meeting": meeting.title, "task": task.title, "who": task.assignee}
    if task.due:
        text += _("，时限 %(due)s") % {"due": task.due.isoformat()}
    order = workorders.workorder_create(channel="walk_in", kind="suggestion", title=task.title[:120], text=text,
                                        place=place, actor=actor)
    task.work_order_ref = order.code
    task.save(update_fields=["work_order_ref"])
    MeetingEvent.objects.create(meeting=meeting, kind="task_work_order", actor=actor,
                                data={"task": task.pk, "work_order": order.code})
    return task
