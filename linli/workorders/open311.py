"""Open311 GeoReport v2 at /open311/v2/, so that existing Open311 apps and libraries can report and follow orders.

Every resource answers in XML (``.xml``) and JSON (``.json``), with the spec's shapes and its error format
(``[{"code": 403, "description": …}]`` / ``<errors><error>…``): 404 for a resource that does not exist, 403 for a
missing or invalid ``api_key``, 400 for anything else.

* services are the 12 triage categories; each has one optional attribute ``subcategory`` (singlevaluelist);
* ``jurisdiction_id`` is a street's division code; POST needs it when more than one street exists;
* the API key is sent in a header, ``X-Api-Key: <key>`` or ``Authorization: Token <key>``, or as the spec has it,
  ``api_key`` in the body of a POST (form or JSON; bodies are not written to access logs); an ``api_key`` in the
  query string is refused with 400 before anything else is done (a URL ends up in access logs);
* POST requests.{fmt} needs a key (``linli apikey create``) whose account serves the street; it returns the work
  order's code as ``service_request_id`` (type realtime; every code also works as a token); every POST counts
  against the per-address limit ``LINLI_RATELIMIT_OPEN311`` (429 beyond it);
* GET requests without a key show the orders filed through Open311 only; with a key, also every order the key's
  account may see. Reporters' names and phones are never shown (PIPL), nor home numbers; names, phone and ID
  numbers written in the text are masked (``linli.core.text.redact``), control characters removed and links
  limited to http(s).
"""

from __future__ import annotations

import datetime
import json
import math
import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Q, Subquery
from django.http import HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied

from linli.core import ratelimit
from linli.core.text import clean_text, normalize, redact, safe_url
from linli.people.api_auth import ApiKeyAuthentication
from linli.people.scopes import scope_for
from linli.places.models import Division, Estate
from linli.triage.engine import taxonomy
from linli.workorders import hotline, services
from linli.workorders.models import OPEN_STATUSES, Channel, Status, WorkOrder, WorkOrderEvent

SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-22T00:00:00+08:00"  # bump when the service list or definitions change
MAX_REQUESTS = 1000
DEFAULT_DAYS = 90
NEARBY_METRES = 500

# The services: the categories of the triage taxonomy (linli/triage/data/taxonomy.json), in Chinese whatever the
# request's language, as the rest of this API: code → (name, group, [(subcategory code, name)]).
CATEGORY = {code: (cat.name, cat.group, [(s.code, s.name) for s in taxonomy.default().of_category(code)])
            for code, cat in taxonomy.default().details.items()}

# XML element names of list items (the Spark convention: a plural element holds its singular items).
ITEM_NAMES = {"services": "service", "service_requests": "request", "attributes": "attribute", "values": "value",
              "endpoints": "endpoint", "formats": "format", "errors": "error"}


KEY_IN_REQUEST = ("api_key must be sent in the X-Api-Key header (or Authorization: Token <key>) or in the body "
                  "of a POST, never in the URL")
ECHO = 40  # characters of a caller's value that an error message repeats


def _echo(value: str) -> str:
    """A caller's value as an error message may repeat it: bounded and without control characters."""
    value = clean_text(value)
    return value if len(value) <= ECHO else value[:ECHO] + "…"


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


# -- rendering ----------------------------------------------------------------------------------------------


def _xml_value(parent: ET.Element, name: str, value) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, list):
        for item in value:
            _xml_value(element, ITEM_NAMES.get(name, "item"), item)
    elif isinstance(value, dict):
        for key, sub in value.items():
            _xml_value(element, key, sub)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def _clean(value):
    """Every string of a payload without control characters (XML 1.0 cannot carry them; JSON readers choke)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    return value


def render(fmt: str, root: str, payload, status: int = 200) -> HttpResponse:
    """``payload`` as JSON, or as XML under ``root`` (a list becomes repeated items, a dict child elements)."""
    payload = _clean(payload)
    if fmt == "json":
        return HttpResponse(json.dumps(payload, ensure_ascii=False), status=status,
                            content_type="application/json; charset=utf-8")
    element = ET.Element(root)
    if isinstance(payload, list):
        for item in payload:
            _xml_value(element, ITEM_NAMES[root], item)
    else:
        for key, value in payload.items():
            _xml_value(element, key, value)
    body = '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="unicode")
    return HttpResponse(body.encode("utf-8"), status=status, content_type="text/xml; charset=utf-8")


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return render(fmt, "errors", [{"code": status, "description": description}], status=status)


def endpoint(view):
    """Turn an Open311Error into the spec's error response in the requested format."""

    def wrapper(request, fmt, *args, **kwargs):
        try:
            # Before anything else: a key in the URL is in some access log already; the client must stop sending it.
            if "api_key" in request.GET:
                raise Open311Error(400, KEY_IN_REQUEST)
            return view(request, fmt, *args, **kwargs)
        except Open311Error as e:
            return error(fmt, e.status, e.description)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def w3(moment: datetime.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


# -- parameters ---------------------------------------------------------------------------------------------


def _params(request):
    if request.method == "POST":
        if (request.content_type or "").startswith("application/json"):
            try:
                data = json.loads(request.body or b"{}")
            except ValueError as e:
                raise Open311Error(400, "request body is not valid JSON") from e
            params = {str(k): "" if v is None else str(v) for k, v in data.items()} if isinstance(data, dict) else {}
        else:
            params = request.GET.dict()
            params.update(request.POST.dict())
        # GeoReport v2 sends the key in the POST body; it is taken out of the parameters so that nothing echoes it.
        request.linli_body_api_key = params.pop("api_key", "").strip()
        return params
    return request.GET.dict()


def jurisdiction(params, *, required: bool) -> Division | None:
    """The street named by jurisdiction_id; None when omitted and not required (or when only one street exists)."""
    code = (params.get("jurisdiction_id") or "").strip()
    streets = Division.objects.filter(level=Division.Level.STREET)
    if code:
        street = streets.filter(code=code).first()
        if street is None:
            raise Open311Error(404, f"jurisdiction_id provided was not found: {_echo(code)}")
        return street
    if required:
        only = list(streets[:2])
        if len(only) == 1:
            return only[0]
        raise Open311Error(400, "jurisdiction_id was not provided (the street's division code)")
    return None


def api_key_of(request) -> str:
    """The key from ``X-Api-Key``, ``Authorization: Token|Bearer <key>`` or a POST body's ``api_key`` (read by
    ``_params``); "" when none is sent."""
    key = request.headers.get("X-Api-Key", "").strip()
    if not key:
        parts = request.headers.get("Authorization", "").split()
        if len(parts) == 2 and parts[0].lower() in ("token", "bearer"):
            key = parts[1]
    return key or getattr(request, "linli_body_api_key", "")


def api_user(request):
    """The account of a valid API key, None when no key was given; an invalid key (or a read-only key on a
    write) is 403."""
    key = api_key_of(request)
    method = request.method
    if not key:
        return None
    try:
        user, _key = ApiKeyAuthentication.authenticate_key(key, method=method)
    except (AuthenticationFailed, PermissionDenied) as e:
        raise Open311Error(403, "Invalid api_key received") from e
    return user


# -- discovery and services ----------------------------------------------------------------------------------


@require_GET
@endpoint
def discovery(request, fmt):
    base = request.build_absolute_uri("/open311/v2/").rstrip("/")
    return render(fmt, "discovery", {
        "changeset": CHANGESET,
        "contact": getattr(settings, "LINLI_OPEN311_CONTACT", "请联系所在街道物业服务中心"),
        "key_service": "API 密钥由管理员用 linli apikey create NAME 创建，并为其账号授予所在街道的角色；"
                       "密钥放在请求头 X-Api-Key 中发送，不得放在网址或请求体中",
        "endpoints": [{"specification": SPEC, "url": base, "changeset": CHANGESET, "type": "production",
                       "formats": ["text/xml", "application/json"]}],
    })


def _service(code: str) -> dict:
    name, group, subs = CATEGORY[code]
    return {"service_code": code, "service_name": name, "description": f"{group}：{name}",
            "metadata": bool(subs), "type": "realtime", "keywords": ", ".join(n for _c, n in subs), "group": group}


@require_GET
@endpoint
def service_list(request, fmt):
    jurisdiction(request.GET, required=False)
    return render(fmt, "services", [_service(code) for code in CATEGORY])


@require_GET
@endpoint
def service_definition(request, fmt, code):
    jurisdiction(request.GET, required=False)
    if code not in CATEGORY:
        raise Open311Error(404, f"service_code provided was not found: {_echo(code)}")
    _name, _group, subs = CATEGORY[code]
    attributes = []
    if subs:
        attributes.append({
            "variable": True, "code": "subcategory", "datatype": "singlevaluelist", "required": False,
            "datatype_description": None, "order": 1, "description": "具体问题（可不选）",
            "values": [{"key": key, "name": name} for key, name in subs],
        })
    return render(fmt, "service_definition", {"service_code": code, "attributes": attributes})


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
