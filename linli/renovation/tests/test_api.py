"""/api/v1/renovation/: anonymous 401, strangers and other streets 404, read-only roles 403 (nothing changed), the
right role succeeds through the same services as the pages."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from linli.core.testing import post, results
from linli.places.services import emergency_latest_end
from linli.renovation import services
from linli.renovation.models import Comment, EmergencyService, Project

from .conftest import passed_hire_motion

API = "/api/v1/renovation"
TODAY = timezone.localdate()


@pytest.fixture
def project(world):
    p = services.project_create(estate=world.estate_a, title="锦霞小区综合整治", actor=world.community_admin)
    p = services.project_advance(project=p, actor=world.community_admin, plan="加装电梯")
    services.comment_add(project=p, actor=world.resident_a, body="我是周莲秀，希望先修屋顶")
    return p


@pytest.fixture
def emergency(world):
    return services.emergency_appoint(
        estate=world.estate_b, provider=world.custodian, mode="custodian", start=TODAY, end=emergency_latest_end(TODAY),
        document="九宫庙街道〔2026〕应急3号", services="供水", costs="每户每月8元", actor=world.street_admin)


@pytest.mark.parametrize("url", ["/projects/", "/emergency-services/"])
def test_anonymous_callers_get_401_and_strangers_404(world, client_for, url):
    assert Client().get(API + url).status_code == 401
    assert client_for("stranger").get(API + url).status_code == 404


def test_another_street_sees_nothing_and_cannot_act(world, client_for, project, emergency):
    client = client_for("other_street_admin")
    assert results(client.get(API + "/projects/")) == []
    assert results(client.get(API + "/emergency-services/")) == []
    assert client.get(f"{API}/projects/{project.pk}/").status_code == 404
    assert post(client, f"{API}/projects/{project.pk}/advance/", {}).status_code == 404
    project.refresh_from_db()
    assert project.stage == Project.Stage.PLAN


def test_a_resident_reads_the_project_with_masked_names_and_comments(world, client_for, project):
    client = client_for("resident_a")
    row = client.get(f"{API}/projects/{project.pk}/").json()
    assert row["stage"] == "plan" and row["plan"] == "加装电梯"
    assert row["comments"][0]["author"] == "周**" and "周莲秀" not in row["comments"][0]["body"]
    response = post(client, f"{API}/projects/{project.pk}/comment/", {"body": "楼道灯也要换"})
    assert response.status_code == 200
    assert Comment.objects.count() == 2


def test_read_only_roles_cannot_move_a_project(world, client_for, project):
    for name in ("manager_a", "auditor", "resident_a"):
        response = post(client_for(name), f"{API}/projects/{project.pk}/advance/", {})
        assert response.status_code == 403, name
    project.refresh_from_db()
    assert project.stage == Project.Stage.PLAN


def test_an_admin_moves_a_project_back_with_a_reason_and_answers(world, client_for, project):
    client = client_for("community_admin")
    assert post(client, f"{API}/projects/{project.pk}/advance/", {"note": "开工"}).json()["stage"] == "works"
    assert post(client, f"{API}/projects/{project.pk}/back/", {"reason": ""}).status_code == 400
    assert post(client, f"{API}/projects/{project.pk}/back/", {"reason": "修改方案"}).json()["stage"] == "plan"
    comment = Comment.objects.get()
    row = post(client, f"{API}/projects/{project.pk}/answer/", {"comment": comment.pk, "body": "已列入"}).json()
    assert row["comments"][0]["answers"][0]["body"] == "已列入"


def test_an_admin_creates_a_project_and_a_read_only_role_cannot(world, client_for):
    body = {"estate": world.estate_a.pk, "title": "锦霞小区二期"}
    assert post(client_for("manager_a"), API + "/projects/", body).status_code == 403
    response = post(client_for("community_admin"), API + "/projects/", body)
    assert response.status_code == 201 and response.json()["stage"] == "needs"
    assert Project.objects.count() == 1


def test_the_handover_through_the_api(world, client_for):
    p = services.project_create(estate=world.estate_b, title="新工宿舍改造", actor=world.street_admin)
    for _ in range(3):
        p = services.project_advance(project=p, actor=world.street_admin, plan="方案")
    motion = passed_hire_motion(world.estate_b, mode="custodian", provider=world.custodian)
    body = {"mode": "custodian", "provider": world.custodian.pk, "motion": motion.pk, "start": "2026-07-01",
            "fee_rate": "10", "grace_months": 2, "fee_decision": "街道文件"}
    assert post(client_for("auditor"), f"{API}/projects/{p.pk}/handover/", body).status_code == 403
    row = post(client_for("street_admin"), f"{API}/projects/{p.pk}/handover/", body).json()
    handed = row["handovers"][0]
    assert row["stage"] == "handover" and handed["estate"] == world.estate_b.pk and handed["handed_over"] is True
    assert handed["fee_plan"] and handed["stewardship"]


def test_the_street_appoints_through_the_api_and_the_community_cannot(world, client_for):
    body = {"estate": world.estate_b.pk, "provider": world.custodian.pk, "mode": "custodian",
            "start": TODAY.isoformat(), "end": emergency_latest_end(TODAY).isoformat(), "document": "文件",
            "services": "供水", "costs": "8元"}
    in_c1 = {**body, "estate": world.estate_a.pk}  # the community admin's own estate: still the street's call
    assert post(client_for("community_admin"), API + "/emergency-services/", in_c1).status_code == 403
    too_long = {**body, "end": (TODAY + datetime.timedelta(days=200)).isoformat()}
    assert post(client_for("street_admin"), API + "/emergency-services/", too_long).status_code == 400
    assert EmergencyService.objects.count() == 0
    response = post(client_for("street_admin"), API + "/emergency-services/", body)
    assert response.status_code == 201, response.content
    assert response.json()["provider_name"] == world.custodian.name


def test_the_ending_within_filter(world, client_for):
    services.emergency_appoint(
        estate=world.estate_b, provider=world.custodian, mode="custodian", start=TODAY - datetime.timedelta(days=160),
        end=TODAY + datetime.timedelta(days=10), document="文件", services="供水", costs="8元", actor=world.street_admin)
    client = client_for("street_admin")
    assert len(results(client.get(API + "/emergency-services/?ending_within=30"))) == 1
    assert len(results(client.get(API + "/emergency-services/?ending_within=5"))) == 0
