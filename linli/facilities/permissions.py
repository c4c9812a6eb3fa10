"""Who may do what with the facility ledger (the same answers for pages, API, import and jobs): the services call
these themselves.

* manage (register, record inspections, maintenance and repairs, correct a record, link a work order, retire, import):
  the community or street admin of the estate's area, and the property manager or staff of the estate's **current**
  provider (物业服务人: Beijing 物业管理条例 art. 88 puts the daily patrols and regular maintenance of lifts and fire
  facilities on them, art. 71(2) the keeping of the facilities' records);
* read the whole ledger (contractors, contracts, history): those, plus the other staff serving the estate — district
  admins, auditors, grid workers, departments (the supervision of arts. 6–8 and art. 100) and the members of the estate's owners' committee or 物业管理委员会 (art. 44(7):
  the committee keeps the records of the common parts; art. 70(3) makes the maintenance companies public anyway);
* residents: only the public facilities, on the estate's public board (art. 70(3)), never the ledger;
* nobody (``None``) may do anything; the system actor (the daily reminder, the demo) may manage every estate.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from linli.fees.permissions import provider_roles
from linli.people.actors import is_system
from linli.people.models import Membership, Role
from linli.people.scopes import NOTHING, STAFF_ROLES, scope_for

AREA_ADMIN_ROLES = frozenset({Role.COMMUNITY_ADMIN, Role.STREET_ADMIN})
# Staff who read the ledger of the estates they serve (read-only unless they manage): every staff role, so that the
# estate page's staff view and the ledger agree; the departments among them include the fire service and the
# housing bureau that supervise lifts and fire facilities.
LEDGER_STAFF_ROLES = STAFF_ROLES


def _area_admin(user, estate) -> bool:
    """A community or street admin whose division (or explicit estate) covers ``estate``."""
    cache = getattr(user, "_facilities_area_admin", None)
    if cache is None:
        cache = user._facilities_area_admin = {}
    if estate.pk not in cache:
        path = estate.community.path
        cache[estate.pk] = any(
            (division_path and path.startswith(division_path)) or estate_id == estate.pk
            for division_path, estate_id in Membership.objects.filter(user_id=user.pk, role__in=AREA_ADMIN_ROLES)
            .values_list("division__path", "estate_id"))
    return cache[estate.pk]


def can_manage(user, estate) -> bool:
    if user is None or estate is None or not getattr(user, "is_authenticated", False):
        return False
    if is_system(user):
        return True
    return bool(provider_roles(user, estate)) or _area_admin(user, estate)


def readable_estates_q(user) -> Q:
    """A Q on places.Estate: the estates whose ledger ``user`` may read."""
    scope = scope_for(user)
    parts = []
    if scope.roles & LEDGER_STAFF_ROLES:
        parts.append(scope.estate_q(staff_only=True))
    if scope.committee_estate_ids:
        parts.append(Q(pk__in=scope.committee_estate_ids))
    if not parts:
        return NOTHING
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q


def can_read(user, estate) -> bool:
    if user is None or estate is None:
        return False
    if can_manage(user, estate):
        return True
    from linli.places.models import Estate

    return Estate.objects.filter(readable_estates_q(user)).filter(pk=estate.pk).exists()


def require_manager(user, estate) -> None:
    if not can_manage(user, estate):
        raise PermissionDenied(_("只有所在社区、街道的管理员和该小区当前的物业服务人可以管理设施设备台账"))
