"""Who may see and change volunteer records: built on ``linli.people.scopes`` (one answer for pages and API).

Volunteer records hang off a community (社区). Staff see the communities they serve (a division scope,
or the communities of the estates they serve); a resident sees the public part of their own community
and their own records. Writes belong to the admins of the community (community, street, district).
"""

from functools import reduce
from operator import or_

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from linli.people.scopes import NOTHING, scope_for


def _any(parts):
    return reduce(or_, parts) if parts else NOTHING


def community_ids_q(user, field: str = "community", *, staff_only: bool = True) -> Q:
    """Q for rows whose ``field`` (a community) is served by ``user`` (or lived in, unless staff_only)."""
    scope = scope_for(user)
    parts = [Q(**{f"{field}__path__startswith": p}) for p in scope.paths]
    if scope.estate_ids or scope.cluster_ids or scope.org_ids or (scope.resident_estate_ids and not staff_only):
        Estate = apps.get_model("places", "Estate")
        communities = Estate.objects.filter(scope.estate_q(staff_only=staff_only)).values("community_id")
        parts.append(Q(**{f"{field}__in": communities}))
    return _any(parts)


def person_q(user, field: str = "person") -> Q:
    """Q for rows about the user's own person (nothing for an account without one)."""
    person_id = scope_for(user).person_id
    return Q(**{f"{field}_id": person_id}) if person_id else NOTHING


def can_manage(user, community) -> bool:
    """Community, street and district admins of ``community`` run its volunteers, points and lists."""
    return scope_for(user).can_write_division(community)


def require_manager(user, community) -> None:
    if not can_manage(user, community):
        raise PermissionDenied(_("只有社区、街道或区级管理员可以进行此操作"))


def community_of_person(person):
    """The community of the person's current home (the first one), or None."""
    Occupancy = apps.get_model("people", "Occupancy")
    occ = (Occupancy.objects.current().filter(person=person).select_related("home__estate__community")
           .order_by("pk").first())
    return occ.home.estate.community if occ else None


def estate_of_person(person):
    Occupancy = apps.get_model("people", "Occupancy")
    occ = Occupancy.objects.current().filter(person=person).select_related("home__estate").order_by("pk").first()
    return occ.home.estate if occ else None
