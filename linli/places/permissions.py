"""Who may change the registry of places: plain ``can_*`` functions and ``require_*`` (PermissionDenied, 403),
called by the services themselves. Who may *see* a place is ``Model.objects.visible_to(user)`` (404 otherwise).

Divisions, estates, buildings, homes and stewardships are written by the community, street and district admins
of the place; imports and the demo act as ``linli.core.actors.system_actor()``; nobody (``None``) may write.
``linli.people.permissions`` gives the same answers for the people in the registry (it imports these).
"""

from django.utils.translation import gettext as _

from linli.core.access import require, scope_for
from linli.core.actors import is_system


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


def can_change_stewardship(user, estate) -> bool:
    """Record who manages an estate from when (a market contract, a custodian, self-management …)."""
    return user is not None and can_write_estate(user, estate)
