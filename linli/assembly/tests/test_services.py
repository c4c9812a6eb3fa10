"""Meetings, motions, ballots and notices: the rules of the vote as state changes."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from linli.assembly import services
from linli.assembly.models import (
    Ballot,
    BallotEvent,
    Elector,
    Meeting,
    MeetingEvent,
    Motion,
    MotionEvent,
    Notice,
)
from linli.core.testing import DAY, after_close, open_motion, sheet
from linli.people.actors import system_actor
from linli.people.models import Occupancy, Person
from linli.places.models import Building, Home

TODAY = datetime.date(2026, 6, 1)


# -- meetings ----------------------------------------------------------------------------------------------


def test_an_assembly_can_meet_fifteen_days_after_the_notice(world):
    m = services.meeting_schedule(kind="assembly", level="estate", title="业主大会", estate=world.estate_a,
                                  notified_on=TODAY, held_on=TODAY + datetime.timedelta(days=15),
                                  actor=world.community_admin)
    assert (m.division, m.status) == (world.c1, "planned")
    assert list(m.events.values_list("kind", flat=True)) == ["notified"]


def test_an_assembly_cannot_meet_fourteen_days_after_the_notice(world):
    with pytest.raises(ValidationError, match="15日以前"):
        services.meeting_schedule(kind="assembly", level="estate", title="业主大会", estate=world.estate_a,
                                  notified_on=TODAY, held_on=TODAY + datetime.timedelta(days=14),
                                  actor=world.community_admin)
    assert Meeting.objects.count() == 0


def test_a_round_table_can_meet_the_next_day_at_community_level(world):
    m = services.meeting_schedule(kind="round_table", level="community", title="停车难", division=world.c1,
                                  notified_on=TODAY, held_on=TODAY + DAY, actor=world.community_admin)
    assert (m.estate, m.division) == (None, world.c1)


def test_a_building_meeting_belongs_to_the_estate_of_its_building(world):
    m = services.meeting_schedule(kind="neighbours", level="building", title="楼道堆物", building=world.building_a,
                                  notified_on=TODAY, held_on=TODAY, actor=world.community_admin)
    assert (m.estate, m.division) == (world.estate_a, world.c1)


def test_a_street_meeting_needs_a_street(world):
    with pytest.raises(ValidationError, match="街道层级"):
        services.meeting_schedule(kind="party_mass", level="street", title="x", division=world.c1,
                                  notified_on=TODAY, held_on=TODAY, actor=world.street_admin)


def test_minutes_attendance_decisions_and_tasks_are_recorded_with_events(world):
    m = services.meeting_schedule(kind="hearing", level="estate", title="噪音扰民", estate=world.estate_a,
                                  notified_on=TODAY, held_on=TODAY, actor=world.community_admin)
    services.meeting_record(meeting=m, minutes="居民反映夜间施工噪音。", attendees=[("周莲秀", "业主"),
                            ("城管局", "职能部门")], decisions=["夜间22点后禁止施工"], actor=world.community_admin)
    decision = m.decisions.get()
    task = services.task_add(meeting=m, decision=decision, title="张贴禁止夜间施工告示", assignee="物业",
                             due=TODAY + DAY, actor=world.community_admin)
    services.task_done(task=task, actor=world.community_admin)
    assert [a.name for a in m.attendance.all()] == ["周莲秀", "城管局"]
    assert list(MeetingEvent.objects.filter(meeting=m).values_list("kind", flat=True)) == [
        "notified", "held", "decision", "task", "task_done"]
    assert task.status == "done" and task.work_order_ref == ""


def test_a_meeting_entered_later_carries_the_time_of_each_step(world):
    notified = timezone.now() - 30 * DAY
    held = notified + 7 * DAY
    m = services.meeting_schedule(kind="hearing", level="estate", title="噪音扰民", estate=world.estate_a,
                                  notified_on=notified.date(), held_on=held.date(), actor=world.community_admin,
                                  now=notified)
    services.meeting_record(meeting=m, minutes="居民反映夜间施工噪音。", attendees=[("周莲秀", "业主")],
                            decisions=["夜间22点后禁止施工"], actor=world.community_admin, now=held)
    task = services.task_add(meeting=m, decision=m.decisions.get(), title="张贴告示", assignee="物业",
                             due=held.date() + DAY, actor=world.community_admin, now=held)
    services.task_done(task=task, actor=world.community_admin, now=held + DAY)
    m.refresh_from_db()
    assert m.created_at == notified and m.decisions.get().created_at == held
    assert list(m.events.order_by("pk").values_list("kind", "at")) == [
        ("notified", notified), ("held", held), ("decision", held), ("task", held), ("task_done", held + DAY)]


def test_minutes_cannot_be_recorded_twice(world):
    m = services.meeting_schedule(kind="hearing", level="estate", title="x", estate=world.estate_a,
                                  notified_on=TODAY, held_on=TODAY, actor=world.community_admin)
    services.meeting_record(meeting=m, minutes="a", attendees=[("a", "")], actor=world.community_admin)
    with pytest.raises(ValidationError, match="已登记"):
        services.meeting_record(meeting=m, minutes="b", attendees=[("b", "")], actor=world.community_admin)
    assert Meeting.objects.get().minutes == "a"


# -- the electorate --------------------------------------------------------------------------------------


def test_the_electorate_is_one_owner_per_home_from_the_registry(world):
    motion = open_motion(world)
    assert [(e.label, e.area) for e in motion.electors.order_by("id")] == [
        ("周莲秀", Decimal("62.50")), ("李建国", Decimal("48.00"))]


def test_a_person_with_two_homes_is_one_elector_with_both_areas(world):
    home = Home.objects.create(building=world.building_a, entrance="1", floor=2, number="201", area=Decimal("30.25"))
    Occupancy.objects.create(person=world.resident, home=home, relation="owner")
    motion = open_motion(world)
    elector = motion.electors.get(persons=world.resident)
    assert (elector.area, elector.homes.count()) == (Decimal("92.75"), 2)
    assert motion.electors.count() == 2


def test_co_owners_of_a_home_are_one_elector_and_either_may_vote(world):
    spouse = Person.objects.create(name="陈大明")
    Occupancy.objects.create(person=spouse, home=world.home_a1, relation="co_owner")
    motion = open_motion(world)
    elector = motion.electors.get(persons=world.resident)
    assert sorted(p.name for p in elector.persons.all()) == ["周莲秀", "陈大明"]
    assert elector.label in ("周莲秀、陈大明", "陈大明、周莲秀")
    assert motion.electors.count() == 2


def test_the_developers_unsold_homes_are_one_elector(world):
    b2 = Building.objects.create(estate=world.estate_a, number="2栋")
    unsold = [Home.objects.create(building=b2, number=str(n), area=Decimal("50")) for n in (101, 102, 103)]
    motion = open_motion(world, developer_home_ids=[h.pk for h in unsold])
    dev = motion.electors.get(is_developer=True)
    assert (dev.key, dev.area, dev.homes.count()) == ("developer", Decimal("150.00"), 3)
    assert motion.electors.count() == 3


def test_a_home_without_a_registered_owner_still_counts_as_one_owner(world):
    motion = open_motion(world, estate=world.estate_b)
    assert [(e.key, e.area) for e in motion.electors.all()] == [(f"h{world.home_b1.pk}", Decimal("40.00"))]


def test_a_tenant_is_not_an_elector(world):
    tenant = Person.objects.create(name="租客")
    Occupancy.objects.create(person=tenant, home=world.home_a2, relation="tenant")
    motion = open_motion(world)
    assert not Elector.objects.filter(motion=motion, persons=tenant).exists()


# -- ballots -----------------------------------------------------------------------------------------------


def test_a_resident_votes_online_for_their_own_home_and_may_change_until_the_close(world):
    motion = open_motion(world)
    mine = services.electors_of(motion, world.resident_a).get()
    first = services.ballot_cast(motion=motion, elector=mine, choice="against", actor=world.resident_a)
    ballot = services.ballot_cast(motion=motion, elector=mine, choice="for", actor=world.resident_a,
                                  replaces=first.current_id)
    assert (ballot.choice, ballot.channel) == ("for", "online")
    assert Ballot.objects.count() == 1
    assert list(ballot.events.values_list("kind", "choice")) == [("cast", "against"), ("changed", "for")]


def test_a_resident_cannot_vote_for_a_neighbours_home(world):
    motion = open_motion(world)
    theirs = motion.electors.get(persons=world.neighbour)
    with pytest.raises(ValidationError, match="只能为自己名下的房屋投票"):
        services.ballot_cast(motion=motion, elector=theirs, choice="for", actor=world.resident_a)
    assert Ballot.objects.count() == 0


def test_a_paper_ballot_needs_the_scanned_sheet(world):
    motion = open_motion(world)
    elector = motion.electors.get(persons=world.neighbour)
    with pytest.raises(ValidationError, match="扫描件"):
        services.ballot_cast(motion=motion, elector=elector, choice="for", actor=world.street_admin, channel="paper")
    ballot = services.ballot_cast(motion=motion, elector=elector, choice="for", actor=world.street_admin,
                                  channel="paper", sheet=sheet())
    assert ballot.current.sheet.name.startswith(f"assembly/ballots/{motion.pk}/ballot")


def test_nobody_votes_after_the_close(world):
    motion = open_motion(world)
    mine = services.electors_of(motion, world.resident_a).get()
    with pytest.raises(ValidationError, match="已截止"):
        services.ballot_cast(motion=motion, elector=mine, choice="for", actor=world.resident_a,
                             now=after_close(motion))
    assert BallotEvent.objects.count() == 0


def test_a_motion_cannot_be_counted_before_its_deadline(world):
    motion = open_motion(world)
    with pytest.raises(ValidationError, match="截止时间未到"):
        services.motion_close(motion=motion, actor=world.street_admin)
    assert Motion.objects.get().status == "open"


def test_closing_counts_the_vote_and_posts_the_result_as_a_notice_the_same_day(world):
    motion = open_motion(world)
    services.ballot_cast(motion=motion, elector=services.electors_of(motion, world.resident_a).get(), choice="for",
                         actor=world.resident_a)
    services.ballot_cast(motion=motion, elector=motion.electors.get(persons=world.neighbour), choice="abstain",
                         actor=world.street_admin, channel="paper", sheet=sheet())
    closed = services.motion_close(motion=motion, actor=world.street_admin, now=after_close(motion))
    # Both took part; 62.50 of 110.50 m² agreed (> 1/2) but 1 of 2 owners is exactly half: not approved.
    assert (closed.status, closed.quorum_met, closed.approved) == ("closed", True, False)
    assert (closed.voting_area, closed.for_area, closed.for_owners, closed.voting_owners) == (
        Decimal("110.50"), Decimal("62.50"), 1, 2)
    assert "同意人数 50.0%（1/2 人）≤ 1/2，未达到" in closed.explanation
    notice = Notice.objects.get(motion=motion)
    assert notice.title == "表决结果公示：选聘物业服务企业（未通过）"
    assert closed.explanation in notice.body
    assert notice.posted_on == timezone.localdate(after_close(motion)) and notice.created_at == after_close(motion)
    assert notice.estate == world.estate_a
    assert list(MotionEvent.objects.filter(motion=motion).order_by("id").values_list("kind", flat=True)) == [
        "created", "opened", "closed"]


def test_close_due_motions_closes_each_once(world):
    motion = open_motion(world)
    later = after_close(motion)
    assert [m.pk for m in services.close_due_motions(actor=system_actor(), now=later)] == [motion.pk]
    assert services.close_due_motions(actor=system_actor(), now=later) == []
    assert Notice.objects.count() == 1
