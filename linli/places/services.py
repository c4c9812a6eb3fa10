"""State changes of the registry. Pages, the API, imports and the demo all call these."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.places import permissions
from linli.places.models import Estate, Stewardship


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
    note: str = "",
) -> Stewardship:
    """Record who manages ``estate`` from ``start`` on; the open previous row is ended the day before.

    Earlier rows are never edited otherwise, so the history of an estate's management stays whole.
    """
    permissions.require(permissions.can_change_stewardship(actor, estate), _("您无权修改该小区的登记信息"))
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

    # Lock the estate row so that two changes to one estate are serialised.
    Estate.objects.select_for_update().filter(pk=estate.pk).first()
    later = estate.stewardships.filter(start__gte=start).order_by("start").first()
    if later is not None:
        raise ValidationError({"start": _("起始日期必须晚于已有记录的起始日期（%(date)s）") % {"date": later.start}})
    open_row = estate.stewardships.filter(end__isnull=True).order_by("-start").first()
    if open_row is not None:
        open_row.end = start - datetime.timedelta(days=1)
        open_row.save(update_fields=["end"])
    if mode == Mode.BUNDLED and provider is None:
        lead = lead_estate.current_stewardship(start)
        provider = lead.provider if lead else None
    return Stewardship.objects.create(
        estate=estate,
        mode=mode,
        provider=provider,
        lead_estate=lead_estate,
        start=start,
        contract_no=contract_no,
        contract_start=contract_start,
        contract_end=contract_end,
        basis=basis,
        basis_kind=basis_kind,
        basis_ref=basis_ref,
        note=note,
        created_by=actor,
    )
