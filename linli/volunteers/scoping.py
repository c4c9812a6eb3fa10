"""Who may see volunteer records (the ``visible_to`` queries), built on ``linli.people.scopes``. Who may change
them is in linli/volunteers/permissions.py.

Volunteer records hang off a community (社区). Staff see the communities they serve (a division scope,
or the communities of the estates they serve); a resident sees the public part of their own community
and their own records.
"""

from functools import reduce
from operator import or_

from django.apps import apps
from django.db.models import Q

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
