"""Who may do what with renovation projects and emergency services: plain ``can_*`` functions and ``require``.

* A project is managed (created, moved between stages, answered, handed over) by the admins whose scope covers
  **every** estate it covers (``can_write_estate`` for each): a community admin for a project of estates of their
  community, the street for a cluster across its communities. An admin who covers only some of a cluster's estates
  reads the project but does not move it (one project, one plan, one decision: a partial admin cannot advance the
  others' estates); the property company and the owners' committee read.
* A comment on the published plan is made by a resident (or a committee member) of any estate of the project.
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


def can_manage_estates(user, estates) -> bool:
    """Manage a project over ``estates``: the admins whose scope covers every one of them."""
    estates = list(estates)
    if user is None or not estates:
        return False
    if is_system(user):
        return True
    scope = scope_for(user)
    return all(scope.can_write_estate(estate) for estate in estates)


def can_manage(user, project) -> bool:
    """Change a project's stage, answer comments, link facilities, hand it over: its every estate in scope."""
    return can_manage_estates(user, project.estates.select_related("community"))  # one query, not one per estate


def comment_estate(user, project):
    """The estate of ``project`` from which ``user`` comments (they live there or sit on its committee), or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    scope = scope_for(user)
    for estate in project.estates.order_by("pk"):
        if estate.pk in scope.resident_estate_ids or scope.sits_on_committee_of(estate):
            return estate
    return None


def can_comment(user, project) -> bool:
    """A resident (or owners' committee member) of any estate of the project comments on the published plan."""
    return comment_estate(user, project) is not None


def can_appoint_emergency(user, estate) -> bool:
    """The street (or the district above it) appoints the emergency provider (art. 77)."""
    if user is None:
        return False
    if is_system(user):
        return True
    street = estate.community.parent
    return street is not None and scope_for(user).can_write_division(street)
