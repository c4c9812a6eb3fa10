"""Issue 19 (helper "linkage"): committee meetings convened by committee members (Beijing arts. 45, 57), the
recurring three-way meeting of an estate (三方联动, seed 004), and matters passed up a level (item 7)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from linli.assembly import services
from linli.assembly.models import Meeting, MeetingEvent, MeetingSeries, Referral
from linli.people.models import Organization, Person, Post
from linli.people.services import add_post

TODAY = timezone.localdate()


def committee_meeting(cworld, *, by=None, notified_on=None, held_on=None):
    notified_on = notified_on or TODAY - datetime.timedelta(days=6)
    return services.meeting_schedule(kind="committee", level="estate", title="第三次业委会会议", estate=cworld.estate_a,
                                     notified_on=notified_on, held_on=held_on or TODAY, agenda="审议保洁考核",
                                     actor=by or cworld.committee_chair)


# -- committee meetings -------------------------------------------------------------------------------------------


def test_a_committee_member_convenes_a_meeting_of_their_own_committee(cworld):
    meeting = committee_meeting(cworld, by=cworld.committee_member)
    assert (meeting.kind, meeting.body, meeting.estate) == ("committee", cworld.owners_committee, cworld.estate_a)


def test_a_committee_member_cannot_schedule_any_other_kind_of_meeting(cworld):
    with pytest.raises(PermissionDenied):
        services.meeting_schedule(kind="round_table", level="estate", title="圆桌会议", estate=cworld.estate_a,
                                  notified_on=TODAY, held_on=TODAY, actor=cworld.committee_chair)


def test_a_resident_or_another_estates_committee_cannot_convene_it(cworld):
    for who in (cworld.resident_a, cworld.stranger, cworld.staff_a):
        with pytest.raises(PermissionDenied):
            committee_meeting(cworld, by=who)
    assert Meeting.objects.count() == 0


def test_topics_reach_the_residents_committee_five_days_before_the_meeting(cworld):
    """Beijing art. 45(3)."""
    with pytest.raises(ValidationError) as exc:
        committee_meeting(cworld, notified_on=TODAY, held_on=TODAY + datetime.timedelta(days=4))
    assert "五日前" in str(exc.value)
    assert committee_meeting(cworld, notified_on=TODAY, held_on=TODAY + datetime.timedelta(days=5)).pk


def test_a_committee_not_on_record_is_entered_by_the_admins_as_any_meeting(cworld):
    """An estate whose committee Linli does not know (elected before Linli, no posts): the admins enter its
    meetings as before, without the member rules; no committee member has a say there."""
    meeting = services.meeting_schedule(kind="committee", level="estate", title="x", estate=cworld.estate_b,
                                        notified_on=TODAY, held_on=TODAY, actor=cworld.street_admin)
    assert meeting.body is None
    services.meeting_record(meeting=meeting, minutes="x", attendees=[("主任", "业委会")], actor=cworld.street_admin)
    with pytest.raises(PermissionDenied):
        services.meeting_schedule(kind="committee", level="estate", title="x", estate=cworld.estate_b,
                                  notified_on=TODAY, held_on=TODAY, actor=cworld.committee_chair)


def test_a_committee_meeting_is_held_only_with_more_than_half_of_its_members_present(cworld):
    """Beijing art. 45(2): two members, one present is not more than half; alternates do not count."""
    alternate = Person.objects.create(name="孙候补")
    add_post(person=alternate, organization=cworld.owners_committee, title="alternate", capacity="owner",
             starts_on=TODAY - datetime.timedelta(days=30))
    meeting = committee_meeting(cworld)
    with pytest.raises(ValidationError) as exc:
        services.meeting_record(meeting=meeting, minutes="讨论", attendees=[], actor=cworld.committee_chair,
                                members_present=[cworld.neighbour, alternate])
    assert "未过半数" in str(exc.value)
    meeting.refresh_from_db()
    assert meeting.status == "planned" and meeting.attendance.count() == 0
    services.meeting_record(meeting=meeting, minutes="讨论", attendees=[("社区代表", "居民委员会")],
                            actor=cworld.committee_chair, members_present=[cworld.neighbour, cworld.zhao])
    assert sorted(meeting.attendance.values_list("name", flat=True)) == ["李建国", "社区代表", "赵敏"]


def test_someone_who_is_not_a_member_cannot_attend_as_a_member(cworld):
    """No proxies (Beijing art. 45(2)): only the members themselves count."""
    meeting = committee_meeting(cworld)
    with pytest.raises(ValidationError):
        services.meeting_record(meeting=meeting, minutes="讨论", attendees=[], actor=cworld.committee_chair,
                                members_present=[cworld.neighbour, cworld.resident])


def test_a_pm_committee_needs_more_than_half_of_its_owner_representatives_too(cworld):
    """Beijing art. 57(2)."""
    body = Organization.objects.create(name="新工宿舍物业管理委员会", kind="pm_committee", estate=cworld.estate_b,
                                       division=cworld.c2)
    start = TODAY - datetime.timedelta(days=10)
    owners = [Person.objects.create(name=f"业主{i}") for i in range(4)]
    others = [Person.objects.create(name=f"居委会{i}") for i in range(3)]
    for p in owners:
        add_post(person=p, organization=body, title="member", capacity="owner", starts_on=start)
    for p in others:
        add_post(person=p, organization=body, title="member", capacity="residents_committee", starts_on=start)
    members = services.committee_members(body)
    # 5 of 7 members, but only 2 of the 4 owner representatives.
    assert "业主代表" in services.committee_quorum_problem(body, members, [p.pk for p in owners[:2] + others])
    assert services.committee_quorum_problem(body, members, [p.pk for p in owners[:3] + others[:1]]) == ""


def test_what_a_committee_settles_is_signed_by_more_than_half_of_its_members(cworld):
    """Beijing art. 45(4)."""
    meeting = committee_meeting(cworld)
    services.meeting_record(meeting=meeting, minutes="讨论", attendees=[], actor=cworld.committee_chair,
                            members_present=[cworld.neighbour, cworld.zhao])
    with pytest.raises(ValidationError) as exc:
        services.meeting_decide(meeting=meeting, text="续聘保洁", actor=cworld.committee_chair,
                                signatories=[cworld.neighbour])
    assert "过半数委员签字" in str(exc.value)
    decision = services.meeting_decide(meeting=meeting, text="续聘保洁", actor=cworld.committee_chair,
                                       signatories=[cworld.neighbour, cworld.zhao])
    assert sorted(decision.signatories.values_list("name", flat=True)) == ["李建国", "赵敏"]


def test_committee_meetings_are_seen_by_the_committee_and_the_areas_staff_only(cworld):
    meeting = committee_meeting(cworld)
    for who in ("committee_chair", "committee_member", "community_admin", "street_admin", "manager_a"):
        assert Meeting.objects.visible_to(cworld.users[who]).filter(pk=meeting.pk).exists(), who
    for who in ("resident_a", "stranger", "other_street_admin"):
        assert not Meeting.objects.visible_to(cworld.users[who]).filter(pk=meeting.pk).exists(), who


def test_a_committee_member_does_not_see_the_estates_other_meetings(cworld):
    other = services.meeting_schedule(kind="round_table", level="estate", title="圆桌会议", estate=cworld.estate_a,
                                      notified_on=TODAY, held_on=TODAY, actor=cworld.community_admin)
    assert not Meeting.objects.visible_to(cworld.committee_chair).filter(pk=other.pk).exists()


def test_the_chair_convenes_and_records_a_meeting_from_the_pages(cworld, client_for):
    client = client_for("committee_chair")
    assert client.get(reverse("assembly:committee_meetings")).status_code == 200
    assert client.get(reverse("assembly:committee_meeting_new")).status_code == 200
    response = client.post(reverse("assembly:committee_meeting_new"), {
        "estate": cworld.estate_a.pk, "title": "业委会例会", "agenda": "审议保洁考核",
        "notified_on": TODAY.isoformat(), "held_on": (TODAY + datetime.timedelta(days=2)).isoformat()})
    assert response.status_code == 200 and "五日前" in response.content.decode()
    response = client.post(reverse("assembly:committee_meeting_new"), {
        "estate": cworld.estate_a.pk, "title": "业委会例会", "agenda": "审议保洁考核",
        "notified_on": TODAY.isoformat(), "held_on": (TODAY + datetime.timedelta(days=5)).isoformat()})
    meeting = Meeting.objects.get(title="业委会例会")
    assert response.status_code == 302 and meeting.body == cworld.owners_committee
    page = client.get(reverse("assembly:meeting_detail", args=[meeting.pk]))
    assert page.status_code == 200 and "出席委员" in page.content.decode()
    client.post(reverse("assembly:meeting_minutes", args=[meeting.pk]), {
        "members_present": [cworld.neighbour.pk, cworld.zhao.pk], "minutes": "审议通过", "decisions": "续聘保洁",
        "signatories": [cworld.neighbour.pk, cworld.zhao.pk]})
    meeting.refresh_from_db()
    assert meeting.status == "held" and list(meeting.decisions.values_list("text", flat=True)) == ["续聘保洁"]
    assert "三日内" in client.get(reverse("assembly:meeting_detail", args=[meeting.pk])).content.decode()


def test_strangers_and_residents_get_404_on_committee_pages(cworld, client_for):
    meeting = committee_meeting(cworld)
    for who in ("stranger", "resident_a"):
        client = client_for(who)
        for url in (reverse("assembly:committee_meetings"), reverse("assembly:committee_meeting_new"),
                    reverse("assembly:meeting_detail", args=[meeting.pk])):
            assert client.get(url).status_code == 404, (who, url)
        assert client.post(reverse("assembly:meeting_minutes", args=[meeting.pk]),
                           {"minutes": "x"}).status_code == 404
    meeting.refresh_from_db()
    assert meeting.status == "planned"


def test_read_only_staff_see_a_committee_meeting_but_cannot_record_it(cworld, client_for):
    meeting = committee_meeting(cworld)
    client = client_for("grid_worker")
    assert client.get(reverse("assembly:meeting_detail", args=[meeting.pk])).status_code == 200
    assert client.post(reverse("assembly:meeting_minutes", args=[meeting.pk]), {"minutes": "x"}).status_code == 403
    assert client.get(reverse("assembly:committee_meeting_new")).status_code == 403


# -- the three-way series -------------------------------------------------------------------------------------------


@pytest.fixture
def three(cworld):
    """锦霞小区's three sides: the community's party branch, the owners' committee, the property company."""
    cworld.party = Organization.objects.create(name="锦霞社区党委", kind="party_branch", division=cworld.c1)
    return cworld


def make_series(w, **kw):
    data = {"estate": w.estate_a, "title": "锦霞小区三方联席会议", "cadence": "weekly", "weekday": 2,
            "first_on": TODAY, "bodies": [w.party, w.owners_committee, w.company], "actor": w.community_admin}
    data.update(kw)
    return services.series_create(**data)


def test_the_next_meeting_of_a_series_falls_on_its_weekday():
    series = MeetingSeries(cadence="weekly", weekday=2)  # Wednesday
    assert services.next_meeting_date(series, datetime.date(2026, 12, 2)) == datetime.date(2026, 12, 9)
    assert services.next_meeting_date(series, datetime.date(2026, 12, 3)) == datetime.date(2026, 12, 9)
    series.cadence = "fortnightly"
    assert services.next_meeting_date(series, datetime.date(2026, 12, 2)) == datetime.date(2026, 12, 16)
    series.cadence = "monthly"
    assert services.next_meeting_date(series, datetime.date(2026, 12, 2)) == datetime.date(2027, 1, 6)


def test_a_series_plans_its_first_meeting_and_the_next_after_each_is_held(three):
    series = make_series(three)
    first = series.meetings.get()
    assert (first.kind, first.held_on, first.status) == ("three_way", TODAY, "planned")
    services.meeting_record(meeting=first, minutes="商议停车", actor=three.community_admin,
                            attendees=[("王书记", "书记", three.party), ("李建国", "主任", three.owners_committee)],
                            decisions=["划定临时停车位"])
    series.refresh_from_db()
    nxt = series.meetings.get(status="planned")
    assert nxt.held_on == services.next_meeting_date(series, TODAY) == series.next_on
    assert dict(first.attendance.values_list("name", "organization__name")) == {
        "王书记": "锦霞社区党委", "李建国": "锦霞小区业主委员会"}


def test_a_stopped_series_plans_nothing_more(three):
    series = make_series(three)
    services.series_stop(series=series, actor=three.community_admin)
    services.meeting_record(meeting=series.meetings.get(), minutes="x", attendees=[("a", "b")],
                            actor=three.community_admin)
    assert series.meetings.count() == 1


def test_the_party_organisation_leads_a_three_way_meeting(three):
    """三方联动 is led by the party organisation (Beijing art. 3): no series without it."""
    with pytest.raises(ValidationError):
        make_series(three, bodies=[three.owners_committee, three.company])


def test_only_the_areas_admins_set_up_a_series(three):
    for who in ("committee_chair", "manager_a", "grid_worker", "other_street_admin"):
        with pytest.raises(PermissionDenied):
            make_series(three, actor=three.users[who])
    assert MeetingSeries.objects.count() == 0


def test_a_three_way_task_becomes_a_work_order_in_one_step(three):
    series = make_series(three)
    meeting = series.meetings.get()
    services.meeting_record(meeting=meeting, minutes="x", attendees=[("a", "b", three.party)],
                            actor=three.community_admin)
    task = services.task_add(meeting=meeting, title="清理3栋楼道杂物", assignee="锦绣物业", actor=three.community_admin)
    task = services.task_to_work_order(task=task, actor=three.community_admin)
    assert task.work_order_ref


def test_series_pages(three, client_for):
    client = client_for("community_admin")
    assert client.get(reverse("assembly:series_new")).status_code == 200
    response = client.post(reverse("assembly:series_new"), {
        "estate": three.estate_a.pk, "title": "三方联席会议", "cadence": "weekly", "weekday": 2,
        "first_on": TODAY.isoformat(), "bodies": [three.party.pk, three.owners_committee.pk, three.company.pk]})
    series = MeetingSeries.objects.get()
    assert response.status_code == 302
    meeting = series.meetings.get()
    page = client.get(reverse("assembly:meeting_detail", args=[meeting.pk])).content.decode()
    assert "锦霞社区党委 出席人员" in page
    client.post(reverse("assembly:meeting_minutes", args=[meeting.pk]), {
        f"body_{three.party.pk}": "王书记，书记", f"body_{three.owners_committee.pk}": "李建国，主任",
        "minutes": "商议停车", "decisions": "划定车位"})
    meeting.refresh_from_db()
    assert meeting.status == "held" and meeting.attendance.count() == 2
    detail = client.get(reverse("assembly:meeting_detail", args=[meeting.pk])).content.decode()
    assert "未出席的机构" in detail and "重庆锦绣物业服务有限公司" in detail
    assert client_for("committee_chair").get(reverse("assembly:series_detail", args=[series.pk])).status_code == 200
    for who in ("stranger", "resident_a", "other_street_admin"):
        assert client_for(who).get(reverse("assembly:series_detail", args=[series.pk])).status_code == 404
    assert client_for("committee_chair").get(reverse("assembly:series_new")).status_code == 404
    assert client_for("grid_worker").get(reverse("assembly:series_new")).status_code == 403
    assert client_for("grid_worker").post(reverse("assembly:series_stop", args=[series.pk])).status_code == 403


# -- matters passed up a level (item 7) -----------------------------------------------------------------------------


def held(world, *, level="building", by=None, **place):
    by = by or world.community_admin
    if level == "building":
        place = {"building": world.building_a}
    elif level == "estate":
        place = {"estate": world.estate_a}
    elif level == "community":
        place = {"division": world.c1}
    else:
        place = {"division": world.street}
    meeting = services.meeting_schedule(kind="neighbours", level=level, title=f"{level}议事会", notified_on=TODAY,
                                        held_on=TODAY, actor=by if level != "street" else world.street_admin, **place)
    services.meeting_record(meeting=meeting, minutes="议不下来", attendees=[("居民", "")],
                            actor=by if level != "street" else world.street_admin)
    return meeting


def test_a_matter_goes_up_one_level_at_a_time(world):
    b = held(world, level="building")
    up = services.matter_refer_up(meeting=b, text="楼顶漏水需动用维修资金", actor=world.community_admin)
    assert (up.to_meeting.level, up.to_meeting.estate) == ("estate", world.estate_a)
    e = held(world, level="estate")
    assert services.matter_refer_up(meeting=e, text="停车", actor=world.community_admin).to_meeting.division == world.c1
    c = held(world, level="community")
    to_street = services.matter_refer_up(meeting=c, text="占道", actor=world.community_admin).to_meeting
    assert (to_street.level, to_street.division) == ("street", world.street)


def test_both_meetings_keep_the_history(world):
    b = held(world, level="building")
    referral = services.matter_refer_up(meeting=b, text="楼顶漏水", actor=world.community_admin)
    assert MeetingEvent.objects.filter(meeting=b, kind="referred_up", data__to_meeting=referral.to_meeting.pk).exists()
    assert MeetingEvent.objects.filter(meeting=referral.to_meeting, kind="referred_in",
                                       data__from_meeting=b.pk).exists()
    assert "楼顶漏水" in referral.to_meeting.agenda and b.title in referral.to_meeting.agenda


def test_a_matter_joins_a_planned_meeting_of_the_next_level(world):
    planned = services.meeting_schedule(kind="party_mass", level="community", title="社区党群议事会", division=world.c1,
                                        notified_on=TODAY, held_on=TODAY + datetime.timedelta(days=3),
                                        actor=world.community_admin)
    e = held(world, level="estate")
    referral = services.matter_refer_up(meeting=e, text="停车难", actor=world.community_admin, to_meeting=planned)
    planned.refresh_from_db()
    assert referral.to_meeting == planned and "停车难" in planned.agenda
    other = services.meeting_schedule(kind="party_mass", level="community", title="别的社区", division=world.c2,
                                      notified_on=TODAY, held_on=TODAY, actor=world.street_admin)
    with pytest.raises(ValidationError):
        services.matter_refer_up(meeting=e, text="停车难", actor=world.community_admin, to_meeting=other)


def test_a_street_meeting_passes_its_matter_to_a_joint_meeting_not_up(world):
    s = held(world, level="street")
    with pytest.raises(ValidationError):
        services.matter_refer_up(meeting=s, text="x", actor=world.street_admin)


def test_a_planned_meeting_has_no_matter_to_pass_and_read_only_roles_pass_none(world):
    planned = services.meeting_schedule(kind="neighbours", level="estate", title="x", estate=world.estate_a,
                                        notified_on=TODAY, held_on=TODAY, actor=world.community_admin)
    with pytest.raises(ValidationError):
        services.matter_refer_up(meeting=planned, text="x", actor=world.community_admin)
    e = held(world, level="estate")
    for who in ("grid_worker", "manager_a", "other_street_admin"):
        with pytest.raises(PermissionDenied):
            services.matter_refer_up(meeting=e, text="x", actor=world.users[who])
    assert Referral.objects.count() == 0


def test_the_referral_page(world, client_for):
    e = held(world, level="estate")
    client = client_for("community_admin")
    assert client.get(reverse("assembly:meeting_refer", args=[e.pk])).status_code == 200
    response = client.post(reverse("assembly:meeting_refer", args=[e.pk]), {"text": "停车难",
                                                                             "held_on": TODAY.isoformat()})
    assert response.status_code == 302
    referral = Referral.objects.get()
    page = client.get(reverse("assembly:meeting_detail", args=[referral.to_meeting_id])).content.decode()
    assert "上报来源" in page and e.title in page
    assert client_for("stranger").get(reverse("assembly:meeting_refer", args=[e.pk])).status_code == 404
    assert client_for("grid_worker").post(reverse("assembly:meeting_refer", args=[e.pk]),
                                          {"text": "x"}).status_code == 403
    assert Referral.objects.count() == 1


def test_alternates_are_not_counted_as_members_who_sign(cworld):
    alt = Person.objects.create(name="候补甲")
    Post.objects.create(person=alt, organization=cworld.owners_committee, title="alternate",
                        starts_on=TODAY - datetime.timedelta(days=3))
    meeting = committee_meeting(cworld)
    services.meeting_record(meeting=meeting, minutes="x", attendees=[], actor=cworld.committee_chair,
                            members_present=[cworld.neighbour, cworld.zhao])
    with pytest.raises(ValidationError):
        services.meeting_decide(meeting=meeting, text="x", actor=cworld.committee_chair,
                                signatories=[cworld.neighbour, alt])


def test_only_the_estates_own_bodies_take_part_in_its_three_way_meeting(three):
    far = Organization.objects.create(name="百花社区党委", kind="party_branch", division=three.c3)
    with pytest.raises(ValidationError) as exc:
        make_series(three, bodies=[far, three.owners_committee, three.company])
    assert "百花社区党委" in str(exc.value)
    assert MeetingSeries.objects.count() == 0


def test_a_decision_is_added_from_the_page_by_the_committee_only(cworld, client_for):
    meeting = committee_meeting(cworld)
    services.meeting_record(meeting=meeting, minutes="x", attendees=[], actor=cworld.committee_chair,
                            members_present=[cworld.neighbour, cworld.zhao])
    url = reverse("assembly:meeting_decision", args=[meeting.pk])
    data = {"text": "增设充电桩", "signatories": [cworld.neighbour.pk, cworld.zhao.pk]}
    assert client_for("stranger").post(url, data).status_code == 404
    assert client_for("resident_a").post(url, data).status_code == 404
    assert client_for("grid_worker").post(url, data).status_code == 403
    assert meeting.decisions.count() == 0
    assert client_for("committee_member").post(url, {"text": "增设充电桩", "signatories": [cworld.zhao.pk]}
                                               ).status_code == 302
    assert meeting.decisions.count() == 0  # one signature of two members is not more than half
    assert client_for("committee_chair").post(url, data).status_code == 302
    assert list(meeting.decisions.values_list("text", flat=True)) == ["增设充电桩"]


def test_a_series_is_stopped_by_its_admins_only(three, client_for):
    series = make_series(three)
    url = reverse("assembly:series_stop", args=[series.pk])
    assert client_for("stranger").post(url).status_code == 404
    assert client_for("committee_chair").post(url).status_code == 403
    series.refresh_from_db()
    assert series.active
    assert client_for("street_admin").post(url).status_code == 302
    series.refresh_from_db()
    assert not series.active
