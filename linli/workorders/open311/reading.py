"""Reading service requests: the list, one request, a token, and the public view of an order."""

from __future__ import annotations

import datetime
import json

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from linli.core import ratelimit
from linli.core.text import redact, safe_url
from linli.workorders.models import OPEN_STATUSES, Channel, Status, WorkOrder, WorkOrderEvent

from .base import (
    CATEGORY,
    DEFAULT_DAYS,
    MAX_REQUESTS,
    Open311Error,
    _echo,
    api_user,
    endpoint,
    jurisdiction,
    render,
    w3,
)
from .posting import _notice, create_request


def _public_q(user) -> Q:
    q = Q(channel=Channel.OPEN311)
    if user is not None:
        q |= Q(pk__in=WorkOrder.objects.visible_to(user).values("pk"))
    return q


def _parse_w3(value: str, name: str) -> datetime.datetime:
    text = value.strip().replace(" ", "+") if "T" in value else value.strip()
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        day = parse_date(text)
        if day is None:
            raise Open311Error(400, f"{name} must use the w3 format, e.g. 2010-01-01T00:00:00Z") from None
        moment = datetime.datetime.combine(day, datetime.time())
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def list_requests(request, fmt):
    params = request.GET.dict()
    user = api_user(request)
    street = jurisdiction(params, required=False)
    orders = WorkOrder.objects.filter(_public_q(user))
    if street is not None:
        orders = orders.filter(street=street)
    ids = [i.strip() for i in (params.get("service_request_id") or "").split(",") if i.strip()]
    if ids:
        orders = orders.filter(code__in=ids)  # overrides all other arguments
    else:
        codes = [c.strip() for c in (params.get("service_code") or "").split(",") if c.strip()]
        if codes:
            orders = orders.filter(category__in=codes)
        start = _parse_w3(params["start_date"], "start_date") if params.get("start_date") else None
        end = _parse_w3(params["end_date"], "end_date") if params.get("end_date") else None
        span = datetime.timedelta(days=DEFAULT_DAYS)
        if start and end and end - start > span:
            raise Open311Error(400, f"start_date and end_date may not span more than {DEFAULT_DAYS} days")
        if start is None and end is None:
            end = timezone.now()
        start = start or end - span
        end = end or start + span
        orders = orders.filter(received_at__gte=start, received_at__lte=end)
        wanted = {v.strip() for v in (params.get("status") or "").split(",") if v.strip()}
        if wanted - {"open", "closed"}:
            raise Open311Error(400, "status must be open or closed")
        if wanted == {"open"}:
            orders = orders.filter(status__in=OPEN_STATUSES)
        elif wanted == {"closed"}:
            orders = orders.exclude(status__in=OPEN_STATUSES)
    orders = _with_details(orders).order_by("-received_at", "-id")[:MAX_REQUESTS]
    return render(fmt, "service_requests", [_request_row(o) for o in orders])


def _with_details(orders):
    """The columns a request row needs, in one query (up to 1,000 rows per answer)."""
    media = WorkOrderEvent.objects.filter(order=OuterRef("pk"), kind=WorkOrderEvent.Type.NOTE,
                                          data__has_key="media_url").order_by("id").values("data__media_url")[:1]
    last = WorkOrderEvent.objects.filter(order=OuterRef("pk")).order_by("-at").values("at")[:1]
    return orders.select_related("assignee_org", "estate", "building", "community", "street", "duplicate_of",
                                 "reporter").annotate(
        last_event_at=Subquery(last), media=Subquery(media))


def _status_notes(order: WorkOrder) -> str | None:
    if order.reply_text:
        return order.reply_text
    if order.status == Status.MERGED and order.duplicate_of_id:
        return f"已合并到 {order.duplicate_of.code}"
    if order.status in (Status.CANCELLED, Status.MERGED):
        event = order.events.filter(kind__in=("cancel", "merge")).order_by("-at", "-id").first()
        return event.note if event else None
    return None


def _media_url(order: WorkOrder) -> str | None:
    value = getattr(order, "media", None)
    if isinstance(value, str) and value.startswith('"'):  # some backends hand back the JSON text
        value = json.loads(value)
    return value or None


def _public(order: WorkOrder, text: str | None) -> str | None:
    """Free text of an order as it may be published: the names it gives and any name, phone or ID number written in
    it masked (the handling organisation's own number is kept)."""
    if not text:
        return text
    names = (order.contact_name, order.reporter.name if order.reporter_id else "")
    keep = (order.assignee_org.phone,) if order.assignee_org_id else ()
    return redact(text, names=names, keep=keep)


def _request_row(order: WorkOrder) -> dict:
    """One order as Open311 shows it: nothing about the reporter, no home number, no personal data in its text."""
    name = CATEGORY.get(order.category, ("未分类", "", []))[0]
    place = " ".join(p for p in (order.estate and order.estate.name, order.building and order.building.number) if p)
    address = place or order.address or " ".join(p.name for p in (order.community, order.street) if p)
    lat = order.latitude if order.latitude is not None else (order.estate.latitude if order.estate else None)
    long = order.longitude if order.longitude is not None else (order.estate.longitude if order.estate else None)
    return {
        "service_request_id": order.code,
        "status": "open" if order.status in OPEN_STATUSES else "closed",
        "status_notes": _public(order, _status_notes(order)),
        "service_name": name,
        "service_code": order.category or None,
        "description": _public(order, order.text),
        "agency_responsible": order.assignee_org.name if order.assignee_org else None,
        "service_notice": _notice(order) if order.status in OPEN_STATUSES else None,
        "requested_datetime": w3(order.received_at),
        "updated_datetime": w3(order.closed_at or getattr(order, "last_event_at", None) or order.received_at),
        "expected_datetime": w3(order.reply_due),
        "address": _public(order, address),
        "address_id": str(order.estate_id) if order.estate_id else None,
        "zipcode": None,
        "lat": float(lat) if lat is not None else None,
        "long": float(long) if long is not None else None,
        "media_url": safe_url(_media_url(order)) or None,
    }


@csrf_exempt
@require_http_methods(["GET", "POST"])
@endpoint
def requests_view(request, fmt):
    if request.method == "POST":
        # Every attempt counts (a wrong key or a bad request too), per address, in the cache all processes share.
        if ratelimit.limited(request, "open311"):
            raise Open311Error(429, f"{ratelimit.MESSAGE}（too many requests from this address; try again later）")
        return create_request(request, fmt)
    return list_requests(request, fmt)


def _one(request, code):
    params = request.GET.dict()
    user = api_user(request)
    street = jurisdiction(params, required=False)
    orders = WorkOrder.objects.filter(_public_q(user), code=code)
    if street is not None:
        orders = orders.filter(street=street)
    order = _with_details(orders).first()
    if order is None:
        raise Open311Error(404, f"service_request_id was not found: {_echo(code)}")
    return order


@require_GET
@endpoint
def request_detail(request, fmt, code):
    return render(fmt, "service_requests", [_request_row(_one(request, code))])


@require_GET
@endpoint
def token_detail(request, fmt, token):
    """Linli answers POST in real time; a code is its own token, for clients that always ask."""
    order = _one(request, token)
    return render(fmt, "service_requests", [{"service_request_id": order.code, "token": token}])
