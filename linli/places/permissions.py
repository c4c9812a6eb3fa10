"""Who may change the registry of places: plain ``can_*`` functions and ``require_*`` (PermissionDenied, 403),
called by the services themselves. Who may *see* a place is ``Model.objects.visible_to(user)`` (404 otherwise).

Divisions, estates, buildings, homes and stewardships are written by the community, street and district admins
of the place; imports and the demo act as ``linli.people.actors.system_actor()``; nobody (``None``) may write.
"""

from linli.people.permissions import (  # noqa: F401 (one answer for the whole registry)
    can_write_division,
    can_write_estate,
    require,
    require_division_writer,
    require_estate_writer,
)


def can_change_stewardship(user, estate) -> bool:
    """Record who manages an estate from when (a market contract, a custodian, self-management …)."""
    return user is not None and can_write_estate(user, estate)
