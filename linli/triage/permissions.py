"""Who may change a street's triage: its taxonomy (the street's admins) and corrections of proposals (admins,
grid workers and property staff who serve the street). Plain ``can_*`` functions and ``require`` (403), called by
the services themselves; nobody (``None``) may do anything.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from linli.people.roles import Role
from linli.people.scopes import ADMIN_ROLES, scope_for
from linli.places.models import Division
from linli.triage.models import street_q

# Roles that may correct a proposal of the engine (the correction teaches the next retraining).
CORRECTOR_ROLES = ADMIN_ROLES | {Role.GRID_WORKER, Role.PROPERTY_MANAGER, Role.PROPERTY_STAFF}


def require(ok: bool, message: str | None = None) -> None:
    if not ok:
        raise PermissionDenied(message or _("您无权执行此操作"))


def streets_for(user):
    """The streets whose taxonomy and corrections a staff member may see."""
    return Division.objects.filter(level=Division.Level.STREET).filter(street_q(user, "")).order_by("path")


def can_edit_taxonomy(user, street) -> bool:
    return user is not None and scope_for(user).can_write_division(street)


def may_correct_somewhere(user) -> bool:
    return bool(scope_for(user).roles & CORRECTOR_ROLES)


def can_correct(user, street) -> bool:
    return user is not None and may_correct_somewhere(user) and streets_for(user).filter(pk=street.pk).exists()
