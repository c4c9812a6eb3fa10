"""State changes of the registry. Pages, the API, imports and the demo all call these.

A change of who manages an estate rests on a basis (issue 15 item 2, docs/stewardship.md): which kinds of basis a
mode accepts is the one table ``Stewardship.BASIS_FOR_MODE``. A correction of a data-entry mistake is its own
action (``stewardship_correct``): a new row, the old one marked, an event that says who, when, why, before, after.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.places import permissions
from linli.places.models import Estate, Stewardship, StewardshipEvent

Kind = Stewardship.BasisKind


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months, the day clamped to the month's end (31 Aug + 6 → 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def emergency_latest_end(start: datetime.date) -> datetime.date:
    """The last day an emergency service starting on ``start`` may run (Beijing 物业管理条例 art. 77: six months)."""
    return add_months(start, Stewardship.EMERGENCY_MONTHS) - datetime.timedelta(days=1)


def check_basis(*, estate: Estate, mode: str, basis_kind: str, basis_ref: str, basis: str, start, end) -> None:
    """Refuse a change whose basis does not fit its mode (``Stewardship.BASIS_FOR_MODE``), naming the field.

    DECISION, SELECTION and FALLBACK need a well-formed reference ("motion:<pk>", "selection:<pk>"); the motion or
    case itself is verified by the governance service of linli.assembly that calls here (places, the layer below,
    cannot read it). EMERGENCY needs the appointing document in ``basis`` and an ``end`` at most six months on
    (Beijing art. 77). EXISTING is only the first record of an estate and needs its contract or document in
    ``basis``. CORRECTION is written by ``stewardship_correct`` alone.
    """
    allowed = Stewardship.BASIS_FOR_MODE.get(mode, ())
    labels = "、".join(str(Kind(k).label) for k in allowed)
    if not basis_kind:
        raise ValidationError({"basis_kind": _("请选择变更依据的类型（%(mode)s可依据：%(kinds)s）") % {
            "mode": Stewardship.Mode(mode).label, "kinds": labels}})
    if basis_kind not in Kind.values:
        raise ValidationError({"basis_kind": _("未知的依据类型：%(kind)s") % {"kind": basis_kind}})
    if basis_kind == Kind.CORRECTION:
        raise ValidationError({"basis_kind": _("更正登记错误须通过“更正”操作，不能作为变更依据")})
    if basis_kind not in allowed:
        raise ValidationError({"basis_kind": _("%(mode)s不能以“%(kind)s”为依据，可依据：%(kinds)s") % {
            "mode": Stewardship.Mode(mode).label, "kind": Kind(basis_kind).label, "kinds": labels}})
    prefix = Stewardship.BASIS_REF_PREFIX.get(basis_kind)
    if prefix:
        head, _sep, pk = (basis_ref or "").partition(":")
        if head != prefix or not pk.isdigit() or int(pk) <= 0:
            raise ValidationError({"basis_ref": _("“%(kind)s”须指明依据记录，格式为 %(prefix)s:编号") % {
                "kind": Kind(basis_kind).label, "prefix": prefix}})
    elif basis_ref:
        raise ValidationError({"basis_ref": _("“%(kind)s”不引用表决或选聘案记录") % {"kind": Kind(basis_kind).label}})
    if basis_kind == Kind.EMERGENCY:
        if not basis.strip():
            raise ValidationError({"basis": _("应急物业服务须填写街道办事处确定应急物业服务人的文件编号或内容")})
        latest = emergency_latest_end(start)
        if end is None:
            raise ValidationError({"end": _("应急物业服务须填写终止日期，期限不超过六个月（至迟 %(date)s）") % {
                "date": latest}})
        if end > latest:
            raise ValidationError({"end": _(
                "《北京市物业管理条例》第七十七条：应急物业服务期限不超过六个月，终止日期至迟为 %(date)s") % {
                "date": latest}})
    elif end is not None:
        raise ValidationError({"end": _("只有应急物业服务预先填写终止日期；其他记录由下一次变更终止")})
    if basis_kind == Kind.EXISTING:
        if estate.stewardships.exists():
            raise ValidationError({"basis_kind": _(
                "“登记既有管理”只用于本小区的第一条记录；已有记录的小区变更管理方式须有业主共同决定、选聘案或应急指定")})
        if not basis.strip():
            raise ValidationError({"basis": _("登记既有管理须填写合同编号或文件作为依据")})


def _check_shape(*, estate, mode, provider, lead_estate, contract_start, contract_end) -> None:
    Mode = Stewardship.Mode
    if mode not in Mode.values:
        raise ValidationError({"mode": _("未知的管理方式：%(mode)s") % {"mode": mode}})
    if mode in (Mode.MARKET, Mode.CUSTODIAN) and provider is None:
        raise ValidationError({"provider": _("市场化物业和国有托管必须填写服务单位")})
    if provider is not None and mode in (Mode.MARKET, Mode.CUSTODIAN) and provider.kind not in (
        "property_company", "service_station"
    ):
        raise ValidationError({"provider": _("服务单位必须是物业服务企业或物业服务站")})
    if mode == Mode.CUSTODIAN and provider is not None and provider.kind == "property_company" and provider.ownership != "state":
        raise ValidationError({"provider": _("国有托管的服务单位必须是国有企业")})
    if mode == Mode.BUNDLED:
        if lead_estate is None:
            raise ValidationError({"lead_estate": _("套管必须指定牵头小区")})
        if lead_estate.pk == estate.pk:
            raise ValidationError({"lead_estate": _("牵头小区不能是本小区")})
    elif lead_estate is not None:
        raise ValidationError({"lead_estate": _("只有套管需要牵头小区")})
    if contract_start and contract_end and contract_end < contract_start:
        raise ValidationError({"contract_end": _("合同到期日不能早于合同开始日")})


@transaction.atomic
def stewardship_change(
    *,
    estate: Estate,
    mode: str,
    start: datetime.date,
    actor,
    provider=None,
    lead_estate: Estate | None = None,
    contract_no: str = "",
    contract_start: datetime.date | None = None,
    contract_end: datetime.date | None = None,
    basis: str = "",
    basis_kind: str = "",
    basis_ref: str = "",
    end: datetime.date | None = None,
    note: str = "",
) -> Stewardship:
    """Record who manages ``estate`` from ``start`` on; the standing previous row is ended the day before.

    The change must rest on a basis that fits the mode (``check_basis``). ``end`` is given only for an emergency
    service (six months at most). Earlier rows are never edited otherwise, so the history of an estate's
    management stays whole.
    """
    permissions.require(permissions.can_change_stewardship(actor, estate), _("您无权修改该小区的登记信息"))
    _check_shape(estate=estate, mode=mode, provider=provider, lead_estate=lead_estate,
                 contract_start=contract_start, contract_end=contract_end)
    if end is not None and end < start:
        raise ValidationError({"end": _("终止日期不能早于起始日期")})

    # Lock the estate row so that two changes to one estate are serialised.
    Estate.objects.select_for_update().filter(pk=estate.pk).first()
    check_basis(estate=estate, mode=mode, basis_kind=basis_kind, basis_ref=basis_ref, basis=basis, start=start,
                end=end)
    live = estate.stewardships.live()
    later = live.filter(start__gte=start).order_by("start").first()
    if later is not None:
        raise ValidationError({"start": _("起始日期必须晚于已有记录的起始日期（%(date)s）") % {"date": later.start}})
    # The row standing on ``start`` (open, or an emergency service whose term runs past it) ends the day before.
    for row in live.filter(start__lt=start).exclude(end__lt=start):
        row.end = start - datetime.timedelta(days=1)
        row.save(update_fields=["end"])
    if mode == Stewardship.Mode.BUNDLED and provider is None:
        lead = lead_estate.current_stewardship(start)
        provider = lead.provider if lead else None
    return Stewardship.objects.create(
        estate=estate,
        mode=mode,
        provider=provider,
        lead_estate=lead_estate,
        start=start,
        end=end,
        contract_no=contract_no,
        contract_start=contract_start,
        contract_end=contract_end,
        basis=basis,
        basis_kind=basis_kind,
        basis_ref=basis_ref,
        note=note,
        created_by=actor,
    )


@transaction.atomic
def stewardship_register_existing(*, estate: Estate, history: list[dict], actor) -> list[Stewardship]:
    """Record the whole management history of an estate that predates Linli, oldest first, as EXISTING rows.

    Like a single EXISTING row, this is allowed only while the estate has no stewardship row at all, and every
    step needs its contract or document in ``basis`` (imports and the demo use it; a street admin registers the
    current arrangement through ``stewardship_change`` with EXISTING).
    """
    permissions.require(permissions.can_change_stewardship(actor, estate), _("您无权修改该小区的登记信息"))
    Estate.objects.select_for_update().filter(pk=estate.pk).first()
    if estate.stewardships.exists():
        raise ValidationError({"basis_kind": _("“登记既有管理”只用于本小区的第一条记录")})
    rows = []
    for step in history:
        step = dict(step)
        _check_shape(estate=estate, mode=step["mode"], provider=step.get("provider"),
                     lead_estate=step.get("lead_estate"), contract_start=step.get("contract_start"),
                     contract_end=step.get("contract_end"))
        if not step.get("basis", "").strip():
            raise ValidationError({"basis": _("登记既有管理须填写合同编号或文件作为依据")})
        if rows and step["start"] <= rows[-1].start:
            raise ValidationError({"start": _("起始日期必须晚于已有记录的起始日期（%(date)s）") % {
                "date": rows[-1].start}})
        if rows and rows[-1].end is None:
            rows[-1].end = step["start"] - datetime.timedelta(days=1)
            rows[-1].save(update_fields=["end"])
        if step["mode"] == Stewardship.Mode.BUNDLED and step.get("provider") is None:
            lead = step["lead_estate"].current_stewardship(step["start"])
            step["provider"] = lead.provider if lead else None
        rows.append(Stewardship.objects.create(estate=estate, basis_kind=Kind.EXISTING, created_by=actor, **step))
    return rows


CORRECTABLE_FIELDS = ("start", "end", "contract_no", "contract_start", "contract_end", "note", "provider")


def _snapshot(row: Stewardship) -> dict:
    out = {}
    for name in ("mode", "basis_kind", "basis_ref", "basis") + CORRECTABLE_FIELDS:
        value = getattr(row, "provider_id" if name == "provider" else name)
        out[name] = value.isoformat() if isinstance(value, datetime.date) else value
    return out


@transaction.atomic
def stewardship_correct(*, stewardship: Stewardship, actor, reason: str, **fields) -> Stewardship:
    """Correct a data-entry mistake in ``stewardship``: a new row (basis CORRECTION, basis_ref
    "stewardship:<pk>") replaces it, the old row keeps its data and is marked ``corrected_by`` (once), and a
    ``StewardshipEvent`` records who, when, why, before and after.

    A correction is not a change of management: it cannot change the mode, the basis or the lead estate; it may fix
    the dates, the contract number and dates, the note, and the provider only where the original basis does not
    bind the provider (EXISTING, EMERGENCY, STREET). The corrected dates must not overlap another standing row.
    """
    permissions.require(permissions.can_change_stewardship(actor, stewardship.estate),
                        _("您无权修改该小区的登记信息"))
    Estate.objects.select_for_update().filter(pk=stewardship.estate_id).first()
    old = Stewardship.objects.select_for_update().select_related("estate").get(pk=stewardship.pk)
    if old.is_corrected:
        raise ValidationError(_("该记录已被更正，请更正最新的记录"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写更正原因")})
    unknown = sorted(set(fields) - set(CORRECTABLE_FIELDS))
    if unknown:
        name = unknown[0]
        raise ValidationError({name: _("更正不能修改此项（管理方式、依据和牵头小区不能通过更正修改，须登记变更）")})
    root_kind = old.root_basis_kind()
    values = {name: getattr(old, name) for name in CORRECTABLE_FIELDS}
    values.update(fields)
    if values["provider"] != old.provider and root_kind not in Stewardship.PROVIDER_FREE_BASIS_KINDS:
        raise ValidationError({"provider": _(
            "服务单位由“%(kind)s”确定，不能通过更正修改") % {"kind": Kind(root_kind).label}})
    changed = {name for name in CORRECTABLE_FIELDS if values[name] != getattr(old, name)}
    if not changed:
        raise ValidationError(_("没有需要更正的内容"))
    _check_shape(estate=old.estate, mode=old.mode, provider=values["provider"], lead_estate=old.lead_estate,
                 contract_start=values["contract_start"], contract_end=values["contract_end"])
    start, end = values["start"], values["end"]
    if start is None:
        raise ValidationError({"start": _("请填写起始日期")})
    if end is not None and end < start:
        raise ValidationError({"end": _("终止日期不能早于起始日期")})
    if root_kind == Kind.EMERGENCY:
        latest = emergency_latest_end(start)
        if end is None or end > latest:
            raise ValidationError({"end": _(
                "《北京市物业管理条例》第七十七条：应急物业服务期限不超过六个月，终止日期至迟为 %(date)s") % {
                "date": latest}})
    others = old.estate.stewardships.live().exclude(pk=old.pk)
    overlap = others.filter(end__isnull=True) | others.filter(end__gte=start)
    if end is not None:
        overlap = overlap.filter(start__lte=end)
    clash = overlap.order_by("start").first()
    if clash is not None:
        raise ValidationError({"start" if "start" in changed else "end": _(
            "更正后的期间与 %(start)s 起的记录重叠；请先更正那条记录的日期") % {"start": clash.start}})
    new = Stewardship.objects.create(
        estate=old.estate, mode=old.mode, lead_estate=old.lead_estate, basis=old.basis,
        basis_kind=Kind.CORRECTION, basis_ref=f"stewardship:{old.pk}", created_by=actor, **values,
    )
    old.corrected_by = new
    old.save(update_fields=["corrected_by"])
    StewardshipEvent.objects.create(
        stewardship=old, actor=actor if getattr(actor, "pk", None) else None, kind=StewardshipEvent.Kind.CORRECTED,
        at=timezone.now(),
        data={"reason": reason.strip(), "corrected": old.pk, "correction": new.pk, "changed": sorted(changed),
              "before": _snapshot(old), "after": _snapshot(new)},
    )
    return new
