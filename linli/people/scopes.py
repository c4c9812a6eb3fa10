"""Who may see what: one Scope per user, turned into a Q for each model's ``visible_to(user)``.

A district admin sees the district, a street admin the street, a community admin the community,
a property manager the estates their company manages now, a resident their own homes and the
public part of their estate. The answer is computed once per request and cached on the user.

With a shared cache (Redis in production; not the database cache, where a read costs what building the scope
costs) the scope is also kept there for ``SCOPE_SECONDS``, under a generation that every writer of what a scope is
made of moves (``forget_scopes``: the admin of accounts, memberships, occupancies and organisations, the people
API's occupancy and organisation writes, the registry import, the demos): a role withdrawn or granted there counts
at the next request of every process. A change made by any other path (a shell, a raw UPDATE) and an occupancy that
ends by the calendar are seen within ``SCOPE_SECONDS``. The account's own flags that the scope reads (active,
superuser, person) are compared on every request.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q

from linli.core import memo
from linli.people.roles import Role

# Roles whose scope is a division (or an estate or cluster inside one).
ADMIN_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.STREET_ADMIN, Role.COMMUNITY_ADMIN})
# Roles that may see sensitive flags of people (party member, living alone, disability, hardship).
SENSITIVE_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.STREET_ADMIN, Role.COMMUNITY_ADMIN, Role.GRID_WORKER})
# Roles whose organisation scope means "the estates my company manages now".
PROPERTY_ROLES = frozenset({Role.PROPERTY_MANAGER, Role.PROPERTY_STAFF})
STAFF_ROLES = frozenset(
    {Role.PROPERTY_STAFF, Role.PROPERTY_MANAGER, Role.GRID_WORKER, Role.COMMUNITY_ADMIN, Role.STREET_ADMIN,
     Role.DEPARTMENT_HANDLER, Role.DISTRICT_ADMIN, Role.AUDITOR}
)
# Organisations whose scope is their own division (a department serves its whole district).
DIVISION_ORG_KINDS = frozenset(
    {"department", "street_office", "property_centre", "community_committee"}
)

NOTHING = Q(pk__in=[])


def _any(qs: list[Q]) -> Q:
    return reduce(or_, qs) if qs else NOTHING


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["".join(f"{c}/" for c in parts[: i + 1]) for i in range(len(parts))]


@dataclass(frozen=True)
class Scope:
    """What one user serves. Empty for a stranger (no role, no home)."""

    user_id: int | None = None
    person_id: int | None = None
    roles: frozenset[str] = frozenset()
    paths: tuple[str, ...] = ()  # division paths served as staff
    admin_paths: tuple[str, ...] = ()  # division paths where the user may change the registry
    estate_ids: frozenset[int] = frozenset()  # estates served as staff by explicit membership
    cluster_ids: frozenset[int] = frozenset()
    org_ids: frozenset[int] = frozenset()  # property companies whose current estates are served
    own_org_ids: frozenset[int] = frozenset()
    home_ids: frozenset[int] = frozenset()  # homes lived in now
    resident_estate_ids: frozenset[int] = frozenset()
    admin_estate_ids: frozenset[int] = field(default_factory=frozenset)
    # Estates whose owners' committee or 物业管理委员会 the user sits on now (a current people.Post), and those bodies.
    committee_estate_ids: frozenset[int] = frozenset()
    committee_org_ids: frozenset[int] = frozenset()
    # (role, division path) of each membership held at a division, e.g. the deliveries page's street/district admins.
    division_roles: frozenset[tuple[str, str]] = frozenset()

    # -- who is this -------------------------------------------------------------------------
    @property
    def is_member(self) -> bool:
        return bool(self.roles or self.home_ids)

    @property
    def is_staff_member(self) -> bool:
        return bool(self.roles & STAFF_ROLES)

    @property
    def is_registry_admin(self) -> bool:
        return bool(self.roles & ADMIN_ROLES)

    @property
    def is_committee_member(self) -> bool:
        return bool(self.committee_estate_ids)

    def sits_on_committee_of(self, estate) -> bool:
        """A member of the owners' committee or 物业管理委员会 of ``estate`` (an Estate or its pk) now."""
        return getattr(estate, "pk", estate) in self.committee_estate_ids

    @property
    def sees_sensitive(self) -> bool:
        return bool(self.roles & SENSITIVE_ROLES)

    def can_write_division(self, division) -> bool:
        return any(division.path.startswith(p) for p in self.admin_paths)

    def can_write_estate(self, estate) -> bool:
        return estate.pk in self.admin_estate_ids or self.can_write_division(estate.community)

    # -- Q objects, one per model ---------------------------------------------------------------
    def _managed_estate_ids(self):
        Stewardship = apps.get_model("places", "Stewardship")
        return Stewardship.objects.current().filter(provider_id__in=self.org_ids).values("estate_id")

    def estate_q(self, staff_only: bool = False) -> Q:
        parts = [Q(community__path__startswith=p) for p in self.paths]
        if self.estate_ids:
            parts.append(Q(pk__in=self.estate_ids))
        if self.cluster_ids:
            parts.append(Q(cluster_id__in=self.cluster_ids))
        if self.org_ids:
            parts.append(Q(pk__in=self._managed_estate_ids()))
        if self.resident_estate_ids and not staff_only:
            parts.append(Q(pk__in=self.resident_estate_ids))
        if self.committee_estate_ids and not staff_only:
            parts.append(Q(pk__in=self.committee_estate_ids))
        return _any(parts)

    def _staff_estates(self):
        Estate = apps.get_model("places", "Estate")
        return Estate.objects.filter(self.estate_q(staff_only=True)).values("pk")

    def _has_staff_estates(self) -> bool:
        return bool(self.paths or self.estate_ids or self.cluster_ids or self.org_ids)

    def division_q(self) -> Q:
        parts = [Q(path__startswith=p) for p in self.paths]
        if self.estate_ids or self.cluster_ids or self.org_ids or self.resident_estate_ids or self.committee_estate_ids:
            Estate = apps.get_model("places", "Estate")
            parts.append(Q(pk__in=Estate.objects.filter(self.estate_q()).values("community_id")))
        return _any(parts)

    def cluster_q(self) -> Q:
        parts = [Q(street__path__startswith=p) for p in self.paths]
        if self.cluster_ids:
            parts.append(Q(pk__in=self.cluster_ids))
        if self.estate_ids or self.org_ids or self.resident_estate_ids or self.committee_estate_ids:
            Estate = apps.get_model("places", "Estate")
            parts.append(Q(pk__in=Estate.objects.filter(self.estate_q()).values("cluster_id")))
        return _any(parts)

    def home_q(self) -> Q:
        parts = []
        if self._has_staff_estates():
            parts.append(Q(estate_id__in=self._staff_estates()))
        if self.home_ids:
            parts.append(Q(pk__in=self.home_ids))
        return _any(parts)

    def occupancy_q(self) -> Q:
        parts = []
        if self._has_staff_estates():
            parts.append(Q(home__estate_id__in=self._staff_estates()))
        if self.person_id:
            parts.append(Q(person_id=self.person_id))
        return _any(parts)

    def person_q(self) -> Q:
        parts = []
        if self._has_staff_estates():
            Occupancy = apps.get_model("people", "Occupancy")
            parts.append(Q(pk__in=Occupancy.objects.filter(home__estate_id__in=self._staff_estates()).values("person_id")))
        if self.person_id:
            parts.append(Q(pk=self.person_id))
        return _any(parts)

    def organization_q(self) -> Q:
        parts = [Q(division__path__startswith=p) for p in self.paths]
        ancestors = {a for p in self.paths for a in _ancestor_paths(p)}
        if ancestors:
            parts.append(Q(division__path__in=sorted(ancestors)))
        if self.own_org_ids or self.committee_org_ids:
            parts.append(Q(pk__in=self.own_org_ids | self.committee_org_ids))
        if self._has_staff_estates() or self.resident_estate_ids or self.committee_estate_ids:
            Stewardship = apps.get_model("places", "Stewardship")
            Estate = apps.get_model("places", "Estate")
            estates = Estate.objects.filter(self.estate_q()).values("pk")
            parts.append(Q(pk__in=Stewardship.objects.current().filter(estate_id__in=estates).values("provider_id")))
        return _any(parts)


ANONYMOUS = Scope()


def build_scope(user) -> Scope:
    Membership = apps.get_model("people", "Membership")
    Occupancy = apps.get_model("people", "Occupancy")
    roles, paths, admin_paths, division_roles = set(), [], [], set()
    estate_ids, cluster_ids, org_ids, own_org_ids, admin_estate_ids = set(), set(), set(), set(), set()
    # Plain tuples of the columns used, not three model instances per row: this runs on every request.
    memberships = Membership.objects.filter(user_id=user.pk).values_list(
        "role", "division_id", "division__path", "estate_id", "cluster_id", "organization_id", "organization__kind",
        "organization__division_id", "organization__division__path",
    )
    for role, division_id, division_path, estate_id, cluster_id, org_id, org_kind, org_division_id, org_path in (
        memberships
    ):
        if role == Role.COMMITTEE_MEMBER:
            continue  # comes from a current seat on a committee (below), never from a membership
        roles.add(role)
        if role == Role.RESIDENT:
            continue  # a resident's reach comes from the homes they live in, not from the membership
        is_admin = role in ADMIN_ROLES
        if division_id:
            paths.append(division_path)
            division_roles.add((role, division_path))
            if is_admin:
                admin_paths.append(division_path)
        if estate_id:
            estate_ids.add(estate_id)
            if is_admin:
                admin_estate_ids.add(estate_id)
        if cluster_id:
            cluster_ids.add(cluster_id)
        if org_id:
            own_org_ids.add(org_id)
            if org_kind in DIVISION_ORG_KINDS and org_division_id and not (division_id or estate_id):
                paths.append(org_path)
                if is_admin:
                    admin_paths.append(org_path)
            else:
                org_ids.add(org_id)
    if user.is_superuser:
        Division = apps.get_model("places", "Division")
        roots = list(Division.objects.filter(parent__isnull=True).values_list("path", flat=True))
        roles.add(Role.DISTRICT_ADMIN)
        paths.extend(roots)
        admin_paths.extend(roots)
    home_ids, resident_estates = set(), set()
    committee_estates, committee_orgs = set(), set()
    person_id = getattr(user, "person_id", None)
    if person_id:
        for home_id, estate_id in Occupancy.objects.current().filter(person_id=person_id).values_list(
            "home_id", "home__estate_id"
        ):
            home_ids.add(home_id)
            resident_estates.add(estate_id)
        if home_ids:
            roles.add(Role.RESIDENT)
        # A seat on an estate's owners' committee or 物业管理委员会 (a current post) is the committee member's role.
        Post = apps.get_model("people", "Post")
        Organization = apps.get_model("people", "Organization")
        for org_id, estate_id in Post.objects.current().filter(
            person_id=person_id, organization__kind__in=Organization.COMMITTEE_KINDS,
            organization__estate__isnull=False,
        ).values_list("organization_id", "organization__estate_id"):
            committee_orgs.add(org_id)
            committee_estates.add(estate_id)
        if committee_estates:
            roles.add(Role.COMMITTEE_MEMBER)
    return Scope(
        user_id=user.pk,
        person_id=person_id,
        roles=frozenset(roles),
        paths=tuple(sorted(set(paths))),
        admin_paths=tuple(sorted(set(admin_paths))),
        estate_ids=frozenset(estate_ids),
        cluster_ids=frozenset(cluster_ids),
        org_ids=frozenset(org_ids),
        own_org_ids=frozenset(own_org_ids),
        home_ids=frozenset(home_ids),
        resident_estate_ids=frozenset(resident_estates),
        admin_estate_ids=frozenset(admin_estate_ids),
        committee_estate_ids=frozenset(committee_estates),
        committee_org_ids=frozenset(committee_orgs),
        division_roles=frozenset(division_roles),
    )


SCOPE_SECONDS = 60
# Moved when Scope gains a field, so that a scope cached by the code before an upgrade is never read without it.
SCOPE_VERSION = 2
# Caches where a read is cheaper than the membership query; the database cache is not one of them.
SHARED_BACKENDS = ("RedisCache", "LocMemCache")


def scope_for(user) -> Scope:
    """The user's scope, cached on the user object for the length of a request (and in the shared cache)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_linli_scope", None)
    if cached is None:
        cached = _shared_scope(user)
        user._linli_scope = cached
    return cached


def _generation_key() -> str:
    return f"scopes:{memo.epoch()}generation"


def _shared_scope(user) -> Scope:
    if not settings.CACHES["default"]["BACKEND"].endswith(SHARED_BACKENDS):
        return build_scope(user)
    key = f"scopes:v{SCOPE_VERSION}:{memo.epoch()}{user.pk}"
    found = cache.get_many([_generation_key(), key])  # one round trip
    generation = found.get(_generation_key())
    if generation is None:
        cache.add(_generation_key(), time.time_ns(), None)
        generation = cache.get(_generation_key())
    # The account's own flags the scope reads, and when it was made: a database created afresh under the same
    # cache (a test run, a bench) reuses primary keys, never this stamp.
    stamp = (generation, user.is_superuser, getattr(user, "person_id", None), getattr(user, "date_joined", None))
    entry = found.get(key)
    if entry is not None and entry[0] == stamp:
        return entry[1]
    scope = build_scope(user)
    if generation is not None:
        cache.set(key, (stamp, scope), SCOPE_SECONDS)
    return scope


def forget_scopes() -> None:
    """After a write to memberships, occupancies, organisations, posts or accounts: every cached scope is built afresh
    at its next use, in every process (and once more after the transaction commits, so that a request that read
    the old rows meanwhile does not keep them)."""
    if not settings.CACHES["default"]["BACKEND"].endswith(SHARED_BACKENDS):
        return

    def move():
        cache.set(_generation_key(), time.time_ns(), None)

    move()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(move)


def forget_scope(user) -> None:
    """Drop the scope cached on this user object (for this request) and every shared one, after memberships or
    occupancies of the user changed."""
    if hasattr(user, "_linli_scope"):
        del user._linli_scope
    forget_scopes()
