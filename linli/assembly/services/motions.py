"""Motions: the electorate, opening, ballots, the count and closing."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.assembly import permissions, rules, tally
from linli.assembly.models import (
    MANAGER_MODES,
    Ballot,
    BallotEvent,
    Channel,
    Elector,
    ElectorHome,
    Meeting,
    Motion,
    MotionEvent,
    MotionOption,
    Notice,
    SelectionCase,
)
from linli.core.errors import Conflict
from linli.notify.services import notify
from linli.people.models import Occupancy
from linli.places.models import Estate, Home

from .notices import notice_post, review_recipients

MANAGER_MODE_VALUES = [value for value, _label in MANAGER_MODES]

# -- motions -------------------------------------------------------------------------------------------------


def _check_timing(*, estate, announced_at, opens_at, closes_at, exception: str, document: str):
    """The notice period before a vote opens and its minimum length (linli/assembly/rules.py), unless a documented
    exception (a reason and a document number) is recorded."""
    if exception.strip() and document.strip():
        return
    r = rules.rules_for(estate)
    errors = {}
    if opens_at - announced_at < r.notice:
        errors["opens_at"] = (_(
            "表决开始时间须在公告后至少 %(days)s 日（通知期，%(source)s）；"
            "公告时间 %(announced)s，最早可于 %(earliest)s 开始。如有例外，请填写例外理由和依据文号。") % {
            "days": r.notice_days, "source": r.notice_source,
            "announced": timezone.localtime(announced_at).strftime("%Y-%m-%d %H:%M"),
            "earliest": timezone.localtime(announced_at + r.notice).strftime("%Y-%m-%d %H:%M")})
    if closes_at - opens_at < r.min_voting:
        errors["closes_at"] = _(
            "表决期不得少于 %(days)s 日（最短表决期，%(source)s）。如有例外，请填写例外理由和依据文号。") % {
            "days": r.min_voting_days, "source": r.voting_source}
    if errors:
        raise ValidationError(errors)


def _manager_choice(*, estate, mode: str, provider, field: str = "manager_mode"):
    """A chosen way of management: the mode, and for a market company or the state custodian the provider."""
    if mode not in MANAGER_MODE_VALUES:
        raise ValidationError({field: _("选聘事项须写明选定的管理方式（市场化物业、业主自行管理或国有企业托管）")})
    if mode == "self":
        if provider is not None:
            raise ValidationError({"provider": _("业主自行管理不选定物业服务企业")})
        return
    if provider is None or provider.kind != "property_company":
        raise ValidationError({"provider": _("须写明选定的物业服务企业")})
    if mode == "custodian" and provider.ownership != "state":
        raise ValidationError({"provider": _("国有企业托管的服务单位须为国有物业服务企业：%(name)s 不是") % {
            "name": provider.name}})


@transaction.atomic
def motion_create(
    *, estate: Estate, matter: str, title: str, opens_at: datetime.datetime, closes_at: datetime.datetime, actor,
    body: str = "", secret: bool = False, meeting: Meeting | None = None, manager_mode: str = "", provider=None,
    options: list[dict] | None = None, case: SelectionCase | None = None, timing_exception: str = "",
    timing_exception_document: str = "", concerned_homes=(), now=None,
) -> Motion:
    """A draft motion; the electorate is fixed when it is opened. Its creation is its announcement: it opens no
    sooner than the notice period after it and runs at least the minimum voting period (rules.py).

    A motion on hiring a manager (hire_manager) says whom: ``manager_mode`` (market / self / custodian) and, for
    a company, ``provider``; or ``options`` — a list of ``{"label", "mode", "provider"}`` the owners choose one of
    (三选一). ``case`` ties it to a selection case of the same estate.
    """
    now = now or timezone.now()
    permissions.require(permissions.can_write(actor, estate=estate))
    motion = _create_motion(
        estate=estate, matter=matter, title=title, opens_at=opens_at, closes_at=closes_at, actor=actor, body=body,
        secret=secret, meeting=meeting, manager_mode=manager_mode, provider=provider, options=options, case=case,
        timing_exception=timing_exception, timing_exception_document=timing_exception_document, now=now,
    )
    if concerned_homes:
        # Issue 20: a vote of the homes concerned only (the repair fund's use, Beijing art. 86): Motion.concerned_homes.
        homes = list(concerned_homes)
        if any(h.estate_id != estate.pk for h in homes):
            raise ValidationError({"concerned_homes": _("相关房屋须属于本小区")})
        motion.concerned_homes.set(homes)
    return motion


def _validate_motion(
    *, estate, matter, title, opens_at, closes_at, meeting, manager_mode, provider, options, case,
    timing_exception, timing_exception_document, now,
) -> list[dict]:
    """The checks of a motion before it is written (a new one, or a committee's revised draft); its options."""
    if matter not in tally.MATTERS:
        raise ValidationError({"matter": _("未知的表决事项")})
    if not title.strip():
        raise ValidationError({"title": _("请填写标题")})
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": _("截止时间必须晚于开始时间")})
    if meeting is not None and (meeting.kind != Meeting.Kind.ASSEMBLY or meeting.estate_id != estate.pk):
        raise ValidationError({"meeting": _("表决事项只能挂在本小区的业主大会会议下")})
    if case is not None and case.estate_id != estate.pk:
        raise ValidationError({"case": _("选聘案不属于本小区")})
    if bool(timing_exception.strip()) != bool(timing_exception_document.strip()):
        field = "timing_exception_document" if timing_exception.strip() else "timing_exception"
        raise ValidationError({field: _("例外须同时填写理由和依据文号")})
    options = list(options or [])
    if options:
        if matter != "hire_manager":
            raise ValidationError({"options": _("多选项表决只用于选聘物业服务企业或者其他管理人")})
        if manager_mode or provider is not None:
            raise ValidationError({"manager_mode": _("多选项表决在各选项中写明管理方式，不在表决事项上")})
        if len(options) < 2:
            raise ValidationError({"options": _("多选项表决须有至少两个选项")})
        seen = set()
        for i, option in enumerate(options, start=1):
            label = (option.get("label") or "").strip()
            if not label:
                raise ValidationError({"options": _("第 %(i)s 个选项没有名称") % {"i": i}})
            try:
                _manager_choice(estate=estate, mode=option.get("mode") or "", provider=option.get("provider"),
                                field="options")
            except ValidationError as exc:
                raise ValidationError({"options": _("第 %(i)s 个选项：%(msg)s") % {
                    "i": i, "msg": "；".join(exc.messages)}}) from None
            key = (option.get("mode"), getattr(option.get("provider"), "pk", None))
            if key in seen:
                raise ValidationError({"options": _("第 %(i)s 个选项与前面的选项重复") % {"i": i}})
            seen.add(key)
    elif matter == "hire_manager":
        _manager_choice(estate=estate, mode=manager_mode, provider=provider)
    elif manager_mode or provider is not None:
        raise ValidationError({"manager_mode": _("只有选聘物业服务企业或者其他管理人的表决写明管理方式")})
    _check_timing(estate=estate, announced_at=now, opens_at=opens_at, closes_at=closes_at,
                  exception=timing_exception, document=timing_exception_document)
    return options


def _create_motion(
    *, estate, matter, title, opens_at, closes_at, actor, body, secret, meeting, manager_mode, provider, options,
    case, timing_exception, timing_exception_document, now, review_status: str = "",
) -> Motion:
    options = _validate_motion(
        estate=estate, matter=matter, title=title, opens_at=opens_at, closes_at=closes_at, meeting=meeting,
        manager_mode=manager_mode, provider=provider, options=options, case=case, timing_exception=timing_exception,
        timing_exception_document=timing_exception_document, now=now)
    motion = Motion.objects.create(
        estate=estate, matter=matter, title=title.strip(), body=body, opens_at=opens_at, closes_at=closes_at,
        secret=secret, meeting=meeting, created_by=actor, created_at=now, manager_mode=manager_mode,
        provider=provider, case=case, timing_exception=timing_exception.strip(),
        timing_exception_document=timing_exception_document.strip(), review_status=review_status,
        submitted_at=now if review_status else None,
    )
    for i, option in enumerate(options, start=1):
        MotionOption.objects.create(motion=motion, position=i, label=option["label"].strip()[:150],
                                    mode=option["mode"], provider=option.get("provider"))
    data = {"matter": matter}
    if motion.has_timing_exception:
        data["timing_exception"] = {"reason": motion.timing_exception, "document": motion.timing_exception_document}
    MotionEvent.objects.create(motion=motion, kind="created", actor=actor, at=now, data=data)
    return motion


DEVELOPER_KEY = "developer"


def electorate(estate: Estate, *, developer_home_ids=(), on: datetime.date | None = None,
               home_ids=None) -> list[dict]:
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
    homes = Home.objects.filter(estate=estate)
    if home_ids is not None:  # issue 20: only the homes concerned (Motion.concerned_homes)
        homes = homes.filter(pk__in=home_ids)
    for home in homes.select_related("building").order_by("building__number", "entrance", "number"):
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
    if motion.awaits_review:
        # issue 19: a committee's draft is opened only once the street has approved it.
        raise ValidationError(_("业委会起草的表决事项须经街道审核通过后才能开始表决"))
    if motion.closes_at <= now:
        raise ValidationError({"closes_at": _("截止时间已过")})
    # A committee's draft is announced when the street approves it, an admin's motion when it is created.
    _check_timing(estate=motion.estate, announced_at=motion.announced_at or motion.created_at, opens_at=motion.opens_at,
                  closes_at=motion.closes_at, exception=motion.timing_exception,
                  document=motion.timing_exception_document)
    foreign = set(developer_home_ids) - set(Home.objects.filter(estate=motion.estate).values_list("pk", flat=True))
    if foreign:
        raise ValidationError({"developer_home_ids": _("以下房屋不属于本小区：%(ids)s") % {"ids": sorted(foreign)}})
    concerned = list(motion.concerned_homes.values_list("pk", flat=True)) or None
    groups = electorate(motion.estate, developer_home_ids=developer_home_ids, on=timezone.localdate(now),
                        home_ids=concerned)
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


def describe_ballot(event: BallotEvent, *, show_choice: bool) -> str:
    """The existing ballot as a confirmation names it: when, how and (unless the vote is secret) what.

    "该业主已于 2026-12-06 10:30 通过线上投了同意（记录 #12）"; on a secret vote "… 通过线上投票（记录 #12）".
    """
    values = {"at": timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M"), "channel": event.get_channel_display(),
              "choice": event.option.label if event.option_id else event.get_choice_display(), "event": event.pk}
    if show_choice:
        return _("该业主已于 %(at)s 通过%(channel)s投了%(choice)s（记录 #%(event)s）") % values
    return _("该业主已于 %(at)s 通过%(channel)s投票（记录 #%(event)s）") % values


@transaction.atomic
def ballot_cast(
    *, motion: Motion, elector: Elector, choice: str, actor, channel: str = Channel.ONLINE, sheet=None, now=None,
    option: MotionOption | None = None,
    replaces: int | None = None,
) -> Ballot:
    """Cast or change the ballot of ``elector``: online by one of its owners, on paper by staff with the scan.

    On a motion with options the ballot is ``choice="for"`` with one ``option`` of the motion, or ``"abstain"``
    without one; a yes/no motion takes no option.

    A ballot is never replaced silently: when the elector already has one, the call must name the ballot's
    current event in ``replaces`` (the page or client showed it and the person confirmed replacing it); without
    it the call is refused (``Conflict``, code ``ballot_exists``, naming the existing ballot), and a ``replaces``
    that is no longer the current event (someone changed the ballot meanwhile) is refused too (``ballot_changed``).
    The scan is stored on the event it produced (``BallotEvent.sheet``); the replaced events keep theirs.
    """
    now = now or timezone.now()
    motion = Motion.objects.select_for_update().get(pk=motion.pk)
    if elector.motion_id != motion.pk:
        raise ValidationError(_("该业主不在本次表决的业主名册中"))
    if not motion.is_open(now):
        raise ValidationError(_("表决未开始或已截止，不能投票"))
    if motion.has_options:
        if choice == tally.FOR:
            if option is None or option.motion_id != motion.pk:
                raise ValidationError({"option": _("请选择本次表决的一个选项")})
        elif choice == tally.ABSTAIN:
            if option is not None:
                raise ValidationError({"option": _("弃权不选择选项")})
        else:
            raise ValidationError({"choice": _("多选项表决只能选择一个选项或弃权")})
    else:
        if choice not in tally.CHOICES:
            raise ValidationError({"choice": _("表决意见只能是同意、反对或弃权")})
        if option is not None:
            raise ValidationError({"option": _("本次表决没有选项")})
    if channel == Channel.ONLINE:
        if not permissions.can_vote_online(actor, elector):
            raise ValidationError(_("只能为自己名下的房屋投票"))
        if sheet:
            raise ValidationError({"sheet": _("线上投票没有纸质票扫描件")})
    elif channel == Channel.PAPER:
        # A paper ballot speaks for an owner who is not there: only the staff who run the vote enter it.
        permissions.require(permissions.can_record_paper_ballot(actor, motion), _("只有组织表决的管理员可以录入纸质票"))
        if not sheet:
            raise ValidationError({"sheet": _("纸质票须上传扫描件")})
    else:
        raise ValidationError({"channel": _("未知的投票方式")})
    ballot = Ballot.objects.select_for_update(of=("self",)).select_related("current").filter(elector=elector).first()
    if ballot is None:
        if replaces:
            raise ValidationError({"replaces": _("该业主尚未投票，没有可替换的表决票")})
        ballot, kind, data = Ballot(motion=motion, elector=elector, cast_at=now), "cast", {}
    else:
        current = ballot.current or ballot.events.order_by("-at", "-id").first()
        existing = describe_ballot(current, show_choice=not motion.secret)
        if not replaces:
            raise Conflict(_("%(existing)s。替换该票须确认。") % {"existing": existing}, code="ballot_exists")
        if str(replaces) != str(current.pk):
            raise Conflict(_("确认替换的记录 #%(confirmed)s 已不是该业主的当前表决票：%(existing)s。请重新确认。") % {
                "confirmed": replaces, "existing": existing}, code="ballot_changed")
        kind, data = "changed", {"replaces": current.pk}
    ballot.choice, ballot.option, ballot.channel, ballot.cast_by, ballot.changed_at = (choice, option, channel, actor,
                                                                                       now)
    ballot.save()
    event = BallotEvent.objects.create(ballot=ballot, kind=kind, choice=choice, option=option, channel=channel,
                                       actor=actor, at=now, sheet=sheet or "", data=data)
    ballot.current = event
    ballot.save(update_fields=["current"])
    return ballot


def count(motion: Motion) -> tally.Result | tally.OptionsResult:
    """Count the ballots of ``motion`` over its electorate with the rules of art. 278 (each option on its own on a
    motion with options)."""
    homes = [tally.OwnedHome(id=str(eh.home_id), owner=eh.elector.key, area=eh.area)
             for eh in ElectorHome.objects.filter(elector__motion=motion).select_related("elector")]
    votes = [tally.Vote(owner=b.elector.key, choice=b.choice, option=str(b.option_id) if b.option_id else None)
             for b in motion.ballots.select_related("elector")]
    if motion.has_options:
        return tally.tally_options(motion.matter, homes, votes,
                                   [(str(o.pk), o.label) for o in motion.options.all()])
    return tally.tally(motion.matter, homes, votes)


def _store_options_result(motion: Motion, result: tally.OptionsResult) -> None:
    for field in ("quorum_met", "approved", "total_area", "total_owners", "voting_area", "voting_owners",
                  "abstain_area", "abstain_owners", "explanation"):
        setattr(motion, field, getattr(result, field))
    for option in motion.options.all():
        counted = result.option(str(option.pk))
        option.area, option.owners = counted.area, counted.owners
        option.save(update_fields=["area", "owners"])
    winner = result.option(result.winner) if result.winner else None
    motion.winning_option_id = int(result.winner) if result.winner else None
    motion.for_area, motion.for_owners = (winner.area, winner.owners) if winner else (Decimal(0), 0)
    # Everyone who chose another option did not choose the winner: shown as "not for" on the yes/no columns.
    motion.against_area = result.voting_area - result.abstain_area - motion.for_area
    motion.against_owners = result.voting_owners - result.abstain_owners - motion.for_owners


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
    if isinstance(result, tally.OptionsResult):
        _store_options_result(motion, result)
    else:
        for field in ("quorum_met", "approved", "total_area", "total_owners", "voting_area", "voting_owners",
                      "for_area", "for_owners", "against_area", "against_owners", "abstain_area", "abstain_owners",
                      "explanation"):
            setattr(motion, field, getattr(result, field))
    motion.status, motion.closed_at = Motion.Status.CLOSED, now
    motion.save()
    MotionEvent.objects.create(motion=motion, kind="closed", actor=actor, at=now, data=result.as_dict())
    today = timezone.localdate(now)
    verdict = _("通过") if result.approved else _("未通过")
    if isinstance(result, tally.OptionsResult):
        figures = "\n".join(
            [_("%(label)s：%(o)s 人、%(a)s m²") % {"label": o.label, "o": o.owners, "a": o.area} for o in result.options]
            + [_("弃权：%(o)s 人、%(a)s m²") % {"o": result.abstain_owners, "a": result.abstain_area}])
        if result.winner:
            verdict = _("选定：%(label)s") % {"label": result.option(result.winner).label}
        else:
            verdict = _("未选出")
    else:
        figures = _("同意 %(fo)s 人、%(fa)s m²；反对 %(ao)s 人、%(aa)s m²；弃权 %(bo)s 人、%(ba)s m²。") % {
            "fo": result.for_owners, "fa": result.for_area, "ao": result.against_owners, "aa": result.against_area,
            "bo": result.abstain_owners, "ba": result.abstain_area}
    notice_post(
        title=_("表决结果公示：%(title)s（%(verdict)s）") % {"title": motion.title, "verdict": verdict},
        body=_("表决事项：%(title)s\n表决时间：%(opens)s 至 %(closes)s\n\n%(explanation)s\n\n%(figures)s") % {
            "title": motion.title, "opens": timezone.localtime(motion.opens_at).strftime("%Y-%m-%d %H:%M"),
            "closes": timezone.localtime(motion.closes_at).strftime("%Y-%m-%d %H:%M"),
            "explanation": result.explanation, "figures": figures,
        },
        scope=Notice.Scope.ESTATE, estate=motion.estate, posted_on=today,
        ends_on=today + datetime.timedelta(days=Notice.DEFAULT_PERIOD_DAYS), actor=actor, motion=motion,
        meeting=motion.meeting, now=now,
    )
    if motion.matter == "elect_committee":
        # Issue 19: a passed election installs the committee it elected, its seats from today (committees.py).
        from .committees import install_elected_committee

        install_elected_committee(motion=motion, actor=actor, now=now)
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


# -- issue 19 (review): a committee drafts, the street reviews ---------------------------------------------------
# A member of an estate's owners' committee or 物业管理委员会 drafts a motion for the owners (the committee proposes
# the matters of Beijing art. 34 to the assembly, art. 34 para. 2; the 物管会 organises the owners' decisions, art.
# 56); the draft goes to the admins of the estate's community or street, who guide and supervise the committee
# (arts. 44(11), 51). They approve it (the vote is announced then, and opened by them as any motion) or return it
# with a reason; the drafter revises and submits again. The drafter never opens a vote (permissions.can_write).

# The fields of a draft a revision may change; the values before are kept on the "revised" event.
DRAFT_FIELDS = ("matter", "title", "body", "opens_at", "closes_at", "secret", "manager_mode", "provider",
                "timing_exception", "timing_exception_document")


def _draft_values(motion: Motion) -> dict:
    values = {f: getattr(motion, f) for f in DRAFT_FIELDS if f != "provider"}
    values["provider"] = motion.provider_id
    values["opens_at"], values["closes_at"] = motion.opens_at.isoformat(), motion.closes_at.isoformat()
    values["options"] = [{"label": o.label, "mode": o.mode, "provider": o.provider_id} for o in motion.options.all()]
    return values


def _tell_reviewers(motion: Motion) -> None:
    notify(users=review_recipients(motion.estate), kind="committee_draft",
           title=_("业委会提交表决事项待审核：%(t)s") % {"t": motion.title},
           body=str(motion.estate), link=reverse("assembly:draft_motion", args=[motion.pk]),
           key=f"draft-motion:{motion.pk}:{motion.submitted_at.isoformat()}")


@transaction.atomic
def motion_draft_submit(
    *, estate: Estate, matter: str, title: str, opens_at: datetime.datetime, closes_at: datetime.datetime, actor,
    body: str = "", secret: bool = False, manager_mode: str = "", provider=None, options: list[dict] | None = None,
    timing_exception: str = "", timing_exception_document: str = "", now=None, **_ignored,
) -> Motion:
    """A committee member's draft motion of their estate, submitted for the street's review (checked as any
    motion: matter, manager choice, the notice period counted from now; it is counted again from the approval)."""
    now = now or timezone.now()
    permissions.require(permissions.can_draft(actor, estate), _("只有本小区业主委员会/物业管理委员会成员可以起草"))
    motion = _create_motion(
        estate=estate, matter=matter, title=title, opens_at=opens_at, closes_at=closes_at, actor=actor, body=body,
        secret=secret, meeting=None, manager_mode=manager_mode, provider=provider, options=options, case=None,
        timing_exception=timing_exception, timing_exception_document=timing_exception_document, now=now,
        review_status=Motion.Review.SUBMITTED)
    MotionEvent.objects.create(motion=motion, kind="submitted", actor=actor, at=now, data={"by": "committee"})
    _tell_reviewers(motion)
    return motion


@transaction.atomic
def motion_draft_revise(
    *, motion: Motion, actor, matter: str, title: str, opens_at: datetime.datetime, closes_at: datetime.datetime,
    body: str = "", secret: bool = False, manager_mode: str = "", provider=None, options: list[dict] | None = None,
    timing_exception: str = "", timing_exception_document: str = "", now=None, **_ignored,
) -> Motion:
    """Revise a returned draft and submit it again; the values before are kept on the "revised" event (a draft's
    options, never voted on, are replaced)."""
    now = now or timezone.now()
    motion = Motion.objects.select_for_update().get(pk=motion.pk)
    permissions.require(permissions.can_draft(actor, motion.estate), _("只有本小区业主委员会/物业管理委员会成员可以修改草稿"))
    if motion.status != Motion.Status.DRAFT or motion.review_status != Motion.Review.RETURNED:
        raise ValidationError(_("只有被退回的草稿可以修改后重新提交"))
    options = _validate_motion(
        estate=motion.estate, matter=matter, title=title, opens_at=opens_at, closes_at=closes_at, meeting=None,
        manager_mode=manager_mode, provider=provider, options=options, case=None, timing_exception=timing_exception,
        timing_exception_document=timing_exception_document, now=now)
    before = _draft_values(motion)
    motion.options.all().delete()
    for i, option in enumerate(options, start=1):
        MotionOption.objects.create(motion=motion, position=i, label=option["label"].strip()[:150],
                                    mode=option["mode"], provider=option.get("provider"))
    motion.matter, motion.title, motion.body, motion.opens_at, motion.closes_at = (
        matter, title.strip(), body, opens_at, closes_at)
    motion.secret, motion.manager_mode, motion.provider = secret, manager_mode, provider
    motion.timing_exception, motion.timing_exception_document = (timing_exception.strip(),
                                                                 timing_exception_document.strip())
    motion.review_status, motion.submitted_at = Motion.Review.SUBMITTED, now
    if hasattr(motion, "_has_options"):
        del motion._has_options
    motion.save()
    MotionEvent.objects.create(motion=motion, kind="revised", actor=actor, at=now, data={"before": before})
    _tell_reviewers(motion)
    return motion


@transaction.atomic
def motion_review(*, motion: Motion, actor, approve: bool, reason: str = "", now=None) -> Motion:
    """The street's (or community's) answer to a committee's draft: approved — announced now, and opened by an
    admin as any motion once the notice period has run — or returned to the committee with a reason."""
    now = now or timezone.now()
    motion = Motion.objects.select_for_update().get(pk=motion.pk)
    permissions.require(permissions.can_review(actor, motion.estate), _("只有本小区所在社区、街道的管理员可以审核"))
    if motion.status != Motion.Status.DRAFT or motion.review_status != Motion.Review.SUBMITTED:
        raise ValidationError(_("该草稿不在待审核状态"))
    if approve:
        try:
            _check_timing(estate=motion.estate, announced_at=now, opens_at=motion.opens_at,
                          closes_at=motion.closes_at, exception=motion.timing_exception,
                          document=motion.timing_exception_document)
        except ValidationError as exc:
            raise ValidationError(_("按今天公告，表决时间不合规定：%(msg)s 请退回业委会修改表决时间。") % {
                "msg": "；".join(exc.messages)}) from None
        motion.review_status, motion.announced_at, motion.review_reason = Motion.Review.APPROVED, now, ""
        kind, data = "approved", {}
    else:
        if not reason.strip():
            raise ValidationError({"reason": _("退回须写明理由")})
        motion.review_status, motion.review_reason = Motion.Review.RETURNED, reason.strip()[:300]
        kind, data = "returned", {"reason": reason.strip()[:300]}
    motion.reviewed_by, motion.reviewed_at = actor, now
    motion.save(update_fields=["review_status", "review_reason", "reviewed_by", "reviewed_at", "announced_at"])
    MotionEvent.objects.create(motion=motion, kind=kind, actor=actor, at=now, data=data)
    verdict = _("审核通过") if approve else _("退回修改")
    notify(users=[motion.created_by], kind="committee_draft", link=reverse("assembly:draft_motion", args=[motion.pk]),
           title=_("表决事项草稿%(v)s：%(t)s") % {"v": verdict, "t": motion.title}, body=data.get("reason", ""),
           key=f"draft-motion:{motion.pk}:{kind}:{now.isoformat()}")
    return motion
