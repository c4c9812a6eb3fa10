"""Owners' committees (业主委员会) and 物业管理委员会: terms, seats, filing, the term report, a seat ending.

Law: ../shared/law/北京市物业管理条例(2024-03-29).md, chapter 4 (the articles are cited at each rule), Civil Code
art. 278(1)(3) (the owners elect the committee), 物业管理条例 arts. 15–16. A body's term is an assembly.Committee
with its own people.Organization; its members are people.Post rows of that organisation, written through
people.services.add_post / end_post (a seat is never edited away: it ends with a reason and a new one begins).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.assembly import permissions
from linli.assembly.models import (
    Committee,
    CommitteeCandidate,
    CommitteeDocument,
    CommitteeEvent,
    MemberEnd,
    Motion,
    MotionEvent,
)
from linli.assembly.models.committees import add_years
from linli.people.models import Occupancy, Organization, Person, Post, User
from linli.people.services import add_post, end_post
from linli.places.models import Estate, Home

SEATS = ("chair", "vice_chair", "member")  # voting seats; alternates (候补委员) step in later (art. 41 para. 3)
ORG_KIND = {Committee.Kind.OWNERS: "owners_committee", Committee.Kind.MANAGEMENT: "pm_committee"}
# Beijing art. 39 para. 1: an estate of at most 100 households may have a committee of three.
SMALL_ESTATE_HOMES = 100
# Beijing art. 54: whom a 物业管理委员会's members come from ("等": the party organisation and others may sit too).
MANAGEMENT_CAPACITIES = ("residents_committee", "owner", "user", "party", "other")


# -- rules (each raises ValidationError naming the field and the article) ----------------------------------------


def is_owner_in(person: Person, estate: Estate, on=None) -> bool:
    """Owns (or co-owns) a home of ``estate`` now."""
    return Occupancy.objects.current(on).filter(person=person, home__estate=estate,
                                                relation__in=Occupancy.OWNING).exists()


def check_term(*, kind: str, term_starts: datetime.date, term_ends: datetime.date) -> None:
    """Beijing art. 41: an owners' committee's term is at most five years; art. 58: a 物业管理委员会's at most
    three."""
    years = Committee.MAX_TERM_YEARS[kind]
    if term_ends < term_starts:
        raise ValidationError({"term_ends": _("任期届满日期不能早于任期开始日期")})
    if term_ends > add_years(term_starts, years):
        article = _("第四十一条") if kind == Committee.Kind.OWNERS else _("第五十八条")
        raise ValidationError({"term_ends": _(
            "任期不得超过 %(years)s 年（北京市物业管理条例%(article)s）：最晚 %(latest)s 届满") % {
            "years": years, "article": article, "latest": add_years(term_starts, years).isoformat()}})


def check_owners_slate(estate: Estate, seats: list[tuple[Person, str]], on=None) -> None:
    """The members of an owners' committee (Beijing art. 39): an odd number, at least five (three in an estate of
    at most 100 households), alternates no more than the members, every one an owner of the estate; one chair at
    most (the chair and vice-chair are chosen by the committee at its first meeting, art. 42, or named on the
    slate)."""
    persons = [p.pk for p, _t in seats]
    if len(set(persons)) != len(persons):
        raise ValidationError({"candidates": _("同一人不能在名单中出现两次")})
    members = sum(1 for _p, t in seats if t in SEATS)
    alternates = sum(1 for _p, t in seats if t == "alternate")
    small = Home.objects.filter(estate=estate).count() <= SMALL_ESTATE_HOMES
    if members % 2 == 0 or members < 3 or (members < 5 and not small):
        raise ValidationError({"candidates": _(
            "业主委员会委员须为五人以上单数（户数一百户以下的小区可以为三人）（北京市物业管理条例第三十九条）："
            "现有委员 %(n)s 人") % {"n": members}})
    if alternates > members:
        raise ValidationError({"candidates": _(
            "候补委员人数不得超过委员人数（北京市物业管理条例第三十九条）：委员 %(m)s 人，候补委员 %(a)s 人") % {
            "m": members, "a": alternates}})
    if sum(1 for _p, t in seats if t == "chair") > 1:
        raise ValidationError({"candidates": _("业主委员会只有一名主任")})
    for person, _title in seats:
        if not is_owner_in(person, estate, on):
            raise ValidationError({"candidates": _(
                "%(name)s 不是本小区业主：业主委员会委员、候补委员应当为本物业管理区域的业主（北京市物业管理条例"
                "第三十九条）") % {"name": person.name}})


def check_management_members(members: list[tuple[Person, str, str]]) -> None:
    """Beijing art. 54: a 物业管理委员会 has seven or more members, an odd number, from the residents' committee,
    owners, users and others; owners at least half; its chair from the residents' committee and its vice-chair an
    owner named by it."""
    persons = [p.pk for p, _t, _c in members]
    if len(set(persons)) != len(persons):
        raise ValidationError({"members": _("同一人不能在名单中出现两次")})
    n = len(members)
    if n < Committee.MANAGEMENT_MIN_MEMBERS or n % 2 == 0:
        raise ValidationError({"members": _(
            "物业管理委员会由七人以上单数组成（北京市物业管理条例第五十四条）：现有 %(n)s 人") % {"n": n}})
    for person, title, capacity in members:
        if title == "alternate" or title not in SEATS:
            raise ValidationError({"members": _("%(name)s：物业管理委员会只设主任、副主任和委员") % {"name": person.name}})
        if capacity not in MANAGEMENT_CAPACITIES:
            raise ValidationError({"members": _("%(name)s：请写明来自居民委员会、业主还是物业使用人") % {
                "name": person.name}})
    owners = sum(1 for _p, _t, c in members if c == "owner")
    if owners * 2 < n:
        raise ValidationError({"members": _(
            "业主代表不少于物业管理委员会委员人数的二分之一（北京市物业管理条例第五十四条）：%(o)s / %(n)s") % {
            "o": owners, "n": n}})
    chairs = [c for _p, t, c in members if t == "chair"]
    if chairs != ["residents_committee"]:
        raise ValidationError({"members": _(
            "物业管理委员会主任由居民委员会代表担任，且只有一名（北京市物业管理条例第五十四条）")})
    vices = [c for _p, t, c in members if t == "vice_chair"]
    if vices != ["owner"]:
        raise ValidationError({"members": _(
            "物业管理委员会副主任由居民委员会指定一名业主代表担任（北京市物业管理条例第五十四条）")})


# -- terms -------------------------------------------------------------------------------------------------------


def _organization_name(estate: Estate, kind: str, number: int) -> str:
    body = _("业主委员会") if kind == Committee.Kind.OWNERS else _("物业管理委员会")
    org_kind = ORG_KIND[kind]
    for name in (f"{estate.name}{body}（第{number}届）", f"{estate.community.name}{estate.name}{body}（第{number}届）",
                 f"{estate.community.name}{estate.name}{body}（第{number}届 #{estate.pk}）"):
        if not Organization.objects.filter(kind=org_kind, name=name).exists():
            return name
    raise ValidationError({"estate": _("该届组织名称已存在")})


def _new_term(*, estate: Estate, kind: str, term_starts, term_ends, elected_on, basis: str, actor,
              elected_by: Motion | None = None, phone: str = "") -> Committee:
    check_term(kind=kind, term_starts=term_starts, term_ends=term_ends)
    earlier = Committee.objects.filter(estate=estate, kind=kind)
    number = (earlier.aggregate(n=Max("number"))["n"] or 0) + 1
    if not phone:
        last = earlier.select_related("organization").order_by("-term_starts", "-id").first()
        phone = last.organization.phone if last else ""
    org = Organization.objects.create(name=_organization_name(estate, kind, number), kind=ORG_KIND[kind],
                                      division=estate.community, estate=estate, phone=phone[:20])
    return Committee.objects.create(
        organization=org, estate=estate, kind=kind, number=number, term_starts=term_starts, term_ends=term_ends,
        elected_by=elected_by, basis=basis[:200], elected_on=elected_on, created_by=actor)


def _install(committee: Committee, seats: list[tuple[Person, str, str]], *, on, basis: str, actor) -> list[Post]:
    return [add_post(person=person, organization=committee.organization, title=title, capacity=capacity,
                     starts_on=on, basis=basis, by=actor) for person, title, capacity in seats]


def _end_seats(committee: Committee, *, on, reason: str, actor) -> int:
    """End every current seat of ``committee`` on ``on`` (the day its successor begins)."""
    ended = 0
    for post in Post.objects.current(on).filter(organization=committee.organization).filter(starts_on__lte=on):
        end_post(post=post, on=max(on, post.starts_on), reason=reason, by=actor)
        ended += 1
    return ended


def _close_term(committee: Committee, *, on, reason: str, actor) -> None:
    """The term stops on ``on``: its seats end, and it is marked dissolved if its term had not run out."""
    seats = _end_seats(committee, on=on, reason=reason, actor=actor)
    if committee.dissolved_on is None and committee.term_ends >= on:
        Committee.objects.filter(pk=committee.pk).update(dissolved_on=on, dissolved_reason=reason[:200])
    CommitteeEvent.objects.create(committee=committee, kind="dissolved", actor=actor,
                                  data={"on": on.isoformat(), "reason": reason, "seats_ended": seats})


def serving(estate: Estate, kind: str, on=None):
    return Committee.objects.serving(on).filter(estate=estate, kind=kind)


# -- the slate of an election (elect_committee motions) ------------------------------------------------------------


@transaction.atomic
def candidate_add(*, motion: Motion, person: Person, title: str, actor) -> CommitteeCandidate:
    """Put ``person`` on the slate of an ``elect_committee`` motion while it is a draft (fixed once the vote opens:
    the owners vote on the slate they were shown). Only owners of the estate may stand (Beijing art. 39)."""
    motion = Motion.objects.select_for_update().select_related("estate__community").get(pk=motion.pk)
    permissions.require(permissions.can_write_motion(actor, motion))
    if motion.matter != "elect_committee":
        raise ValidationError({"motion": _("只有选举业主委员会的表决有候选人名单")})
    if motion.status != Motion.Status.DRAFT:
        raise ValidationError({"person": _("表决已开始，候选人名单不能再修改")})
    if title not in CommitteeCandidate.Seat.values:
        raise ValidationError({"title": _("请选择拟任职务")})
    if not is_owner_in(person, motion.estate):
        raise ValidationError({"person": _(
            "%(name)s 不是本小区业主：业主委员会委员、候补委员应当为本物业管理区域的业主（北京市物业管理条例第三十九条）")
            % {"name": person.name}})
    if motion.candidates.filter(person=person).exists():
        raise ValidationError({"person": _("%(name)s 已在候选人名单中") % {"name": person.name}})
    position = (motion.candidates.aggregate(n=Max("position"))["n"] or 0) + 1
    candidate = CommitteeCandidate.objects.create(motion=motion, person=person, title=title, position=position,
                                                  added_by=actor)
    MotionEvent.objects.create(motion=motion, kind="candidate_added", actor=actor,
                               data={"person": person.pk, "title": title})
    return candidate


@transaction.atomic
def candidate_remove(*, candidate: CommitteeCandidate, actor) -> None:
    """Take a candidate off a draft's slate (the motion's history keeps that it was there)."""
    motion = Motion.objects.select_for_update().select_related("estate__community").get(pk=candidate.motion_id)
    permissions.require(permissions.can_write_motion(actor, motion))
    if motion.status != Motion.Status.DRAFT:
        raise ValidationError({"person": _("表决已开始，候选人名单不能再修改")})
    MotionEvent.objects.create(motion=motion, kind="candidate_removed", actor=actor,
                               data={"person": candidate.person_id, "title": candidate.title})
    candidate.delete()


def install_elected_committee(*, motion: Motion, actor, now=None) -> Committee | None:
    """Called by services.motion_close once an ``elect_committee`` motion is counted. When it passed, the new term
    of the owners' committee begins on the closing day with the slate's members in their seats (Civil Code art.
    278(1)(3); Beijing art. 33); the seats of the committee it replaces end that day. A term is at most five years
    (art. 41). A 物业管理委员会 stays until the new committee is filed, then is dissolved (art. 59; see
    committee_record_filing). Nothing is installed when the motion failed or carries no slate; a slate that does not
    meet art. 39 is recorded on the motion and installs nothing."""
    if motion.matter != "elect_committee" or not motion.approved:
        return None
    candidates = list(motion.candidates.select_related("person").order_by("position", "id"))
    if not candidates:
        return None
    permissions.require(permissions.can_write_motion(actor, motion))
    now = now or timezone.now()
    day = timezone.localdate(now)
    estate = motion.estate
    try:
        check_owners_slate(estate, [(c.person, c.title) for c in candidates], on=day)
    except ValidationError as exc:
        MotionEvent.objects.create(motion=motion, kind="committee_not_installed", actor=actor, at=now,
                                   data={"reason": "；".join(exc.messages)})
        return None
    reason = _("第%(n)s届业主委员会选举产生（表决：%(title)s）")
    for old in Committee.objects.filter(estate=estate, kind=Committee.Kind.OWNERS, dissolved_on__isnull=True):
        if Post.objects.current(day).filter(organization=old.organization).exists() or old.is_serving(day):
            _close_term(old, on=day, actor=actor, reason=reason % {"n": old.number + 1, "title": motion.title})
    committee = _new_term(estate=estate, kind=Committee.Kind.OWNERS, term_starts=day,
                          term_ends=add_years(day, Committee.MAX_TERM_YEARS[Committee.Kind.OWNERS])
                          - datetime.timedelta(days=1),
                          elected_on=day, elected_by=motion, basis=_("业主共同决定：%(title)s") % {"title": motion.title},
                          actor=actor)
    posts = _install(committee, [(c.person, c.title, "owner") for c in candidates], on=day,
                     basis=_("表决 #%(pk)s") % {"pk": motion.pk}, actor=actor)
    CommitteeEvent.objects.create(committee=committee, kind="elected", actor=actor, at=now, data={
        "motion": motion.pk, "seats": [{"person": p.person_id, "title": p.title} for p in posts],
        "filing_due": committee.filing_due.isoformat()})
    MotionEvent.objects.create(motion=motion, kind="committee_installed", actor=actor, at=now,
                               data={"committee": committee.pk, "seats": len(posts)})
    return committee


@transaction.atomic
def committee_register_existing(*, estate: Estate, seats: list[tuple[Person, str]], elected_on: datetime.date,
                                term_ends: datetime.date, basis: str, actor, phone: str = "") -> Committee:
    """An owners' committee elected before its estate used Linli, recorded by the street from its papers: the
    same rules as an election (art. 39 composition, art. 41 term), its seats from the election day."""
    permissions.require(permissions.can_oversee_committees(actor, estate))
    if not basis.strip():
        raise ValidationError({"basis": _("请填写选举依据（业主大会会议记录或决定）")})
    if elected_on > timezone.localdate():
        raise ValidationError({"elected_on": _("选举日期不能晚于今天")})
    if serving(estate, Committee.Kind.OWNERS, elected_on).exists():
        raise ValidationError({"estate": _("本小区已有在任的业主委员会")})
    check_owners_slate(estate, seats)
    committee = _new_term(estate=estate, kind=Committee.Kind.OWNERS, term_starts=elected_on, term_ends=term_ends,
                          elected_on=elected_on, basis=basis.strip(), actor=actor, phone=phone)
    posts = _install(committee, [(p, t, "owner") for p, t in seats], on=elected_on, basis=basis.strip(), actor=actor)
    CommitteeEvent.objects.create(committee=committee, kind="elected", actor=actor, data={
        "registered": True, "seats": [{"person": p.person_id, "title": p.title} for p in posts],
        "filing_due": committee.filing_due.isoformat()})
    return committee


# -- 物业管理委员会 -------------------------------------------------------------------------------------------------


@transaction.atomic
def management_committee_form(*, estate: Estate, members: list[tuple[Person, str, str]], term_starts: datetime.date,
                              term_ends: datetime.date, basis: str, actor, phone: str = "",
                              document=None) -> Committee:
    """The street forms a 物业管理委员会 where no owners' committee can be elected (Beijing arts. 52–53): members
    as (person, title, capacity) under art. 54, a term of at most three years (art. 58), acting in the committee's
    place (art. 56). Refused while an owners' committee or another 物业管理委员会 serves the estate; a new one is
    formed when the last one's term has run out (art. 58)."""
    permissions.require(permissions.can_oversee_committees(actor, estate),
                        _("物业管理委员会由街道办事处、乡镇人民政府组建（北京市物业管理条例第五十二条）"))
    if not basis.strip():
        raise ValidationError({"basis": _("请填写组建决定的文号")})
    if serving(estate, Committee.Kind.OWNERS, term_starts).exists():
        raise ValidationError({"estate": _(
            "本小区已有在任的业主委员会，不组建物业管理委员会（北京市物业管理条例第五十三条）")})
    if serving(estate, Committee.Kind.MANAGEMENT, term_starts).exists():
        raise ValidationError({"estate": _("本小区已有在任的物业管理委员会；任期届满后方可重新组建（第五十八条）")})
    check_management_members(members)
    for person, _title, capacity in members:  # art. 54: owners' and users' representatives are of this estate
        if capacity == "owner" and not is_owner_in(person, estate, term_starts):
            raise ValidationError({"members": _("%(name)s 不是本小区业主，不能作为业主代表（第五十四条）") % {
                "name": person.name}})
        if capacity == "user" and not Occupancy.objects.current(term_starts).filter(
                person=person, home__estate=estate).exists():
            raise ValidationError({"members": _("%(name)s 不是本小区的物业使用人（第五十四条）") % {
                "name": person.name}})
    committee = _new_term(estate=estate, kind=Committee.Kind.MANAGEMENT, term_starts=term_starts,
                          term_ends=term_ends, elected_on=term_starts, basis=basis.strip(), actor=actor, phone=phone)
    posts = _install(committee, members, on=term_starts, basis=basis.strip(), actor=actor)
    if document is not None:
        CommitteeDocument.objects.create(committee=committee, kind=CommitteeDocument.Kind.FORMATION,
                                         title=_("组建决定：%(basis)s") % {"basis": basis.strip()}, file=document,
                                         uploaded_by=actor)
    CommitteeEvent.objects.create(committee=committee, kind="formed", actor=actor, data={
        "basis": basis.strip(), "seats": [{"person": p.person_id, "title": p.title, "capacity": p.capacity}
                                          for p in posts]})
    return committee


# -- filing, documents, the term report ----------------------------------------------------------------------------


def _document(committee, kind, title, file, actor):
    return CommitteeDocument.objects.create(committee=committee, kind=kind, title=title.strip()[:150] or
                                            CommitteeDocument.Kind(kind).label, file=file, uploaded_by=actor)


@transaction.atomic
def committee_record_filing(*, committee: Committee, filed_on: datetime.date, actor,
                            documents=()) -> Committee:
    """The street records the filing (备案) of an owners' committee with its papers (Beijing art. 43: the record
    and decisions of the assembly, its rules, the statute, the committee's first meeting, the list of members),
    or of a 物业管理委员会 (art. 55). ``documents``: (kind, title, file). Once an owners' committee is filed, a
    物业管理委员会 serving the estate is dissolved (art. 59)."""
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    permissions.require(permissions.can_oversee_committees(actor, committee.estate),
                        _("备案由街道办事处、乡镇人民政府办理（北京市物业管理条例第四十三条）"))
    if committee.filed_on:
        raise ValidationError({"filed_on": _("已于 %(d)s 备案") % {"d": committee.filed_on.isoformat()}})
    today = timezone.localdate()
    if filed_on < committee.elected_on or filed_on > today:
        raise ValidationError({"filed_on": _("备案日期须在选举/组建之日与今天之间")})
    if not documents:
        raise ValidationError({"file": _("请上传备案材料（第四十三条所列材料）")})
    committee.filed_on, committee.filing_received_by = filed_on, actor
    committee.save(update_fields=["filed_on", "filing_received_by"])
    for kind, title, file in documents:
        _document(committee, kind, title, file, actor)
    CommitteeEvent.objects.create(committee=committee, kind="filed", actor=actor, data={
        "filed_on": filed_on.isoformat(), "due": committee.filing_due.isoformat(),
        "late": filed_on > committee.filing_due and committee.kind == Committee.Kind.OWNERS})
    if committee.kind == Committee.Kind.OWNERS:
        for pmc in serving(committee.estate, Committee.Kind.MANAGEMENT, filed_on):
            _close_term(pmc, on=filed_on, actor=actor, reason=_(
                "业主委员会已选举产生并备案，物业管理委员会解散（北京市物业管理条例第五十九条）"))
    return committee


@transaction.atomic
def committee_add_document(*, committee: Committee, kind: str, title: str, file, actor) -> CommitteeDocument:
    """A document of a body (rules, minutes, a change filing under art. 50 …); never replaced, a newer one is a new
    row. By the street or one of the body's members."""
    permissions.require(permissions.can_record_term_report(actor, committee))
    if kind not in CommitteeDocument.Kind.values:
        raise ValidationError({"kind": _("未知的文件类别")})
    if not file:
        raise ValidationError({"file": _("请上传文件")})
    doc = _document(committee, kind, title, file, actor)
    CommitteeEvent.objects.create(committee=committee, kind="document", actor=actor,
                                  data={"document": doc.pk, "kind": kind})
    return doc


@transaction.atomic
def committee_record_term_report(*, committee: Committee, reported_on: datetime.date, file, actor,
                                 title: str = "") -> Committee:
    """Beijing art. 49: six months before its term ends the owners' committee reports in writing to the street,
    which then forms the 换届小组 within 60 days. Recorded with the report as a document, by the committee or by
    the street that received it."""
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    permissions.require(permissions.can_record_term_report(actor, committee))
    if committee.kind != Committee.Kind.OWNERS:
        raise ValidationError({"kind": _("届满前书面报告是业主委员会的义务（第四十九条）")})
    if committee.term_report_on:
        raise ValidationError({"reported_on": _("已于 %(d)s 报告") % {"d": committee.term_report_on.isoformat()}})
    if reported_on > timezone.localdate() or reported_on < committee.term_starts:
        raise ValidationError({"reported_on": _("报告日期须在任期内且不晚于今天")})
    if not file:
        raise ValidationError({"file": _("请上传书面报告")})
    committee.term_report_on = reported_on
    committee.save(update_fields=["term_report_on"])
    doc = _document(committee, CommitteeDocument.Kind.TERM_REPORT, title or _("届满前书面报告"), file, actor)
    CommitteeEvent.objects.create(committee=committee, kind="term_report", actor=actor, data={
        "reported_on": reported_on.isoformat(), "due": committee.report_due.isoformat(), "document": doc.pk})
    return committee


def remind_term_reports(*, today=None) -> int:
    """Art. 49: remind each serving owners' committee whose report is due (within a month of the day six months
    before its term ends) or overdue, once per committee and due day, in the members' inbox. Safe twice."""
    from linli.notify.services import notify

    today = today or timezone.localdate()
    reminded = 0
    for committee in Committee.objects.serving(today).filter(kind=Committee.Kind.OWNERS, term_report_on__isnull=True):
        if committee.report_status(today) not in ("due", "overdue"):
            continue
        persons = Post.objects.current(today).filter(organization=committee.organization).values("person_id")
        users = list(User.objects.filter(is_active=True, person_id__in=persons))
        notify(users=users, kind="committee_report",
               title=_("请于 %(d)s 前向街道书面报告任期届满事宜") % {"d": committee.report_due.isoformat()},
               body=_("%(c)s 任期 %(e)s 届满。北京市物业管理条例第四十九条：任期届满前六个月应当书面报告街道办事处。") % {
                   "c": committee.organization.name, "e": committee.term_ends.isoformat()},
               link=reverse("assembly:committee_detail", args=[committee.pk]),
               key=f"committee-report:{committee.pk}:{committee.report_due.isoformat()}")
        reminded += 1
    return reminded


# -- a member's seat ends (art. 46), an alternate steps in (art. 41) -------------------------------------------------


@transaction.atomic
def seat_end(*, post: Post, reason: str, on: datetime.date, actor, note: str = "",
             alternate: Post | None = None) -> Post:
    """End a member's seat for a reason of Beijing art. 46 (``MemberEnd``): the qualification ends on the day the
    situation arose (para. 1) or the assembly removed the member (para. 2). The committee announces it to the owners
    and asks the assembly to confirm (art. 46). An ``alternate`` (a current 候补委员 of the same committee) may step
    into the vacant seat for the rest of the term (art. 41 para. 3)."""
    post = Post.objects.select_related("organization").get(pk=post.pk)
    committee = Committee.objects.filter(organization_id=post.organization_id).select_related("estate").first()
    if committee is None:
        raise ValidationError({"post": _("这不是业主委员会或物业管理委员会的职务")})
    permissions.require(permissions.can_end_seat(actor, committee))
    if reason not in MemberEnd.values:
        raise ValidationError({"reason": _("请选择委员资格终止的情形（第四十六条）")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("终止日期不能晚于今天")})
    if not post.is_current(on) and post.ends_on is not None:
        raise ValidationError({"post": _("该职务已终止")})
    if alternate is not None:
        alternate = Post.objects.get(pk=alternate.pk)
        if (alternate.organization_id != post.organization_id or alternate.title != "alternate"
                or not alternate.is_current(on)):
            raise ValidationError({"alternate": _("递补人须为本届在任的候补委员（第四十一条）")})
        if post.title == "alternate":
            raise ValidationError({"alternate": _("候补委员离任无需递补")})
    text = str(MemberEnd(reason).label) + (f"：{note.strip()}" if note.strip() else "")
    end_post(post=post, on=on, reason=text, by=actor)
    data = {"post": post.pk, "person": post.person_id, "title": post.title, "reason": reason, "note": note.strip()}
    if alternate is not None:
        end_post(post=alternate, on=on, reason=_("递补为委员（北京市物业管理条例第四十一条第三款）"), by=actor)
        seat = add_post(person=alternate.person, organization=post.organization, title="member",
                        capacity=alternate.capacity, starts_on=on,
                        basis=_("递补 %(name)s 的空缺") % {"name": post.person.name}, by=actor)
        data["alternate"] = {"person": alternate.person_id, "post": seat.pk}
    CommitteeEvent.objects.create(committee=committee, kind="seat_ended", actor=actor, data=data)
    post.refresh_from_db()
    return post


def estates_without_body(estates, on=None):
    """Of ``estates``, those with neither a serving owners' committee nor a serving 物业管理委员会."""
    return estates.exclude(pk__in=Committee.objects.serving(on).values("estate_id"))
