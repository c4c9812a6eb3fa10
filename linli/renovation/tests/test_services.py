"""The rules of renovation projects and emergency property services, each with its refusals (docs/renovation.md)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.assembly.models import Notice, SelectionCase
from linli.facilities.models import Facility
from linli.fees.models import Bill
from linli.fees.services import bill_period
from linli.notify.models import Notification
from linli.places.models import Stewardship
from linli.places.services import emergency_latest_end
from linli.renovation import services
from linli.renovation.models import Answer, Comment, EmergencyService, Project, ProjectEvent, ProjectFacility

from .conftest import passed_hire_motion

D = datetime.date


def project_a(world, **kw):
    return services.project_create(estate=world.estate_a, title="锦霞小区综合整治", actor=world.community_admin, **kw)


def to_stage(project, stage, actor):
    while project.stage != stage:
        project = services.project_advance(project=project, actor=actor, plan="加装电梯、更换管网、路面铺装")
    return project


# -- stages ---------------------------------------------------------------------------------------------------


def test_a_new_project_starts_by_gathering_needs_and_records_who_created_it(world):
    project = project_a(world)
    assert project.stage == Project.Stage.NEEDS
    event = project.events.get()
    assert (event.kind, event.actor) == (ProjectEvent.Kind.CREATED, world.community_admin)


def test_stages_move_forward_one_at_a_time_each_an_event(world):
    project = project_a(world)
    project = services.project_advance(project=project, actor=world.community_admin, plan="方案一", note="需求已汇总")
    project = services.project_advance(project=project, actor=world.street_admin)
    project = services.project_advance(project=project, actor=world.community_admin)
    assert project.stage == Project.Stage.ACCEPTANCE
    moves = [(e.data["from"], e.data["to"]) for e in project.events.filter(kind=ProjectEvent.Kind.ADVANCED)]
    assert moves == [("needs", "plan"), ("plan", "works"), ("works", "acceptance")]
    assert project.events.filter(kind="advanced").first().note == "需求已汇总"


def test_the_plan_stage_needs_the_plan_text(world):
    project = project_a(world)
    with pytest.raises(ValidationError) as exc:
        services.project_advance(project=project, actor=world.community_admin)
    assert "plan" in exc.value.message_dict
    project.refresh_from_db()
    assert project.stage == Project.Stage.NEEDS


def test_the_handover_stage_is_reached_only_through_the_handover(world):
    project = to_stage(project_a(world), Project.Stage.ACCEPTANCE, world.community_admin)
    with pytest.raises(ValidationError) as exc:
        services.project_advance(project=project, actor=world.community_admin)
    assert "stage" in exc.value.message_dict
    project.refresh_from_db()
    assert project.stage == Project.Stage.ACCEPTANCE


def test_a_step_back_needs_a_reason_and_is_recorded_with_it(world):
    project = to_stage(project_a(world), Project.Stage.WORKS, world.community_admin)
    with pytest.raises(ValidationError) as exc:
        services.project_step_back(project=project, actor=world.community_admin, reason="  ")
    assert "reason" in exc.value.message_dict
    project = services.project_step_back(project=project, actor=world.community_admin, reason="居民意见较多，修改方案")
    assert project.stage == Project.Stage.PLAN
    event = project.events.get(kind=ProjectEvent.Kind.STEPPED_BACK)
    assert (event.note, event.data) == ("居民意见较多，修改方案", {"from": "works", "to": "plan"})


def test_the_first_stage_cannot_step_back(world):
    with pytest.raises(ValidationError) as exc:
        services.project_step_back(project=project_a(world), actor=world.community_admin, reason="x")
    assert "stage" in exc.value.message_dict


@pytest.mark.parametrize("name", ["manager_a", "auditor", "resident_a", "other_street_admin", "stranger"])
def test_only_the_areas_admins_manage_a_project(world, name):
    with pytest.raises(PermissionDenied):
        services.project_create(estate=world.estate_a, title="x", actor=getattr(world, name))
    project = project_a(world)
    with pytest.raises(PermissionDenied):
        services.project_advance(project=project, actor=getattr(world, name), plan="p")
    project.refresh_from_db()
    assert project.stage == Project.Stage.NEEDS


def test_a_survey_of_another_community_cannot_be_the_projects_needs(world):
    from linli.assembly.models import Survey

    survey = Survey.objects.create(title="新工社区意见征询", scope="community", community=world.c2,
                                   opens_on=D(2026, 1, 1), closes_on=D(2026, 1, 31), created_by=world.street_admin)
    with pytest.raises(ValidationError) as exc:
        project_a(world, survey=survey)
    assert "survey" in exc.value.message_dict
    own = Survey.objects.create(title="锦霞小区改造需求征询", scope="estate", community=world.c1, estate=world.estate_a,
                                opens_on=D(2026, 1, 1), closes_on=D(2026, 1, 31), created_by=world.street_admin)
    assert project_a(world, survey=own).survey == own


# -- comments and answers ------------------------------------------------------------------------------------------


def test_a_resident_comments_while_the_plan_is_published_and_staff_answer(world):
    project = to_stage(project_a(world), Project.Stage.PLAN, world.community_admin)
    comment = services.comment_add(project=project, actor=world.resident_a, body="希望加装电梯")
    answer = services.answer_add(comment=comment, actor=world.community_admin, body="已纳入方案，分单元征求意见")
    assert (comment.author_name, answer.comment) == ("周莲秀", comment)
    assert list(Answer.objects.values_list("body", flat=True)) == ["已纳入方案，分单元征求意见"]


def test_comments_are_refused_outside_the_plan_stage(world):
    project = project_a(world)
    with pytest.raises(ValidationError) as exc:
        services.comment_add(project=project, actor=world.resident_a, body="x")
    assert "body" in exc.value.message_dict
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("name", ["manager_a", "community_admin", "stranger"])
def test_only_the_estates_residents_comment(world, name):
    project = to_stage(project_a(world), Project.Stage.PLAN, world.community_admin)
    with pytest.raises(PermissionDenied):
        services.comment_add(project=project, actor=getattr(world, name), body="x")
    assert Comment.objects.count() == 0


def test_the_property_company_cannot_answer(world):
    project = to_stage(project_a(world), Project.Stage.PLAN, world.community_admin)
    comment = services.comment_add(project=project, actor=world.resident_a, body="x")
    with pytest.raises(PermissionDenied):
        services.answer_add(comment=comment, actor=world.manager_a, body="y")
    assert Answer.objects.count() == 0


def test_comments_and_answers_are_visible_to_the_estates_residents_only(world):
    project = to_stage(project_a(world), Project.Stage.PLAN, world.community_admin)
    services.comment_add(project=project, actor=world.resident_a, body="x")
    assert Comment.objects.visible_to(world.resident_a).count() == 1
    assert Comment.objects.visible_to(world.manager_a).count() == 1
    assert Comment.objects.visible_to(world.other_street_admin).count() == 0
    assert Comment.objects.visible_to(world.stranger).count() == 0


# -- facilities ------------------------------------------------------------------------------------------------------


def test_a_new_facility_is_created_with_its_kind_and_linked(world):
    project = project_a(world)
    link = services.facility_create(project=project, kind="lift", name="1栋1单元加装电梯", building=world.building_a,
                                    actor=world.community_admin)
    assert (link.action, link.facility.kind, link.facility.estate) == ("created", "lift", world.estate_a)
    assert project.events.filter(kind=ProjectEvent.Kind.FACILITY).count() == 1


def test_an_existing_facility_of_another_estate_cannot_be_linked(world):
    project = project_a(world)
    pump = Facility.objects.create(estate=world.estate_b, kind="pump", name="二次供水泵")
    with pytest.raises(ValidationError) as exc:
        services.facility_link(project=project, facility=pump, action="replaced", actor=world.community_admin)
    assert "facility" in exc.value.message_dict
    own = Facility.objects.create(estate=world.estate_a, kind="pump", name="二次供水泵")
    services.facility_link(project=project, facility=own, action="replaced", actor=world.community_admin)
    with pytest.raises(ValidationError):
        services.facility_link(project=project, facility=own, action="renovated", actor=world.community_admin)
    assert ProjectFacility.objects.count() == 1


# -- handover: 先服务后收费 -------------------------------------------------------------------------------------------


def project_b(world):
    project = services.project_create(estate=world.estate_b, title="新工宿舍改造", actor=world.street_admin)
    return to_stage(project, Project.Stage.ACCEPTANCE, world.street_admin)


def handover(world, project, **kw):
    kw.setdefault("motion", passed_hire_motion(world.estate_b, mode="custodian", provider=world.custodian))
    return services.project_handover(
        project=project, actor=world.street_admin, mode="custodian", provider=world.custodian, start=D(2026, 7, 1),
        fee_rate=Decimal("10"), grace_months=2, fee_decision="街道文件 九宫庙〔2026〕12号", **kw)


def test_the_handover_records_the_manager_on_the_owners_decision_and_the_plan_with_its_grace(lived_b):
    world = lived_b
    project = handover(world, project_b(world))
    assert project.stage == Project.Stage.HANDOVER
    handed = project.estate_rows.get()
    row = handed.stewardship
    assert (row.mode, row.provider, row.start, row.basis_kind) == ("custodian", world.custodian, D(2026, 7, 1),
                                                                   Stewardship.BasisKind.DECISION)
    assert row.basis_ref.startswith("motion:")
    plan = handed.fee_plan
    assert (plan.estate, plan.rate, plan.grace_months, plan.effective_from, plan.provider) == (
        world.estate_b, Decimal("10.00"), 2, D(2026, 7, 1), world.custodian)
    assert project.events.get(kind=ProjectEvent.Kind.HANDED_OVER).data["grace_months"] == 2


def test_billing_starts_only_after_the_grace_period(lived_b):
    world = lived_b
    handover(world, project_b(world))
    for period in ("2026-07", "2026-08"):
        bill_period(period=period, estate=world.estate_b, actor=world.street_admin)
    assert Bill.objects.count() == 0  # two months of service, no fee (先服务后收费)
    bill_period(period="2026-09", estate=world.estate_b, actor=world.street_admin)
    first = Bill.objects.get()
    assert (first.period, first.amount, first.home) == ("2026-09", Decimal("10.00"), world.home_b1)


def test_the_handover_needs_acceptance_first(world):
    project = services.project_create(estate=world.estate_b, title="x", actor=world.street_admin)
    with pytest.raises(ValidationError) as exc:
        handover(world, project)
    assert "stage" in exc.value.message_dict
    assert not Stewardship.objects.filter(estate=world.estate_b, mode="custodian").exists()


def test_the_handover_refuses_a_manager_other_than_the_owners_chose(world):
    project = project_b(world)
    motion = passed_hire_motion(world.estate_b, mode="market", provider=world.company)
    with pytest.raises(ValidationError) as exc:
        handover(world, project, motion=motion)
    assert "provider" in exc.value.message_dict
    project.refresh_from_db()
    assert (project.stage, project.estate_rows.get().stewardship) == (Project.Stage.ACCEPTANCE, None)


def test_the_handover_refuses_without_the_owners_decision(world):
    with pytest.raises(ValidationError) as exc:
        handover(world, project_b(world), motion=None)
    assert "motion" in exc.value.message_dict


def test_a_bundled_handover_rests_on_the_streets_arrangement(world):
    project = project_b(world)
    project = services.project_handover(
        project=project, actor=world.street_admin, mode="bundled", lead_estate=world.estate_a, provider=None,
        start=D(2026, 7, 1), fee_rate=Decimal("5"), grace_months=3, fee_decision="街道文件")
    row = project.estate_rows.get().stewardship
    assert (row.basis_kind, row.provider) == ("street", world.company)


# -- emergency property service (北京市物业管理条例 art. 77) -------------------------------------------------------------


def appoint(world, *, start=None, end=None, actor=None, **kw):
    start = start or timezone.localdate()
    kw.setdefault("services", "供水、垃圾清运、电梯运行")
    kw.setdefault("costs", "每户每月8元，由全体业主承担")
    return services.emergency_appoint(
        estate=world.estate_b, provider=world.custodian, mode="custodian", start=start,
        end=end or emergency_latest_end(start), document="九宫庙街道〔2026〕应急3号", actor=actor or world.street_admin,
        **kw)


def test_the_street_appoints_an_emergency_provider_with_a_notice_and_a_selection_case(world):
    service = appoint(world)
    row = service.stewardship
    assert (row.mode, row.provider, row.basis_kind, row.end) == (
        "custodian", world.custodian, "emergency", emergency_latest_end(timezone.localdate()))
    notice = Notice.objects.get(pk=service.notice_id)
    assert (notice.estate, notice.title) == (world.estate_b, "应急物业服务公示")
    assert "供水、垃圾清运、电梯运行" in notice.body and "每户每月8元" in notice.body
    case = service.selection_case
    assert (case.estate, case.status, case.deadline) == (world.estate_b, SelectionCase.Status.OPEN, row.end)


def test_an_emergency_service_lasts_six_months_at_most(world):
    start = D(2026, 8, 31)
    with pytest.raises(ValidationError) as exc:
        appoint(world, start=start, end=D(2027, 3, 1))
    assert "end" in exc.value.message_dict
    assert EmergencyService.objects.count() == 0
    assert appoint(world, start=start, end=D(2027, 2, 27)).end == D(2027, 2, 27)


def test_the_notice_needs_services_and_costs(world):
    with pytest.raises(ValidationError) as exc:
        appoint(world, costs=" ")
    assert "costs" in exc.value.message_dict


@pytest.mark.parametrize("name", ["community_admin", "manager_a", "other_street_admin", "resident_a"])
def test_only_the_street_appoints(world, name):
    with pytest.raises(PermissionDenied):
        appoint(world, actor=getattr(world, name))
    assert EmergencyService.objects.count() == 0


def test_an_open_selection_case_of_the_estate_is_linked_not_duplicated(world):
    from linli.assembly.services import selection_open

    case = selection_open(estate=world.estate_b, actor=world.street_admin,
                          deadline=timezone.localdate() + datetime.timedelta(days=90))
    assert appoint(world).selection_case == case
    assert SelectionCase.objects.count() == 1


def test_the_street_is_reminded_once_when_the_service_ends_within_thirty_days(world):
    today = timezone.localdate()
    service = appoint(world, start=today - datetime.timedelta(days=160), end=today + datetime.timedelta(days=20))
    assert services.remind_ending_emergencies(today=today) == 1
    assert services.remind_ending_emergencies(today=today + datetime.timedelta(days=1)) == 0
    sent = Notification.objects.get(user=world.street_admin)
    assert sent.key == f"renovation-emergency-ending:{service.pk}"
    assert world.estate_b.name in sent.title
    assert not Notification.objects.filter(user=world.community_admin).exists()


def test_no_reminder_while_the_end_is_more_than_thirty_days_away(world):
    appoint(world)  # six months
    assert services.remind_ending_emergencies() == 0
    assert Notification.objects.filter(key__startswith="renovation-").count() == 0


def test_the_daily_job_runs_the_reminder(world):
    from linli.renovation.tasks import remind_ending_emergencies

    today = timezone.localdate()
    appoint(world, start=today - datetime.timedelta(days=170), end=today + datetime.timedelta(days=5))
    assert remind_ending_emergencies.run() == {"reminded": 1}
