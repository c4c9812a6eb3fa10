"""From unmanaged to managed (seeds 000, 003; Civil Code arts. 278, 284, 947): selection cases."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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
