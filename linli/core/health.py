"""Health checks for load balancers and process supervisors.

- ``/healthz``: the process is up and answers (200 ``ok``); touches nothing else, so a database outage does not make
  a balancer take every web process out at once (they would have nothing better to send the traffic to).
- ``/readyz``: this process can serve: every configured database answers ``SELECT 1`` and, when
  ``CELERY_BROKER_URL`` is set, the broker accepts a connection (kombu, ``LINLI_READYZ_TIMEOUT`` seconds at most).
  200 with ``{"status": "ok", ...}`` or 503 with ``{"status": "unavailable", "checks": {...}}`` naming what failed
  (a kind of error only: no address, user or password of the database or broker).

``HealthCheckMiddleware`` (near the top of MIDDLEWARE) answers both paths before the HTTPS redirect, the host check,
the session, the CSP and the idle sign-out run: a balancer probes ``http://10.0.0.5:8001/healthz`` by address, over
plain HTTP, without a cookie. They are not rate-limited: /healthz costs nothing, /readyz one query and one
connection; counting would need the cache, whose outage must not fail the probe. nginx publishes neither to the
internet (deploy/nginx/linli.conf).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connections
from django.http import HttpResponse, JsonResponse

log = logging.getLogger(__name__)

PATHS = {"/healthz", "/healthz/", "/readyz", "/readyz/"}


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


def healthz(request):
    return _no_store(HttpResponse("ok", content_type="text/plain; charset=utf-8"))


def check_database(alias: str) -> str:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means not ready; the kind is enough for the operator
        log.warning("readyz: database %s unreachable (%s)", alias, type(exc).__name__)
        return f"error: {type(exc).__name__}"
    return "ok"


def check_broker(url: str, timeout: float) -> str:
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=timeout,
                        transport_options={"socket_timeout": timeout, "socket_connect_timeout": timeout,
                                           "max_retries": 0}) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
    except Exception as exc:
        log.warning("readyz: broker unreachable (%s)", type(exc).__name__)
        return f"error: {type(exc).__name__}"
    return "ok"


def readiness() -> tuple[bool, dict]:
    checks = {f"database:{alias}": check_database(alias) for alias in settings.DATABASES}
    broker = getattr(settings, "CELERY_BROKER_URL", "") or ""
    if broker and not broker.startswith("memory://"):
        checks["broker"] = check_broker(broker, float(getattr(settings, "LINLI_READYZ_TIMEOUT", 2)))
    return all(v == "ok" for v in checks.values()), checks


def readyz(request):
    ok, checks = readiness()
    body = {"status": "ok" if ok else "unavailable", "checks": checks}
    return _no_store(JsonResponse(body, status=200 if ok else 503, json_dumps_params={"ensure_ascii": False}))


class HealthCheckMiddleware:
    """Answers /healthz and /readyz before anything that needs a host name, HTTPS, a session or the cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path in PATHS and request.method in ("GET", "HEAD"):
            response = healthz(request) if request.path.startswith("/healthz") else readyz(request)
            if request.method == "HEAD":
                response.content = b""
            return response
        return self.get_response(request)

