"""Idle sessions end: a user who makes no request for a while is signed out, and the audit log says why."""

import time

from django.conf import settings
from django.contrib.auth import logout

from linli.people.models import AuditEvent
from linli.people.scopes import scope_for
from linli.people.services import audit

# A session's last activity is written at most once a minute, not on every request.
SEEN_KEY = "_linli_seen"
SEEN_EVERY = 60


def idle_seconds(user) -> int:
    """How long a session of ``user`` may stay unused: short for staff (any role but resident) and admins,
    longer for residents, who use Linli on their own phones to report, pay and vote."""
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
                audit(action=AuditEvent.Action.LOGOUT, user=user, request=request, data={"reason": "idle", "idle_seconds": idle})
                logout(request)
            elif seen is None or now - seen >= SEEN_EVERY:
                request.session[SEEN_KEY] = now
                request.session.set_expiry(idle)
        return self.get_response(request)
