"""Who may do what with renovation projects and emergency services: plain ``can_*`` functions and ``require``.

* A project is managed (created, moved between stages, answered, handed over) by the admins of the estate's
  community, street or district (``can_write_estate``); the property company and the owners' committee read.
* A comment on the published plan is made by a resident of the estate (or a member of its committee).
* An emergency service is appointed by the street (北京市物业管理条例 art. 77: 街道办事处、乡镇人民政府), i.e. the
  admins of the estate's street or district, not a community admin.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from linli.people.actors import is_system
from linli.people.scopes import scope_for


def require(ok: bool, message: str | None = None) -> None:
    """Raise PermissionDenied (403) unless ``ok``."""
    if not ok:
        raise PermissionDenied(message or _("只读角色或范围外不能修改"))


def can_manage(user, estate) -> bool:
    """Create a project, change its stage, answer comments, link facilities, hand it over."""
    if user is None:
        return False
    return is_system(user) or scope_for(user).can_write_estate(estate)


def can_comment(user, estate) -> bool:
    """A resident of the estate (or a member of its owners' committee) comments on the published plan."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    scope = scope_for(user)
    return estate.pk in scope.resident_estate_ids or scope.sits_on_committee_of(estate)


def can_appoint_emergency(user, estate) -> bool:
    """The street (or the district above it) appoints the emergency provider (art. 77)."""
    if user is None:
        return False
    if is_system(user):
        return True
    street = estate.community.parent
    return street is not None and scope_for(user).can_write_division(street)
