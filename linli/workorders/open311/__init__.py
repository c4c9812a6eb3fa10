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

from .base import (
    CATEGORY,
    CHANGESET,
    DEFAULT_DAYS,
    ECHO,
    ITEM_NAMES,
    KEY_IN_REQUEST,
    MAX_REQUESTS,
    NEARBY_METRES,
    SPEC,
    Open311Error,
    api_key_of,
    api_user,
    endpoint,
    error,
    jurisdiction,
    render,
    w3,
)
from .catalogue import discovery, service_definition, service_list
from .posting import create_request, locate
from .reading import list_requests, request_detail, requests_view, token_detail

__all__ = [
    "SPEC",
    "CHANGESET",
    "MAX_REQUESTS",
    "DEFAULT_DAYS",
    "NEARBY_METRES",
    "CATEGORY",
    "ITEM_NAMES",
    "KEY_IN_REQUEST",
    "ECHO",
    "Open311Error",
    "render",
    "error",
    "endpoint",
    "w3",
    "jurisdiction",
    "api_key_of",
    "api_user",
    "discovery",
    "service_list",
    "service_definition",
    "locate",
    "create_request",
    "list_requests",
    "requests_view",
    "request_detail",
    "token_detail",
]
