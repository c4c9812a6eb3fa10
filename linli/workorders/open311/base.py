"""What the Open311 endpoints share: rendering JSON and XML, errors, parameters and the API key."""

from __future__ import annotations

import datetime
import json
import xml.etree.ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied

from linli.core.text import clean_text
from linli.people.api_auth import ApiKeyAuthentication
from linli.places.models import Division
from linli.triage.engine import taxonomy

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
