"""Pages: who may open and write each one; the public page masks names (docs/renovation.md)."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.places.services import emergency_latest_end
from linli.renovation import services
from linli.renovation.models import Comment, EmergencyService, Project

from .conftest import passed_hire_motion


@pytest.fixture
def project(world):
    p = services.project_create(estate=world.estate_a, title="锦霞小区综合整治", actor=world.community_admin)
    p = services.project_advance(project=p, actor=world.community_admin, plan="加装电梯、更换供水管网")
    services.comment_add(project=p, actor=world.resident_a, body="我是周莲秀，电话13812345678，希望先修屋顶")
    return p


@pytest.fixture
def emergency(world):
    today = timezone.localdate()
    return services.emergency_appoint(
        estate=world.estate_b, provider=world.custodian, mode="custodian", start=today, end=emergency_latest_end(today),
        document="九宫庙街道〔2026〕应急3号", services="供水、垃圾清运", costs="每户每月8元", actor=world.street_admin)


def staff_urls(project, emergency):
    return [reverse("renovation:project_detail", args=[project.pk]),
            reverse("renovation:project_handover", args=[project.pk]),
            reverse("renovation:emergency_detail", args=[emergency.pk])]


def test_anonymous_visitors_are_sent_to_sign_in(world, project, emergency):
    for url in staff_urls(project, emergency) + [reverse("renovation:index"),
                                                 reverse("renovation:project_new"),
                                                 reverse("renovation:emergency_new"),
                                                 reverse("renovation:estate", args=[world.estate_a.pk]),
                                                 reverse("renovation:project_public", args=[project.pk]),
                                                 reverse("renovation:emergency_notice", args=[emergency.pk])]:
        response = Client().get(url)
        assert response.status_code == 302 and "/login" in response["Location"], url


@pytest.mark.parametrize("name", ["stranger", "other_street_admin"])
def test_strangers_and_other_streets_get_404(world, client_for, project, emergency, name):
    client = client_for(name)
    urls = staff_urls(project, emergency) + [reverse("renovation:project_public", args=[project.pk]),
                                             reverse("renovation:emergency_notice", args=[emergency.pk]),
                                             reverse("renovation:estate", args=[world.estate_a.pk])]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("renovation:project_public", args=[project.pk]), {"body": "x"}).status_code == 404
    assert Comment.objects.count() == 1
    if name == "stranger":
        for url in (reverse("renovation:index"), reverse("renovation:project_new"), reverse("renovation:emergency_new")):
            assert client.get(url).status_code == 404, url
    else:  # a street admin elsewhere registers and appoints for their own estates only
        for url in (reverse("renovation:project_new"), reverse("renovation:emergency_new")):
            page = client.get(url).content.decode()
            assert world.estate_far.name in page and world.estate_a.name not in page, url
        client.post(reverse("renovation:project_new"), {"estate": world.estate_a.pk, "title": "越界"})
        assert Project.objects.count() == 1


def test_a_resident_cannot_open_the_staff_pages(world, client_for, project):
    client = client_for("resident_a")
    assert client.get(reverse("renovation:index")).status_code == 404
    assert client.get(reverse("renovation:project_detail", args=[project.pk])).status_code == 404


def test_the_index_lists_projects_and_emergencies_ending_soon(world, client_for, project):
    today = timezone.localdate()
    services.emergency_appoint(
        estate=world.estate_b, provider=world.custodian, mode="custodian", start=today - datetime.timedelta(days=160),
        end=today + datetime.timedelta(days=21), document="文件", services="供水", costs="8元", actor=world.street_admin)
    body = client_for("street_admin").get(reverse("renovation:index")).content.decode()
    assert "锦霞小区综合整治" in body
    ending = body.split('id="ending"')[1].split("</ul>")[0]
    assert "新工宿舍" in ending


def test_the_property_company_reads_a_project_but_cannot_move_it(world, client_for, project):
    client = client_for("manager_a")
    url = reverse("renovation:project_detail", args=[project.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="step" value="stage"' not in page.content.decode()
    assert client.post(url, {"step": "stage", "direction": "advance"}).status_code == 403
    assert client.get(reverse("renovation:project_handover", args=[project.pk])).status_code == 403
    project.refresh_from_db()
    assert project.stage == Project.Stage.PLAN


def test_an_admin_moves_the_stage_and_answers_on_the_page(world, client_for, project):
    client = client_for("community_admin")
    url = reverse("renovation:project_detail", args=[project.pk])
    comment = Comment.objects.get()
    assert client.post(url, {"step": "answer", "comment": comment.pk, "body": "屋顶防水已列入方案"}).status_code == 302
    assert client.post(url, {"step": "stage", "direction": "advance", "note": "开工"}).status_code == 302
    project.refresh_from_db()
    assert project.stage == Project.Stage.WORKS
    response = client.post(url, {"step": "stage", "direction": "back", "note": ""})
    assert response.status_code == 200 and "退回上一阶段须说明理由" in response.content.decode()
    project.refresh_from_db()
    assert project.stage == Project.Stage.WORKS


def test_an_admin_creates_a_facility_from_the_project_page(world, client_for, project):
    client = client_for("community_admin")
    url = reverse("renovation:project_detail", args=[project.pk])
    assert client.post(url, {"step": "create", "kind": "lift", "name": "1栋1单元电梯"}).status_code == 302
    assert project.facility_links.get().facility.name == "1栋1单元电梯"


def test_the_public_page_masks_names_and_numbers_and_shows_the_answer(world, client_for, project):
    services.answer_add(comment=Comment.objects.get(), actor=world.community_admin, body="屋顶防水已列入方案")
    body = client_for("resident_a").get(reverse("renovation:project_public", args=[project.pk])).content.decode()
    assert "周莲秀" not in body and "13812345678" not in body
    assert "周**" in body and "屋顶防水已列入方案" in body and "加装电梯、更换供水管网" in body


def test_a_resident_comments_on_the_public_page(world, client_for, project):
    client = client_for("resident_a")
    url = reverse("renovation:project_public", args=[project.pk])
    assert client.post(url, {"body": "楼道灯也要换"}).status_code == 302
    assert list(Comment.objects.order_by("pk").values_list("body", flat=True))[-1] == "楼道灯也要换"


def test_staff_cannot_comment_as_residents(world, client_for, project):
    assert client_for("manager_a").post(reverse("renovation:project_public", args=[project.pk]),
                                        {"body": "x"}).status_code == 403
    assert Comment.objects.count() == 1


def test_a_community_admin_creates_a_project(world, client_for):
    client = client_for("community_admin")
    response = client.post(reverse("renovation:project_new"), {"estate": world.estate_a.pk, "title": "锦霞小区二期"})
    assert response.status_code == 302
    assert Project.objects.get().title == "锦霞小区二期"
    assert client_for("manager_a").get(reverse("renovation:project_new")).status_code == 403


def test_the_handover_page_records_the_manager_and_the_plan(world, client_for):
    p = services.project_create(estate=world.estate_b, title="新工宿舍改造", actor=world.street_admin)
    for _ in range(3):
        p = services.project_advance(project=p, actor=world.street_admin, plan="方案")
    motion = passed_hire_motion(world.estate_b, mode="custodian", provider=world.custodian)
    response = client_for("street_admin").post(reverse("renovation:project_handover", args=[p.pk]), {
        "estates": [world.estate_b.pk], "mode": "custodian", "provider": world.custodian.pk, "motions": [motion.pk],
        "start": "2026-07-01",
        "fee_name": "物业服务费", "fee_basis": "per_home", "fee_rate": "10", "grace_months": "3",
        "fee_decision": "街道文件"})
    assert response.status_code == 302
    p.refresh_from_db()
    plan = p.estate_rows.get().fee_plan
    assert (p.stage, plan.grace_months, plan.rate) == ("handover", 3, Decimal("10.00"))


def test_only_the_street_opens_the_emergency_form(world, client_for):
    assert client_for("community_admin").get(reverse("renovation:emergency_new")).status_code == 403
    assert client_for("street_admin").get(reverse("renovation:emergency_new")).status_code == 200


def test_the_street_appoints_on_the_page(world, client_for):
    today = timezone.localdate()
    response = client_for("street_admin").post(reverse("renovation:emergency_new"), {
        "estate": world.estate_b.pk, "mode": "custodian", "provider": world.custodian.pk, "start": today.isoformat(),
        "end": (today + datetime.timedelta(days=365)).isoformat(), "document": "文件", "services": "供水",
        "costs": "8元"})
    assert response.status_code == 200 and "第七十七条" in response.content.decode()
    assert EmergencyService.objects.count() == 0


def test_the_emergency_notice_is_public_to_the_estates_residents(world, client_for, emergency):
    from linli.core.testing import make_user
    from linli.people.models import Membership, Occupancy, Person, Role

    person = Person.objects.create(name="黄德明")
    Occupancy.objects.create(person=person, home=world.home_b1, relation="owner")
    user = make_user("resident_b")
    user.person = person
    user.save()
    Membership.objects.create(user=user, role=Role.RESIDENT, estate=world.estate_b)
    body = client_for("resident_b").get(reverse("renovation:emergency_notice", args=[emergency.pk])).content.decode()
    assert "每户每月8元" in body and world.custodian.name in body
    assert client_for("resident_a").get(reverse("renovation:emergency_notice", args=[emergency.pk])).status_code == 404


def test_the_estate_page_links_to_renovation(world, client_for, project):
    body = client_for("resident_a").get(reverse("places:estate_detail", args=[world.estate_a.pk])).content.decode()
    assert reverse("renovation:estate", args=[world.estate_a.pk]) in body
    page = client_for("resident_a").get(reverse("renovation:estate", args=[world.estate_a.pk])).content.decode()
    assert reverse("renovation:project_public", args=[project.pk]) in page


def test_a_read_only_role_cannot_link_a_selection_case(world, client_for, emergency):
    url = reverse("renovation:emergency_detail", args=[emergency.pk])
    assert client_for("auditor").get(url).status_code == 200
    assert client_for("auditor").post(url, {"selection_case": emergency.selection_case_id}).status_code == 403


def test_the_index_filters_projects_by_stage(world, client_for, project):
    services.project_create(estate=world.estate_a, title="锦霞小区二期", actor=world.community_admin)
    client = client_for("community_admin")
    table = client.get(reverse("renovation:index") + "?stage=plan").content.decode().split('id="projects"')[1]
    assert "锦霞小区综合整治" in table and "锦霞小区二期" not in table
