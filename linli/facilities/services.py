"""State changes of the facility ledger (公共设施设备台账): register, record, correct, link a fault, retire, remind.

Keyword-only, validated (a ``ValidationError`` names the field), in one transaction, recording who and when; each
checks the actor's right through ``permissions.py``. Nothing is deleted or edited in place: a record's correction is a
new record naming the one it corrects, a retired facility stays in the ledger, and every change to a facility's own
row (registered, retired, status, statutory due date) writes a ``FacilityEvent``.

The rules and where they come from:

* the property service keeps the records of the shared facilities and of their operation, maintenance and repairs
  (北京市物业管理条例 art. 71(2)); it patrols daily and maintains regularly the lifts, fire facilities and other
  equipment with safety risks (art. 88), through qualified specialists for lifts and fire facilities (art. 61);
* a lift's periodic inspection is asked for **one month** before its certificate runs out (特种设备安全法 art. 40: 在检验
  合格有效期届满前一个月向特种设备检验机构提出定期检验要求), and a lift that failed or missed it may not be used (same
  article); building fire facilities are tested in full **at least once a year** (消防法 art. 16(3)). Hence: a
  statutory inspection of a lift or fire facility without a next due date is due again a year later
  (``ANNUAL_KINDS``), the reminder comes ``REMINDER_DAYS`` (30) days before the due date, and a statutory inspection
  that finds a problem puts the facility out of service until a repair is recorded;
* the maintenance contract ending is reminded the same 30 days ahead (the contract is what art. 61 and art. 70(3)
  require to be in place and published).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.actors import is_system
from linli.core.text import clean_text
from linli.facilities import permissions
from linli.facilities.models import Facility, FacilityEvent, FacilityFault, FacilityRecord
from linli.notify.services import Message, notify_many, recipients
from linli.people.models import Membership, Role, User
from linli.places.models import Stewardship

# Kinds whose statutory inspection recurs yearly when no next date is given (特种设备安全法 art. 40, 消防法 art. 16).
ANNUAL_KINDS = frozenset({Facility.Kind.LIFT, Facility.Kind.FIRE})
# Days before a statutory inspection or a maintenance contract falls due that it is listed and reminded
# (特种设备安全法 art. 40: the request goes in one month before the certificate runs out).
REMINDER_DAYS = 30


def _text(value, field: str, *, required: bool = False, max_length: int | None = None) -> str:
    text = clean_text(value or "").strip()
    if required and not text:
        raise ValidationError({field: _("请填写此项")})
    if max_length and len(text) > max_length:
        raise ValidationError({field: _("最多 %(n)s 个字") % {"n": max_length}})
    return text


def _max(model, field: str) -> int:
    return model._meta.get_field(field).max_length


def _event(facility: Facility, kind: str, actor, note: str = "", **data) -> FacilityEvent:
    return FacilityEvent.objects.create(facility=facility, kind=kind, actor=actor, note=note[:200], data=data)


def _iso(value):
    return value.isoformat() if value else None


# -- register -------------------------------------------------------------------------------------------------------


def find_existing(*, estate, code: str = "", name: str = "") -> Facility | None:
    """The facility of ``estate`` a new entry would duplicate: the same code (when it has one), else the same name."""
    if code:
        found = Facility.objects.filter(estate=estate, code=code).first()
        if found is not None:
            return found
    if name:
        return Facility.objects.filter(estate=estate, name=name).exclude(status=Facility.Status.RETIRED).first()
    return None


@transaction.atomic
def facility_register(*, actor, estate, kind: str, name: str, building=None, code: str = "", location: str = "",
                      installed_on: datetime.date | None = None, warranty_until: datetime.date | None = None,
                      contractor: str = "", contract_no: str = "", contract_end: datetime.date | None = None,
                      inspection_due: datetime.date | None = None, is_public: bool = True, note: str = "",
                      imported: bool = False, today: datetime.date | None = None) -> Facility:
    """Put a facility of ``estate`` (on ``building``, or the estate as a whole) in the ledger (art. 71(2)).

    Refused: a kind not in the list, no name, a building of another estate, an installation date in the future, a
    warranty ending before the installation, and a duplicate — the same code in the estate, or the same name among
    its facilities in service (an import matches on the same two, so a sheet imported twice adds nothing)."""
    permissions.require_manager(actor, estate)
    today = today or timezone.localdate()
    if kind not in Facility.Kind.values:
        raise ValidationError({"kind": _("请选择设施类别")})
    name = _text(name, "name", required=True, max_length=_max(Facility, "name"))
    code = _text(code, "code", max_length=_max(Facility, "code"))
    location = _text(location, "location", max_length=_max(Facility, "location"))
    contractor = _text(contractor, "contractor", max_length=_max(Facility, "contractor"))
    contract_no = _text(contract_no, "contract_no", max_length=_max(Facility, "contract_no"))
    note = _text(note, "note", max_length=_max(Facility, "note"))
    if building is not None and building.estate_id != estate.pk:
        raise ValidationError({"building": _("楼栋不属于该小区")})
    if installed_on and installed_on > today:
        raise ValidationError({"installed_on": _("安装日期不能晚于今天")})
    if installed_on and warranty_until and warranty_until < installed_on:
        raise ValidationError({"warranty_until": _("保修截止日期不能早于安装日期")})
    if code and Facility.objects.filter(estate=estate, code=code).exists():
        raise ValidationError({"code": _("该小区已有编号为 %(code)s 的设施") % {"code": code}})
    if Facility.objects.filter(estate=estate, name=name).exclude(status=Facility.Status.RETIRED).exists():
        raise ValidationError({"name": _("该小区已有名为“%(name)s”的设施") % {"name": name}})
    facility = Facility.objects.create(
        estate=estate, building=building, kind=kind, name=name, code=code, location=location,
        installed_on=installed_on, warranty_until=warranty_until, contractor=contractor, contract_no=contract_no,
        contract_end=contract_end, inspection_due=inspection_due, is_public=bool(is_public), note=note,
        created_by=actor)
    _event(facility, FacilityEvent.Kind.IMPORTED if imported else FacilityEvent.Kind.REGISTERED, actor,
           inspection_due=_iso(inspection_due))
    return facility


# -- records ----------------------------------------------------------------------------------------------------------


def _check_record(facility: Facility, *, kind: str, done_on, result: str, next_due, today) -> datetime.date | None:
    """The rules shared by a record and its correction; returns the next due date (a year on for lifts and fire)."""
    if kind not in FacilityRecord.Kind.values:
        raise ValidationError({"kind": _("请选择记录类型")})
    if result not in FacilityRecord.Result.values:
        raise ValidationError({"result": _("请选择结果")})
    if done_on is None:
        raise ValidationError({"done_on": _("请填写日期")})
    if done_on > today:
        raise ValidationError({"done_on": _("日期不能晚于今天")})
    if facility.installed_on and done_on < facility.installed_on:
        raise ValidationError({"done_on": _("日期不能早于设施的安装日期")})
    if next_due is not None and kind != FacilityRecord.Kind.STATUTORY:
        raise ValidationError({"next_due": _("只有法定检验记录填写下次到期日")})
    if next_due is not None and next_due <= done_on:
        raise ValidationError({"next_due": _("下次到期日须晚于检验日期")})
    if kind == FacilityRecord.Kind.STATUTORY and next_due is None and facility.kind in ANNUAL_KINDS:
        try:
            next_due = done_on.replace(year=done_on.year + 1)
        except ValueError:  # 29 February
            next_due = done_on.replace(year=done_on.year + 1, day=28)
    return next_due


def effective_records(facility: Facility):
    """The facility's records that stand (not corrected by a later one), newest first."""
    return facility.records.filter(corrected_by__isnull=True)


def _refresh(facility: Facility, record: FacilityRecord, actor) -> None:
    """Bring the facility's current values up to its history: the statutory due date is the next due date of the
    latest statutory inspection that stands; a failed statutory inspection takes it out of service (特种设备安全法
    art. 40), a repair that went well puts it back."""
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    latest = (effective_records(facility).filter(kind=FacilityRecord.Kind.STATUTORY)
              .order_by("-done_on", "-pk").first())
    changed = []
    if latest is not None and latest.next_due and latest.next_due != facility.inspection_due:
        _event(facility, FacilityEvent.Kind.DUE, actor, before=_iso(facility.inspection_due),
               after=_iso(latest.next_due), record=latest.pk)
        facility.inspection_due = latest.next_due
        changed.append("inspection_due")
    status = facility.status
    if facility.status != Facility.Status.RETIRED:
        if record.kind == FacilityRecord.Kind.STATUTORY and record.result == FacilityRecord.Result.PROBLEM:
            status = Facility.Status.FAULTY
        elif (record.kind == FacilityRecord.Kind.REPAIR and record.result == FacilityRecord.Result.OK
              and facility.status == Facility.Status.FAULTY):
            status = Facility.Status.IN_SERVICE
    if status != facility.status:
        _event(facility, FacilityEvent.Kind.STATUS, actor, before=facility.status, after=status, record=record.pk)
        facility.status = status
        changed.append("status")
    if changed:
        facility.save(update_fields=changed)


@transaction.atomic
def record_add(*, actor, facility: Facility, kind: str, done_on: datetime.date, result: str = "ok", note: str = "",
               certificate_no: str = "", next_due: datetime.date | None = None,
               today: datetime.date | None = None) -> FacilityRecord:
    """Add an entry to the facility's history: a statutory inspection, maintenance, a patrol's check or a repair
    (art. 71(2), art. 88). A statutory inspection's next due date becomes the facility's (the record keeps it too, so
    the history stays); for a lift or fire facility it defaults to a year after the inspection."""
    permissions.require_manager(actor, facility.estate)
    today = today or timezone.localdate()
    if facility.status == Facility.Status.RETIRED:
        raise ValidationError({"facility": _("该设施已报废，不能再添加记录")})
    next_due = _check_record(facility, kind=kind, done_on=done_on, result=result, next_due=next_due, today=today)
    record = FacilityRecord.objects.create(
        facility=facility, kind=kind, done_on=done_on, result=result,
        note=_text(note, "note", max_length=_max(FacilityRecord, "note")),
        certificate_no=_text(certificate_no, "certificate_no", max_length=_max(FacilityRecord, "certificate_no")),
        next_due=next_due, recorded_by=actor)
    _refresh(facility, record, actor)
    return record


@transaction.atomic
def record_correct(*, actor, record: FacilityRecord, reason: str, done_on: datetime.date, result: str,
                   note: str = "", certificate_no: str = "", next_due: datetime.date | None = None,
                   today: datetime.date | None = None) -> FacilityRecord:
    """Correct a record by a new one of the same kind that names it (the old one stays, marked corrected). Only the
    latest version can be corrected; the reason is required and kept in the new record's note."""
    facility = record.facility
    permissions.require_manager(actor, facility.estate)
    today = today or timezone.localdate()
    reason = _text(reason, "reason", required=True, max_length=100)
    if FacilityRecord.objects.filter(corrects=record).exists():
        raise ValidationError({"record": _("该记录已被更正，请更正最新的一条")})
    next_due = _check_record(facility, kind=record.kind, done_on=done_on, result=result, next_due=next_due,
                             today=today)
    text = _("更正原因：%(reason)s") % {"reason": reason}
    note = _text(note, "note")
    if note:
        text = f"{text}；{note}"
    try:
        with transaction.atomic():
            correction = FacilityRecord.objects.create(
                facility=facility, kind=record.kind, done_on=done_on, result=result,
                note=text[:_max(FacilityRecord, "note")],
                certificate_no=_text(certificate_no, "certificate_no",
                                     max_length=_max(FacilityRecord, "certificate_no")),
                next_due=next_due, corrects=record, recorded_by=actor)
    except IntegrityError:  # corrected meanwhile by someone else
        raise ValidationError({"record": _("该记录已被更正，请更正最新的一条")}) from None
    _refresh(facility, correction, actor)
    return correction


# -- faults -----------------------------------------------------------------------------------------------------------


@transaction.atomic
def fault_link(*, actor, facility: Facility, order, source: str = FacilityFault.Source.REPORT) -> FacilityFault:
    """Link a work order of the same estate to the facility as a fault: the facility's history lists it (art. 71(2):
    the records of repairs). Refused: an order of another estate, one the actor cannot see, one already linked."""
    from linli.workorders.models import WorkOrder

    permissions.require_manager(actor, facility.estate)
    if facility.status == Facility.Status.RETIRED:
        raise ValidationError({"facility": _("该设施已报废，不能再关联工单")})
    if source not in FacilityFault.Source.values:
        raise ValidationError({"source": _("请选择来源")})
    if order is None or not (is_system(actor) or WorkOrder.objects.visible_to(actor).filter(pk=order.pk).exists()):
        raise ValidationError({"order": _("找不到该工单")})
    if order.estate_id != facility.estate_id:
        raise ValidationError({"order": _("该工单不属于此设施所在的小区")})
    if FacilityFault.objects.filter(facility=facility, order=order).exists():
        raise ValidationError({"order": _("该工单已关联到此设施")})
    return FacilityFault.objects.create(facility=facility, order=order, source=source, linked_by=actor)


# -- retire -----------------------------------------------------------------------------------------------------------


@transaction.atomic
def facility_retire(*, actor, facility: Facility, reason: str) -> Facility:
    """Retire a facility (报废): it stays in the ledger with its history, marked retired, no longer reminded nor on the
    public board. The reason is required."""
    permissions.require_manager(actor, facility.estate)
    reason = _text(reason, "reason", required=True, max_length=200)
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    if facility.status == Facility.Status.RETIRED:
        raise ValidationError({"status": _("该设施已报废")})
    _event(facility, FacilityEvent.Kind.RETIRED, actor, note=reason, before=facility.status)
    facility.status = Facility.Status.RETIRED
    facility.save(update_fields=["status"])
    return facility


# Fields of a facility that change in its life (a new maintenance contractor and contract, a move, public or not);
# the rest (kind, name, code, building, installation) say which facility it is: a wrong one is retired and registered
# again, and the inspection due date changes only through a statutory inspection's record (its history stays).
CHANGEABLE = ("contractor", "contract_no", "contract_end", "location", "is_public", "note")


@transaction.atomic
def facility_change(*, actor, facility: Facility, reason: str, **changes) -> Facility:
    """Change a facility's maintenance contractor and contract, location, public flag or note (art. 71(2): the ledger
    kept current), with the reason; an event keeps each field's value before and after. Refused: a field outside
    CHANGEABLE, no reason, nothing changed, a retired facility."""
    permissions.require_manager(actor, facility.estate)
    unknown = sorted(set(changes) - set(CHANGEABLE))
    if unknown:
        raise ValidationError({unknown[0]: _("此项不能修改")})
    reason = _text(reason, "reason", required=True, max_length=100)
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    if facility.status == Facility.Status.RETIRED:
        raise ValidationError({"status": _("该设施已报废")})
    for field in ("contractor", "contract_no", "location", "note"):
        if field in changes:
            changes[field] = _text(changes[field], field, max_length=_max(Facility, field))
    if "is_public" in changes:
        changes["is_public"] = bool(changes["is_public"])
    before, after = {}, {}
    for field, value in changes.items():
        if getattr(facility, field) != value:
            before[field], after[field] = getattr(facility, field), value
    if not after:
        raise ValidationError({"reason": _("没有要修改的内容")})
    for field, value in after.items():
        setattr(facility, field, value)
    facility.save(update_fields=sorted(after))
    _event(facility, FacilityEvent.Kind.CHANGED, actor, note=reason,
           before={k: _iso(v) if isinstance(v, datetime.date) else v for k, v in before.items()},
           after={k: _iso(v) if isinstance(v, datetime.date) else v for k, v in after.items()})
    return facility


# -- due dates and reminders -------------------------------------------------------------------------------------------


def due_dates(facility: Facility, today: datetime.date) -> list[dict]:
    """What of ``facility`` falls due within ``REMINDER_DAYS`` (or is past due): its statutory inspection, its
    maintenance contract; each {"what", "label", "on", "days"}."""
    horizon = today + datetime.timedelta(days=REMINDER_DAYS)
    out = []
    if facility.inspection_due and facility.inspection_due <= horizon:
        out.append({"what": "inspection", "label": _("法定检验"), "on": facility.inspection_due,
                    "days": (facility.inspection_due - today).days})
    if facility.contract_end and facility.contract_end <= horizon:
        out.append({"what": "contract", "label": _("维保合同"), "on": facility.contract_end,
                    "days": (facility.contract_end - today).days})
    return out


def due_key(facility_id: int, what: str, on: datetime.date) -> str:
    """The notification key of a reminder: one per user, facility, what falls due and its date."""
    return f"facility:{facility_id}:{what}:{on.isoformat()}"


def _reminded_users(facilities: list[Facility]) -> dict[int, set[int]]:
    """{estate id: user ids}: the property managers of each estate's current provider and the community admins of its
    community (the ones who act on it: art. 88 and the street's supervision)."""
    estates = {f.estate_id: f.estate for f in facilities}
    providers = dict(Stewardship.objects.current().filter(estate_id__in=estates, provider__isnull=False)
                     .values_list("estate_id", "provider_id"))
    by_org, by_division = {}, {}
    for user_id, org_id in Membership.objects.filter(role=Role.PROPERTY_MANAGER,
                                                     organization_id__in=set(providers.values())
                                                     ).values_list("user_id", "organization_id"):
        by_org.setdefault(org_id, set()).add(user_id)
    communities = {e.community_id for e in estates.values()}
    for user_id, division_id in Membership.objects.filter(role=Role.COMMUNITY_ADMIN, division_id__in=communities
                                                          ).values_list("user_id", "division_id"):
        by_division.setdefault(division_id, set()).add(user_id)
    return {pk: by_org.get(providers.get(pk), set()) | by_division.get(e.community_id, set())
            for pk, e in estates.items()}


def notify_due(*, today: datetime.date | None = None) -> int:
    """Tell the estate's property manager and the community admin about each statutory inspection and maintenance
    contract falling due within 30 days (or past due) of a facility in service, once per facility, what and date
    (kind "facility", key ``due_key``: running it twice sends nothing new). Returns the notifications written."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=REMINDER_DAYS)
    from django.db.models import Q

    facilities = list(Facility.objects.in_service()
                      .filter(Q(inspection_due__lte=horizon) | Q(contract_end__lte=horizon))
                      .select_related("estate"))
    if not facilities:
        return 0
    wanted = _reminded_users(facilities)
    ids = set().union(*wanted.values())
    users = {u.pk: u for u in recipients(User.objects.filter(pk__in=ids, is_active=True))}
    batch = []
    for facility in facilities:
        to = [users[i] for i in sorted(wanted.get(facility.estate_id, ())) if i in users]
        if not to:
            continue
        for due in due_dates(facility, today):
            if due["days"] < 0:
                title = _("%(estate)s %(name)s 的%(what)s已过期 %(d)s 天（%(on)s 到期）")
            else:
                title = _("%(estate)s %(name)s 的%(what)s将于 %(on)s 到期（还有 %(d)s 天）")
            title = title % {"estate": facility.estate.name, "name": facility.name, "what": due["label"],
                             "on": due["on"].isoformat(), "d": abs(due["days"])}
            batch.append(Message(users=to, title=title, kind="facility",
                                 link=reverse("facilities:facility", args=[facility.pk]),
                                 key=due_key(facility.pk, due["what"], due["on"])))
    if not batch:
        return 0
    with transaction.atomic():
        return len(notify_many(batch))
