"""Every state change of owners' decisions checks its caller itself (linli/assembly/permissions.py): a read-only
role, a staff member who does not run the estate's votes, an admin of another street and nobody (``None``) are
refused by the service, whatever door they come through, and nothing changes."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from linli.assembly import services
from linli.assembly.models import Ballot, FollowUpTask, Meeting, MeetingEvent, Motion, Notice, SelectionCase
from linli.core.testing import DAY, HOUR, after_close, open_motion, sheet
from linli.people.actors import system_actor

TODAY = datetime.date(2026, 6, 1)


def _meeting(w, status="planned"):
    m = services.meeting_schedule(kind="round_table", level="community", title="停车难", division=w.c1,
                                  notified_on=TODAY, held_on=TODAY + DAY, actor=w.community_admin)
    if status == "held":
        services.meeting_record(meeting=m, minutes="议定", attendees=[("张三", "居民")], actor=w.community_admin)
    return Meeting.objects.get(pk=m.pk)


def _task(w):
    return services.task_add(meeting=_meeting(w, "held"), title="清理楼道", assignee="物业", actor=w.community_admin)


def _draft(w):
    now = timezone.now()
    return services.motion_create(estate=w.estate_a, matter="hire_manager", title="选聘", opens_at=now - HOUR,
                                  closes_at=now - HOUR + 7 * DAY, actor=w.street_admin, manager_mode="market",
                                  provider=w.company, now=now - HOUR - 15 * DAY)


def _notice(w):
    return services.notice_post(title="停水通知", body="周六停水", scope="estate", estate=w.estate_a,
                                posted_on=TODAY, ends_on=TODAY + DAY, actor=w.community_admin)


def _case(w):
    return services.selection_open(estate=w.estate_b, actor=w.street_admin, deadline=timezone.localdate() + 30 * DAY)


def _elector(motion, w):
    return motion.electors.get(persons=w.neighbour)


def state():
    return (Meeting.objects.count(), MeetingEvent.objects.count(), FollowUpTask.objects.filter(status="done").count(),
            list(Motion.objects.values_list("status", flat=True)), Ballot.objects.count(),
            Notice.objects.count(), Notice.objects.filter(withdrawn_at__isnull=False).count(),
            SelectionCase.objects.count())


SERVICES = {
    "meeting_schedule": (lambda w: None, lambda w, o, a: services.meeting_schedule(
        kind="round_table", level="estate", title="x", estate=w.estate_a, notified_on=TODAY, held_on=TODAY + DAY,
        actor=a)),
    "meeting_record": (_meeting, lambda w, o, a: services.meeting_record(meeting=o, minutes="x", attendees=[],
                                                                         actor=a)),
    "meeting_decide": (lambda w: _meeting(w, "held"), lambda w, o, a: services.meeting_decide(meeting=o, text="x",
                                                                                              actor=a)),
    "task_add": (lambda w: _meeting(w, "held"), lambda w, o, a: services.task_add(meeting=o, title="x", assignee="y",
                                                                                  actor=a)),
    "task_done": (_task, lambda w, o, a: services.task_done(task=o, actor=a)),
    "task_to_work_order": (_task, lambda w, o, a: services.task_to_work_order(task=o, actor=a)),
    "motion_create": (lambda w: None, lambda w, o, a: services.motion_create(
        estate=w.estate_a, matter="hire_manager", title="x", opens_at=timezone.now(), closes_at=timezone.now() + DAY,
        actor=a)),
    "motion_open": (_draft, lambda w, o, a: services.motion_open(motion=o, actor=a)),
    "paper_ballot": (open_motion, lambda w, o, a: services.ballot_cast(
        motion=o, elector=_elector(o, w), choice="for", channel="paper", sheet=sheet(), actor=a)),
    "motion_close": (open_motion, lambda w, o, a: services.motion_close(motion=o, actor=a, now=after_close(o))),
    "notice_post": (lambda w: None, lambda w, o, a: services.notice_post(
        title="x", body="y", scope="estate", estate=w.estate_a, posted_on=TODAY, ends_on=TODAY, actor=a)),
    "notice_withdraw": (_notice, lambda w, o, a: services.notice_withdraw(notice=o, reason="x", actor=a)),
    "selection_open": (lambda w: None, lambda w, o, a: services.selection_open(estate=w.estate_b, actor=a,
                                                                               deadline=TODAY + DAY)),
    "selection_decide_mode": (_case, lambda w, o, a: services.selection_decide_mode(
        case=o, mode="self", motion=None, actor=a)),
}


@pytest.mark.parametrize("name", SERVICES)
@pytest.mark.parametrize("actor", [None, "auditor", "manager_a", "grid_worker", "resident_a", "other_street_admin"])
def test_a_caller_without_the_right_is_refused_by_the_service_and_nothing_changes(world, name, actor):
    setup, call = SERVICES[name]
    obj = setup(world)
    before = state()
    with pytest.raises(PermissionDenied):
        call(world, obj, getattr(world, actor) if actor else None)
    assert state() == before


def test_a_resident_cannot_enter_a_paper_ballot_for_a_neighbour(world):
    """Before: the service trusted its caller, and any signed-in owner could record a paper vote for another."""
    motion = open_motion(world)
    with pytest.raises(PermissionDenied, match="纸质票"):
        services.ballot_cast(motion=motion, elector=_elector(motion, world), choice="against", channel="paper",
                             sheet=sheet(), actor=world.resident_a)
    assert Ballot.objects.count() == 0


def test_the_system_closes_due_votes_but_cannot_enter_paper_ballots(world):
    motion = open_motion(world)
    with pytest.raises(PermissionDenied):
        services.ballot_cast(motion=motion, elector=_elector(motion, world), choice="for", channel="paper",
                             sheet=sheet(), actor=system_actor())
    closed = services.close_due_motions(actor=system_actor(), now=after_close(motion))
    assert [m.pk for m in closed] == [motion.pk]
    assert motion.events.get(kind="closed").actor == system_actor()


@pytest.mark.parametrize("fn", [services.close_due_motions, services.open_renewal_cases])
def test_the_machine_jobs_refuse_nobody(world, fn):
    with pytest.raises(PermissionDenied):
        fn(actor=None)


def test_renewal_cases_are_opened_only_in_the_estates_the_caller_may_write(world):
    today = timezone.localdate()
    assert services.open_renewal_cases(today, actor=world.other_street_admin) == []
    assert [c.estate for c in services.open_renewal_cases(today, actor=world.street_admin)] == [world.estate_a]


def test_only_residents_acknowledge_a_notice(world):
    notice = _notice(world)
    with pytest.raises(PermissionDenied):
        services.notice_acknowledge(notice=notice, user=world.manager_a)
    assert services.notice_acknowledge(notice=notice, user=world.resident_a).user == world.resident_a
