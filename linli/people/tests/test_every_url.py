"""Every page of /people/, walked from the URL table itself: a visitor who is not signed in is sent to sign in, a
signed-in stranger (no role, no home) is refused on GET and on POST and changes nothing, and the right role opens
the page. A new URL that is not given its objects below fails here, so it cannot ship untested."""

import datetime

import pytest
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import timezone

from linli.people.models import AuditEvent, HouseholdInvitation, Occupancy, Person
from linli.people.urls import urlpatterns

POST_ONLY = {"household_remove", "invitation_revoke"}
# Who opens each page (the others are the community admin, desk staff of estate A).
OPENED_BY = {"household": "resident_a"}


def names():
    return [p.name for p in urlpatterns if isinstance(p, URLPattern) and p.name]


@pytest.fixture
def objects(world):
    kid = Person.objects.create(name="周小明", phone="13566667777")
    occ = Occupancy.objects.create(person=kid, home=world.home_a1, relation="family")
    invitation = HouseholdInvitation.objects.create(home=world.home_a1, phone="13566668888", name="周小华",
                                                    invited_by=world.resident_a,
                                                    expires_at=timezone.now() + datetime.timedelta(days=7))
    # Bodies and posts (issue 19): 锦霞小区's owners' committee and its chair's post.
    from linli.core.testing import add_committee

    add_committee(world)
    post = world.owners_committee.posts.order_by("pk").first()
    return {"pk": world.resident.pk, "home_id": world.home_a1.pk, "occupancy_id": occ.pk,
            "invitation_id": invitation.pk, "body_id": world.owners_committee.pk, "post_id": post.pk}


def url_of(name, objects):
    pattern = next(p for p in urlpatterns if getattr(p, "name", None) == name)
    kwargs = {key: objects[key] for key in pattern.pattern.converters}
    return reverse(f"people:{name}", kwargs=kwargs)


def state():
    return (Occupancy.objects.current().count(), HouseholdInvitation.objects.filter(revoked_at__isnull=True).count(),
            Person.objects.count(), AuditEvent.objects.exclude(kind__in=["list_personal"]).count())


@pytest.mark.parametrize("name", names())
def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(world, objects, name):
    response = (Client().post if name in POST_ONLY else Client().get)(url_of(name, objects))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("name", names())
def test_a_stranger_is_refused_and_changes_nothing(world, objects, client_for, name):
    client = client_for("stranger")
    url = url_of(name, objects)
    before = state()
    if name not in POST_ONLY:
        assert client.get(url).status_code == 404
    assert client.post(url, {"name": "x", "phone": "13500000001", "home": world.home_a1.pk}).status_code in (404, 405)
    assert state() == before


@pytest.mark.parametrize("name", names())
def test_the_right_role_opens_every_page(world, objects, client_for, name):
    client = client_for(OPENED_BY.get(name, "community_admin"))
    url = url_of(name, objects)
    response = client.post(url) if name in POST_ONLY else client.get(url)
    assert response.status_code == (302 if name in POST_ONLY else 200), (name, response.status_code)
