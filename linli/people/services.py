"""State changes about people."""

from linli.people.models import AccessLog, AuditEvent, Person


def log_sensitive_access(*, user, person: Person, action: str = "view", path: str = "") -> AccessLog:
    """Record that ``user`` saw the sensitive part of ``person``'s record (PIPL)."""
    return AccessLog.objects.create(actor=user, person=person, kind=action, path=path[:200])


def client_ip(request) -> str | None:
    """The client's address as the server saw it (REMOTE_ADDR; a proxy must set it, see docs/deploy.md)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit(*, action: str, user=None, request=None, target: str = "", count: int | None = None,
          data: dict | None = None, username: str = "") -> AuditEvent:
    """Write one line of the security audit log (who, what, how many rows, from where)."""
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return AuditEvent.objects.create(
        kind=action,
        actor=user,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        target=str(target)[:120],
        count=count,
        path=(request.get_full_path() if request is not None else "")[:200],
        ip=client_ip(request),
        data=data or {},
    )
