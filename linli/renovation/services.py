"""State changes of renovation projects and emergency property services. Pages, the API, the demo and the daily job
all call these; each checks its right through ``linli.renovation.permissions``.

Rules and their articles (docs/renovation.md):

* A project covers one estate or a cluster of them (片区: one budget, one contractor); it is managed by the admins
  whose scope covers every one of its estates (``permissions.can_manage``), its published plan is commented on by
  the residents of any of them, and each estate is handed over on its own (its owners decide on their manager,
  民法典 art. 278(1)(4), and its fees are its own).

* Stages move in order, one at a time (needs → plan → works → acceptance → handover); a step back needs a reason.
  The owners decide on rebuilding the estate's shared parts and on whom to hire (民法典 art. 278(1)(4)(7)), so the
  residents' needs are gathered first (a survey of linli.assembly) and the plan is published for their comments
  before works start (北京市物业管理条例 art. 4(2): social participation in the renovation of old estates; art. 3:
  residents' participation in governance).
* The handover (北京市物业管理条例 art. 8: the street takes part in the 承接查验 and oversees the handover) records the
  manager through ``linli.places.services.stewardship_change`` with its basis (the owners' passed decision on
  hiring, 民法典 art. 278(1)(4); or the street's 套管 arrangement) and a fee plan through
  ``linli.fees.services.fee_plan_create`` with its grace period: 先服务后收费 (seed 001), billing starts after it
  (``linli.fees.services.billing_window``).
* Emergency property service (北京市物业管理条例 art. 77): appointed by the street when an estate suddenly has no
  manager, with a public notice of services, period and costs, for six months at most (the rule lives in
  ``linli.places.services.check_basis``, issue 15; not repeated here), while the owners choose a new manager (the
  selection case of linli.assembly).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.assembly.models import Motion, Notice, SelectionCase, Survey
from linli.assembly.services.notices import notice_post
from linli.assembly.services.selection import selection_open
from linli.facilities.models import Facility
from linli.fees.services.plans import fee_plan_create
from linli.notify.services import notify, recipients
from linli.people.models import Role, User
from linli.places.models import Estate, Stewardship
from linli.places.services import stewardship_change

from . import permissions
from .models import Answer, Comment, EmergencyService, Project, ProjectEstate, ProjectEvent, ProjectFacility

Stage = Project.Stage
REMIND_DAYS = 30  # the street is told 30 days before an emergency service ends (art. 77: six months at most)


def _event(project: Project, kind: str, actor, note: str = "", **data) -> ProjectEvent:
    return ProjectEvent.objects.create(project=project, kind=kind, actor=actor, note=note[:500], data=data)


def _check_survey(survey: Survey | None, estates: list[Estate]) -> None:
    if survey is None:
        return
    if (survey.estate_id is not None and survey.estate_id not in {e.pk for e in estates}) or (
            survey.community_id not in {e.community_id for e in estates}):
        raise ValidationError({"survey": _("需求征询须为改造范围内小区（或其所在社区）的征询")})


def _require_manage(actor, project: Project) -> None:
    permissions.require(permissions.can_manage(actor, project),
                        _("您无权管理该改造项目：片区项目须由管辖其全部小区的社区或街道管理"))


# -- projects -----------------------------------------------------------------------------------------------


@transaction.atomic
def project_create(*, title: str, actor, estate: Estate | None = None, estates: list[Estate] | None = None,
                   summary: str = "", budget: Decimal | None = None, survey: Survey | None = None) -> Project:
    """A renovation project at its first stage, gathering the residents' needs: of ``estate`` alone, or of a cluster
    (片区) of ``estates`` led by ``estate`` (the first of ``estates`` when not given). Only an admin whose scope
    covers every one of the estates registers it (a community admin for its community's estates, the street across
    communities)."""
    covered = list(dict.fromkeys([e for e in [estate, *(estates or [])] if e is not None]))
    if not covered:
        raise ValidationError({"estates": _("请选择改造范围内的小区")})
    lead = covered[0]
    permissions.require(permissions.can_manage_estates(actor, covered),
                        _("您无权管理该小区的改造项目：片区项目须由管辖其全部小区的社区或街道登记"))
    if not (title or "").strip():
        raise ValidationError({"title": _("请填写项目名称")})
    if budget is not None and Decimal(budget) < 0:
        raise ValidationError({"budget": _("投资估算不能为负数")})
    _check_survey(survey, covered)
    project = Project.objects.create(estate=lead, title=title.strip(), summary=summary.strip(), budget=budget,
                                     survey=survey, created_by=actor)
    ProjectEstate.objects.bulk_create([ProjectEstate(project=project, estate=e) for e in covered])
    _event(project, ProjectEvent.Kind.CREATED, actor, stage=project.stage, estates=[e.pk for e in covered])
    return project


@transaction.atomic
def project_link_survey(*, project: Project, survey: Survey, actor) -> Project:
    """The survey that gathered the residents' needs (linli.assembly's survey tool)."""
    permissions.require(permissions.can_manage(actor, project.estate), _("您无权管理该小区的改造项目"))
    _check_survey(survey, project.estate)
    project.survey = survey
    project.save(update_fields=["survey"])
    _event(project, ProjectEvent.Kind.CREATED, actor, _("关联需求征询：%(t)s") % {"t": survey.title},
           survey=survey.pk)
    return project


@transaction.atomic
def project_advance(*, project: Project, actor, note: str = "", plan: str = "") -> Project:
    """Move to the next stage. Entering the plan stage publishes ``plan`` for the residents' comments (民法典 art.
    278(1)(7): rebuilding the shared parts is the owners' matter); the handover is its own step
    (``project_handover``), which records the manager and the fee plan."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    _require_manage(actor, project)
    here = project.stage_index
    if project.stage == Stage.HANDOVER:
        raise ValidationError({"stage": _("项目已移交管理，不能再进入下一阶段")})
    target = Project.ORDER[here + 1]
    if target == Stage.HANDOVER:
        raise ValidationError({"stage": _("移交管理须登记物业服务人和收费标准（先服务后收费），请使用“移交”")})
    if target == Stage.PLAN:
        plan = (plan or project.plan).strip()
        if not plan:
            raise ValidationError({"plan": _("请填写公示征求意见的改造方案")})
        project.plan = plan
    project.stage = target
    project.save(update_fields=["stage", "plan"])
    _event(project, ProjectEvent.Kind.ADVANCED, actor, note, **{"from": Project.ORDER[here], "to": target})
    return project


@transaction.atomic
def project_step_back(*, project: Project, actor, reason: str) -> Project:
    """Return to the previous stage, with the reason (e.g. the plan is revised after the comments). A project
    already handed over cannot go back: its manager and fee plan are recorded."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    _require_manage(actor, project)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("退回上一阶段须说明理由")})
    if project.stage == Stage.NEEDS:
        raise ValidationError({"stage": _("项目处于第一阶段，不能退回")})
    if project.stage == Stage.HANDOVER or project.estate_rows.filter(stewardship__isnull=False).exists():
        raise ValidationError({"stage": _("项目已移交管理，不能退回")})
    here = project.stage_index
    project.stage = Project.ORDER[here - 1]
    project.save(update_fields=["stage"])
    _event(project, ProjectEvent.Kind.STEPPED_BACK, actor, reason.strip(),
           **{"from": Project.ORDER[here], "to": project.stage})
    return project


@transaction.atomic
def comment_add(*, project: Project, actor, body: str) -> Comment:
    """A resident's comment on the published plan (only while the plan stage lasts): a resident, or a member of the
    owners' committee, of any estate of the project; the comment records from which estate."""
    estate = permissions.comment_estate(actor, project)
    permissions.require(estate is not None, _("只有改造范围内小区的居民可以对改造方案提出意见"))
    if project.stage != Stage.PLAN:
        raise ValidationError({"body": _("改造方案公示征求意见期间才能提出意见")})
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("请填写意见")})
    person = getattr(actor, "person", None)
    return Comment.objects.create(project=project, estate=estate, author=actor, body=body[:2000],
                                  author_name=(person.name if person else actor.display_name)[:50])


@transaction.atomic
def answer_add(*, comment: Comment, actor, body: str) -> Answer:
    """Staff answer a comment; the answer is public with the comment."""
    permissions.require(permissions.can_manage(actor, comment.project), _("您无权答复该项目的意见"))
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("请填写答复")})
    return Answer.objects.create(comment=comment, author=actor, body=body[:2000])


@transaction.atomic
def facility_link(*, project: Project, facility: Facility, action: str, actor, note: str = "") -> ProjectFacility:
    """Link a facility that the project built, replaced or renovated; it stays a facility of its own estate, which
    must be one of the project's."""
    _require_manage(actor, project)
    if not project.estate_rows.filter(estate_id=facility.estate_id).exists():
        raise ValidationError({"facility": _("设施须属于本项目改造范围内的小区")})
    if action not in ProjectFacility.Action.values:
        raise ValidationError({"action": _("请选择新建、更换或改造")})
    if ProjectFacility.objects.filter(project=project, facility=facility).exists():
        raise ValidationError({"facility": _("该设施已关联本项目")})
    link = ProjectFacility.objects.create(project=project, facility=facility, action=action, note=note[:200],
                                          created_by=actor)
    _event(project, ProjectEvent.Kind.FACILITY, actor, f"{link.get_action_display()} {facility.name}",
           facility=facility.pk, action=action)
    return link


@transaction.atomic
def facility_create(*, project: Project, kind: str, name: str, actor, estate: Estate | None = None,
                    location: str = "", building=None, installed_on: datetime.date | None = None,
                    note: str = "") -> ProjectFacility:
    """A new facility built by the project (a minimal Facility row: kind, name, place, date), linked as 新建. It
    belongs to one estate of the project: ``estate``, else the building's, else the lead estate."""
    _require_manage(actor, project)
    if kind not in Facility.Kind.values:
        raise ValidationError({"kind": _("请选择设施类别")})
    if not (name or "").strip():
        raise ValidationError({"name": _("请填写设施名称")})
    estate = estate or (building.estate if building is not None else project.estate)
    if not project.estate_rows.filter(estate=estate).exists():
        raise ValidationError({"estate": _("设施须属于本项目改造范围内的小区")})
    if building is not None and building.estate_id != estate.pk:
        raise ValidationError({"building": _("楼栋须属于所选的小区")})
    facility = Facility.objects.create(estate=estate, building=building, kind=kind, name=name.strip()[:100],
                                       location=location[:200], installed_on=installed_on, created_by=actor,
                                       note=_("改造项目：%(t)s") % {"t": project.title[:150]})
    return facility_link(project=project, facility=facility, action=ProjectFacility.Action.CREATED, actor=actor,
                         note=note)


def _motion_basis(motion: Motion | None, *, estate: Estate, mode: str, provider) -> str:
    """The owners' passed decision on hiring (民法典 art. 278(1)(4)) that the handover's manager rests on: this
    estate's, counted and approved, choosing this mode and this provider (art. 280: no departing from it)."""
    if motion is None:
        raise ValidationError({"motion": _("须选择%(e)s业主共同决定选聘的表决（民法典第二百七十八条第一款第（四）项）") % {
            "e": estate.name}})
    if motion.estate_id != estate.pk:
        raise ValidationError({"motion": _("该表决不属于本小区")})
    if motion.status != Motion.Status.CLOSED or not motion.approved or motion.matter != "hire_manager":
        raise ValidationError({"motion": _("须为已通过的“选聘和解聘物业服务企业或者其他管理人”表决")})
    chosen_mode, chosen_provider = motion.chosen
    if chosen_mode != mode or getattr(chosen_provider, "pk", None) != getattr(provider, "pk", None):
        raise ValidationError({"provider": _("业主共同决定（%(t)s）选定的管理方式或服务单位与所填不一致") % {
            "t": motion.title}})
    return f"motion:{motion.pk}"


def _motions_by_estate(motions: list[Motion], estates: list[Estate], *, mode: str, provider) -> dict[int, Motion]:
    """One passed decision on hiring per estate handed over (each estate's owners decide on their own manager,
    民法典 art. 278(1)(4)); a decision of an estate not handed over here is refused."""
    wanted = {e.pk: e for e in estates}
    chosen: dict[int, Motion] = {}
    for motion in motions:
        if motion.estate_id not in wanted:
            raise ValidationError({"motion": _("该表决（%(t)s）不属于本次移交的小区") % {"t": motion.title}})
        if motion.estate_id in chosen:
            raise ValidationError({"motion": _("每个小区只能依据一项选聘表决：%(e)s") % {
                "e": wanted[motion.estate_id].name}})
        chosen[motion.estate_id] = motion
    for estate in estates:
        _motion_basis(chosen.get(estate.pk), estate=estate, mode=mode, provider=provider)
    return chosen


@transaction.atomic
def project_handover(
    *, project: Project, actor, mode: str, provider, start: datetime.date, fee_rate: Decimal, grace_months: int,
    fee_decision: str, fee_basis: str = "per_home", fee_name: str = "物业服务费", motion: Motion | None = None,
    motions: list[Motion] | None = None, estates: list[Estate] | None = None, lead_estate: Estate | None = None,
    contract_no: str = "", contract_end: datetime.date | None = None, note: str = "",
) -> Project:
    """Hand the renovated estates over to their manager and start 先服务后收费 (seed 001; 北京市物业管理条例 art. 8),
    estate by estate: ``estates`` (default: every estate of the project not handed over yet), possibly all to one
    provider in one step. For each estate, in one transaction:

    1. the manager, as a Stewardship through the places service: a market company, the state custodian or
       self-management rests on that estate's owners' passed decision (one of ``motions``, or ``motion``, per
       estate: 民法典 art. 278(1)(4)); 套管 on the street's arrangement (``lead_estate``, not one handed over now);
    2. a fee plan of that estate from ``start`` with ``grace_months`` of service before billing, through the fees
       service; the billing rule (``billing_window``) then bills nothing before the grace period ends.

    The project reaches the handover stage when its last estate is handed over; until then it stays at acceptance
    and the page shows which estates are done.
    """
    project = Project.objects.select_for_update().get(pk=project.pk)
    _require_manage(actor, project)
    if project.stage != Stage.ACCEPTANCE:
        raise ValidationError({"stage": _("竣工验收后才能移交管理")})
    if grace_months is None or int(grace_months) < 0 or int(grace_months) > 24:
        raise ValidationError({"grace_months": _("先服务后收费的月数须在0到24之间")})
    rows = {row.estate_id: row for row in project.estate_rows.select_related("estate").select_for_update()}
    pending = [row.estate for row in rows.values() if not row.handed_over]
    targets = list(dict.fromkeys(estates)) if estates else pending
    for estate in targets:
        if estate.pk not in rows:
            raise ValidationError({"estates": _("%(e)s 不在本项目的改造范围内") % {"e": estate.name}})
        if rows[estate.pk].handed_over:
            raise ValidationError({"estates": _("%(e)s 已移交管理") % {"e": estate.name}})
    if not targets:
        raise ValidationError({"estates": _("请选择要移交的小区")})
    Mode = Stewardship.Mode
    chosen: dict[int, Motion] = {}
    if mode == Mode.BUNDLED:
        basis_kind = Stewardship.BasisKind.STREET
        if lead_estate is not None and lead_estate.pk in {e.pk for e in targets}:
            raise ValidationError({"lead_estate": _("套管牵头小区不能是本次移交的小区")})
    elif mode in (Mode.MARKET, Mode.CUSTODIAN, Mode.SELF):
        basis_kind = Stewardship.BasisKind.DECISION
        chosen = _motions_by_estate([*(motions or []), *([motion] if motion else [])], targets, mode=mode,
                                    provider=provider)
    else:
        raise ValidationError({"mode": _("移交须指定物业服务企业、国有托管、套管或业主自管")})
    now = timezone.now()
    done = []
    for estate in targets:
        if mode == Mode.BUNDLED:
            basis_ref = ""
            basis = _("老旧小区改造移交：%(t)s（街道安排套管）") % {"t": project.title}
        else:
            basis_ref = f"motion:{chosen[estate.pk].pk}"
            basis = _("老旧小区改造移交：%(t)s；业主共同决定：%(m)s") % {"t": project.title, "m": chosen[estate.pk].title}
        stewardship = stewardship_change(
            estate=estate, mode=mode, provider=provider, lead_estate=lead_estate, start=start, actor=actor,
            contract_no=contract_no, contract_start=start if contract_end else None, contract_end=contract_end,
            basis=basis[:200], basis_kind=basis_kind, basis_ref=basis_ref, note=note[:200])
        plan = fee_plan_create(
            actor=actor, estate=estate, effective_from=start, decision=fee_decision, name=fee_name, basis=fee_basis,
            rate=Decimal(fee_rate or 0), grace_months=int(grace_months), provider=stewardship.provider,
            services=_("老旧小区改造后长效管理（先服务后收费）"))
        row = rows[estate.pk]
        row.stewardship, row.fee_plan, row.handed_over_at = stewardship, plan, now
        row.save(update_fields=["stewardship", "fee_plan", "handed_over_at"])
        done.append({"estate": estate.pk, "stewardship": stewardship.pk, "fee_plan": plan.pk})
    complete = all(row.handed_over for row in rows.values())
    if complete:
        project.stage = Stage.HANDOVER
        project.save(update_fields=["stage"])
    names = "、".join(e.name for e in targets)
    _event(project, ProjectEvent.Kind.HANDED_OVER, actor, (f"{names} {note}".strip()), **{
        "from": Stage.ACCEPTANCE, "to": project.stage, "estates": done, "grace_months": int(grace_months),
        "complete": complete})
    return project


# -- emergency property service (北京市物业管理条例 art. 77) ------------------------------------------------------


def _notice_body(service: EmergencyService) -> str:
    row = service.stewardship
    return _("应急物业服务人：%(p)s\n服务期限：%(s)s 至 %(e)s（不超过六个月）\n服务内容：%(sv)s\n服务费用：%(c)s\n"
             "依据：《北京市物业管理条例》第七十七条；街道办事处文件：%(doc)s\n"
             "应急服务期间，街道办事处组织业主共同决定选聘新物业服务人。") % {
        "p": row.provider.name if row.provider else "—", "s": row.start, "e": row.end, "sv": service.services,
        "c": service.costs, "doc": row.basis}


@transaction.atomic
def emergency_appoint(
    *, estate: Estate, provider, start: datetime.date, end: datetime.date, document: str, services: str,
    costs: str, actor, mode: str = Stewardship.Mode.MARKET, monthly_cost: Decimal | None = None,
    selection_case: SelectionCase | None = None, case_deadline: datetime.date | None = None,
) -> EmergencyService:
    """The street appoints an emergency provider for an estate that suddenly has no manager (art. 77):

    * the emergency Stewardship (its document, its end at most six months on: ``check_basis`` of places);
    * the public notice of services, period and costs, posted to the estate (an assembly notice until ``end``);
    * the selection of a new manager: ``selection_case`` if given, else the estate's open case, else a case opened
      now (when the estate is unmanaged at the time, 脱管 or no record) with its deadline ``case_deadline`` or
      ``end``.
    """
    permissions.require(permissions.can_appoint_emergency(actor, estate),
                        _("应急物业服务人由街道办事处确定（《北京市物业管理条例》第七十七条）"))
    if not (services or "").strip():
        raise ValidationError({"services": _("请填写应急服务内容（如供水、垃圾清运、电梯运行）")})
    if not (costs or "").strip():
        raise ValidationError({"costs": _("请填写应急服务费用及承担方式")})
    if monthly_cost is not None and Decimal(monthly_cost) < 0:
        raise ValidationError({"monthly_cost": _("费用不能为负数")})
    if mode not in (Stewardship.Mode.MARKET, Stewardship.Mode.CUSTODIAN):
        raise ValidationError({"mode": _("应急物业服务人须为物业服务企业或国有企业")})
    if selection_case is not None and (selection_case.estate_id != estate.pk or selection_case.is_closed):
        raise ValidationError({"selection_case": _("须为本小区进行中的选聘案")})
    case = selection_case or SelectionCase.objects.filter(estate=estate).exclude(
        status__in=SelectionCase.CLOSED).order_by("-opened_at").first()
    current = estate.current_stewardship()
    if case is None and (current is None or current.mode == Stewardship.Mode.NONE):
        case = selection_open(estate=estate, actor=actor, deadline=case_deadline or end)
    row = stewardship_change(estate=estate, mode=mode, provider=provider, start=start, end=end, actor=actor,
                             basis=document.strip()[:200], basis_kind=Stewardship.BasisKind.EMERGENCY,
                             note=_("应急物业服务"))
    service = EmergencyService.objects.create(estate=estate, stewardship=row, services=services.strip(),
                                              costs=costs.strip(), monthly_cost=monthly_cost, selection_case=case,
                                              created_by=actor)
    service.notice = notice_post(
        title=_("应急物业服务公示"), body=_notice_body(service), scope=Notice.Scope.ESTATE, estate=estate,
        posted_on=timezone.localdate(), ends_on=max(end, timezone.localdate()), actor=actor)
    service.save(update_fields=["notice"])
    return service


@transaction.atomic
def emergency_link_case(*, service: EmergencyService, case: SelectionCase, actor) -> EmergencyService:
    """Link the selection case through which the owners choose the new manager (art. 77(3))."""
    permissions.require(permissions.can_appoint_emergency(actor, service.estate),
                        _("应急物业服务人由街道办事处确定（《北京市物业管理条例》第七十七条）"))
    if case.estate_id != service.estate_id:
        raise ValidationError({"selection_case": _("须为本小区的选聘案")})
    service.selection_case = case
    service.save(update_fields=["selection_case"])
    return service


def street_admins(estate: Estate) -> list:
    street_id = estate.community.parent_id
    return list(recipients(User.objects.filter(is_active=True, memberships__role=Role.STREET_ADMIN,
                                               memberships__division_id=street_id).distinct()))


@transaction.atomic
def remind_ending_emergencies(*, today: datetime.date | None = None) -> int:
    """Tell the street's admins, once per service, that an emergency service ends within 30 days and the owners
    must have chosen a new manager by then (art. 77: six months at most). Returns how many services were told."""
    today = today or timezone.localdate()
    told = 0
    due = (EmergencyService.objects.ending_within(REMIND_DAYS, today).filter(reminded_at__isnull=True)
           .select_related("estate__community", "stewardship", "selection_case").select_for_update(of=("self",)))
    for service in due:
        case = service.selection_case
        state = case.get_status_display() if case else _("尚未立选聘案")
        notify(users=street_admins(service.estate), kind="renovation.emergency_ending",
               key=f"renovation-emergency-ending:{service.pk}",
               title=_("%(e)s 应急物业服务将于 %(d)s 到期") % {"e": service.estate.name, "d": service.end},
               body=_("应急物业服务期限不超过六个月（《北京市物业管理条例》第七十七条）。选聘新物业服务人：%(s)s") % {
                   "s": state},
               link=reverse("renovation:emergency_detail", args=[service.pk]))
        service.reminded_at = timezone.now()
        service.save(update_fields=["reminded_at"])
        told += 1
    return told
