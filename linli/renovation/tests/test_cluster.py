"""A project over a cluster of estates (片区, issue 20 item 4; docs/renovation.md "A project over several estates"):
who registers and moves it, who sees and comments on it, the handover estate by estate, facilities that keep their
estate, the estate page, the API."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from linli.core.testing import post, results
from linli.facilities.models import Facility
from linli.fees.models import FeePlan
from linli.places.models import Building, Stewardship
from linli.renovation import services
from linli.renovation.models import Answer, Comment, Project, ProjectEstate, ProjectEvent

from .conftest import passed_hire_motion

D = datetime.date
API = "/api/v1/renovation"


def at_acceptance(world):
    project = world.project
    while project.stage != Project.Stage.ACCEPTANCE:
        project = services.project_advance(project=project, actor=world.street_admin)
    return project


def custodian_motions(world, *estates):
    return [passed_hire_motion(e, mode="custodian", provider=world.custodian, title=f"{e.name}选聘") for e in estates]


def hand_over(world, project, *, estates=None, motions=None, actor=None):
    return services.project_handover(
        project=project, actor=actor or world.street_admin, mode="custodian", provider=world.custodian,
        start=D(2026, 7, 1), fee_rate=Decimal("9"), grace_months=3, fee_decision="街道文件 九宫庙〔2026〕15号",
        estates=estates, motions=motions)


# -- registering: the admins covering every estate ------------------------------------------------------------------


def test_the_street_registers_a_project_over_estates_of_two_communities(cluster):
    world = cluster
    project = world.project
    assert (project.estate, set(project.estates.all())) == (world.estate_a, {world.estate_a, world.estate_b})
    created = project.events.get(kind=ProjectEvent.Kind.CREATED)
    assert created.data["estates"] == [world.estate_a.pk, world.estate_b.pk]


def test_the_lead_estate_is_always_in_the_cluster_and_counted_once(world):
    project = services.project_create(estate=world.estate_b, estates=[world.estate_a, world.estate_b],
                                      title="x", actor=world.street_admin)
    assert project.estate == world.estate_b
    assert list(project.estate_rows.values_list("estate_id", flat=True)) == [world.estate_b.pk, world.estate_a.pk]


def test_a_project_needs_an_estate(world):
    with pytest.raises(ValidationError) as exc:
        services.project_create(estates=[], title="x", actor=world.street_admin)
    assert "estates" in exc.value.message_dict


@pytest.mark.parametrize("name", ["community_admin", "manager_a", "auditor", "other_street_admin", "resident_a"])
def test_only_an_admin_covering_every_estate_registers_a_cluster(world, name):
    with pytest.raises(PermissionDenied):
        services.project_create(estate=world.estate_a, estates=[world.estate_b], title="x",
                                actor=getattr(world, name))
    assert Project.objects.count() == 0 and ProjectEstate.objects.count() == 0


def test_a_community_admin_registers_a_project_of_their_communitys_estate(world):
    project = services.project_create(estates=[world.estate_a], title="x", actor=world.community_admin)
    assert list(project.estates.all()) == [world.estate_a]


# -- an admin who covers only some of the estates reads but does not move it -----------------------------------------


def test_a_community_admin_of_one_estate_sees_the_cluster_but_cannot_move_it(cluster):
    world = cluster
    project = world.project
    assert list(Project.objects.visible_to(world.community_admin)) == [project]
    comment = services.comment_add(project=project, actor=world.resident_b, body="希望雨污分流")
    with pytest.raises(PermissionDenied):
        services.project_advance(project=project, actor=world.community_admin)
    with pytest.raises(PermissionDenied):
        services.project_step_back(project=project, actor=world.community_admin, reason="x")
    with pytest.raises(PermissionDenied):
        services.answer_add(comment=comment, actor=world.community_admin, body="y")
    project.refresh_from_db()
    assert (project.stage, Answer.objects.count()) == (Project.Stage.PLAN, 0)


def test_the_street_moves_the_cluster(cluster):
    world = cluster
    project = services.project_advance(project=world.project, actor=world.street_admin, note="开工")
    assert project.stage == Project.Stage.WORKS


def test_another_street_and_strangers_do_not_see_the_cluster(cluster):
    world = cluster
    for name in ("other_street_admin", "stranger", "resident_far"):
        assert Project.objects.visible_to(getattr(world, name)).count() == 0, name


# -- residents of any estate of the cluster -------------------------------------------------------------------------


def test_residents_of_each_estate_of_the_cluster_comment_from_their_estate(cluster):
    world = cluster
    a = services.comment_add(project=world.project, actor=world.resident_a, body="先修屋顶")
    b = services.comment_add(project=world.project, actor=world.resident_b, body="雨污分流")
    assert [(a.estate, a.author_name), (b.estate, b.author_name)] == [(world.estate_a, "周莲秀"),
                                                                      (world.estate_b, "黄德明")]
    assert Comment.objects.visible_to(world.resident_b).count() == 2


def test_a_resident_of_another_estate_cannot_comment(cluster):
    world = cluster
    with pytest.raises(PermissionDenied):
        services.comment_add(project=world.project, actor=world.resident_far, body="x")
    assert Comment.objects.count() == 0


# -- the handover, estate by estate ---------------------------------------------------------------------------------


def test_a_cluster_handover_gives_each_estate_its_own_manager_and_fee_plan(cluster):
    world = cluster
    project = at_acceptance(world)
    before = Stewardship.objects.count()
    project = hand_over(world, project, motions=custodian_motions(world, world.estate_a, world.estate_b))
    assert project.stage == Project.Stage.HANDOVER
    rows = list(project.estate_rows.select_related("stewardship", "fee_plan"))
    assert [(r.estate, r.stewardship.estate, r.stewardship.provider, r.stewardship.start) for r in rows] == [
        (world.estate_a, world.estate_a, world.custodian, D(2026, 7, 1)),
        (world.estate_b, world.estate_b, world.custodian, D(2026, 7, 1))]
    assert [(r.fee_plan.estate, r.fee_plan.rate, r.fee_plan.grace_months) for r in rows] == [
        (world.estate_a, Decimal("9.00"), 3), (world.estate_b, Decimal("9.00"), 3)]
    assert Stewardship.objects.count() == before + 2
    assert all(r.handed_over_at is not None for r in rows)
    event = project.events.get(kind=ProjectEvent.Kind.HANDED_OVER)
    assert ([e["estate"] for e in event.data["estates"]], event.data["complete"]) == (
        [world.estate_a.pk, world.estate_b.pk], True)


def test_a_cluster_is_handed_over_estate_by_estate_and_shows_which_are_done(cluster):
    world = cluster
    project = at_acceptance(world)
    motion_a, motion_b = custodian_motions(world, world.estate_a, world.estate_b)
    project = hand_over(world, project, estates=[world.estate_b], motions=[motion_b])
    assert project.stage == Project.Stage.ACCEPTANCE  # 锦霞小区 still waits
    assert [(r.estate, r.handed_over) for r in project.estate_rows.all()] == [(world.estate_a, False),
                                                                              (world.estate_b, True)]
    with pytest.raises(ValidationError) as exc:
        services.project_step_back(project=project, actor=world.street_admin, reason="返工")
    assert "stage" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        hand_over(world, project, estates=[world.estate_b], motions=[motion_b])
    assert "estates" in exc.value.message_dict
    project = hand_over(world, project, motions=[motion_a])  # the rest: 锦霞小区
    assert project.stage == Project.Stage.HANDOVER
    assert FeePlan.objects.filter(estate__in=[world.estate_a, world.estate_b]).count() == 2


def test_each_estate_of_the_cluster_needs_its_own_owners_decision(cluster):
    world = cluster
    project = at_acceptance(world)
    before = Stewardship.objects.count()
    with pytest.raises(ValidationError) as exc:
        hand_over(world, project, motions=custodian_motions(world, world.estate_a))
    assert "motion" in exc.value.message_dict and "新工宿舍" in exc.value.message_dict["motion"][0]
    assert Stewardship.objects.count() == before and FeePlan.objects.count() == 0
    assert list(project.estate_rows.filter(stewardship__isnull=False)) == []


def test_a_community_admin_of_one_estate_cannot_hand_over_the_cluster(cluster):
    world = cluster
    project = at_acceptance(world)
    with pytest.raises(PermissionDenied):
        hand_over(world, project, estates=[world.estate_a], motions=custodian_motions(world, world.estate_a),
                  actor=world.community_admin)
    assert ProjectEstate.objects.filter(stewardship__isnull=False).count() == 0


# -- facilities keep their estate -----------------------------------------------------------------------------------


def test_a_facility_of_the_cluster_belongs_to_one_of_its_estates(cluster):
    world = cluster
    link = services.facility_create(project=world.project, kind="pump", name="二次供水泵", estate=world.estate_b,
                                    actor=world.street_admin)
    assert link.facility.estate == world.estate_b
    with pytest.raises(ValidationError) as exc:
        services.facility_create(project=world.project, kind="lift", name="x", estate=world.estate_b,
                                 building=world.building_a, actor=world.street_admin)
    assert "building" in exc.value.message_dict
    far = Facility.objects.create(estate=world.estate_far, kind="pump", name="泵")
    with pytest.raises(ValidationError) as exc:
        services.facility_link(project=world.project, facility=far, action="replaced", actor=world.street_admin)
    assert "facility" in exc.value.message_dict
    in_b = services.facility_create(project=world.project, kind="lift", name="电梯", actor=world.street_admin,
                                    building=Building.objects.get(estate=world.estate_b))
    assert in_b.facility.estate == world.estate_b  # the building's estate
    assert world.project.facility_links.count() == 2


# -- pages ----------------------------------------------------------------------------------------------------------


def test_the_cluster_project_page_is_read_only_for_a_community_admin_of_one_estate(cluster, client_for):
    world = cluster
    services.comment_add(project=world.project, actor=world.resident_b, body="我是黄德明，希望雨污分流")
    url = reverse("renovation:project_detail", args=[world.project.pk])
    page = client_for("community_admin").get(url)
    body = page.content.decode()
    assert page.status_code == 200 and 'id="partial"' in body and 'name="step" value="stage"' not in body
    assert "黄**" in body and "黄德明" not in body  # a commenter of 新工社区's estate, masked for 锦霞社区
    assert "锦霞小区" in body and "新工宿舍" in body
    assert client_for("community_admin").post(url, {"step": "stage", "direction": "advance"}).status_code == 403
    assert client_for("community_admin").get(
        reverse("renovation:project_handover", args=[world.project.pk])).status_code == 403
    world.project.refresh_from_db()
    assert world.project.stage == Project.Stage.PLAN
    street = client_for("street_admin").get(url).content.decode()
    assert "黄德明" in street and 'id="partial"' not in street
    assert client_for("street_admin").post(url, {"step": "stage", "direction": "advance"}).status_code == 302
    world.project.refresh_from_db()
    assert world.project.stage == Project.Stage.WORKS


@pytest.mark.parametrize("name", ["resident_a", "resident_b"])
def test_residents_of_either_estate_open_the_public_page_and_comment(cluster, client_for, name):
    world = cluster
    services.comment_add(project=world.project, actor=world.resident_a, body="先修屋顶")
    url = reverse("renovation:project_public", args=[world.project.pk])
    client = client_for(name)
    body = client.get(url).content.decode()
    assert "锦霞小区、新工宿舍" in body and "周**" in body and "周莲秀" not in body
    assert client.post(url, {"body": "楼道灯也要换"}).status_code == 302
    assert Comment.objects.order_by("pk").last().author == getattr(world, name)


def test_a_resident_of_another_estate_gets_404_on_the_public_page(cluster, client_for):
    world = cluster
    url = reverse("renovation:project_public", args=[world.project.pk])
    client = client_for("resident_far")
    assert client.get(url).status_code == 404
    assert client.post(url, {"body": "x"}).status_code == 404
    assert Client().get(url).status_code == 302
    assert Comment.objects.count() == 0


def test_each_estates_page_lists_the_cluster_project(cluster, client_for):
    world = cluster
    public = reverse("renovation:project_public", args=[world.project.pk])
    page = client_for("resident_b").get(reverse("renovation:estate", args=[world.estate_b.pk])).content.decode()
    assert public in page and "锦霞片区综合整治" in page
    staff = client_for("community_admin").get(reverse("renovation:estate", args=[world.estate_a.pk])).content.decode()
    assert reverse("renovation:project_detail", args=[world.project.pk]) in staff
    alone = services.project_create(estate=world.estate_a, title="锦霞小区单独项目", actor=world.community_admin)
    page = client_for("resident_b").get(reverse("renovation:estate", args=[world.estate_b.pk])).content.decode()
    assert reverse("renovation:project_public", args=[alone.pk]) not in page


def test_the_street_registers_a_cluster_on_the_page_and_the_community_cannot(world, client_for):
    url = reverse("renovation:project_new")
    refused = client_for("community_admin").post(url, {"estate": world.estate_a.pk, "estates": [world.estate_b.pk],
                                                       "title": "片区"})
    assert refused.status_code == 200 and Project.objects.count() == 0  # 新工宿舍 is not among its choices
    response = client_for("street_admin").post(url, {"estate": world.estate_a.pk, "estates": [world.estate_b.pk],
                                                     "title": "锦霞片区"})
    assert response.status_code == 302
    assert set(Project.objects.get().estates.all()) == {world.estate_a, world.estate_b}


def test_the_handover_page_hands_over_the_cluster_in_one_step(cluster, client_for):
    world = cluster
    project = at_acceptance(world)
    url = reverse("renovation:project_handover", args=[project.pk])
    page = client_for("street_admin").get(url).content.decode()
    assert 'id="handover-estates"' in page and page.count('name="estates"') == 2
    motions = custodian_motions(world, world.estate_a, world.estate_b)
    response = client_for("street_admin").post(url, {
        "estates": [world.estate_a.pk, world.estate_b.pk], "mode": "custodian", "provider": world.custodian.pk,
        "motions": [m.pk for m in motions], "start": "2026-07-01", "fee_name": "物业服务费", "fee_basis": "per_home",
        "fee_rate": "9", "grace_months": "3", "fee_decision": "街道文件"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == Project.Stage.HANDOVER
    assert sorted(ProjectEstate.objects.filter(project=project).values_list(
        "stewardship__estate_id", "fee_plan__estate_id")) == sorted([(world.estate_a.pk, world.estate_a.pk),
                                                                    (world.estate_b.pk, world.estate_b.pk)])


# -- API ------------------------------------------------------------------------------------------------------------


def test_the_api_creates_a_project_over_several_estates(world, client_for):
    body = {"estates": [world.estate_a.pk, world.estate_b.pk], "title": "锦霞片区"}
    assert post(client_for("auditor"), API + "/projects/", body).status_code == 403
    assert post(client_for("community_admin"), API + "/projects/", body).status_code == 400  # B is out of its scope
    assert Project.objects.count() == 0
    response = post(client_for("street_admin"), API + "/projects/", body)
    assert response.status_code == 201, response.content
    row = response.json()
    assert (row["estate"], sorted(row["estates"])) == (world.estate_a.pk, sorted([world.estate_a.pk,
                                                                                  world.estate_b.pk]))
    assert [h["handed_over"] for h in row["handovers"]] == [False, False]


def test_the_api_refuses_a_project_without_estates(world, client_for):
    response = post(client_for("street_admin"), API + "/projects/", {"title": "x"})
    assert response.status_code == 400 and Project.objects.count() == 0


def test_the_api_scopes_a_cluster_project(cluster, client_for):
    world = cluster
    url = f"{API}/projects/{world.project.pk}/"
    assert Client().get(url).status_code == 401
    for name in ("stranger", "resident_far", "other_street_admin"):
        assert client_for(name).get(url).status_code == 404, name
    assert post(client_for("resident_far"), url + "comment/", {"body": "x"}).status_code == 404
    assert client_for("resident_b").get(url).status_code == 200
    assert post(client_for("resident_b"), url + "comment/", {"body": "雨污分流"}).status_code == 200
    assert post(client_for("community_admin"), url + "advance/", {}).status_code == 403
    world.project.refresh_from_db()
    assert (world.project.stage, Comment.objects.count()) == (Project.Stage.PLAN, 1)
    listed = results(client_for("street_admin").get(f"{API}/projects/?estate={world.estate_b.pk}"))
    assert [p["id"] for p in listed] == [world.project.pk]


def test_the_api_shows_each_estates_handover_only_to_those_who_see_that_estate(cluster, client_for):
    world = cluster
    project = at_acceptance(world)
    body = {"estates": [world.estate_a.pk, world.estate_b.pk], "mode": "custodian", "provider": world.custodian.pk,
            "motions": [m.pk for m in custodian_motions(world, world.estate_a, world.estate_b)],
            "start": "2026-07-01", "fee_rate": "9", "grace_months": 3, "fee_decision": "街道文件"}
    own = {**body, "estates": [world.estate_a.pk], "motions": body["motions"][:1]}  # its own estate only
    assert post(client_for("community_admin"), f"{API}/projects/{project.pk}/handover/", own).status_code == 403
    assert ProjectEstate.objects.filter(stewardship__isnull=False).count() == 0
    row = post(client_for("street_admin"), f"{API}/projects/{project.pk}/handover/", body).json()
    assert row["stage"] == "handover" and all(h["stewardship"] for h in row["handovers"])
    seen = client_for("community_admin").get(f"{API}/projects/{project.pk}/").json()["handovers"]
    assert [(h["estate"], h["handed_over"], h["stewardship"] is None) for h in seen] == [
        (world.estate_a.pk, True, False), (world.estate_b.pk, True, True)]
