"""Small middleware of Linli's own: the client's address behind a proxy, idle sessions, no caching of the API."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.utils.cache import patch_cache_control

# A session's last activity is written at most once a minute, not on every request.
SEEN_KEY = "_linli_seen"
SEEN_EVERY = 60


class TrustedProxyMiddleware:
    """Behind ``LINLI_TRUSTED_PROXIES`` proxies of our own, REMOTE_ADDR becomes the address the outermost one saw.

    Each proxy appends the address it received from to X-Forwarded-For, so the client is the entry that many
    places from the end; entries further left were written by the client and cannot be trusted. The sign-in
    lockout (django-axes) and the audit log both read REMOTE_ADDR."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = settings.LINLI_TRUSTED_PROXIES
        if count > 0:
            chain = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
            if len(chain) >= count:
                request.META["REMOTE_ADDR"] = chain[-count]
        return self.get_response(request)


def idle_seconds(user) -> int:
    """How long a session of ``user`` may stay unused: short for staff (any role but resident) and admins,
    longer for residents, who use Linli on their own phones to report, pay and vote."""
    from linli.people.scopes import scope_for

    if user.is_staff or user.is_superuser or scope_for(user).is_staff_member:
        return 60 * settings.LINLI_SESSION_IDLE_MINUTES
    return 60 * settings.LINLI_RESIDENT_SESSION_IDLE_MINUTES


def start_idle_clock(request_or_client) -> None:
    """Start a new session's idle clock at sign-in (saved with the sign-in, not by an extra write later).

    Takes a request, or a test client signed in with ``client.login`` (which bypasses the sign-in page)."""
    session = request_or_client.session
    session[SEEN_KEY] = int(time.time())
    if hasattr(request_or_client, "user"):
        session.set_expiry(idle_seconds(request_or_client.user))
    else:
        session.save()


class SessionIdleMiddleware:
    """Sign a user out after a period without requests (the cookie and the stored session expire with it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            idle = idle_seconds(user)
            seen = request.session.get(SEEN_KEY)
            if seen is not None and now - seen > idle:
                from linli.people.models import AuditEvent
                from linli.people.services import audit

                audit(action=AuditEvent.Action.LOGOUT, user=user, request=request, data={"reason": "idle", "idle_seconds": idle})
                logout(request)
            elif seen is None or now - seen >= SEEN_EVERY:
                request.session[SEEN_KEY] = now
                request.session.set_expiry(idle)
        return self.get_response(request)


class ApiNoStoreMiddleware:
    """API answers carry personal data: no browser or proxy may keep a copy (``Cache-Control: no-store``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            patch_cache_control(response, no_store=True, private=True)
        return response
