"""State changes of care: subjects, plans, visits, problems, overdue notifications.

Care staff are the sensitive roles (community/street/district admins and grid workers) serving the
subject's community; an assigned visitor may record visits for the subjects of their plans and nothing else.
"""

from __future__ import annotations

import datetime
import hmac
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.care.models import CareSubject, Problem, Visit, VisitLink, VisitPlan
from linli.care.permissions import (  # noqa: F401 (is_assigned re-exported for the pages)
    can_record_visit,
    can_see_care_record,
    is_assigned,
    is_assigned_person,
    is_care_staff,
    require_care_staff,
)
from linli.notify.services import Message, notify, notify_many, recipients
from linli.people.models import Membership, Occupancy, Role, User
from linli.people.scopes import scope_for
from linli.volunteers.models import Volunteer
from linli.workorders import services as workorders


def kinds_from_flags(person) -> list[str]:
    """The care kinds implied by the person's sensitive flags in the registry."""
    return [kind for kind, flag in CareSubject.PERSON_FLAGS.items() if getattr(person, flag)]


@transaction.atomic
def subject_enrol(*, actor, person, kinds=None, guardian_contact: str = "", note: str = "") -> CareSubject:
    """Put a person under care; the kinds default to the person's flags (独居老人, 残疾人, 困难家庭)."""
    occ = Occupancy.objects.current().filter(person=person).select_related("home__estate__community").order_by(
        "pk").first()
    if occ is None:
        raise ValidationError({"person": _("该人员没有登记住址")})
    community = occ.home.estate.community
    require_care_staff(actor, community)
    kinds = list(dict.fromkeys(kinds if kinds is not None else kinds_from_flags(person)))
    if not kinds:
        raise ValidationError({"kinds": _("请选择关护类别")})
    if any(k not in CareSubject.Kind.values for k in kinds):
        raise ValidationError({"kinds": _("未知的关护类别")})
    if CareSubject.objects.filter(person=person).exists():
        raise ValidationError({"person": _("该人员已是关护对象")})
    return CareSubject.objects.create(person=person, kinds=kinds, community=community, estate=occ.home.estate,
                                      home=occ.home, guardian_contact=guardian_contact, note=note, created_by=actor)


@transaction.atomic
def subject_close(*, actor, subject: CareSubject, reason: str) -> CareSubject:
    require_care_staff(actor, subject.community)
    if not reason.strip():
        raise ValidationError({"reason": _("请写明原因")})
    subject.active = False
    subject.closed_at = timezone.now()
    subject.note = (subject.note + "\n" if subject.note else "") + _("结束关护：%(r)s") % {"r": reason.strip()}
    subject.save(update_fields=["active", "closed_at", "note"])
    subject.plans.update(active=False)
    return subject


@transaction.atomic
def plan_create(*, actor, subject: CareSubject, frequency: str, visitors=(), volunteers=(),
                first_due: datetime.date | None = None) -> VisitPlan:
    """A visit plan. ``visitors``: accounts (community staff, volunteers who sign in); ``volunteers``: people with an
    active volunteer profile in the subject's community — those with an account join ``visitors``, those without
    (the 红管家 who never sign in) are ``visitor_people`` and record through a personal link or a staff member."""
    require_care_staff(actor, subject.community)
    if frequency not in VisitPlan.Frequency.values:
        raise ValidationError({"frequency": _("未知的频次")})
    visitors, volunteers = list(visitors), list(volunteers)
    allowed = set(Volunteer.objects.filter(community=subject.community, active=True).values_list("person_id",
                                                                                               flat=True))
    strangers = [str(p) for p in volunteers if p.pk not in allowed]
    if strangers:
        raise ValidationError({"volunteers": _("%(names)s 不是本社区在册的志愿者") % {"names": "、".join(strangers)}})
    accounts = {u.person_id: u for u in User.objects.filter(person__in=volunteers, is_active=True)}
    visitors += [accounts[p.pk] for p in volunteers if p.pk in accounts]
    without_login = [p for p in volunteers if p.pk not in accounts]
    if not visitors and not without_login:
        raise ValidationError({"visitors": _("请指定至少一名探访人")})
    plan = VisitPlan.objects.create(subject=subject, frequency=frequency, created_by=actor,
                                    next_due=first_due or timezone.localdate())
    plan.visitors.set(visitors)
    plan.visitor_people.set(without_login)
    return plan


@transaction.atomic
def visit_record(*, actor, subject: CareSubject, visited_at: datetime.datetime, condition: str, notes: str = "",
                 problems=(), urgent_problems=(), problem_place: str = Problem.Place.HOME, on_behalf_of=None,
                 now=None) -> Visit:
    """Record a visit; every active plan of the subject moves its next due date on from this visit.

    ``on_behalf_of``: the volunteer (a Person, assigned to an active plan without a login) for whom a care staff
    member writes the visit down; the visit keeps both (visitor = the volunteer, recorded_by = the staff member).
    ``problem_place``: where the problems are (公共部位 or 户内), so that a work order can say where without saying
    why anybody was there. The community's care staff are told when a visit finds a problem."""
    if on_behalf_of is not None:
        if not is_care_staff(actor, subject.community):
            raise PermissionDenied(_("只有社区工作人员可以代志愿者登记探访"))
        if not is_assigned_person(on_behalf_of, subject):
            raise ValidationError({"on_behalf_of": _("%(name)s 不是该关护对象的探访人") % {"name": on_behalf_of}})
        return _record(subject=subject, visited_at=visited_at, condition=condition, notes=notes, problems=problems,
                       urgent_problems=urgent_problems, problem_place=problem_place, visitor=None,
                       visitor_person=on_behalf_of, recorded_by=actor, via=Visit.Via.STAFF, now=now)
    if not can_record_visit(actor, subject):
        raise PermissionDenied(_("只有指派的探访人或社区工作人员可以登记探访"))
    return _record(subject=subject, visited_at=visited_at, condition=condition, notes=notes, problems=problems,
                   urgent_problems=urgent_problems, problem_place=problem_place, visitor=actor,
                   visitor_person=actor.person, recorded_by=actor, via=Visit.Via.SELF, now=now)


LINK_DAYS = 31  # a personal link works for about a month unless revoked sooner


@transaction.atomic
def link_issue(*, actor, plan: VisitPlan, person, days: int = LINK_DAYS, now=None) -> tuple[VisitLink, str]:
    """A personal link for a volunteer without a login assigned to ``plan``: returns the link and its token, which
    is shown once (only its SHA-256 is stored). Issuing a new link for the same plan and person revokes the old."""
    now = now or timezone.now()
    require_care_staff(actor, plan.subject.community)
    if not plan.active or not plan.visitor_people.filter(pk=person.pk).exists():
        raise ValidationError({"person": _("%(name)s 不是该探访计划中无账号的探访志愿者") % {"name": person}})
    if not 1 <= days <= 92:
        raise ValidationError({"days": _("有效期应在 1 到 92 天之间")})
    VisitLink.objects.filter(plan=plan, person=person, revoked_at__isnull=True).update(revoked_at=now,
                                                                                       revoked_by=actor)
    token = secrets.token_urlsafe(32)
    link = VisitLink.objects.create(plan=plan, person=person, token_hash=VisitLink.hash(token), created_by=actor,
                                    created_at=now, expires_at=now + datetime.timedelta(days=days))
    return link, token


@transaction.atomic
def link_revoke(*, actor, link: VisitLink, now=None) -> VisitLink:
    require_care_staff(actor, link.plan.subject.community)
    if link.revoked_at is None:
        link.revoked_at, link.revoked_by = now or timezone.now(), actor
        link.save(update_fields=["revoked_at", "revoked_by"])
    return link


def link_for_token(token: str, *, now=None) -> VisitLink | None:
    """The live link of ``token``, or None (unknown, revoked, expired, plan stopped). The token is looked up by its
    hash and compared in constant time; the token itself is never stored or logged."""
    if not token or len(token) > 100:
        return None
    digest = VisitLink.hash(token)
    link = VisitLink.objects.select_related("plan__subject__person", "plan__subject__home__building",
                                            "plan__subject__estate", "person").filter(token_hash=digest).first()
    if link is None or not hmac.compare_digest(link.token_hash, digest) or not link.is_live(now):
        return None
    if not is_assigned_person(link.person, link.plan.subject):  # taken off the plan since
        return None
    return link


@transaction.atomic
def visit_record_by_link(*, link: VisitLink, visited_at: datetime.datetime, condition: str, notes: str = "",
                         problems=(), urgent_problems=(), problem_place: str = Problem.Place.HOME, now=None) -> Visit:
    """A visit recorded through a personal link: the visitor is the link's volunteer, nobody signed in."""
    link = VisitLink.objects.select_for_update(of=("self",)).select_related("plan__subject").get(pk=link.pk)
    if not link.is_live(now):
        raise PermissionDenied(_("该链接已失效"))
    if not is_assigned_person(link.person, link.plan.subject):
        raise PermissionDenied(_("该链接已失效"))
    return _record(subject=link.plan.subject, visited_at=visited_at, condition=condition, notes=notes,
                   problems=problems, urgent_problems=urgent_problems, problem_place=problem_place, visitor=None,
                   visitor_person=link.person, recorded_by=None, via=Visit.Via.LINK, now=now)


def _record(*, subject, visited_at, condition, notes, problems, urgent_problems, problem_place, visitor,
            visitor_person, recorded_by, via, now) -> Visit:
    now = now or timezone.now()
    if condition not in Visit.Condition.values:
        raise ValidationError({"condition": _("请选择状况")})
    if problem_place not in Problem.Place.values:
        raise ValidationError({"problem_place": _("请选择问题所在位置")})
    if visited_at > now + datetime.timedelta(minutes=5):
        raise ValidationError({"visited_at": _("探访时间不能晚于现在")})
    plans = list(VisitPlan.objects.select_for_update().filter(subject=subject, active=True).order_by("pk"))
    visit = Visit.objects.create(subject=subject, plan=plans[0] if plans else None, visited_at=visited_at,
                                 visitor=visitor, visitor_person=visitor_person, recorded_by=recorded_by, via=via,
                                 condition=condition, notes=notes, recorded_at=now)
    day = timezone.localtime(visited_at).date()
    for plan in plans:
        if day + plan.interval > plan.next_due:
            plan.next_due = day + plan.interval
            plan.save(update_fields=["next_due"])
    found = []
    for texts, urgent in ((problems, False), (urgent_problems, True)):
        for text in texts:
            if text.strip():
                found.append(Problem.objects.create(visit=visit, description=text.strip()[:200], urgent=urgent,
                                                    place=problem_place))
    if found:
        _tell_community(subject, found)
    return visit


def _tell_community(subject: CareSubject, problems: list[Problem]) -> None:
    """The community's care staff (its admins and grid workers) learn that a visit found problems, with a link to
    the problem on the care record; the title names the person masked (it may travel by SMS or WeChat)."""
    users = recipients(User.objects.filter(
        memberships__role__in=[Role.COMMUNITY_ADMIN, Role.GRID_WORKER], memberships__division=subject.community,
        is_active=True).distinct().order_by("pk"))
    urgent = any(p.urgent for p in problems)
    title = (_("探访发现 %(n)s 个问题（%(name)s），其中有紧急问题") if urgent else _("探访发现 %(n)s 个问题（%(name)s）")) % {
        "n": len(problems), "name": subject.person.masked_name}
    link = reverse("care:subject_detail", args=[subject.pk]) + f"#problem-{problems[0].pk}"
    notify(users=users, title=title, link=link, kind="care", key=f"care-problem:{problems[0].visit_id}")


# Words that tell whoever handles an order that a vulnerable person lives there (PIPL art. 28): a work order made
# from a care visit must describe the problem, never the reason for the visit.
CARE_WORDS = ("关爱", "关怀", "关护", "探访", "走访", "独居", "空巢", "老人", "老年", "残疾", "残障", "困难", "低保", "特困",
              "留守", "孤寡")


def care_words_in(text: str) -> list[str]:
    return [w for w in CARE_WORDS if w in text]


@transaction.atomic
def problem_to_work_order(*, actor, problem: Problem, text: str | None = None, place: str | None = None) -> Problem:
    """Turn a problem found on a visit into a work order in one step (channel 网格员上报/巡查发现).

    The order says what is wrong and where — the shared part (the subject's building) or the flat — and nothing
    about the care: no care words (``CARE_WORDS``, refused on the field ``text``), no category of the person, no
    reporter (PIPL arts. 6 and 28). ``text`` and ``place`` let staff reword the problem and correct where it is. The
    order is kept on the problem, which becomes ``converted``; only care staff see the link back
    (``order_links``)."""
    require_care_staff(actor, problem.visit.subject.community)
    problem = Problem.objects.select_for_update(of=("self",)).select_related("visit__subject__home__building").get(pk=problem.pk)
    if problem.status != Problem.Status.OPEN:
        raise ValidationError(_("该问题已处理"))
    text = (problem.description if text is None else text).strip()
    place = place or problem.place
    if not text:
        raise ValidationError({"text": _("请写明问题")})
    if place not in Problem.Place.values:
        raise ValidationError({"place": _("请选择问题所在位置")})
    if words := care_words_in(text):
        raise ValidationError({"text": _("工单内容只写问题本身，不要写出“%(w)s”等透露关护对象的字眼") % {
            "w": "、".join(words)}})
    subject = problem.visit.subject
    if place == Problem.Place.COMMON:
        building = subject.home.building if subject.home_id else None
        where = workorders.resolve_place(building=building, estate=subject.estate, community=subject.community)
    else:
        where = workorders.resolve_place(home=subject.home, estate=subject.estate, community=subject.community)
    order = workorders.workorder_create(
        channel="grid" if Role.GRID_WORKER in scope_for(actor).roles else "patrol",
        text=text, kind="help", urgent=problem.urgent, place=where, actor=actor,
    )
    problem.status, problem.work_order_ref, problem.work_order = Problem.Status.CONVERTED, order.code, order
    problem.description, problem.place = text[:200], place
    problem.save(update_fields=["status", "work_order_ref", "work_order", "description", "place"])
    return problem


def order_links(user, order) -> list[dict]:
    """The link from a work order back to the care record it came from, for those who may see that record only
    (registered with ``linli.workorders.links``; the handling company, the department and the resident get none)."""
    out = []
    for problem in Problem.objects.filter(work_order=order).select_related("visit__subject__community"):
        subject = problem.visit.subject
        if can_see_care_record(user, subject):
            out.append({"label": _("关护记录"), "text": _("查看探访发现的问题"),
                        "url": reverse("care:subject_detail", args=[subject.pk]) + f"#problem-{problem.pk}"})
    return out


@transaction.atomic
def problem_resolve(*, actor, problem: Problem, resolution: str, now=None) -> Problem:
    require_care_staff(actor, problem.visit.subject.community)
    if problem.status != Problem.Status.OPEN:
        raise ValidationError(_("该问题已处理"))
    if not resolution.strip():
        raise ValidationError({"resolution": _("请写明处理结果")})
    problem.status, problem.resolution = Problem.Status.RESOLVED, resolution.strip()
    problem.resolved_by, problem.resolved_at = actor, now or timezone.now()
    problem.save()
    return problem


def notify_overdue(*, today: datetime.date | None = None) -> int:
    """Tell the visitors and the community admins about each overdue visit, once per due date, through the one
    notification machinery (kind "care", key "care:<plan>:<due>": the inbox and the user's channel).

    Safe to run twice or in two workers at once: one row per user and key (a unique constraint)."""
    today = today or timezone.localdate()
    plans = list(VisitPlan.objects.overdue(today).select_related("subject__person", "subject__community")
                 .prefetch_related("visitors"))
    if not plans:
        return 0
    admins = {}
    for user_id, division_id in Membership.objects.filter(
            role=Role.COMMUNITY_ADMIN, division_id__in={p.subject.community_id for p in plans}
    ).values_list("user_id", "division_id"):
        admins.setdefault(division_id, set()).add(user_id)
    wanted = {plan.pk: {v.pk for v in plan.visitors.all()} | admins.get(plan.subject.community_id, set())
              for plan in plans}
    users = {u.pk: u for u in recipients(User.objects.filter(pk__in=set().union(*wanted.values()), is_active=True))}
    batch = []
    for plan in plans:
        days = (today - plan.next_due).days
        title = _("%(name)s 的探访已逾期 %(d)s 天（应于 %(due)s 前探访）") % {
            "name": plan.subject.person.name, "d": days, "due": plan.next_due.isoformat()}
        batch.append(Message(users=[users[i] for i in sorted(wanted[plan.pk]) if i in users], title=title,
                             link=reverse("care:subject_detail", args=[plan.subject_id]), kind="care",
                             key=care_key(plan.pk, plan.next_due)))
    with transaction.atomic():
        return len(notify_many(batch))


def care_key(plan_id: int, due: datetime.date) -> str:
    """The notification key of an overdue reminder: one per user, plan and due date."""
    return f"care:{plan_id}:{due.isoformat()}"
