"""State changes about people."""

from linli.people.models import AccessLog, Person


def log_sensitive_access(*, user, person: Person, action: str = "view", path: str = "") -> AccessLog:
    """Record that ``user`` saw the sensitive part of ``person``'s record (PIPL)."""
    return AccessLog.objects.create(user=user, person=person, action=action, path=path[:200])
