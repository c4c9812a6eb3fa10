"""The rules of inspection rounds (linli/facilities/rounds_services.py), each with its refusals."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.facilities import rounds_services as s
from linli.facilities.models import Facility, FacilityFault, FacilityRecord, Round, Route, Visit
from linli.workorders.models import WorkOrder


@pytest.fixture
def pump(world):
    return Facility.objects.create(estate=world.estate_a, building=world.building_a, kind=Facility.Kind.PUMP,
                                   name="二次供水水泵")


@pytest.fixture
def route(world, pump):
    r = s.route_create(estate=world.estate_a, name="设备巡检", frequency="daily", actor=world.manager_a)
    s.checkpoint_add(route=r, name="水泵房", facility=pump, actor=world.manager_a,
                     checklist=["无异响", "无渗漏"])
    s.checkpoint_add(route=r, name="大门", actor=world.manager_a, checklist=["道闸正常"])
    return r


# -- periods -----------------------------------------------------------------------------------------------------


def test_periods_are_the_day_the_week_from_monday_and_the_calendar_month():
    day = datetime.date(2026, 12, 10)  # a Thursday
    assert (s.period_start("daily", day), s.period_end("daily", day)) == (day, day)
    assert (s.period_start("weekly", day), s.period_end("weekly", datetime.date(2026, 12, 7))) == (
        datetime.date(2026, 12, 7), datetime.date(2026, 12, 13))
    assert (s.period_start("monthly", day), s.period_end("monthly", datetime.date(2026, 2, 1))) == (
        datetime.date(2026, 12, 1), datetime.date(2026, 2, 28))


# -- planning ----------------------------------------------------------------------------------------------------


def test_the_manager_of_the_current_provider_and_the_areas_admins_plan_routes(world):
    for name in ("manager_a", "community_admin", "street_admin"):
        r = s.route_create(estate=world.estate_a, name=f"路线 {name}", frequency="weekly", actor=world.users[name])
        assert r.created_by == world.users[name]
    assert Route.objects.count() == 3


@pytest.mark.parametrize("name", ["staff_a", "auditor", "resident_a", "other_street_admin", "stranger"])
def test_others_cannot_plan_a_route(world, name):
    with pytest.raises(PermissionDenied):
        s.route_create(estate=world.estate_a, name="路线", frequency="weekly", actor=world.users[name])
    assert not Route.objects.exists()


def test_a_route_needs_a_name_and_a_known_frequency(world):
    with pytest.raises(ValidationError) as e:
        s.route_create(estate=world.estate_a, name=" ", frequency="daily", actor=world.manager_a)
    assert "name" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        s.route_create(estate=world.estate_a, name="路线", frequency="hourly", actor=world.manager_a)
    assert "frequency" in e.value.message_dict


def test_checkpoints_are_numbered_in_order_and_take_the_facilitys_building(route, world, pump):
    points = list(route.checkpoints.all())
    assert [(c.position, c.name, c.building_id, c.facility_id) for c in points] == [
        (1, "水泵房", world.building_a.pk, pump.pk), (2, "大门", None, None)]
    assert points[0].checklist == ["无异响", "无渗漏"]


def test_checkpoint_tokens_are_random_and_long(route):
    tokens = list(route.checkpoints.values_list("token", flat=True))
    assert len(set(tokens)) == 2 and all(len(t) >= 22 for t in tokens)


def test_a_checkpoint_cannot_hold_a_facility_or_building_of_another_estate(world, route):
    far = Facility.objects.create(estate=world.estate_far, kind=Facility.Kind.PUMP, name="别处的水泵")
    with pytest.raises(ValidationError) as e:
        s.checkpoint_add(route=route, name="x", facility=far, actor=world.manager_a)
    assert "facility" in e.value.message_dict
    from linli.places.models import Building

    with pytest.raises(ValidationError) as e:
        s.checkpoint_add(route=route, name="x", building=Building.objects.get(estate=world.estate_b),
                         actor=world.manager_a)
    assert "building" in e.value.message_dict
    assert route.checkpoints.count() == 2


@pytest.mark.parametrize("kind", [Facility.Kind.LIFT, Facility.Kind.FIRE])
def test_a_lift_or_fire_equipment_cannot_join_a_route_run_less_than_daily_art_88(world, kind):
    weekly = s.route_create(estate=world.estate_a, name="楼栋巡检", frequency="weekly", actor=world.manager_a)
    item = Facility.objects.create(estate=world.estate_a, kind=kind, name="1栋设备")
    with pytest.raises(ValidationError, match="第八十八条") as e:
        s.checkpoint_add(route=weekly, name="1栋", facility=item, actor=world.manager_a)
    assert "facility" in e.value.message_dict
    assert not weekly.checkpoints.exists()


def test_a_route_with_fire_equipment_cannot_be_rescheduled_weekly_but_one_without_can(world, route):
    s.route_schedule(route=route, frequency="weekly", actor=world.manager_a)  # a pump: no floor
    route.refresh_from_db()
    assert route.frequency == "weekly"
    s.route_schedule(route=route, frequency="daily", actor=world.manager_a)
    fire = Facility.objects.create(estate=world.estate_a, kind=Facility.Kind.FIRE, name="消火栓")
    s.checkpoint_add(route=route, name="消火栓", facility=fire, actor=world.manager_a)
    with pytest.raises(ValidationError, match="第八十八条") as e:
        s.route_schedule(route=route, frequency="monthly", actor=world.manager_a)
    assert "frequency" in e.value.message_dict
    route.refresh_from_db()
    assert route.frequency == "daily"


def test_most_spaced_allowed_is_daily_for_lifts_and_fire_and_monthly_otherwise():
    assert s.most_spaced_allowed({"pump", "gate"}) == "monthly"
    assert s.most_spaced_allowed({"pump", "lift"}) == "daily"
    assert s.most_spaced_allowed({"fire"}) == "daily"


# -- walking -----------------------------------------------------------------------------------------------------


def test_starting_twice_in_a_period_returns_the_round_in_progress(world, route):
    first = s.round_start(route=route, actor=world.staff_a)
    again = s.round_start(route=route, actor=world.manager_a)
    assert first == again and Round.objects.count() == 1
    assert (first.period_start, first.status, first.started_by) == (timezone.localdate(), "in_progress",
                                                                     world.staff_a)


@pytest.mark.parametrize("name", ["auditor", "resident_a", "other_street_admin", "stranger", "department_handler"])
def test_only_the_providers_people_and_the_areas_admins_walk_rounds(world, route, name):
    with pytest.raises(PermissionDenied):
        s.round_start(route=route, actor=world.users[name])
    assert not Round.objects.exists()


def test_a_route_without_checkpoints_cannot_be_walked(world):
    empty = s.route_create(estate=world.estate_a, name="空路线", frequency="daily", actor=world.manager_a)
    with pytest.raises(ValidationError, match="还没有检查点"):
        s.round_start(route=empty, actor=world.staff_a)


def test_a_fine_check_at_a_facility_writes_a_patrol_record_ok(world, route, pump):
    rnd = s.round_start(route=route, actor=world.staff_a)
    cp = route.checkpoints.get(position=1)
    visit = s.visit_record(round=rnd, checkpoint=cp, key="k1", ticked=[0, 1], actor=world.staff_a)
    assert (visit.ok, visit.ticked, visit.order, visit.out_of_order) == (True, [0, 1], None, False)
    record = FacilityRecord.objects.get()
    assert (record.facility, record.kind, record.result, record.recorded_by) == (pump, "patrol", "ok", world.staff_a)
    assert not WorkOrder.objects.exists()


def test_a_fine_check_without_a_facility_writes_no_facility_record(world, route):
    rnd = s.round_start(route=route, actor=world.staff_a)
    s.visit_record(round=rnd, checkpoint=route.checkpoints.get(position=1), key="k1", actor=world.staff_a)
    s.visit_record(round=rnd, checkpoint=route.checkpoints.get(position=2), key="k2", actor=world.staff_a)
    assert FacilityRecord.objects.count() == 1


def test_a_problem_becomes_a_patrol_work_order_linked_to_the_facility_in_one_step(desk, route, pump):
    rnd = s.round_start(route=route, actor=desk.staff_a)
    cp = route.checkpoints.get(position=1)
    visit = s.visit_record(round=rnd, checkpoint=cp, key="k1", ok=False, note="水泵漏水，地面积水",
                           actor=desk.staff_a)
    order = WorkOrder.objects.get()
    assert visit.order == order
    assert (order.channel, order.kind, order.estate, order.building) == ("patrol", "report", desk.estate_a,
                                                                          desk.building_a)
    assert "水泵漏水，地面积水" in order.text and "二次供水水泵" in order.text
    fault = FacilityFault.objects.get()
    assert (fault.facility, fault.order, fault.source, fault.linked_by) == (pump, order, "patrol", desk.staff_a)
    record = FacilityRecord.objects.get()
    assert (record.kind, record.result, record.note) == ("patrol", "problem", "水泵漏水，地面积水")


def test_a_problem_needs_a_description(world, route):
    rnd = s.round_start(route=route, actor=world.staff_a)
    with pytest.raises(ValidationError) as e:
        s.visit_record(round=rnd, checkpoint=route.checkpoints.first(), key="k1", ok=False, actor=world.staff_a)
    assert "note" in e.value.message_dict
    assert not Visit.objects.exists() and not WorkOrder.objects.exists()


def test_ticks_must_name_items_of_the_checklist(world, route):
    rnd = s.round_start(route=route, actor=world.staff_a)
    with pytest.raises(ValidationError) as e:
        s.visit_record(round=rnd, checkpoint=route.checkpoints.get(position=2), key="k1", ticked=[1],
                       actor=world.staff_a)
    assert "ticked" in e.value.message_dict
    assert not Visit.objects.exists()


def test_a_resend_with_the_same_key_is_recorded_once(desk, route):
    rnd = s.round_start(route=route, actor=desk.staff_a)
    cp = route.checkpoints.get(position=1)
    first = s.visit_record(round=rnd, checkpoint=cp, key="phone-1", ok=False, note="漏水", actor=desk.staff_a)
    again = s.visit_record(round=rnd, checkpoint=cp, key="phone-1", ok=False, note="漏水", actor=desk.staff_a)
    assert first == again
    assert (Visit.objects.count(), WorkOrder.objects.count(), FacilityFault.objects.count(),
            FacilityRecord.objects.count()) == (1, 1, 1, 1)


def test_a_second_visit_of_a_checkpoint_under_another_key_is_refused(world, route):
    rnd = s.round_start(route=route, actor=world.staff_a)
    cp = route.checkpoints.get(position=1)
    s.visit_record(round=rnd, checkpoint=cp, key="a", actor=world.staff_a)
    with pytest.raises(ValidationError) as e:
        s.visit_record(round=rnd, checkpoint=cp, key="b", actor=world.staff_a)
    assert "checkpoint" in e.value.message_dict
    assert Visit.objects.count() == 1


def test_a_key_used_for_another_checkpoint_is_refused(world, route):
    rnd = s.round_start(route=route, actor=world.staff_a)
    s.visit_record(round=rnd, checkpoint=route.checkpoints.get(position=1), key="a", actor=world.staff_a)
    with pytest.raises(ValidationError) as e:
        s.visit_record(round=rnd, checkpoint=route.checkpoints.get(position=2), key="a", actor=world.staff_a)
    assert "key" in e.value.message_dict


def test_a_checkpoint_of_another_route_is_refused(world, route):
    other = s.route_create(estate=world.estate_a, name="另一条", frequency="daily", actor=world.manager_a)
    cp = s.checkpoint_add(route=other, name="别处", actor=world.manager_a)
    rnd = s.round_start(route=route, actor=world.staff_a)
    with pytest.raises(ValidationError) as e:
        s.visit_record(round=rnd, checkpoint=cp, key="a", actor=world.staff_a)
    assert "checkpoint" in e.value.message_dict


def test_visiting_a_later_checkpoint_first_flags_the_visit_and_the_round_out_of_order(world, route):
    rnd = s.round_start(route=route, actor=world.staff_a)
    late = s.visit_record(round=rnd, checkpoint=route.checkpoints.get(position=2), key="b", actor=world.staff_a)
    early = s.visit_record(round=rnd, checkpoint=route.checkpoints.get(position=1), key="a", actor=world.staff_a)
    rnd.refresh_from_db()
    assert (late.out_of_order, early.out_of_order, rnd.out_of_order) == (True, False, True)


def test_visiting_in_order_flags_nothing(world, route):
    rnd = s.round_start(route=route, actor=world.staff_a)
    for cp in route.checkpoints.all():
        s.visit_record(round=rnd, checkpoint=cp, key=f"k{cp.pk}", actor=world.staff_a)
    rnd.refresh_from_db()
    assert rnd.out_of_order is False


def test_a_round_finishes_only_when_every_checkpoint_was_visited(world, route):
    rnd = s.round_start(route=route, actor=world.staff_a)
    s.visit_record(round=rnd, checkpoint=route.checkpoints.get(position=1), key="a", actor=world.staff_a)
    with pytest.raises(ValidationError, match="大门") as e:
        s.round_finish(round=rnd, actor=world.staff_a)
    assert "round" in e.value.message_dict
    rnd.refresh_from_db()
    assert rnd.status == "in_progress"
    s.visit_record(round=rnd, checkpoint=route.checkpoints.get(position=2), key="b", actor=world.staff_a)
    done = s.round_finish(round=rnd, actor=world.staff_a)
    assert done.status == "done" and done.finished_at is not None


def test_a_finished_round_takes_no_more_visits_and_cannot_be_started_again(world, route):
    rnd = s.round_start(route=route, actor=world.staff_a)
    for cp in route.checkpoints.all():
        s.visit_record(round=rnd, checkpoint=cp, key=f"k{cp.pk}", actor=world.staff_a)
    s.round_finish(round=rnd, actor=world.staff_a)
    with pytest.raises(ValidationError, match="已经完成"):
        s.round_start(route=route, actor=world.staff_a)
    rnd.refresh_from_db()
    cp = route.checkpoints.get(position=1)
    other = s.checkpoint_add(route=route, name="新点", actor=world.manager_a)
    with pytest.raises(ValidationError) as e:
        s.visit_record(round=rnd, checkpoint=other, key="late", actor=world.staff_a)
    assert "round" in e.value.message_dict


def test_a_retired_route_cannot_be_walked_or_extended(world, route):
    s.route_retire(route=route, actor=world.manager_a)
    route.refresh_from_db()
    with pytest.raises(ValidationError, match="停用"):
        s.round_start(route=route, actor=world.staff_a)
    with pytest.raises(ValidationError, match="停用"):
        s.checkpoint_add(route=route, name="x", actor=world.manager_a)


def test_a_change_of_frequency_keeps_the_missed_periods_of_the_old_schedule(world):
    from linli.facilities import rounds_selectors as sel

    today = timezone.localdate()
    r = s.route_create(estate=world.estate_a, name="楼道巡检", frequency="daily", actor=world.manager_a,
                       starts_on=today - datetime.timedelta(days=10))
    s.checkpoint_add(route=r, name="1栋楼道", actor=world.manager_a)
    s.route_schedule(route=r, frequency="weekly", actor=world.manager_a)
    r.refresh_from_db()
    monday = s.period_start("weekly", today)
    assert r.starts_on == (monday if monday == today else monday + datetime.timedelta(days=7))
    assert [(e["frequency"], e["until"]) for e in r.earlier_schedules] == [("daily", today.isoformat())]
    before = sel.periods(r, today - datetime.timedelta(days=10), today - datetime.timedelta(days=1))
    assert len(before) == 10 and not any(p.done for p in before)  # still due, still missed
    after = sel.periods(r, r.starts_on, r.starts_on + datetime.timedelta(days=13))
    assert [(p.start, p.end - p.start) for p in after] == [(r.starts_on, datetime.timedelta(days=6)),
                                                          (r.starts_on + datetime.timedelta(days=7),
                                                           datetime.timedelta(days=6))]
