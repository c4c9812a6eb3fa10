"""Who may see what in notify: everyone their own inbox; the deliveries page to street, district (and higher)
admins for the users within their divisions, and to superusers for all."""

from linli.people.roles import Role
from linli.people.scopes import scope_for

DELIVERY_ROLES = frozenset({Role.STREET_ADMIN, Role.DISTRICT_ADMIN})


def delivery_paths(user) -> list[str] | None:
    """The division paths whose users' deliveries ``user`` may see; None = all (superuser); [] = none."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    # from the scope the request has already read (no query of its own: the menu asks on every page)
    return sorted({path for role, path in scope_for(user).division_roles if role in DELIVERY_ROLES})


def can_see_deliveries(user) -> bool:
    return delivery_paths(user) != []
