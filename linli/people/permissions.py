"""Who may do what with people's records: plain ``can_*(user, …) -> bool`` functions and ``require_*`` that raise
PermissionDenied (403). Who may *see* a record at all is ``Person.objects.visible_to(user)`` (404 otherwise).
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from linli.people.actors import is_system
from linli.people.scopes import scope_for


def require(ok: bool, message: str | None = None) -> None:
    """Raise PermissionDenied (403) unless ``ok``."""
    if not ok:
        raise PermissionDenied(message or _("您无权执行此操作"))


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


def can_write_registry(user) -> bool:
    """Change the registry somewhere (community, street and district admins); the system may too."""
    return is_system(user) or scope_for(user).is_registry_admin


def can_write_estate(user, estate) -> bool:
    return is_system(user) or scope_for(user).can_write_estate(estate)


def can_write_division(user, division) -> bool:
    return is_system(user) or scope_for(user).can_write_division(division)


def require_registry_admin(user) -> None:
    require(can_write_registry(user), _("只读角色不能修改登记信息"))


def require_estate_writer(user, estate) -> None:
    require(can_write_estate(user, estate), _("您无权修改该小区的登记信息"))


def require_division_writer(user, division) -> None:
    require(can_write_division(user, division), _("您无权修改该区划的登记信息"))
