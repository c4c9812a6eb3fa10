"""Issue 19 items 4 and 2 (helper "linkage"): each body's page lists its members with their other posts (交叉任职,
seed 004) and its history; admins of the area record and end posts; a 1+2+N co-governance committee (seed 001) is a
body whose members come from several organisations."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from linli.people import bodies, services
from linli.people.models import Organization, Post

TODAY = timezone.localdate()


@pytest.fixture
def branch(cworld):
    """锦霞社区党委 with 李建国 (the owners' committee's chair) as its secretary: cross-posting."""
    cworld.party = Organization.objects.create(name="锦霞社区党委", kind="party_branch", division=cworld.c1)
    services.add_post(person=cworld.neighbour, organization=cworld.party, title="secretary", capacity="party",
                      starts_on=TODAY - datetime.timedelta(days=50))
    return cworld


def test_a_bodys_page_shows_each_members_other_posts(branch, client_for):
    response = client_for("community_admin").get(reverse("people:body_detail", args=[branch.owners_committee.pk]))
    rows = {m["post"].person.name: [o.organization.name for o in m["others"]] for m in response.context["members"]}
    assert rows == {"李建国": ["锦霞社区党委"], "赵敏": []}
    assert "交叉任职" in response.content.decode()


def test_residents_of_the_estate_see_its_bodies_names_but_no_phones_and_no_history(branch, client_for):
    services.end_post(post=Post.objects.get(person=branch.zhao), on=TODAY, reason="本人辞职")
    response = client_for("resident_a").get(reverse("people:body_detail", args=[branch.owners_committee.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and "李建国" in page
    assert "13900001111" not in page and "1390" not in page
    assert response.context["history"] is None and "本人辞职" not in page
    ids = set(bodies.visible_bodies(branch.resident_a).values_list("name", flat=True))
    assert {"锦霞小区业主委员会", "锦霞社区党委", "重庆锦绣物业服务有限公司"} <= ids


def test_committee_members_and_staff_see_the_history(branch, client_for):
    services.end_post(post=Post.objects.get(person=branch.zhao), on=TODAY, reason="本人辞职")
    for who in ("committee_chair", "community_admin"):
        page = client_for(who).get(reverse("people:body_detail", args=[branch.owners_committee.pk])).content.decode()
        assert "本人辞职" in page, who


def test_strangers_and_other_streets_get_404(branch, client_for):
    for who in ("stranger", "other_street_admin"):
        client = client_for(who)
        assert client.get(reverse("people:body_detail", args=[branch.owners_committee.pk])).status_code == 404
        assert client.get(reverse("people:post_add", args=[branch.owners_committee.pk])).status_code == 404
    assert client_for("stranger").get(reverse("people:body_list")).status_code == 404


def test_another_estates_resident_does_not_see_the_committee(branch):
    assert not bodies.visible_bodies(branch.users["resident_a"]).filter(kind="pm_committee").exists()
    far = Organization.objects.create(name="百花园业主委员会", kind="owners_committee", estate=branch.estate_far,
                                      division=branch.c3)
    assert not bodies.visible_bodies(branch.resident_a).filter(pk=far.pk).exists()
    assert not bodies.visible_bodies(branch.committee_chair).filter(pk=far.pk).exists()


def test_only_the_areas_admins_record_and_end_posts(branch):
    for who in ("committee_chair", "resident_a", "manager_a", "grid_worker", "other_street_admin"):
        with pytest.raises(PermissionDenied):
            services.post_record(organization=branch.owners_committee, person=branch.resident, title="member",
                                 starts_on=TODAY, actor=branch.users[who])
    post = services.post_record(organization=branch.owners_committee, person=branch.resident, title="member",
                                capacity="owner", starts_on=TODAY, actor=branch.community_admin)
    with pytest.raises(PermissionDenied):
        services.post_finish(post=post, on=TODAY, reason="x", actor=branch.committee_chair)
    services.post_finish(post=post, on=TODAY, reason="任期届满", actor=branch.street_admin)
    post.refresh_from_db()
    assert (post.ends_on, post.end_reason) == (TODAY, "任期届满")


def test_the_same_post_is_not_held_twice_at_once_and_an_end_needs_a_reason(branch):
    with pytest.raises(ValidationError):
        services.post_record(organization=branch.owners_committee, person=branch.neighbour, title="chair",
                             starts_on=TODAY, actor=branch.community_admin)
    with pytest.raises(ValidationError):
        services.post_finish(post=Post.objects.get(person=branch.zhao), on=TODAY, reason=" ",
                             actor=branch.community_admin)


def test_a_post_is_added_and_ended_from_the_pages(branch, client_for):
    client = client_for("community_admin")
    url = reverse("people:post_add", args=[branch.owners_committee.pk])
    assert client.get(url).status_code == 200
    assert client.get(reverse("people:body_people", args=[branch.owners_committee.pk]),
                      {"person_q": "周莲"}).status_code == 200
    response = client.post(url, {"person": branch.resident.pk, "title": "alternate", "capacity": "owner",
                                 "starts_on": TODAY.isoformat(), "basis": "业主大会选举"})
    assert response.status_code == 302
    post = Post.objects.get(person=branch.resident)
    response = client.post(reverse("people:post_end", args=[post.pk]), {"ends_on": TODAY.isoformat(), "reason": ""})
    assert response.status_code == 200 and "离任原因" in response.content.decode()
    client.post(reverse("people:post_end", args=[post.pk]), {"ends_on": TODAY.isoformat(), "reason": "递补为委员"})
    post.refresh_from_db()
    assert post.end_reason == "递补为委员"


def test_a_committee_member_sees_the_page_but_cannot_add_a_post(branch, client_for):
    client = client_for("committee_chair")
    assert client.get(reverse("people:body_detail", args=[branch.owners_committee.pk])).status_code == 200
    assert client.get(reverse("people:post_add", args=[branch.owners_committee.pk])).status_code == 403
    assert client.post(reverse("people:post_add", args=[branch.owners_committee.pk]),
                       {"person": branch.resident.pk, "title": "member", "starts_on": TODAY.isoformat()}
                       ).status_code == 403
    assert not Post.objects.filter(person=branch.resident).exists()


def test_a_co_governance_committee_has_members_from_several_bodies(branch, client_for):
    client = client_for("community_admin")
    assert client.get(reverse("people:body_new")).status_code == 200
    response = client.post(reverse("people:body_new"), {"name": "锦霞社区“1+2+N”共治委员会", "division": branch.c1.pk})
    body = Organization.objects.get(kind="co_governance")
    assert response.status_code == 302 and body.division == branch.c1
    for person, capacity in ((branch.neighbour, "party"), (branch.zhao, "owner")):
        services.post_record(organization=body, person=person, title="member", capacity=capacity, starts_on=TODAY,
                             actor=branch.community_admin)
    page = client.get(reverse("people:body_detail", args=[body.pk])).content.decode()
    assert "党组织" in page and "业主" in page
    # The residents of the community's estates see it too.
    assert bodies.visible_bodies(branch.resident_a).filter(pk=body.pk).exists()


def test_only_community_or_street_admins_set_up_a_co_governance_committee(branch, client_for):
    for who in ("grid_worker", "manager_a"):
        assert client_for(who).get(reverse("people:body_new")).status_code == 403
    for who in ("resident_a", "committee_chair"):
        assert client_for(who).get(reverse("people:body_new")).status_code == 404
    with pytest.raises(PermissionDenied):
        services.co_governance_create(name="x", division=branch.c3, actor=branch.community_admin)
    assert not Organization.objects.filter(kind="co_governance").exists()


def test_the_list_of_an_estates_bodies(branch, client_for):
    response = client_for("resident_a").get(reverse("people:body_list"), {"estate": branch.estate_a.pk})
    names = {b.name for b in response.context["rows"]}
    assert names == {"锦霞小区业主委员会", "锦霞社区党委", "重庆锦绣物业服务有限公司"}


def test_the_property_manager_sees_the_bodies_it_meets_with_but_cannot_write(branch, client_for):
    visible = set(bodies.visible_bodies(branch.manager_a).values_list("name", flat=True))
    assert {"锦霞社区党委", "锦霞小区业主委员会", "重庆锦绣物业服务有限公司"} <= visible
    assert "百花园业主委员会" not in visible
    assert client_for("manager_a").get(reverse("people:post_add", args=[branch.party.pk])).status_code == 403


def test_the_list_of_a_communitys_bodies(branch, client_for):
    response = client_for("street_admin").get(reverse("people:body_list"), {"division": branch.c1.pk})
    names = {b.name for b in response.context["rows"]}
    assert {"锦霞小区业主委员会", "锦霞社区党委"} <= names and "重庆锦绣物业服务有限公司" not in names
    assert client_for("other_street_admin").get(reverse("people:body_list"), {"division": branch.c1.pk}
                                                ).status_code == 404
