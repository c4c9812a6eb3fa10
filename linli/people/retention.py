"""Retention of the people app's logs, keys and sessions (PIPL art. 19), called by ``linli retention``.

Logs are kept for their period and then deleted, oldest first; the retention run itself is a new line of the
audit log. Deleting here is the one exception to "audit rows are never deleted", and it says so by name
(``retention_delete()``: the logs are append-only, linli.core.events, and their ``delete()`` refuses on purpose).
"""

from __future__ import annotations

import datetime
from importlib import import_module

from django.conf import settings

from linli.people.models import AccessLog, ApiKey, AuditEvent


def _delete(qs, dry_run: bool) -> int:
    return qs.count() if dry_run else qs.delete()[0]


def _delete_logs(qs, dry_run: bool) -> int:
    return qs.count() if dry_run else qs.retention_delete()[0]


def delete_access_logs(*, before: datetime.datetime, dry_run: bool = False) -> dict[str, int]:
    return {"access_logs": _delete_logs(AccessLog.objects.filter(at__lt=before), dry_run)}


def delete_audit_events(*, before: datetime.datetime, dry_run: bool = False) -> dict[str, int]:
    return {"audit_events": _delete_logs(AuditEvent.objects.filter(at__lt=before), dry_run)}


def delete_revoked_api_keys(*, before: datetime.datetime, dry_run: bool = False) -> dict[str, int]:
    """A revoked key is kept a while so that the audit log's mentions of it can be looked up, then deleted."""
    return {"revoked_api_keys": _delete(ApiKey.objects.filter(revoked_at__lt=before), dry_run)}


def delete_signin_attempts(*, before: datetime.datetime, dry_run: bool = False) -> dict[str, int]:
    """django-axes' rows of failed sign-ins (username, address, browser) once they can no longer lock anyone; the
    audit log keeps the failures themselves for its own period."""
    from axes.models import AccessAttempt

    return {"signin_attempts": _delete(AccessAttempt.objects.filter(attempt_time__lt=before), dry_run)}


def delete_expired_sessions(*, now: datetime.datetime, dry_run: bool = False) -> dict[str, int]:
    """Sessions past their expiry (what ``clearsessions`` does); cache and cookie sessions expire by themselves."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return {"sessions": 0}
    return {"sessions": _delete(store.get_model_class().objects.filter(expire_date__lt=now), dry_run)}


def delete_signin_codes(*, before: datetime.datetime, dry_run: bool = False) -> dict[str, int]:
    """Phone sign-in's rows once no limit needs them (a code counts for a day): the codes (a number, a hash, an
    address) and the household invitations that expired unanswered (a number and a name of someone who never
    joined). The audit log keeps the sign-ins themselves for its own period."""
    from linli.people.models import HouseholdInvitation, SignInCode

    unanswered = HouseholdInvitation.objects.filter(expires_at__lt=before, accepted_at__isnull=True)
    return {"signin_codes": _delete(SignInCode.objects.filter(created_at__lt=before), dry_run),
            "household_invitations": _delete(unanswered, dry_run)}
