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
    Committee,
    Decision,
    FollowUpTask,
    Level,
    Meeting,
    MeetingEvent,
    MeetingSeries,
    Referral,
)
from linli.people.bodies import may_take_part
from linli.people.models import Organization, Post
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
    series: MeetingSeries | None = None,
    now=None,
) -> Meeting:
    """Give notice of a meeting. An owners' assembly is notified 15 days or more before it meets; an owners'
    committee meeting is convened by a member of the committee, its topics told to the residents' committee five
    days before (Beijing art. 45). ``now``: when the notice is registered (a record entered later, or the demo's
    history)."""
    now = now or timezone.now()
    permissions.require(permissions.can_schedule_meeting(
        actor, kind=kind, estate=estate or (building.estate if building else None), division=division))
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
    body = committee_body(estate, on=held_on) if kind == Meeting.Kind.COMMITTEE else None
    if kind == Meeting.Kind.COMMITTEE and body is None and not permissions.can_write(actor, estate=estate):
        raise ValidationError({"estate": _("该小区没有在任的业主委员会或物业管理委员会")})
    # A committee whose members Linli knows (its posts) meets by the rules below; one not yet on record (elected
    # before Linli) is entered by the area's admins as any meeting, without them.
    if body is not None:
        # Beijing art. 45(3): the owners' committee tells the residents' committee its topics five days before.
        if (body.kind == Organization.Kind.OWNERS_COMMITTEE
                and (held_on - notified_on).days < Meeting.COMMITTEE_NOTICE_DAYS):
            raise ValidationError({"held_on": _(
                "业主委员会应当在会议召开五日前将会议议题告知居民委员会（北京市物业管理条例第四十五条），"
                "通知日期 %(n)s，最早可于 %(d)s 召开") % {
                    "n": notified_on, "d": notified_on + datetime.timedelta(days=Meeting.COMMITTEE_NOTICE_DAYS)}})
        if not agenda.strip():
            raise ValidationError({"agenda": _("请填写会议议题（需提前告知居民委员会）")})
    meeting = Meeting.objects.create(
        kind=kind, level=level, title=title.strip(), division=division, estate=estate, building=building,
        notified_on=notified_on, held_on=held_on, place=place, agenda=agenda, created_by=actor, created_at=now,
        body=body, series=series,
    )
    MeetingEvent.objects.create(meeting=meeting, kind="notified", actor=actor, at=now,
                                data={"notified_on": str(notified_on), "held_on": str(held_on)})
    return meeting


@transaction.atomic
def meeting_record(
    *, meeting: Meeting, minutes: str, attendees: list[tuple], actor, decisions: list[str] = (),
    members_present=(), signatories=(), now=None,
) -> Meeting:
    """Record that the meeting was held: attendance (name, capacity[, the body they came for]), minutes and
    decisions. A committee meeting names the members present (``members_present``: Person rows; no proxies, Beijing
    art. 45(2)) and is held only with a quorum; its decisions carry the members who signed them (``signatories``,
    art. 45(4)). A meeting of a series plans the next one."""
    permissions.require(permissions.can_write_meeting(actor, meeting))
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("会议已取消"))
    if locked.status == Meeting.Status.HELD:
        raise ValidationError(_("会议纪要已登记；如需更正请追加会议决定"))
    if not minutes.strip():
        raise ValidationError({"minutes": _("请填写会议纪要")})
    members_present = list(members_present)
    if not attendees and not members_present:
        raise ValidationError({"attendees": _("请登记参会人员")})
    rows = []
    if meeting.kind == Meeting.Kind.COMMITTEE and meeting.body_id:
        members = committee_members(meeting.body, on=meeting.held_on)
        by_person = {post.person_id: post for post in members}
        strangers = [p.name for p in members_present if p.pk not in by_person]
        if strangers:
            raise ValidationError({"members_present": _("不是本届委员：%(names)s") % {"names": "、".join(strangers)}})
        problem = committee_quorum_problem(meeting.body, members, [p.pk for p in members_present])
        if problem:
            raise ValidationError({"members_present": problem})
        rows += [Attendance(meeting=meeting, person=p, name=p.name, organization=meeting.body,
                            capacity=by_person[p.pk].get_title_display()) for p in members_present]
    for row in attendees:
        name, capacity, organization = (tuple(row) + (None,))[:3]
        if name.strip():
            rows.append(Attendance(meeting=meeting, name=name.strip()[:80], capacity=capacity.strip()[:60],
                                   organization=organization))
    Attendance.objects.bulk_create(rows)
    meeting.minutes = minutes.strip()
    meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["minutes", "status"])
    now = now or timezone.now()
    MeetingEvent.objects.create(meeting=meeting, kind="held", actor=actor, at=now, data={"attendees": len(rows)})
    for text in decisions:
        if text.strip():
            meeting_decide(meeting=meeting, text=text, actor=actor, signatories=signatories, now=now)
    if meeting.series_id:
        _plan_next(meeting.series, after=meeting.held_on, actor=actor, now=now)
    return meeting


@transaction.atomic
def meeting_decide(*, meeting: Meeting, text: str, actor, signatories=(), now=None) -> Decision:
    """One decision of a held meeting. A committee's decision is signed by more than half of its members (Beijing
    art. 45(4) for an owners' committee, art. 57(3) for a 物业管理委员会)."""
    permissions.require(permissions.can_write_meeting(actor, meeting))
    if meeting.status != Meeting.Status.HELD:
        raise ValidationError(_("会议召开后才能登记决定"))
    if not text.strip():
        raise ValidationError({"text": _("请填写决定内容")})
    signatories = list(signatories)
    if meeting.kind == Meeting.Kind.COMMITTEE and meeting.body_id:
        members = committee_members(meeting.body, on=meeting.held_on)
        voting = {post.person_id for post in members if post.title != Post.Title.ALTERNATE}
        signed = {p.pk for p in signatories} & voting
        if len(signed) * 2 <= len(voting):
            raise ValidationError({"signatories": _(
                "委员会确定的事项应当经过半数委员签字同意（北京市物业管理条例第四十五条、第五十七条）："
                "委员 %(n)s 人，签字同意 %(s)s 人") % {"n": len(voting), "s": len(signed)}})
        signatories = [p for p in signatories if p.pk in signed]
    now = now or timezone.now()
    decision = Decision.objects.create(meeting=meeting, text=text.strip(), created_at=now)
    if signatories:
        decision.signatories.set(signatories)
    MeetingEvent.objects.create(meeting=meeting, kind="decision", actor=actor, at=now,
                                data={"decision": decision.pk, "signatories": sorted(p.pk for p in signatories)})
    return decision


@transaction.atomic
def task_add(
    *, meeting: Meeting, title: str, assignee: str, actor, due: datetime.date | None = None,
    decision: Decision | None = None, now=None,
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
    MeetingEvent.objects.create(meeting=meeting, kind="task", actor=actor, at=now or timezone.now(),
                                data={"task": task.pk})
    return task


@transaction.atomic
def task_done(*, task: FollowUpTask, actor, now=None) -> FollowUpTask:
    permissions.require(permissions.can_write_meeting(actor, task.meeting))
    if task.status == FollowUpTask.Status.DONE:
        return task
    task.status = FollowUpTask.Status.DONE
    task.done_at = now or timezone.now()
    task.save(update_fields=["status", "done_at"])
    MeetingEvent.objects.create(meeting=task.meeting, kind="task_done", actor=actor, at=task.done_at,
                                data={"task": task.pk})
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


# -- committee meetings (Beijing arts. 45, 57) ------------------------------------------------------------------------


def committee_body(estate: Estate, on: datetime.date | None = None) -> Organization | None:
    """The owners' committee or 物业管理委员会 that speaks for ``estate`` on ``on``: the body of the term in office,
    else a committee organisation of the estate with members now."""
    on = on or timezone.localdate()
    bodies = Organization.objects.filter(estate=estate, kind__in=Organization.COMMITTEE_KINDS)
    serving = Committee.objects.serving(on).filter(estate=estate).values("organization_id")
    return (bodies.filter(pk__in=serving).order_by("pk").first()
            or bodies.filter(posts__in=Post.objects.current(on)).distinct().order_by("pk").first())


def committee_members(body: Organization, on: datetime.date | None = None) -> list[Post]:
    """The current posts of a committee (alternates included; they are not counted as members)."""
    return list(Post.objects.current(on).filter(organization=body).select_related("person").order_by("title", "pk"))


def committee_quorum_problem(body: Organization, members: list[Post], present_ids) -> str:
    """Why a committee meeting with ``present_ids`` (person ids) present is not quorate, or "".

    Beijing art. 45(2): an owners' committee meets with more than half of its members present (alternates are
    not members; no one attends by proxy). Art. 57(2): a 物业管理委员会 with more than half of its members and more
    than half of its owner representatives present."""
    voting = [post for post in members if post.title != Post.Title.ALTERNATE]
    present = {post.person_id for post in voting} & set(present_ids)
    if len(present) * 2 <= len(voting):
        return _("出席委员 %(p)s 人，未过半数（共 %(n)s 名委员；北京市物业管理条例第四十五条、第五十七条），"
                 "不能开会") % {"p": len(present), "n": len(voting)}
    if body.kind == Organization.Kind.PM_COMMITTEE:
        owners = {post.person_id for post in voting if post.capacity == Post.Capacity.OWNER}
        if len(owners & present) * 2 <= len(owners):
            return _("出席的业主代表委员 %(p)s 人，未过半数（共 %(n)s 名；北京市物业管理条例第五十七条），不能开会") % {
                "p": len(owners & present), "n": len(owners)}
    return ""


def posting_due(meeting: Meeting) -> datetime.date | None:
    """The day by which a committee posts what it settled in the estate (Beijing art. 45(4): within three days of
    the meeting; a 物业管理委员会 also within three days, for ten working days, art. 57(3))."""
    if meeting.kind != Meeting.Kind.COMMITTEE or meeting.status != Meeting.Status.HELD:
        return None
    return meeting.held_on + datetime.timedelta(days=Meeting.COMMITTEE_POSTING_DAYS)


# -- the recurring three-way meeting (三方联动, seed 004) ---------------------------------------------------------------

THREE_WAY_SIDES = (
    # (label, organisation kinds) — the three sides of 三方联动: the party organisation leads (Beijing art. 3).
    ("party", ("party_branch",)),
    ("committee", ("owners_committee", "pm_committee")),
    ("company", ("property_company",)),
)


def next_meeting_date(series: MeetingSeries, after: datetime.date) -> datetime.date:
    """The first day after ``after`` on the series' weekday (weekly), one week later again (fortnightly), or the
    first such weekday of the next month (monthly)."""
    if series.cadence == MeetingSeries.Cadence.MONTHLY:
        first = (after.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        return first + datetime.timedelta(days=(series.weekday - first.weekday()) % 7)
    day = after + datetime.timedelta(days=1)
    day += datetime.timedelta(days=(series.weekday - day.weekday()) % 7)
    if series.cadence == MeetingSeries.Cadence.FORTNIGHTLY:
        day += datetime.timedelta(days=7)
    return day


def missing_sides(bodies) -> list[str]:
    """The sides of 三方联动 that none of ``bodies`` stands for (shown on the series' page)."""
    kinds = {b.kind for b in bodies}
    return [side for side, side_kinds in THREE_WAY_SIDES if not kinds & set(side_kinds)]


@transaction.atomic
def series_create(
    *, estate: Estate, title: str, cadence: str, weekday: int, first_on: datetime.date, bodies, actor,
    place: str = "", now=None,
) -> MeetingSeries:
    """Set up the recurring three-way meeting of an estate and plan its first meeting. The party organisation
    takes part (党建引领, Beijing art. 3), with at least one other body."""
    permissions.require(permissions.can_manage_series(actor, estate))
    now = now or timezone.now()
    bodies = list(bodies)
    if not title.strip():
        raise ValidationError({"title": _("请填写名称")})
    if cadence not in MeetingSeries.Cadence.values:
        raise ValidationError({"cadence": _("未知的周期")})
    if weekday not in MeetingSeries.Weekday.values:
        raise ValidationError({"weekday": _("请选择星期几")})
    strangers = [b.name for b in bodies if not may_take_part(b, estate)]
    if strangers:
        raise ValidationError({"bodies": _("不是本小区（或其社区、街道）的机构：%(names)s") % {"names": "、".join(strangers)}})
    if "party" in missing_sides(bodies) or len(bodies) < 2:
        raise ValidationError({"bodies": _("三方联席会议由党组织牵头，至少还需业主委员会/物业管理委员会或物业服务企业一方参加")})
    series = MeetingSeries.objects.create(estate=estate, title=title.strip(), cadence=cadence, weekday=weekday,
                                          place=place.strip(), created_by=actor, created_at=now)
    series.bodies.set(bodies)
    _plan(series, held_on=first_on, actor=actor, now=now)
    return series


def _plan(series: MeetingSeries, *, held_on: datetime.date, actor, now) -> Meeting:
    names = "、".join(b.name for b in series.bodies.order_by("kind", "pk"))
    meeting = meeting_schedule(
        kind=series.kind, level=Level.ESTATE, title=f"{series.title}（{held_on:%Y-%m-%d}）", estate=series.estate,
        notified_on=min(timezone.localtime(now).date(), held_on), held_on=held_on, place=series.place,
        agenda=_("参加：%(names)s") % {"names": names}, series=series, actor=actor, now=now,
    )
    series.next_on = held_on
    series.save(update_fields=["next_on"])
    return meeting


def _plan_next(series: MeetingSeries, *, after: datetime.date, actor, now) -> Meeting | None:
    """After a meeting of the series is held: plan the next one, unless one is planned already or the series
    has stopped."""
    series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
    if not series.active or series.meetings.filter(status=Meeting.Status.PLANNED, held_on__gt=after).exists():
        return None
    return _plan(series, held_on=next_meeting_date(series, after), actor=actor, now=now)


@transaction.atomic
def series_stop(*, series: MeetingSeries, actor, now=None) -> MeetingSeries:
    """Stop planning meetings of a series (its meetings stay on record)."""
    permissions.require(permissions.can_manage_series(actor, series.estate))
    if series.active:
        series.active = False
        series.save(update_fields=["active"])
    return series


# -- matters passed up a level (issue 19 item 7: 微事不出楼栋、小事不出小区、大事不出社区) ----------------------------------


def next_level(meeting: Meeting) -> tuple[str, Division, Estate | None] | None:
    """Where a matter of ``meeting`` goes up: building → its estate, estate → its community, community → its street;
    a street meeting passes a matter on to the joint meeting (吹哨报到), not to a level above (None)."""
    if meeting.level == Level.BUILDING:
        return Level.ESTATE, meeting.estate.community, meeting.estate
    if meeting.level == Level.ESTATE:
        return Level.COMMUNITY, meeting.estate.community, None
    if meeting.level == Level.COMMUNITY:
        return Level.STREET, meeting.division.parent, None
    return None


def street_of(meeting: Meeting) -> Division:
    """The street of a meeting's place (where its joint meeting would be convened)."""
    division = meeting.estate.community if meeting.estate_id else meeting.division
    while division.level != Division.Level.STREET and division.parent_id:
        division = division.parent
    return division


def _check_referable(meeting: Meeting, text: str, decision: Decision | None) -> None:
    if meeting.status != Meeting.Status.HELD:
        raise ValidationError(_("会议召开后才能上报事项"))
    if not text.strip():
        raise ValidationError({"text": _("请写明上报的事项")})
    if decision is not None and decision.meeting_id != meeting.pk:
        raise ValidationError({"decision": _("该决定不属于本次会议")})


@transaction.atomic
def matter_refer_up(
    *, meeting: Meeting, text: str, actor, decision: Decision | None = None, to_meeting: Meeting | None = None,
    held_on: datetime.date | None = None, now=None,
) -> Referral:
    """Pass a matter ``meeting`` cannot settle to the next level: onto the agenda of ``to_meeting`` (a planned
    meeting there) or to a new meeting of the next level's division, planned for ``held_on`` (a week on). Both
    meetings keep the history (an event each; the referral row links them)."""
    permissions.require(permissions.can_refer_matter(actor, meeting))
    _check_referable(meeting, text, decision)
    target = next_level(meeting)
    if target is None:
        raise ValidationError({"to_meeting": _("街道层级的事项请提交吹哨报到会议")})
    level, division, estate = target
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    origin = _("来自%(place)s%(kind)s《%(title)s》（%(day)s）") % {
        "place": meeting.estate or meeting.division, "kind": meeting.get_kind_display(), "title": meeting.title,
        "day": meeting.held_on.isoformat()}
    line = _("【上报事项】%(text)s —— %(origin)s") % {"text": text.strip(), "origin": origin}
    if to_meeting is not None:
        to_meeting = Meeting.objects.select_for_update().get(pk=to_meeting.pk)
        if (to_meeting.status != Meeting.Status.PLANNED or to_meeting.level != level
                or to_meeting.division_id != division.pk or (estate is not None and to_meeting.estate_id != estate.pk)):
            raise ValidationError({"to_meeting": _("只能提交到上一级尚未召开的会议")})
        to_meeting.agenda = (to_meeting.agenda + "\n" if to_meeting.agenda else "") + line
        to_meeting.save(update_fields=["agenda"])
    else:
        held_on = held_on or today + datetime.timedelta(days=7)
        if held_on < today:
            raise ValidationError({"held_on": _("开会日期已经过去")})
        kind = meeting.kind if meeting.kind in Meeting.DELIBERATION_KINDS else Meeting.Kind.PARTY_MASS
        to_meeting = Meeting.objects.create(
            kind=kind, level=level, title=_("上报事项：%(text)s") % {"text": text.strip()[:60]}, division=division,
            estate=estate, notified_on=today, held_on=held_on, agenda=line, created_by=actor, created_at=now)
        MeetingEvent.objects.create(meeting=to_meeting, kind="notified", actor=actor, at=now,
                                    data={"notified_on": str(today), "held_on": str(held_on)})
    referral = Referral.objects.create(from_meeting=meeting, decision=decision, text=text.strip(),
                                       target=Referral.Target.NEXT_LEVEL, to_meeting=to_meeting, referred_by=actor,
                                       referred_at=now)
    MeetingEvent.objects.create(meeting=meeting, kind="referred_up", actor=actor, at=now,
                                data={"referral": referral.pk, "to_meeting": to_meeting.pk})
    MeetingEvent.objects.create(meeting=to_meeting, kind="referred_in", actor=actor, at=now,
                                data={"referral": referral.pk, "from_meeting": meeting.pk})
    return referral


@transaction.atomic
def matter_record_joint_referral(
    *, meeting: Meeting, text: str, joint_meeting_id: int, actor, decision: Decision | None = None, now=None,
) -> Referral:
    """The assembly's side of a matter sent straight to a joint meeting (吹哨报到): the referral row and the event on
    the meeting it came from. Called by linli.meetings.services.matter_to_joint_meeting, which owns the joint
    meeting (that app sits above this one)."""
    permissions.require(permissions.can_refer_matter(actor, meeting))
    _check_referable(meeting, text, decision)
    now = now or timezone.now()
    referral = Referral.objects.create(from_meeting=meeting, decision=decision, text=text.strip(),
                                       target=Referral.Target.JOINT_MEETING, joint_meeting_ref=joint_meeting_id,
                                       referred_by=actor, referred_at=now)
    MeetingEvent.objects.create(meeting=meeting, kind="referred_up", actor=actor, at=now,
                                data={"referral": referral.pk, "joint_meeting": joint_meeting_id})
    return referral
