"""Who may change volunteer records: plain ``can_*`` functions and ``require_*`` (PermissionDenied, 403), called by
the services themselves so that pages, API and commands get one answer. Who may *see* them is in scoping.py
(``visible_to``; 404 otherwise).

Writes belong to the admins of the community (community, street, district); a person acts for themself; nobody
(``None``) may do anything; a machine job acts as ``linli.people.actors.system_actor()``.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from linli.people.actors import is_system
from linli.people.scopes import scope_for


def require(ok: bool, message: str | None = None) -> None:
    """Raise PermissionDenied (403) unless ``ok``."""
    if not ok:
        raise PermissionDenied(message or _("只有社区、街道或区级管理员可以进行此操作"))


def can_manage(user, community) -> bool:
    """Community, street and district admins of ``community`` run its volunteers, points and lists."""
    if user is None:
        return False
    return is_system(user) or scope_for(user).can_write_division(community)


def require_manager(user, community) -> None:
    require(can_manage(user, community))


def is_self(user, person) -> bool:
    """``user`` is the account of ``person`` (a volunteer acting for themself)."""
    person_id = scope_for(user).person_id
    return person is not None and person_id is not None and person_id == person.pk
