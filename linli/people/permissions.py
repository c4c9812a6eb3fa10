"""Who may do what with people's records: plain ``can_*(user, …) -> bool`` functions and ``require_*`` that raise
PermissionDenied (403). Who may *see* a record at all is ``Person.objects.visible_to(user)`` (404 otherwise).
"""

from linli.core.access import require  # noqa: F401 (one ``require`` for every app)
from linli.people.scopes import scope_for
from linli.places.permissions import (  # noqa: F401 (one answer for the whole registry: places and people)
    can_write_division,
    can_write_estate,
    can_write_registry,
    require_division_writer,
    require_estate_writer,
    require_registry_admin,
)


def can_see_full_phone(user, person=None) -> bool:
    """Full phone numbers: registry admins, roles that see sensitive data (grid workers) and the person themself;
    everyone else sees 138****5678."""
    scope = scope_for(user)
    if scope.sees_sensitive or scope.is_registry_admin:
        return True
    return person is not None and scope.person_id is not None and scope.person_id == person.pk


def can_search_by_phone(user) -> bool:
    """Searching people by phone digits is for roles that see full numbers: for anyone else a search by digits
    (even an exact full number) would rebuild the masked digits one query at a time (10 000 tries at most)."""
    return can_see_full_phone(user)
