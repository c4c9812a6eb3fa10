"""Posts in bodies (people.Post) and the committee member's role that a current seat gives."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from linli.people.models import Organization, Post, Role
from linli.people.scopes import scope_for
from linli.people.services import add_post, cross_posts, end_post
from linli.places.models import Estate


def fresh(user):
    user.__dict__.pop("_linli_scope", None)
    return scope_for(user)


def test_a_current_seat_on_an_estates_committee_is_the_committee_members_role_for_that_estate(cworld):
    scope = fresh(cworld.committee_chair)
    assert Role.COMMITTEE_MEMBER in scope.roles
    assert scope.committee_estate_ids == {cworld.estate_a.pk}
    assert scope.sits_on_committee_of(cworld.estate_a) and not scope.sits_on_committee_of(cworld.estate_b)
    assert not scope.is_staff_member  # a committee member is no staff: each app says what the role may see
    assert list(Estate.objects.visible_to(cworld.committee_chair)) == [cworld.estate_a]
    assert cworld.owners_committee in Organization.objects.visible_to(cworld.committee_member)


def test_the_role_ends_with_the_seat(cworld):
    seat = Post.objects.get(person=cworld.zhao)
    end_post(post=seat, on=timezone.localdate(), reason="本人书面辞职（北京市物业管理条例第四十六条）")
    scope = fresh(cworld.committee_member)
    assert Role.COMMITTEE_MEMBER not in scope.roles and not scope.committee_estate_ids


def test_a_seat_that_has_not_begun_gives_no_role(cworld):
    person = cworld.resident
    add_post(person=person, organization=cworld.owners_committee, title="alternate",
             starts_on=timezone.localdate() + datetime.timedelta(days=3))
    cworld.resident_a.__dict__.pop("_linli_scope", None)
    assert Role.COMMITTEE_MEMBER not in scope_for(cworld.resident_a).roles


def test_a_post_in_a_party_branch_is_no_committee_seat(world):
    branch = Organization.objects.create(name="锦霞小区党支部", kind="party_branch", division=world.c1,
                                         estate=world.estate_a)
    add_post(person=world.resident, organization=branch, title="secretary", starts_on=timezone.localdate())
    assert Role.COMMITTEE_MEMBER not in fresh(world.resident_a).roles


def test_a_membership_cannot_grant_the_committee_members_role(world):
    from linli.people.models import Membership

    Membership.objects.create(user=world.stranger, role=Role.COMMITTEE_MEMBER, estate=world.estate_a)
    scope = fresh(world.stranger)
    assert Role.COMMITTEE_MEMBER not in scope.roles and not scope.estate_ids


def test_a_post_ends_once_with_a_reason_and_never_before_it_began(cworld):
    seat = Post.objects.get(person=cworld.zhao)
    with pytest.raises(ValidationError):
        end_post(post=seat, on=timezone.localdate(), reason=" ")
    with pytest.raises(ValidationError):
        end_post(post=seat, on=seat.starts_on - datetime.timedelta(days=1), reason="x")
    end_post(post=seat, on=timezone.localdate(), reason="x")
    with pytest.raises(ValidationError):
        end_post(post=seat, on=timezone.localdate(), reason="again")


def test_cross_posts_lists_every_current_post_of_a_person(cworld):
    branch = Organization.objects.create(name="锦霞小区党支部", kind="party_branch", division=cworld.c1,
                                         estate=cworld.estate_a)
    add_post(person=cworld.neighbour, organization=branch, title="secretary", starts_on=timezone.localdate())
    posts = cross_posts([cworld.neighbour.pk])[cworld.neighbour.pk]
    assert sorted(p.organization.name for p in posts) == ["锦霞小区业主委员会", "锦霞小区党支部"]
