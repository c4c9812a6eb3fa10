"""Posting a service request: locating it and creating the work order."""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone

from linli.core.text import clean_text, normalize, safe_url
from linli.people.scopes import scope_for
from linli.places.models import Estate
from linli.workorders import hotline, services
from linli.workorders.models import Channel, WorkOrder, WorkOrderEvent

from .base import CATEGORY, NEARBY_METRES, Open311Error, _echo, _params, api_user, jurisdiction, render

# -- requests ------------------------------------------------------------------------------------------------


def _decimal(value: str, name: str, limit: int) -> Decimal:
    try:
        number = Decimal(value.strip())
    except (InvalidOperation, AttributeError) as e:
        raise Open311Error(400, f"{name} is not a number") from e
    if not number.is_finite() or abs(number) > limit:
        raise Open311Error(400, f"{name} is out of range")
    return number.quantize(Decimal("0.000001"))


def _distance(lat1, lon1, lat2, lon2) -> float:
    """Metres between two WGS84 points (haversine; good enough inside one street)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6_371_000 * 2 * math.asin(math.sqrt(a))


def locate(street, params) -> tuple[services.Place, str, Decimal | None, Decimal | None, bool]:
    """(place, address, lat, long, matched) from address_id, lat/long or address_string, within the street."""
    estates = Estate.objects.filter(community__parent=street).select_related("community", "community__parent")
    address_id = (params.get("address_id") or "").strip()
    lat_text, long_text = (params.get("lat") or "").strip(), (params.get("long") or "").strip()
    address = (params.get("address_string") or "").strip()[:200]
    lat = long = None
    if lat_text or long_text:
        if not (lat_text and long_text):
            raise Open311Error(400, "lat and long must both be sent")
        lat, long = _decimal(lat_text, "lat", 90), _decimal(long_text, "long", 180)
    if not (address_id or lat is not None or address):
        raise Open311Error(400, "a location is required: lat & long, address_string or address_id")
    if address_id:
        estate = estates.filter(pk=int(address_id)).first() if address_id.isdigit() else None
        if estate is None:
            raise Open311Error(400, f"address_id was not found in this jurisdiction: {_echo(address_id)}")
        return services.resolve_place(estate=estate), address or estate.name, lat, long, True
    if address:
        rows = [(e, normalize(e.name).replace(" ", ""), normalize(e.address).replace(" ", ""))
                for e in estates]
        estate = hotline.match_estate(rows, address)
        if estate is not None:
            return services.resolve_place(estate=estate), address, lat, long, True
    if lat is not None:
        best = None
        for estate in estates.exclude(latitude=None).exclude(longitude=None):
            metres = _distance(float(lat), float(long), float(estate.latitude), float(estate.longitude))
            if metres <= NEARBY_METRES and (best is None or metres < best[0]):
                best = (metres, estate)
        if best is not None:
            return services.resolve_place(estate=best[1]), address or best[1].name, lat, long, True
    return services.Place(street=street), address, lat, long, False


def _serves(user, street) -> bool:
    return any(street.path.startswith(p) or p.startswith(street.path) for p in scope_for(user).paths) or (
        Estate.objects.managed_by_staff_of(user).filter(community__parent=street).exists())


def create_request(request, fmt):
    params = _params(request)
    user = api_user(request)
    if user is None:
        raise Open311Error(403, "api_key is required to create a service request (header X-Api-Key)")
    code = (params.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, "service_code was not provided")
    street = jurisdiction(params, required=True)
    if code not in CATEGORY:
        raise Open311Error(404, f"service_code provided was not found: {_echo(code)}")
    if not _serves(user, street):
        raise Open311Error(403, "this api_key may not create requests in this jurisdiction")
    place, address, lat, long, matched = locate(street, params)
    subcategory = (params.get("attribute[subcategory]") or "").strip()
    if subcategory and subcategory not in {c for c, _n in CATEGORY[code][2]}:
        raise Open311Error(400, f"attribute[subcategory] is not one of the values of {code}")
    media_url = (params.get("media_url") or "").strip()
    if media_url and not safe_url(media_url):
        raise Open311Error(400, "media_url must be an absolute http or https URL of at most 500 characters")
    # Stored text too is free of control characters (PostgreSQL refuses NUL; no reader wants the others).
    description = clean_text(params.get("description") or "").strip()[:4000] or CATEGORY[code][0]
    name = "".join(clean_text(p).strip() for p in (params.get("last_name") or "", params.get("first_name") or ""))
    try:
        order = services.workorder_create(
            channel=Channel.OPEN311, text=description, actor=user, contact_name=name[:60],
            contact_phone=clean_text(params.get("phone") or "").strip()[:20], place=place, address=clean_text(address),
            category=code, subcategory=subcategory, needs_triage=not matched,
        )
    except ValidationError as e:
        raise Open311Error(400, "；".join(e.messages)) from e
    updates = {}
    if lat is not None:
        updates.update(latitude=lat, longitude=long)
    if updates:
        WorkOrder.objects.filter(pk=order.pk).update(**updates)
    if media_url:
        WorkOrderEvent.objects.create(order=order, kind=WorkOrderEvent.Type.NOTE, from_status=order.status,
                                      to_status=order.status, actor=user, note="Open311 media_url",
                                      data={"media_url": media_url})
    return render(fmt, "service_requests", [{
        "service_request_id": order.code, "service_notice": _notice(order), "account_id": None,
    }])


def _notice(order: WorkOrder) -> str:
    if order.assignee_org_id:
        due = timezone.localtime(order.reply_due).strftime("%Y-%m-%d %H:%M") if order.reply_due else ""
        return f"已受理并交{order.assignee_org.name}办理" + (f"，办结时限 {due}" if due else "")
    return "已受理，等待工作人员分派"
