"""Who may do what with inspection rounds (the same answers for pages and API; the services call these).

* plan routes (create, add checkpoints, change the schedule): the property manager of the estate's **current**
  provider (物业服务人, Beijing 物业管理条例 art. 88 puts the patrols on it), or a community/street/district admin of
  the estate (for an estate without a manager, whose patrols the community organises);
* walk a round (start, check a checkpoint, finish): the manager or staff of the current provider, or such an admin;
* read routes, rounds and coverage: everyone who serves the estate as staff (``Route.objects.visible_to``),
  including the auditor; residents and strangers see nothing.
"""

from linli.core.access import scope_for
from linli.core.actors import is_system
from linli.people.models import Membership, Role
from linli.people.scopes import PROPERTY_ROLES
from linli.places.models import Stewardship


def provider_roles(user, estate) -> set[str]:
    """The property roles ``user`` holds in the organisation currently managing ``estate`` (empty if none)."""
    if user is None or not user.is_authenticated:
        return set()
    scope = scope_for(user)
    if not (scope.roles & PROPERTY_ROLES) or not scope.org_ids:
        return set()
    managing = set(Stewardship.objects.current().filter(estate_id=estate.pk, provider_id__in=scope.org_ids)
                   .values_list("provider_id", flat=True))
    if not managing:
        return set()
    return set(Membership.objects.filter(user_id=user.pk, role__in=PROPERTY_ROLES, organization_id__in=managing)
               .values_list("role", flat=True))


def can_plan(user, estate) -> bool:
    if user is None:
        return False
    return (is_system(user) or Role.PROPERTY_MANAGER in provider_roles(user, estate)
            or scope_for(user).can_write_estate(estate))


def can_walk(user, estate) -> bool:
    if user is None:
        return False
    return is_system(user) or bool(provider_roles(user, estate)) or scope_for(user).can_write_estate(estate)
