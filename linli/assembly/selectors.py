"""Reads shared by the pages and the API."""

from linli.people.scopes import scope_for


def sees_choices(user, motion) -> bool:
    """How each owner voted: never on a secret vote, and never for the property company (it may be the very
    manager the owners are voting on); the community, street and district see it on an open vote."""
    scope = scope_for(user)
    return not motion.secret and bool(scope.paths or scope.admin_estate_ids)
