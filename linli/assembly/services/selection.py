"""From unmanaged to managed (seeds 000, 003; Civil Code arts. 278, 284, 947): selection cases."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.assembly import permissions
from linli.assembly.models import (
    Meeting,
    Motion,
    SelectionCase,
    SelectionEvent,
)
from linli.places.models import Estate, Stewardship
from linli.places.services import stewardship_change

# -- from unmanaged to managed (seeds 000, 003; Civil Code arts. 278, 284, 947) -------------------------------


def _event(case, kind, actor, motion=None, now=None, **data):
    return SelectionEvent.objects.create(case=case, kind=kind, actor=actor, motion=motion, data=data,
                                         at=now or timezone.now())


MODE_LABELS = {"market": gettext_lazy("市场化物业"), "self": gettext_lazy("业主自行管理"),
               "custodian": gettext_lazy("国有企业托管")}
LAW = gettext_lazy("民法典第二百七十八条第一款第（四）项、第二百八十条")


def _chosen(case: SelectionCase, motion: Motion | None, field: str = "motion"):
    """What the owners chose, from a passed motion of this estate on hiring a manager (art. 278(1)(4)): the
    (mode, provider) it carries as fields — on the motion, or on its winning option."""
    if motion is None:
        raise ValidationError({field: _("需要业主共同决定（已计票并通过的选聘表决）")})
    if motion.estate_id != case.estate_id:
        raise ValidationError({field: _("该表决不属于本小区")})
    if motion.case_id and motion.case_id != case.pk:
        raise ValidationError({field: _("该表决属于另一个选聘案")})
    if motion.status != Motion.Status.CLOSED or not motion.approved:
        raise ValidationError({field: _("该表决尚未通过")})
    if motion.matter != "hire_manager":
        raise ValidationError({field: _("须为“选聘和解聘物业服务企业或者其他管理人”的表决")})
    mode, provider = motion.chosen
    if not mode:
        raise ValidationError({field: _("该表决没有写明选定的管理方式和物业服务企业，不能作为选聘依据")})
    return mode, provider


def _describe(mode, provider) -> str:
    return f"{MODE_LABELS[mode]} {provider.name}" if provider is not None else str(MODE_LABELS[mode])


def _refuse_other_provider(motion: Motion, chosen_provider, provider):
    if provider is None or chosen_provider is None or provider.pk != chosen_provider.pk:
        raise ValidationError({"provider": _(
            "业主共同决定（%(motion)s）选定的是 %(chosen)s，不能选聘 %(other)s（%(law)s：选聘物业服务企业由业主共同决定，"
            "背离决定的选聘业主可请求撤销）") % {"motion": motion.title, "chosen": getattr(chosen_provider, "name", "—"),
                                     "other": getattr(provider, "name", "—"), "law": LAW}})


def _ref(case: SelectionCase) -> str:
    return f"selection:{case.pk}"


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
    """The assembly decided the mode: hire a company (then select one), or self-manage (recorded at once). The
    mode must be the one the passed motion chose (art. 278(1)(4), art. 280)."""
    case = SelectionCase.objects.select_for_update().get(pk=case.pk)
    permissions.require(permissions.can_write(actor, estate=case.estate))
    if case.status != SelectionCase.Status.OPEN:
        raise ValidationError(_("管理方式已经决定"))
    if mode not in SelectionCase.Mode.values:
        raise ValidationError({"mode": _("未知的管理方式")})
    chosen_mode, chosen_provider = _chosen(case, motion)
    if (mode == SelectionCase.Mode.SELF) != (chosen_mode == "self"):
        raise ValidationError({"mode": _("业主共同决定（%(motion)s）选定的是 %(chosen)s，与所填管理方式不符（%(law)s）") % {
            "motion": motion.title, "chosen": _describe(chosen_mode, chosen_provider), "law": LAW}})
    case.mode = mode
    _event(case, "mode_decided", actor, motion=motion, now=now, mode=mode, chosen_mode=chosen_mode,
           provider=getattr(chosen_provider, "pk", None), provider_name=getattr(chosen_provider, "name", ""))
    if mode == SelectionCase.Mode.SELF:
        start = start or timezone.localdate(now)
        case.outcome = stewardship_change(
            estate=case.estate, mode=Stewardship.Mode.SELF, start=start, actor=actor,
            basis=(_("业主共同决定：%(t)s（选定：业主自行管理）") % {"t": motion.title})[:200],
            basis_kind=Stewardship.BasisKind.SELECTION, basis_ref=_ref(case))
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
    """Record the hire of the company the owners chose (art. 278(1)(4)): ``motion`` is their passed decision and
    ``provider`` must be the company it names (art. 280). A case still open is decided by the same motion.

    The owners' committee does not choose: Beijing art. 44 forbids the assembly to delegate the art. 34 matters to
    it, and 物业管理条例 art. 34 has it sign the contract with the company the assembly chose. So a held committee
    meeting (``committee_meeting``) is recorded as the committee carrying out the owners' motion, which is still
    required and still binds the provider.
    """
    case = SelectionCase.objects.select_for_update().get(pk=case.pk)
    permissions.require(permissions.can_write(actor, estate=case.estate))
    if case.status not in (SelectionCase.Status.OPEN, SelectionCase.Status.SELECTING):
        raise ValidationError(_("选聘案已结案"))
    if committee_meeting is not None and (
            committee_meeting.kind != Meeting.Kind.COMMITTEE or committee_meeting.estate_id != case.estate_id
            or committee_meeting.status != Meeting.Status.HELD):
        raise ValidationError({"committee_meeting": _("须为本小区已召开的业主委员会会议")})
    chosen_mode, chosen_provider = _chosen(case, motion)
    if chosen_mode == "self":
        raise ValidationError({"motion": _("业主共同决定（%(motion)s）选定的是业主自行管理，不能选聘物业服务企业") % {
            "motion": motion.title}})
    _refuse_other_provider(motion, chosen_provider, provider)
    if case.status == SelectionCase.Status.OPEN:  # the same motion chose the mode and the company
        case.mode = SelectionCase.Mode.HIRE
        _event(case, "mode_decided", actor, motion=motion, now=now, mode=case.mode, chosen_mode=chosen_mode,
               provider=provider.pk, provider_name=provider.name)
    mode = Stewardship.Mode.CUSTODIAN if chosen_mode == "custodian" else Stewardship.Mode.MARKET
    if committee_meeting is not None:
        basis = _("业主委员会会议“%(m)s”执行业主共同决定：%(t)s（选定：%(p)s）") % {
            "m": committee_meeting.title, "t": motion.title, "p": provider.name}
    else:
        basis = _("业主共同决定：%(t)s（选定：%(p)s）") % {"t": motion.title, "p": provider.name}
    case.outcome = stewardship_change(estate=case.estate, mode=mode, provider=provider, start=start, actor=actor,
                                      contract_no=contract_no, contract_start=start, contract_end=contract_end,
                                      basis=basis[:200], basis_kind=Stewardship.BasisKind.SELECTION,
                                      basis_ref=_ref(case))
    case.status, case.closed_at = SelectionCase.Status.HIRED, now or timezone.now()
    case.save()
    _event(case, "hired", actor, motion=motion, now=now, provider=provider.pk, provider_name=provider.name,
           stewardship=case.outcome.pk, meeting=committee_meeting.pk if committee_meeting else None)
    return case


def owners_decision(case: SelectionCase, *, until: datetime.date | None = None) -> Motion | None:
    """A passed motion of this estate's owners that chose a manager while the case ran (up to ``until``)."""
    motions = (Motion.objects.filter(estate=case.estate, matter="hire_manager", status=Motion.Status.CLOSED,
                                     approved=True, closed_at__gte=case.opened_at)
               .exclude(case__isnull=False, case__in=SelectionCase.objects.exclude(pk=case.pk)).order_by("closed_at"))
    for motion in motions:
        if until is not None and timezone.localdate(motion.closed_at) > until:
            continue
        if motion.chosen[0]:
            return motion
    return None


@transaction.atomic
def selection_appoint_custodian(
    *, case: SelectionCase, provider, actor, start: datetime.date, consent: Motion | None = None,
    today: datetime.date | None = None, contract_end: datetime.date | None = None, now=None,
) -> SelectionCase:
    """No company was selected by the deadline: the street's property office appoints the state-owned custodian
    (托底, seed 000).

    With ``consent`` — the owners' passed motion choosing the state custodian — it must be the provider the motion
    names. Without it, this is the case's fallback: allowed only when the owners did not decide by the deadline
    (no passed motion choosing a manager while the case ran); the stewardship's basis kind is FALLBACK.
    """
    today = today or timezone.localdate(now)
    case = SelectionCase.objects.select_for_update().get(pk=case.pk)
    permissions.require(permissions.can_write(actor, estate=case.estate))
    if case.is_closed:
        raise ValidationError(_("选聘案已结案"))
    if case.mode == SelectionCase.Mode.SELF:
        raise ValidationError(_("业主已决定自行管理"))
    if case.deadline is None or today <= case.deadline:
        raise ValidationError(_("选聘期限（%(d)s）届满后才能由街道指定国有企业托底") % {"d": case.deadline})
    if provider is None or provider.kind != "property_company" or provider.ownership != "state":
        raise ValidationError({"provider": _("托底单位须为国有物业服务企业")})
    if consent is not None:
        chosen_mode, chosen_provider = _chosen(case, consent, "consent")
        if chosen_mode != "custodian":
            raise ValidationError({"consent": _("业主共同决定（%(motion)s）选定的是 %(chosen)s，不是国有企业托管") % {
                "motion": consent.title, "chosen": _describe(chosen_mode, chosen_provider)}})
        _refuse_other_provider(consent, chosen_provider, provider)
        basis = _("街道物业办指定托底，业主大会同意：%(t)s（选定：%(p)s）") % {"t": consent.title, "p": provider.name}
        kind, event = Stewardship.BasisKind.SELECTION, "custodian_appointed"
    else:
        decided = owners_decision(case, until=case.deadline)
        if decided is not None:
            raise ValidationError({"consent": _(
                "业主已在选聘期限内作出决定（%(motion)s），须按该决定选聘，不能由街道指定托底") % {"motion": decided.title}})
        basis = _("选聘期限（%(d)s）届满业主未作出决定，街道物业办指定国有企业托底") % {"d": case.deadline}
        kind, event = Stewardship.BasisKind.FALLBACK, "custodian_fallback"
    case.outcome = stewardship_change(
        estate=case.estate, mode=Stewardship.Mode.CUSTODIAN, provider=provider, start=start, actor=actor,
        contract_start=start, contract_end=contract_end, basis=basis[:200], basis_kind=kind, basis_ref=_ref(case),
    )
    case.status, case.closed_at = SelectionCase.Status.CUSTODIAN, now or timezone.now()
    case.save()
    _event(case, event, actor, motion=consent, now=now, provider=provider.pk,
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
