"""/api/v1/assembly/: strangers 404, read-only roles 403 (nothing changed), the right role succeeds."""

import pytest
from django.test import Client
from django.utils import timezone

from linli.assembly import services
from linli.assembly.models import Acknowledgement, Ballot, Meeting, Motion, Notice, SelectionCase
from linli.core.testing import DAY, HOUR, after_close, decided, open_motion, post, results, sheet

TODAY = timezone.localdate()
API = "/api/v1/assembly"


def motion_body(world):
    opens = timezone.now() + 15 * DAY + HOUR  # the notice period (15 days), then the minimum voting period
    return {"estate": world.estate_a.pk, "matter": "rebuild", "title": "改建车棚", "opens_at": opens.isoformat(),
            "closes_at": (opens + 7 * DAY).isoformat()}


@pytest.mark.parametrize("url", ["/motions/", "/meetings/", "/notices/", "/cases/"])
def test_a_stranger_gets_404_on_every_list(client_for, url):
    assert client_for("stranger").get(API + url).status_code == 404


def test_anonymous_callers_are_refused(world):
    assert Client().get(API + "/motions/").status_code == 401
    assert post(Client(), API + "/tally/", {}).status_code == 401


def test_another_street_does_not_see_the_motion(world, client_for, motion):
    client = client_for("other_street_admin")
    assert results(client.get(API + "/motions/")) == []
    assert client.get(f"{API}/motions/{motion.pk}/").status_code == 404
    assert post(client, f"{API}/motions/{motion.pk}/close/", {}).status_code == 404


def test_the_street_admin_creates_and_opens_a_motion(world, client_for):
    client = client_for("street_admin")
    response = post(client, API + "/motions/", motion_body(world))
    assert response.status_code == 201, response.content
    assert (response.json()["threshold"], response.json()["status"]) == ("3/4", "draft")
    pk = response.json()["id"]
    response = post(client, f"{API}/motions/{pk}/open/", {"developer_home_ids": []})
    assert response.json()["status"] == "open"
    rows = client.get(f"{API}/motions/{pk}/ballots/").json()
    assert [(r["label"], r["area"], r["voted"]) for r in rows] == [("周莲秀", "62.50", False), ("李建国", "48.00", False)]


@pytest.mark.parametrize("who", ["auditor", "grid_worker", "manager_a", "resident_a"])
def test_read_only_roles_cannot_create_a_motion(world, client_for, who):
    assert post(client_for(who), API + "/motions/", motion_body(world)).status_code == 403
    assert Motion.objects.count() == 0


def test_the_auditor_reads_but_cannot_close(world, client_for, motion):
    client = client_for("auditor")
    assert client.get(f"{API}/motions/{motion.pk}/").json()["title"] == "选聘物业服务企业"
    assert post(client, f"{API}/motions/{motion.pk}/close/", {}).status_code == 403
    assert Motion.objects.get().status == "open"


def test_a_resident_votes_through_the_api_and_sees_their_own_choice(world, client_for, motion):
    client = client_for("resident_a")
    mine = client.get(f"{API}/motions/{motion.pk}/mine/").json()
    assert [(m["area"], m["homes"], m["choice"]) for m in mine] == [("62.50", ["1栋1单元101"], None)]
    response = post(client, f"{API}/motions/{motion.pk}/vote/", {"elector": mine[0]["elector"], "choice": "for"})
    assert response.json()[0]["choice"] == "for"
    assert Ballot.objects.get().channel == "online"


def test_a_resident_cannot_vote_for_a_neighbour_or_see_the_ballots(world, client_for, motion):
    client = client_for("resident_a")
    theirs = motion.electors.get(persons=world.neighbour)
    assert post(client, f"{API}/motions/{motion.pk}/vote/", {"elector": theirs.pk, "choice": "for"}).status_code == 404
    assert client.get(f"{API}/motions/{motion.pk}/ballots/").status_code == 404
    assert Ballot.objects.count() == 0


def test_staff_enter_a_paper_ballot_with_a_scan(world, client_for, motion):
    elector = motion.electors.get(persons=world.neighbour)
    url = f"{API}/motions/{motion.pk}/paper/"
    data = {"elector": elector.pk, "choice": "against", "sheet": sheet()}
    assert client_for("auditor").post(url, data).status_code == 403
    assert Ballot.objects.count() == 0
    rows = client_for("community_admin").post(url, {**data, "sheet": sheet()}).json()
    assert [(r["label"], r["choice"], r["channel"]) for r in rows if r["voted"]] == [("李建国", "against", "paper")]


def test_a_secret_ballot_list_shows_who_voted_but_not_how(world, client_for):
    motion = open_motion(world, secret=True)
    services.ballot_cast(motion=motion, elector=services.electors_of(motion, world.resident_a).get(), choice="for",
                         actor=world.resident_a)
    rows = client_for("street_admin").get(f"{API}/motions/{motion.pk}/ballots/").json()
    assert [(r["voted"], r["choice"]) for r in rows] == [(True, None), (False, None)]


def test_closing_through_the_api_counts_and_posts_a_notice(world, client_for, motion, monkeypatch):
    later = after_close(motion)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = post(client_for("street_admin"), f"{API}/motions/{motion.pk}/close/", {})
    assert (response.json()["status"], response.json()["quorum_met"]) == ("closed", False)
    assert Notice.objects.filter(motion=motion).count() == 1


def test_closing_before_the_deadline_is_a_400(world, client_for, motion):
    response = post(client_for("street_admin"), f"{API}/motions/{motion.pk}/close/", {})
    assert response.status_code == 400 and "截止时间未到" in response.content.decode()


# -- meetings, notices ---------------------------------------------------------------------------------------


def test_a_resident_gets_an_empty_meeting_list(world, client_for):
    services.meeting_schedule(kind="hearing", level="estate", title="x", estate=world.estate_a, notified_on=TODAY,
                              held_on=TODAY, actor=world.community_admin)
    assert results(client_for("resident_a").get(API + "/meetings/")) == []


def test_the_community_admin_schedules_a_meeting_and_records_minutes(world, client_for):
    client = client_for("community_admin")
    body = {"kind": "party_mass", "level": "estate", "title": "充电难", "estate": world.estate_a.pk,
            "notified_on": TODAY.isoformat(), "held_on": TODAY.isoformat()}
    assert post(client_for("auditor"), API + "/meetings/", body).status_code == 403
    response = post(client, API + "/meetings/", body)
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = post(client, f"{API}/meetings/{pk}/minutes/", {
        "minutes": "商定安装充电桩", "attendees": [{"name": "周莲秀", "capacity": "业主"}], "decisions": ["安装充电桩"]})
    assert [d["text"] for d in response.json()["decisions"]] == ["安装充电桩"]
    response = post(client, f"{API}/meetings/{pk}/tasks/", {"title": "联系供电公司", "assignee": "社区"})
    assert response.status_code == 201
    assert Meeting.objects.get().tasks.count() == 1


def test_an_assembly_notified_too_late_is_a_400(world, client_for):
    body = {"kind": "assembly", "level": "estate", "title": "业主大会", "estate": world.estate_a.pk,
            "notified_on": TODAY.isoformat(), "held_on": (TODAY + 10 * DAY).isoformat()}
    response = post(client_for("community_admin"), API + "/meetings/", body)
    assert response.status_code == 400 and "15日以前" in response.content.decode()


def test_notices_post_list_and_acknowledge(world, client_for):
    body = {"title": "停车收费公示", "body": "每月50元", "scope": "estate", "estate": world.estate_a.pk,
            "posted_on": TODAY.isoformat(), "ends_on": (TODAY + 7 * DAY).isoformat()}
    assert post(client_for("grid_worker"), API + "/notices/", body).status_code == 403
    response = post(client_for("community_admin"), API + "/notices/", body)
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    resident = client_for("resident_a")
    assert [n["title"] for n in results(resident.get(API + "/notices/"))] == ["停车收费公示"]
    assert post(resident, f"{API}/notices/{pk}/ack/", {}).status_code == 200
    assert post(client_for("auditor"), f"{API}/notices/{pk}/ack/", {}).status_code == 403
    assert Acknowledgement.objects.count() == 1
    assert client_for("stranger").get(f"{API}/notices/{pk}/").status_code == 404


def test_the_public_notice_board_needs_no_sign_in(world):
    services.notice_post(title="公示A", body="x", scope="estate", estate=world.estate_a, posted_on=TODAY,
                         ends_on=TODAY, actor=world.community_admin)
    rows = Client().get(f"{API}/public/estates/{world.estate_a.pk}/notices/").json()
    assert [r["title"] for r in rows] == ["公示A"]
    assert "created_by" not in rows[0]


# -- selection cases -----------------------------------------------------------------------------------------


def test_a_selection_case_through_the_api_ends_with_the_custodian(world, client_for):
    client = client_for("street_admin")
    response = post(client, API + "/cases/", {"estate": world.estate_b.pk,
                                              "deadline": (TODAY + 30 * DAY).isoformat()})
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert post(client_for("auditor"), f"{API}/cases/{pk}/decide/", {"mode": "hire"}).status_code == 403
    vote = decided(world, estate=world.estate_b)
    assert post(client, f"{API}/cases/{pk}/decide/", {"mode": "hire", "motion": vote.pk}).json()["status"] == \
        "selecting"
    consent = decided(world, estate=world.estate_b, title="同意国有企业托底", manager_mode="custodian",
                      provider=world.custodian)
    url, body = f"{API}/cases/{pk}/custodian/", {"provider": world.custodian.pk, "motion": consent.pk,
                                                 "start": (TODAY + DAY).isoformat()}
    response = post(client, url, body)
    assert response.status_code == 400 and "届满后" in response.content.decode()
    SelectionCase.objects.filter(pk=pk).update(deadline=TODAY - DAY)  # the deadline has passed
    response = post(client, url, body)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "custodian"
    assert [e["kind"] for e in response.json()["events"]] == ["opened", "mode_decided", "custodian_appointed"]
    assert SelectionCase.objects.get().outcome.provider == world.custodian


def test_a_resident_sees_no_selection_cases(world, client_for):
    services.selection_open(estate=world.estate_b, actor=world.street_admin, deadline=TODAY + DAY)
    assert results(client_for("resident_a").get(API + "/cases/")) == []


# -- tally -----------------------------------------------------------------------------------------------------


def test_the_tally_endpoint_counts_like_the_cli(world, client_for):
    doc = {"matter": "change_common_use", "homes": [{"id": "1", "owner": "a", "area": 62.5},
                                                    {"id": "2", "owner": "b", "area": "37.5"}],
           "ballots": [{"owner": "a", "choice": "for"}, {"owner": "b", "choice": "for"}]}
    response = post(client_for("resident_a"), API + "/tally/", doc)
    assert response.json()["for_area"] == "100.0"
    assert response.json()["approved"] is True
    doc["ballots"].append({"owner": "a", "choice": "against"})
    response = post(client_for("resident_a"), API + "/tally/", doc)
    assert response.status_code == 400 and "同一业主投了两张票" in response.json()["message"]


def test_a_stranger_gets_404_on_every_endpoint_and_nothing_changes(world, client_for, motion):
    meeting = services.meeting_schedule(kind="hearing", level="estate", title="x", estate=world.estate_a,
                                        notified_on=TODAY, held_on=TODAY, actor=world.community_admin)
    notice = services.notice_post(title="n", body="b", scope="estate", estate=world.estate_a, posted_on=TODAY,
                                  ends_on=TODAY, actor=world.community_admin)
    case = services.selection_open(estate=world.estate_b, actor=world.street_admin, deadline=TODAY + DAY)
    elector = motion.electors.first()
    gets = [f"/motions/{motion.pk}/", f"/motions/{motion.pk}/ballots/", f"/motions/{motion.pk}/mine/",
            f"/meetings/{meeting.pk}/", f"/notices/{notice.pk}/", f"/cases/{case.pk}/"]
    posts = [(f"/motions/{motion.pk}/open/", {}), (f"/motions/{motion.pk}/close/", {}),
             (f"/motions/{motion.pk}/vote/", {"elector": elector.pk, "choice": "for"}),
             (f"/meetings/{meeting.pk}/minutes/", {"minutes": "m", "attendees": [{"name": "a"}]}),
             (f"/meetings/{meeting.pk}/tasks/", {"title": "t", "assignee": "a"}),
             (f"/notices/{notice.pk}/ack/", {}), (f"/cases/{case.pk}/decide/", {"mode": "self"}),
             (f"/cases/{case.pk}/hire/", {}), (f"/cases/{case.pk}/custodian/", {})]
    for who in ("stranger", "other_street_admin"):
        client = client_for(who)
        assert [client.get(API + url).status_code for url in gets] == [404] * len(gets), who
        assert [post(client, API + url, data).status_code for url, data in posts] == [404] * len(posts), who
    assert (Ballot.objects.count(), Acknowledgement.objects.count(), Meeting.objects.get().status,
            SelectionCase.objects.get().status) == (0, 0, "planned", "open")


def test_a_resident_gets_404_on_meetings_and_cases_by_id(world, client_for):
    meeting = services.meeting_schedule(kind="hearing", level="estate", title="x", estate=world.estate_a,
                                        notified_on=TODAY, held_on=TODAY, actor=world.community_admin)
    client = client_for("resident_a")
    assert client.get(f"{API}/meetings/{meeting.pk}/").status_code == 404
    assert post(client, f"{API}/meetings/{meeting.pk}/minutes/", {"minutes": "m", "attendees": []}).status_code == 404


def test_a_result_notice_cannot_be_withdrawn(world, client_for):
    motion = decided(world)
    notice = Notice.objects.get(motion=motion)
    assert post(client_for("auditor"), f"{API}/notices/{notice.pk}/withdraw/", {"reason": "x"}).status_code == 403
    response = post(client_for("street_admin"), f"{API}/notices/{notice.pk}/withdraw/", {"reason": "x"})
    assert response.status_code == 400 and "不能撤回" in response.content.decode()
    assert Notice.objects.get().withdrawn_at is None


def test_the_ballot_list_hides_choices_from_the_property_company(world, client_for, motion):
    services.ballot_cast(motion=motion, elector=services.electors_of(motion, world.resident_a).get(), choice="for",
                         actor=world.resident_a)
    rows = client_for("manager_a").get(f"{API}/motions/{motion.pk}/ballots/").json()
    assert [(r["voted"], r["choice"]) for r in rows] == [(True, None), (False, None)]
    rows = client_for("community_admin").get(f"{API}/motions/{motion.pk}/ballots/").json()
    assert [(r["voted"], r["choice"]) for r in rows] == [(True, "for"), (False, None)]
