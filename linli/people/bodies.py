"""Reads about bodies and their posts (issue 19 item 4, docs/linkage.md): which bodies a user sees, the bodies of an
estate or a division, a body's members with their other posts (交叉任职) and its history.

Who sees a body:
- staff see the bodies of the area they serve (the organisations of their divisions, the bodies of their estates and
  of their estates' communities: a property manager sees the party organisation it meets in the three-way meeting);
- a resident or a committee member sees the bodies of their own estate: its owners' committee or 物业管理委员会, its
  co-governance committee, its property company now, and the party organisation, residents' committee and
  co-governance committee of its community. Members' names and posts are public in the estate (Beijing art. 42: the
  committee's members are posted in the estate); phone numbers are never shown on these pages (PIPL art. 6: the
  minimum); a body's ended posts (with their reasons) only to staff of the area and the estate's committee members.
"""

from __future__ import annotations

from django.db.models import Q

from linli.people.models import Organization, Post
from linli.people.scopes import scope_for
from linli.people.services import cross_posts
from linli.places.models import Estate, Stewardship

# The bodies shown on these pages (those that hold posts); departments, merchants and teams are not bodies here.
BODY_KINDS = (
    Organization.Kind.PARTY_BRANCH,
    Organization.Kind.COMMUNITY_COMMITTEE,
    Organization.Kind.OWNERS_COMMITTEE,
    Organization.Kind.PM_COMMITTEE,
    Organization.Kind.CO_GOVERNANCE,
    Organization.Kind.SELF_MANAGEMENT,
    Organization.Kind.PROPERTY_COMPANY,
)
# Community-level bodies shown to the residents of the community's estates.
COMMUNITY_BODY_KINDS = (Organization.Kind.PARTY_BRANCH, Organization.Kind.COMMUNITY_COMMITTEE,
                        Organization.Kind.CO_GOVERNANCE)


def _estate_bodies_q(estate_ids) -> Q:
    """The bodies of these estates: their own, their community's, their property company now."""
    communities = Estate.objects.filter(pk__in=estate_ids).values("community_id")
    providers = Stewardship.objects.current().filter(estate_id__in=estate_ids).values("provider_id")
    return (Q(estate_id__in=estate_ids)
            | Q(estate__isnull=True, division_id__in=communities, kind__in=COMMUNITY_BODY_KINDS)
            | Q(pk__in=providers))


def visible_bodies(user):
    """The bodies ``user`` may see (see the module's docstring)."""
    scope = scope_for(user)
    q = Q(pk__in=[])
    if scope.is_staff_member:
        q |= scope.organization_q() | _estate_bodies_q(Estate.objects.filter(scope.estate_q(staff_only=True))
                                                       .values("pk"))
    own_estates = set(scope.resident_estate_ids) | set(scope.committee_estate_ids)
    if own_estates:
        q |= _estate_bodies_q(own_estates)
    if scope.committee_org_ids:
        q |= Q(pk__in=scope.committee_org_ids)
    return Organization.objects.filter(q, kind__in=BODY_KINDS)


def bodies_of_estate(estate: Estate):
    return Organization.objects.filter(_estate_bodies_q([estate.pk]), kind__in=BODY_KINDS)


def sees_history(user, body: Organization) -> bool:
    """Ended posts and their reasons: staff who serve the body's area, and the committee members of its estate."""
    scope = scope_for(user)
    if scope.is_staff_member:
        return True
    return body.estate_id is not None and scope.sits_on_committee_of(body.estate_id)


def members(body: Organization, on=None) -> list[dict]:
    """The body's current posts, each with the person's other current posts (交叉任职)."""
    current = list(Post.objects.current(on).filter(organization=body).select_related("person")
                   .order_by("title", "starts_on", "pk"))
    others = cross_posts({p.person_id for p in current}, on=on)
    return [{"post": p, "others": [o for o in others.get(p.person_id, []) if o.organization_id != body.pk]}
            for p in current]


def history(body: Organization, on=None):
    """The body's posts that have ended (or not yet begun), newest first."""
    current = Post.objects.current(on).filter(organization=body).values("pk")
    return (Post.objects.filter(organization=body).exclude(pk__in=current).select_related("person", "created_by")
            .order_by("-ends_on", "-starts_on", "-pk"))


def may_take_part(body: Organization, estate: Estate) -> bool:
    """A body may sit in an estate's three-way meeting when it is one of the estate's bodies, or a body of the
    estate's community or street (a committee registered before it had its estate, the street's party working
    committee), or the estate's property company now."""
    if bodies_of_estate(estate).filter(pk=body.pk).exists():
        return True
    if body.estate_id is None and body.division_id is not None:
        return estate.community.path.startswith(body.division.path) and body.division.level != "district"
    return False
