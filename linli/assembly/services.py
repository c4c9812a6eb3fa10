"""State changes of owners' decisions. Pages, the API, the CLI and the demo all call these.

Every function is keyword-only, validates, runs in a transaction, writes its append-only event row and returns
the object. Who may call it is checked here too, through linli/assembly/permissions.py (403 otherwise); pages and
the API only turn strangers away (404).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.assembly import permissions, tally
from linli.assembly.models import (
    Acknowledgement,
    Attendance,
    Ballot,
    BallotEvent,
    Channel,
    Decision,
    Elector,
    ElectorHome,
    FollowUpTask,
    Level,
    Meeting,
    MeetingEvent,
    Motion,
    MotionEvent,
    Notice,
    NoticeAttachment,
    SelectionCase,
    SelectionEvent,
)
from linli.people.models import Occupancy
from linli.places.models import Division, Estate, Home, Stewardship
from linli.places.services import stewardship_change
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


# -- motions -------------------------------------------------------------------------------------------------


@transaction.atomic
def motion_create(
    *, estate: Estate, matter: str, title: str, opens_at: datetime.datetime, closes_at: datetime.datetime, actor,
    body: str = "", secret: bool = False, meeting: Meeting | None = None,
) -> Motion:
    """A draft motion; the electorate is fixed when it is opened."""
    permissions.require(permissions.can_write(actor, estate=estate))
    if matter not in tally.MATTERS:
        raise ValidationError({"matter": _("未知的表决事项")})
    if not title.strip():
        raise ValidationError({"title": _("请填写标题")})
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": _("截止时间必须晚于开始时间")})
    if meeting is not None and (meeting.kind != Meeting.Kind.ASSEMBLY or meeting.estate_id != estate.pk):
        raise ValidationError({"meeting": _("表决事项只能挂在本小区的业主大会会议下")})
    motion = Motion.objects.create(estate=estate, matter=matter, title=title.strip(), body=body, opens_at=opens_at,
                                   closes_at=closes_at, secret=secret, meeting=meeting, created_by=actor)
    MotionEvent.objects.create(motion=motion, kind="created", actor=actor, data={"matter": matter})
    return motion


DEVELOPER_KEY = "developer"


def electorate(estate: Estate, *, developer_home_ids=(), on: datetime.date | None = None) -> list[dict]:
    """The owners of an estate as the law counts them, from the registry (Home + current owner occupancies).

    One entry per owner key: the sorted ids of a home's owners and co-owners ("p12+p40"); a person with several
    homes has the same key on each; the developer's unsold homes share one key; a home without a registered
    owner is its own owner (it still counts, art. 9: one exclusive part, one owner).
    """
    on = on or timezone.localdate()
    developer_home_ids = set(developer_home_ids)
    owners_of = defaultdict(list)
    rows = Occupancy.objects.current(on).filter(home__estate=estate, relation__in=Occupancy.OWNING)
    for home_id, person_id, name in rows.values_list("home_id", "person_id", "person__name").order_by("person_id"):
        owners_of[home_id].append((person_id, name))
    groups: dict[str, dict] = {}
    for home in Home.objects.filter(estate=estate).select_related("building").order_by("building__number", "entrance",
                                                                                       "number"):
        if home.pk in developer_home_ids:
            key, label, persons, developer = DEVELOPER_KEY, _("建设单位（未售房屋）"), [], True
        elif owners_of.get(home.pk):
            people = sorted(set(owners_of[home.pk]))
            key = "+".join(f"p{pid}" for pid, _name in people)
            label = "、".join(name for _pid, name in people)
            persons, developer = [pid for pid, _name in people], False
        else:
            key, label, persons, developer = f"h{home.pk}", _("%(home)s 业主（未登记）") % {"home": home}, [], False
        group = groups.setdefault(key, {"key": key, "label": label, "persons": persons, "is_developer": developer,
                                        "homes": []})
        group["homes"].append(home)
    return list(groups.values())


@transaction.atomic
def motion_open(*, motion: Motion, actor, developer_home_ids=(), now=None) -> Motion:
    """Open the vote: fix the electorate from the registry as it stands today."""
    now = now or timezone.now()
    motion = Motion.objects.select_for_update().get(pk=motion.pk)
    permissions.require(permissions.can_write_motion(actor, motion))
    if motion.status != Motion.Status.DRAFT:
        raise ValidationError(_("只有草稿可以开始表决"))
    if motion.closes_at <= now:
        raise ValidationError({"closes_at": _("截止时间已过")})
    foreign = set(developer_home_ids) - set(Home.objects.filter(estate=motion.estate).values_list("pk", flat=True))
    if foreign:
        raise ValidationError({"developer_home_ids": _("以下房屋不属于本小区：%(ids)s") % {"ids": sorted(foreign)}})
    groups = electorate(motion.estate, developer_home_ids=developer_home_ids, on=timezone.localdate(now))
    if not groups:
        raise ValidationError(_("本小区没有登记任何房屋，无法表决"))
    # In bulk: an estate of thousands of homes opens in a few queries (electors come back with their ids).
    electors = Elector.objects.bulk_create(
        [Elector(motion=motion, key=g["key"], label=g["label"][:200], is_developer=g["is_developer"],
                 area=sum((h.area for h in g["homes"]), Decimal(0))) for g in groups],
        batch_size=1000,
    )
    Through = Elector.persons.through
    Through.objects.bulk_create(
        [Through(elector_id=e.pk, person_id=pid) for e, g in zip(electors, groups, strict=True) for pid in g["persons"]],
        batch_size=2000,
    )
    ElectorHome.objects.bulk_create(
        [ElectorHome(elector_id=e.pk, home=h, area=h.area) for e, g in zip(electors, groups, strict=True)
         for h in g["homes"]],
        batch_size=2000,
    )
    motion.status = Motion.Status.OPEN
    motion.save(update_fields=["status"])
    MotionEvent.objects.create(motion=motion, kind="opened", actor=actor, at=now, data={
        "owners": len(groups), "homes": sum(len(g["homes"]) for g in groups),
        "area": str(sum((h.area for g in groups for h in g["homes"]), Decimal(0))),
    })
    return motion


def electors_of(motion: Motion, user):
    """The electors of ``motion`` that ``user`` (a resident, through their person) may vote for."""
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return Elector.objects.none()
    return motion.electors.filter(persons=person_id)


@transaction.atomic
def ballot_cast(
    *, motion: Motion, elector: Elector, choice: str, actor, channel: str = Channel.ONLINE, sheet=None, now=None
) -> Ballot:
    """Cast or change the ballot of ``elector``: online by one of its owners, on paper by staff with the scan."""
    now = now or timezone.now()
    motion = Motion.objects.select_for_update().get(pk=motion.pk)
    if elector.motion_id != motion.pk:
        raise ValidationError(_("该业主不在本次表决的业主名册中"))
    if not motion.is_open(now):
        raise ValidationError(_("表决未开始或已截止，不能投票"))
    if choice not in tally.CHOICES:
        raise ValidationError({"choice": _("表决意见只能是同意、反对或弃权")})
    if channel == Channel.ONLINE:
        if not permissions.can_vote_online(actor, elector):
            raise ValidationError(_("只能为自己名下的房屋投票"))
    elif channel == Channel.PAPER:
        # A paper ballot speaks for an owner who is not there: only the staff who run the vote enter it.
        permissions.require(permissions.can_record_paper_ballot(actor, motion), _("只有组织表决的管理员可以录入纸质票"))
        if not sheet:
            raise ValidationError({"sheet": _("纸质票须上传扫描件")})
    else:
        raise ValidationError({"channel": _("未知的投票方式")})
    ballot = Ballot.objects.filter(elector=elector).first()
    kind = "changed" if ballot else "cast"
    if ballot is None:
        ballot = Ballot(motion=motion, elector=elector, cast_at=now)
    ballot.choice, ballot.channel, ballot.cast_by, ballot.changed_at = choice, channel, actor, now
    if sheet:
        ballot.sheet = sheet
    ballot.save()
    BallotEvent.objects.create(ballot=ballot, kind=kind, choice=choice, channel=channel, actor=actor, at=now)
    return ballot


def count(motion: Motion) -> tally.Result:
    """Count the ballots of ``motion`` over its electorate with the rules of art. 278."""
    homes = [tally.OwnedHome(id=str(eh.home_id), owner=eh.elector.key, area=eh.area)
             for eh in ElectorHome.objects.filter(elector__motion=motion).select_related("elector")]
    votes = [tally.Vote(owner=b.elector.key, choice=b.choice) for b in motion.ballots.select_related("elector")]
    return tally.tally(motion.matter, homes, votes)


@transaction.atomic
def motion_close(*, motion: Motion, actor, now=None) -> Motion:
    """Close the vote after its deadline, count it, and post the result as a notice (the same day)."""
    now = now or timezone.now()
    motion = Motion.objects.select_for_update().get(pk=motion.pk)
    permissions.require(permissions.can_write_motion(actor, motion))
    if motion.status != Motion.Status.OPEN:
        raise ValidationError(_("只有表决中的事项可以计票"))
    if now < motion.closes_at:
        raise ValidationError(_("表决截止时间未到，不能提前计票"))
    result = count(motion)
    for field in ("quorum_met", "approved", "total_area", "total_owners", "voting_area", "voting_owners", "for_area",
                  "for_owners", "against_area", "against_owners", "abstain_area", "abstain_owners", "explanation"):
        setattr(motion, field, getattr(result, field))
    motion.status, motion.closed_at = Motion.Status.CLOSED, now
    motion.save()
    MotionEvent.objects.create(motion=motion, kind="closed", actor=actor, at=now, data=result.as_dict())
    today = timezone.localdate(now)
    verdict = _("通过") if result.approved else _("未通过")
    notice_post(
        title=_("表决结果公示：%(title)s（%(verdict)s）") % {"title": motion.title, "verdict": verdict},
        body=_("表决事项：%(title)s\n表决时间：%(opens)s 至 %(closes)s\n\n%(explanation)s\n\n"
               "同意 %(fo)s 人、%(fa)s m²；反对 %(ao)s 人、%(aa)s m²；弃权 %(bo)s 人、%(ba)s m²。") % {
            "title": motion.title, "opens": timezone.localtime(motion.opens_at).strftime("%Y-%m-%d %H:%M"),
            "closes": timezone.localtime(motion.closes_at).strftime("%Y-%m-%d %H:%M"),
            "explanation": result.explanation, "fo": result.for_owners, "fa": result.for_area,
            "ao": result.against_owners, "aa": result.against_area, "bo": result.abstain_owners,
            "ba": result.abstain_area,
        },
        scope=Notice.Scope.ESTATE, estate=motion.estate, posted_on=today,
        ends_on=today + datetime.timedelta(days=Notice.DEFAULT_PERIOD_DAYS), actor=actor, motion=motion,
        meeting=motion.meeting,
    )
    return motion


def close_due_motions(*, actor, now=None) -> list[Motion]:
    """Close every open motion whose deadline has passed (safe to run twice: a closed motion is skipped). The CLI
    runs it as the system actor."""
    permissions.require(actor is not None)
    now = now or timezone.now()
    closed = []
    for motion in Motion.objects.filter(status=Motion.Status.OPEN, closes_at__lte=now).order_by("pk"):
        try:
            closed.append(motion_close(motion=motion, actor=actor, now=now))
        except ValidationError:
            continue  # closed meanwhile by someone else
    return closed


# -- notices -------------------------------------------------------------------------------------------------


@transaction.atomic
def notice_post(
    *, title: str, body: str, scope: str, posted_on: datetime.date, ends_on: datetime.date, actor,
    estate: Estate | None = None, building=None, community: Division | None = None, motion: Motion | None = None,
    meeting: Meeting | None = None, attachments=(),
) -> Notice:
    """Post a notice (公示) for a building, an estate or a community; ``attachments`` are (name, file) pairs."""
    permissions.require(permissions.can_write(
        actor, estate=building.estate if building is not None else estate, division=community))
    if not title.strip() or not body.strip():
        raise ValidationError(_("请填写标题和正文"))
    if ends_on < posted_on:
        raise ValidationError({"ends_on": _("公示结束日期不能早于开始日期")})
    if scope == Notice.Scope.BUILDING:
        if building is None:
            raise ValidationError({"building": _("楼栋公示必须指定楼栋")})
        estate = building.estate
    elif scope == Notice.Scope.ESTATE:
        if estate is None:
            raise ValidationError({"estate": _("小区公示必须指定小区")})
        building = None
    elif scope == Notice.Scope.COMMUNITY:
        if community is None or community.level != Division.Level.COMMUNITY:
            raise ValidationError({"community": _("社区公示必须指定社区")})
        estate = building = None
    else:
        raise ValidationError({"scope": _("未知的公示范围")})
    if estate is not None:
        community = estate.community
    if motion is not None and motion.closed_at is not None:
        latest = timezone.localdate(motion.closed_at) + datetime.timedelta(days=Notice.DECISION_POSTING_DAYS)
        if posted_on > latest:
            raise ValidationError({"posted_on": _("表决结果应在作出决定后3日内公示")})
    notice = Notice.objects.create(title=title.strip(), body=body.strip(), scope=scope, community=community,
                                   estate=estate, building=building, posted_on=posted_on, ends_on=ends_on,
                                   motion=motion, meeting=meeting, created_by=actor)
    for name, file in attachments:
        NoticeAttachment.objects.create(notice=notice, name=name or getattr(file, "name", "附件"), file=file)
    return notice


@transaction.atomic
def notice_withdraw(*, notice: Notice, reason: str, actor, now=None) -> Notice:
    """Take a notice down (it is kept, with who and why)."""
    permissions.require(permissions.can_write_notice(actor, notice))
    if notice.withdrawn_at is not None:
        raise ValidationError(_("公示已撤回"))
    if notice.motion_id:
        raise ValidationError(_("表决结果公示不能撤回"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写撤回原因")})
    notice.withdrawn_at, notice.withdrawn_reason = now or timezone.now(), f"{reason.strip()}（{actor}）"
    notice.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    return notice


def notice_acknowledge(*, notice: Notice, user, now=None) -> Acknowledgement:
    """A resident has read the notice; acknowledging twice changes nothing."""
    permissions.require(permissions.can_acknowledge(user), _("只有居民可以确认已阅"))
    ack, _created = Acknowledgement.objects.get_or_create(notice=notice, user=user,
                                                          defaults={"at": now or timezone.now()})
    return ack


# -- from unmanaged to managed (seeds 000, 003; Civil Code arts. 278, 284, 947) -------------------------------


def _event(case, kind, actor, motion=None, now=None, **data):
    return SelectionEvent.objects.create(case=case, kind=kind, actor=actor, motion=motion, data=data,
                                         at=now or timezone.now())


def _require_decision(case: SelectionCase, motion: Motion | None, field: str = "motion") -> Motion:
    """An approved, counted vote of this estate's owners on hiring (art. 278(1)(4)) or another major matter."""
    if motion is None:
        raise ValidationError({field: _("需要业主共同决定（已计票并通过的表决）")})
    if motion.estate_id != case.estate_id:
        raise ValidationError({field: _("该表决不属于本小区")})
    if motion.status != Motion.Status.CLOSED or not motion.approved:
        raise ValidationError({field: _("该表决尚未通过")})
    if motion.matter not in ("hire_manager", "other_major"):
        raise ValidationError({field: _("须为“选聘和解聘物业服务企业或者其他管理人”或其他重大事项的表决")})
    return motion


@transaction.atomic
def selection_open(*, estate: Estate, actor, deadline: datetime.date | None, now=None) -> SelectionCase:
    """Open a case for an estate without a manager (脱管 or nothing recorded)."""
    permissions.require(permissions.can_write(actor, estate=estate))
    now = now or timezone.now()
    current = estate.current_stewardship(timezone.localdate(now))
    if current is not None and current.mode != Stewardship.Mode.NONE:
        raise ValidationError(_("该小区已有管理方式：%(mode)s") % {"mode": current.get_mode_display()})
    if SelectionCase.objects.filter(estate=estate).exclude(status__in=SelectionCase.CLOSED).exists():
        raise ValidationError(_("该小区已有进行中的选聘案"))
    if deadline is None:
        raise ValidationError({"deadline": ValidationError(_("请填写选聘期限"), code="required")})
    if deadline <= timezone.localdate(now):
        raise ValidationError({"deadline": _("选聘期限必须在今天之后")})
    case = SelectionCase.objects.create(estate=estate, kind=SelectionCase.Kind.UNMANAGED, deadline=deadline,
                                        created_by=actor, opened_at=now)
    _event(case, "opened", actor, now=now, deadline=str(deadline))
    return case


@transaction.atomic
def selection_decide_mode(
    *, case: SelectionCase, mode: str, motion: Motion, actor, start: datetime.date | None = None, now=None
) -> SelectionCase:
    """The assembly decided the mode: hire a company (then select one), or self-manage (recorded at once)."""
    case = SelectionCase.objects.select_for_update().get(pk=case.pk)
    permissions.require(permissions.can_write(actor, estate=case.estate))
    if case.status != SelectionCase.Status.OPEN:
        raise ValidationError(_("管理方式已经决定"))
    if mode not in SelectionCase.Mode.values:
        raise ValidationError({"mode": _("未知的管理方式")})
    _require_decision(case, motion)
    case.mode = mode
    _event(case, "mode_decided", actor, motion=motion, now=now, mode=mode)
    if mode == SelectionCase.Mode.SELF:
        start = start or timezone.localdate(now)
        case.outcome = stewardship_change(estate=case.estate, mode=Stewardship.Mode.SELF, start=start, actor=actor,
                                          basis=_("业主共同决定：%(t)s") % {"t": motion.title})
        case.status, case.closed_at = SelectionCase.Status.SELF_MANAGED, now or timezone.now()
        _event(case, "self_managed", actor, motion=motion, now=now, stewardship=case.outcome.pk)
    else:
        case.status = SelectionCase.Status.SELECTING
    case.save()
    return case


@transaction.atomic
def selection_hire(
    *, case: SelectionCase, provider, actor, start: datetime.date, contract_end: datetime.date,
    motion: Motion | None = None, committee_meeting: Meeting | None = None, contract_no: str = "", now=None,
) -> SelectionCase:
    """The owners (by vote) or their committee (at a held meeting) selected a company: record its stewardship."""
    case = SelectionCase.objects.select_for_update().get(pk=case.pk)
    permissions.require(permissions.can_write(actor, estate=case.estate))
    if case.status != SelectionCase.Status.SELECTING:
        raise ValidationError(_("业主大会尚未决定选聘物业服务企业"))
    if committee_meeting is not None:
        if (committee_meeting.kind != Meeting.Kind.COMMITTEE or committee_meeting.estate_id != case.estate_id
                or committee_meeting.status != Meeting.Status.HELD):
            raise ValidationError({"committee_meeting": _("须为本小区已召开的业主委员会会议")})
        basis = _("业主委员会会议：%(t)s") % {"t": committee_meeting.title}
    else:
        _require_decision(case, motion)
        basis = _("业主共同决定：%(t)s") % {"t": motion.title}
    if provider is None or provider.kind != "property_company":
        raise ValidationError({"provider": _("须选定一家物业服务企业")})
    mode = Stewardship.Mode.CUSTODIAN if provider.ownership == "state" else Stewardship.Mode.MARKET
    case.outcome = stewardship_change(estate=case.estate, mode=mode, provider=provider, start=start, actor=actor,
                                      contract_no=contract_no, contract_start=start, contract_end=contract_end,
                                      basis=basis)
    case.status, case.closed_at = SelectionCase.Status.HIRED, now or timezone.now()
    case.save()
    _event(case, "hired", actor, motion=motion, now=now, provider=provider.pk, provider_name=provider.name,
           stewardship=case.outcome.pk, meeting=committee_meeting.pk if committee_meeting else None)
    return case


@transaction.atomic
def selection_appoint_custodian(
    *, case: SelectionCase, provider, consent: Motion, actor, start: datetime.date, today: datetime.date | None = None,
    contract_end: datetime.date | None = None, now=None,
) -> SelectionCase:
    """No company was selected by the deadline: the street's property office appoints the state-owned custodian
    (托底), with the assembly's consent (seed 000)."""
    today = today or timezone.localdate(now)
    case = SelectionCase.objects.select_for_update().get(pk=case.pk)
    permissions.require(permissions.can_write(actor, estate=case.estate))
    if case.is_closed:
        raise ValidationError(_("选聘案已结案"))
    if case.mode == SelectionCase.Mode.SELF:
        raise ValidationError(_("业主已决定自行管理"))
    if case.deadline is None or today <= case.deadline:
        raise ValidationError(_("选聘期限（%(d)s）届满后才能由街道指定国有企业托底") % {"d": case.deadline})
    _require_decision(case, consent, "consent")
    if provider is None or provider.kind != "property_company" or provider.ownership != "state":
        raise ValidationError({"provider": _("托底单位须为国有物业服务企业")})
    case.outcome = stewardship_change(
        estate=case.estate, mode=Stewardship.Mode.CUSTODIAN, provider=provider, start=start, actor=actor,
        contract_start=start, contract_end=contract_end,
        basis=_("街道物业办指定托底，业主大会同意：%(t)s") % {"t": consent.title},
    )
    case.status, case.closed_at = SelectionCase.Status.CUSTODIAN, now or timezone.now()
    case.save()
    _event(case, "custodian_appointed", actor, motion=consent, now=now, provider=provider.pk,
           provider_name=provider.name, stewardship=case.outcome.pk)
    return case


def open_renewal_cases(today: datetime.date | None = None, *, actor) -> list[SelectionCase]:
    """Open a renewal case for every contract ending within 90 days (art. 947) in the estates ``actor`` may write
    (all of them for the system actor, as the CLI runs it); running it twice opens nothing new."""
    permissions.require(actor is not None)
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=SelectionCase.RENEWAL_DAYS)
    due = (Stewardship.objects.current(today)
           .filter(contract_end__gte=today, contract_end__lte=horizon,
                   mode__in=(Stewardship.Mode.MARKET, Stewardship.Mode.CUSTODIAN), renewal_case__isnull=True)
           .select_related("estate").order_by("pk"))
    opened = []
    for stewardship in due:
        if not permissions.can_write(actor, estate=stewardship.estate):
            continue
        with transaction.atomic():
            case, created = SelectionCase.objects.get_or_create(
                expiring=stewardship,
                defaults={"estate": stewardship.estate, "kind": SelectionCase.Kind.RENEWAL,
                          "deadline": stewardship.contract_end, "created_by": actor},
            )
            if created:
                _event(case, "opened", actor, contract_end=str(stewardship.contract_end),
                       provider=stewardship.provider_id)
                opened.append(case)
    return opened
