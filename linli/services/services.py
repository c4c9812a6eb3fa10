"""Resident orders (群众点单、超市下单、物业接单, seed 004) and the estate's parcel station (驿站).

A resident orders a service or goods from a provider of their estate; the provider's staff accept and
complete it. No money moves: the amount is recorded (Decimal) and payment will go through the fee app's
gateway when it exists. Parcels and bulky goods wait at the station with a six-digit pick-up code; a
resident who cannot carry them asks for a volunteer, who takes the parcel and hands it over against the code.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.people.models import Occupancy
from linli.people.scopes import scope_for
from linli.places.models import Estate
from linli.services.models import Offering, OrderEvent, Parcel, Provider, ResidentOrder
from linli.services.permissions import can_manage, provider_staff, require_manager, station_staff
from linli.volunteers.models import Volunteer

OPEN_PARCELS = (Parcel.Status.WAITING, Parcel.Status.DELIVERY_REQUESTED, Parcel.Status.OUT_FOR_DELIVERY)


def _event(order, kind, actor, now, **data):
    OrderEvent.objects.create(order=order, kind=kind, actor=actor, at=now, data=data)


@transaction.atomic
def provider_add(*, actor, organization, estate) -> Provider:
    """The community lets an organisation take orders in an estate."""
    require_manager(actor, estate.community)
    provider, _created = Provider.objects.get_or_create(organization=organization, estate=estate)
    if not provider.active:
        provider.active = True
        provider.save(update_fields=["active"])
    return provider


@transaction.atomic
def offering_add(*, actor, provider: Provider, name: str, kind: str, price: Decimal, unit: str = "次",
                 bulky: bool = False) -> Offering:
    if not (provider_staff(actor, provider) or can_manage(actor, provider.estate.community)):
        raise PermissionDenied(_("只有接单单位或社区管理员可以上架项目"))
    if kind not in Offering.Kind.values:
        raise ValidationError({"kind": _("未知的类别")})
    price = Decimal(price)
    if price < 0:
        raise ValidationError({"price": _("单价不能为负数")})
    return Offering.objects.create(provider=provider, name=name, kind=kind, price=price, unit=unit, bulky=bulky)


@transaction.atomic
def order_place(*, actor, offering: Offering, quantity: int = 1, note: str = "", wanted_on=None, now=None
                ) -> ResidentOrder:
    """A resident orders from a provider of the estate they live in."""
    now = now or timezone.now()
    scope = scope_for(actor)
    provider = offering.provider
    occ = (Occupancy.objects.current().filter(person_id=scope.person_id, home__estate_id=provider.estate_id)
           .order_by("pk").first()) if scope.person_id else None
    if occ is None:
        raise PermissionDenied(_("只能向自己所住小区的接单单位下单"))
    if not (offering.active and provider.active):
        raise ValidationError(_("该项目已下架"))
    if quantity < 1:
        raise ValidationError({"quantity": _("数量至少为 1")})
    order = ResidentOrder.objects.create(
        estate_id=provider.estate_id, home_id=occ.home_id, person_id=scope.person_id, provider=provider,
        offering=offering, quantity=quantity, amount=(offering.price * quantity).quantize(Decimal("0.01")),
        note=note, wanted_on=wanted_on, placed_by=actor, placed_at=now,
    )
    _event(order, "placed", actor, now, amount=str(order.amount))
    return order


def _transition(order, actor, now, frm, to, kind, **fields):
    changed = ResidentOrder.objects.filter(pk=order.pk, status__in=frm).update(status=to, **fields)
    if not changed:
        raise ValidationError(_("当前状态不能进行此操作"))
    order = ResidentOrder.objects.get(pk=order.pk)
    _event(order, kind, actor, now, **{k: str(v) for k, v in fields.items() if k == "reason"})
    return order


@transaction.atomic
def order_accept(*, actor, order: ResidentOrder, now=None) -> ResidentOrder:
    now = now or timezone.now()
    if not provider_staff(actor, order.provider):
        raise PermissionDenied(_("只有接单单位可以接单"))
    return _transition(order, actor, now, [ResidentOrder.Status.PLACED], ResidentOrder.Status.ACCEPTED, "accepted",
                       accepted_by=actor, accepted_at=now)


@transaction.atomic
def order_refuse(*, actor, order: ResidentOrder, reason: str, now=None) -> ResidentOrder:
    now = now or timezone.now()
    if not provider_staff(actor, order.provider):
        raise PermissionDenied(_("只有接单单位可以拒单"))
    if not reason.strip():
        raise ValidationError({"reason": _("请写明原因")})
    return _transition(order, actor, now, [ResidentOrder.Status.PLACED], ResidentOrder.Status.REFUSED, "refused",
                       reason=reason.strip())


@transaction.atomic
def order_complete(*, actor, order: ResidentOrder, to_station: bool = False, now=None) -> ResidentOrder:
    """The provider completes the order; goods left at the station get a parcel with a pick-up code."""
    now = now or timezone.now()
    if not provider_staff(actor, order.provider):
        raise PermissionDenied(_("只有接单单位可以完成订单"))
    order = _transition(order, actor, now, [ResidentOrder.Status.ACCEPTED], ResidentOrder.Status.COMPLETED,
                        "completed", completed_at=now)
    if to_station:
        _new_parcel(estate=order.estate, home=order.home, recipient=order.person, actor=actor, now=now,
                    description=f"{order.offering.name} × {order.quantity}", bulky=order.offering.bulky, order=order)
    return order


@transaction.atomic
def order_cancel(*, actor, order: ResidentOrder, reason: str = "", now=None) -> ResidentOrder:
    now = now or timezone.now()
    if scope_for(actor).person_id != order.person_id:
        raise PermissionDenied(_("只能取消自己的订单"))
    return _transition(order, actor, now, [ResidentOrder.Status.PLACED], ResidentOrder.Status.CANCELLED, "cancelled",
                       reason=reason.strip())


def _code(estate) -> str:
    taken = set(Parcel.objects.filter(estate=estate, status__in=OPEN_PARCELS).values_list("code", flat=True))
    while True:
        code = f"{secrets.randbelow(10**6):06d}"
        if code not in taken:
            return code


def _new_parcel(*, estate, home, recipient, actor, now, description, bulky, order=None) -> Parcel:
    return Parcel.objects.create(estate=estate, home=home, recipient=recipient, description=description, bulky=bulky,
                                 order=order, code=_code(estate), registered_by=actor, arrived_at=now)


@transaction.atomic
def parcel_register(*, actor, home, recipient, description: str, bulky: bool = False, now=None) -> Parcel:
    """The station keeper registers a parcel that arrived; a pick-up code is generated."""
    now = now or timezone.now()
    if not station_staff(actor, home.estate):
        raise PermissionDenied(_("只有驿站工作人员可以登记包裹"))
    if not Occupancy.objects.current().filter(person=recipient, home=home).exists():
        raise ValidationError({"recipient": _("收件人不住在该房屋")})
    # Lock the estate row so that two parcels registered at once never share a code.
    Estate.objects.select_for_update().filter(pk=home.estate_id).first()
    return _new_parcel(estate=home.estate, home=home, recipient=recipient, actor=actor, now=now,
                       description=description, bulky=bulky)


@transaction.atomic
def parcel_pick_up(*, actor, parcel: Parcel, code: str, now=None) -> Parcel:
    """The recipient collects the parcel at the station, showing the code."""
    now = now or timezone.now()
    if not station_staff(actor, parcel.estate):
        raise PermissionDenied(_("只有驿站工作人员可以登记取件"))
    if code.strip() != parcel.code:
        raise ValidationError({"code": _("取件码不对")})
    changed = Parcel.objects.filter(pk=parcel.pk, status__in=[Parcel.Status.WAITING, Parcel.Status.DELIVERY_REQUESTED]
                                    ).update(status=Parcel.Status.PICKED_UP, handed_at=now)
    if not changed:
        raise ValidationError(_("该包裹已取走或正在配送"))
    return Parcel.objects.get(pk=parcel.pk)


@transaction.atomic
def parcel_request_delivery(*, actor, parcel: Parcel, now=None) -> Parcel:
    """The recipient asks a volunteer to carry the parcel home."""
    now = now or timezone.now()
    if scope_for(actor).person_id != parcel.recipient_id and not station_staff(actor, parcel.estate):
        raise PermissionDenied(_("只有收件人或驿站工作人员可以申请送达"))
    changed = Parcel.objects.filter(pk=parcel.pk, status=Parcel.Status.WAITING).update(
        status=Parcel.Status.DELIVERY_REQUESTED, delivery_requested_at=now)
    if not changed:
        raise ValidationError(_("该包裹不在待取件状态"))
    return Parcel.objects.get(pk=parcel.pk)


@transaction.atomic
def parcel_take(*, actor, parcel: Parcel, now=None) -> Parcel:
    """A volunteer of the estate's community takes a delivery; the first to take it gets it."""
    now = now or timezone.now()
    person_id = scope_for(actor).person_id
    if not Volunteer.objects.filter(person_id=person_id, community_id=parcel.estate.community_id, active=True).exists():
        raise PermissionDenied(_("只有本社区的志愿者可以接单送达"))
    changed = Parcel.objects.filter(pk=parcel.pk, status=Parcel.Status.DELIVERY_REQUESTED).update(
        status=Parcel.Status.OUT_FOR_DELIVERY, courier_id=person_id, taken_at=now)
    if not changed:
        raise ValidationError(_("该包裹已有人接单"))
    return Parcel.objects.get(pk=parcel.pk)


@transaction.atomic
def parcel_deliver(*, actor, parcel: Parcel, code: str, now=None) -> Parcel:
    """The volunteer hands the parcel over; the recipient tells them the code as a receipt."""
    now = now or timezone.now()
    if scope_for(actor).person_id != parcel.courier_id:
        raise PermissionDenied(_("只有接单的志愿者可以登记送达"))
    if code.strip() != parcel.code:
        raise ValidationError({"code": _("取件码不对")})
    changed = Parcel.objects.filter(pk=parcel.pk, status=Parcel.Status.OUT_FOR_DELIVERY).update(
        status=Parcel.Status.DELIVERED, handed_at=now)
    if not changed:
        raise ValidationError(_("该包裹不在配送中"))
    return Parcel.objects.get(pk=parcel.pk)
