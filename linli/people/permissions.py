"""Who may do what with people's records: plain ``can_*(user, …) -> bool`` functions and ``require_*`` that raise
PermissionDenied (403). Who may *see* a record at all is ``Person.objects.visible_to(user)`` (404 otherwise).
"""

from linli.core.access import require  # noqa: F401 (one ``require`` for every app)
from linli.people.roles import Role
from linli.people.scopes import scope_for
from linli.places.permissions import (  # noqa: F401 (one answer for the whole registry: places and people)
    can_write_division,
    can_write_estate,
    can_write_registry,
    require_division_writer,
    require_estate_writer,
    require_registry_admin,
)


def can_see_full_phone(user, person=None) -> bool:
    """Full phone numbers: registry admins, roles that see sensitive data (grid workers) and the person themself;
    everyone else sees 138****5678."""
    scope = scope_for(user)
    if scope.sees_sensitive or scope.is_registry_admin:
        return True
    return person is not None and scope.person_id is not None and scope.person_id == person.pk


def can_search_by_phone(user) -> bool:
    """Searching people by phone digits is for roles that see full numbers: for anyone else a search by digits
    (even an exact full number) would rebuild the masked digits one query at a time (10 000 tries at most)."""
    return can_see_full_phone(user)


# -- the walk-in desk and households (issue 18: sign-in residents can manage) ---------------------------------------

# Who registers residents at the walk-in desk (一站式服务台): community, street and district admins, and property
# staff and managers, for the homes of the estates they serve as staff. Read-only roles (grid workers, auditors,
# department handlers) do not.
DESK_ROLES = frozenset({Role.COMMUNITY_ADMIN, Role.STREET_ADMIN, Role.DISTRICT_ADMIN, Role.PROPERTY_STAFF,
                        Role.PROPERTY_MANAGER})


def is_desk_staff(user) -> bool:
    return bool(scope_for(user).roles & DESK_ROLES)


def desk_homes(user):
    """The homes ``user`` may register residents in: those of the estates served as desk staff (never the homes the
    user lives in as a resident)."""
    from linli.places.models import Estate, Home

    scope = scope_for(user)
    if not scope.roles & DESK_ROLES:
        return Home.objects.none()
    return Home.objects.filter(estate_id__in=Estate.objects.filter(scope.estate_q(staff_only=True)).values("pk"))


def can_register_at_desk(user, home) -> bool:
    return home is not None and desk_homes(user).filter(pk=home.pk).exists()


def _relation_in(user, home) -> str | None:
    """The user's current relation to ``home`` (owner, co_owner, tenant, family), or None."""
    from linli.people.models import Occupancy

    person_id = scope_for(user).person_id
    if not person_id:
        return None
    occ = Occupancy.objects.current().filter(person_id=person_id, home=home).order_by("relation").first()
    return occ.relation if occ else None


def can_see_household(user, home) -> bool:
    """Everyone who lives in the home now, and the desk staff of its estate."""
    return _relation_in(user, home) is not None or can_register_at_desk(user, home)


def can_invite_to_household(user, home) -> bool:
    """The head of the household (owner, co-owner, or the tenant of a rented home) and the desk staff."""
    return _relation_in(user, home) in ("owner", "co_owner", "tenant") or can_register_at_desk(user, home)


def can_remove_from_household(user, occupancy) -> bool:
    """A family member is removed by an owner or co-owner of the home, or by the desk staff; never oneself, and
    never an owner or tenant (that is a change of the registry, made by the community)."""
    if occupancy.relation != "family" or occupancy.person_id == scope_for(user).person_id:
        return False
    return _relation_in(user, occupancy.home) in ("owner", "co_owner") or can_register_at_desk(user, occupancy.home)


# -- bodies and posts (issue 19: helper "linkage", docs/linkage.md) ---------------------------------------------------

# A co-governance committee (共治委员会, seed 001 "1+2+N") is set up for an estate, a community or a street.
CO_GOVERNANCE_LEVELS = ("community", "street")


def can_manage_posts(user, organization) -> bool:
    """Who records posts in a body (任职、离任): the admins of the area the body belongs to — its estate's community,
    street or district, or the division it is registered in."""
    scope = scope_for(user)
    if organization.estate_id:
        return scope.can_write_estate(organization.estate)
    return organization.division_id is not None and scope.can_write_division(organization.division)


def can_create_co_governance(user, *, estate=None, division=None) -> bool:
    """A community or street admin (or a district admin above them) sets up a 1+2+N co-governance committee."""
    scope = scope_for(user)
    if estate is not None:
        return scope.can_write_estate(estate)
    return (division is not None and division.level in CO_GOVERNANCE_LEVELS
            and scope.can_write_division(division))
