"""Assembly pages: strangers get 404, read-only roles 403 (nothing changed), the right role succeeds."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.assembly import services
from linli.assembly.models import Acknowledgement, Ballot, Meeting, Motion, Notice, SelectionCase
from linli.core.testing import DAY, HOUR, after_close, open_motion, sheet

TODAY = timezone.localdate()


@pytest.fixture
def meeting(world):
    return services.meeting_schedule(kind="round_table", level="estate", title="停车难圆桌会议",
                                     estate=world.estate_a, notified_on=TODAY, held_on=TODAY,
                                     actor=world.community_admin)


@pytest.fixture
def notice(world):
    return services.notice_post(title="电梯加装方案公示", body="方案见附件", scope="estate", estate=world.estate_a,
                                posted_on=TODAY, ends_on=TODAY + 7 * DAY, actor=world.community_admin,
                                attachments=[("方案.pdf", SimpleUploadedFile("plan.pdf", b"%PDF plan"))])


@pytest.fixture
def case(world):
    return services.selection_open(estate=world.estate_b, actor=world.street_admin, deadline=TODAY + 30 * DAY)


def test_anonymous_visitors_are_sent_to_sign_in(world):
    response = Client().get(reverse("assembly:index"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ["assembly:index", "assembly:mine", "assembly:motion_new", "assembly:meeting_new",
                                  "assembly:notice_new", "assembly:case_new"])
def test_a_stranger_gets_404_on_every_list_and_form(client_for, name):
    assert client_for("stranger").get(reverse(name)).status_code == 404


def test_a_stranger_and_another_street_get_404_on_every_object_page(world, client_for, motion, meeting, notice, case):
    pages = [reverse("assembly:motion_detail", args=[motion.pk]), reverse("assembly:vote", args=[motion.pk]),
             reverse("assembly:meeting_detail", args=[meeting.pk]), reverse("assembly:notice_detail", args=[notice.pk]),
             reverse("assembly:case_detail", args=[case.pk])]
    for who in ("stranger", "other_street_admin"):
        client = client_for(who)
        assert [client.get(url).status_code for url in pages] == [404] * 5, who


def test_the_street_admin_sees_the_streets_motions_meetings_cases_and_notices(world, client_for, motion, meeting,
                                                                              notice, case):
    response = client_for("street_admin").get(reverse("assembly:index"))
    assert response.status_code == 200
    assert [m.title for m in response.context["motions"]] == ["选聘物业服务企业"]
    assert [m.title for m in response.context["meetings"]] == ["停车难圆桌会议"]
    assert [c.estate.name for c in response.context["cases"]] == ["新工宿舍"]
    assert [n.title for n in response.context["notices"]] == ["电梯加装方案公示"]


def test_a_resident_is_taken_to_their_own_votes(world, client_for, motion):
    client = client_for("resident_a")
    assert client.get(reverse("assembly:index")).url == reverse("assembly:mine")
    response = client.get(reverse("assembly:mine"))
    assert [(r["motion"].title, r["can_vote"], r["voted"]) for r in response.context["rows"]] == [
        ("选聘物业服务企业", True, False)]


# -- motions ---------------------------------------------------------------------------------------------


def motion_data(world):
    opens = timezone.localtime() + 15 * DAY + HOUR  # the notice period (15 days), then the minimum voting period
    return {"estate": world.estate_a.pk, "matter": "raise_repair_fund", "title": "筹集维修资金", "body": "每户200元",
            "opens_at": opens.strftime("%Y-%m-%dT%H:%M"), "closes_at": (opens + 7 * DAY).strftime("%Y-%m-%dT%H:%M")}


@pytest.mark.parametrize("who", ["auditor", "grid_worker", "manager_a"])
def test_read_only_roles_cannot_start_a_vote(world, client_for, who):
    client = client_for(who)
    assert client.post(reverse("assembly:motion_new"), motion_data(world)).status_code == 403
    assert Motion.objects.count() == 0


def test_the_community_admin_drafts_and_opens_a_vote(world, client_for):
    client = client_for("community_admin")
    response = client.post(reverse("assembly:motion_new"), motion_data(world))
    motion = Motion.objects.get()
    assert response.url == reverse("assembly:motion_detail", args=[motion.pk])
    assert (motion.matter, motion.status, motion.created_by) == ("raise_repair_fund", "draft", world.community_admin)
    client.post(reverse("assembly:motion_open", args=[motion.pk]))
    assert Motion.objects.get().status == "open"
    response = client.get(reverse("assembly:motion_detail", args=[motion.pk]))
    assert [e.label for e in response.context["electors"]] == ["周莲秀", "李建国"]
    assert "四分之三以上（≥ 3/4）" in response.content.decode()


def test_the_auditor_reads_a_motion_but_cannot_open_close_or_enter_ballots(world, client_for, motion):
    client = client_for("auditor")
    assert client.get(reverse("assembly:motion_detail", args=[motion.pk])).status_code == 200
    elector = motion.electors.first()
    assert client.post(reverse("assembly:paper_ballot", args=[motion.pk]),
                       {"elector": elector.pk, "choice": "for", "sheet": sheet()}).status_code == 403
    assert client.post(reverse("assembly:motion_close", args=[motion.pk])).status_code == 403
    assert Ballot.objects.count() == 0 and Motion.objects.get().status == "open"


def test_staff_enter_a_paper_ballot_with_its_scan(world, client_for, motion):
    elector = motion.electors.get(persons=world.neighbour)
    client = client_for("street_admin")
    client.post(reverse("assembly:paper_ballot", args=[motion.pk]),
                {"elector": elector.pk, "choice": "against", "sheet": sheet()})
    ballot = Ballot.objects.get()
    assert (ballot.elector, ballot.choice, ballot.channel, ballot.cast_by) == (elector, "against", "paper",
                                                                               world.street_admin)
    assert client.get(reverse("assembly:ballot_sheet", args=[ballot.pk])).status_code == 200
    assert client_for("stranger").get(reverse("assembly:ballot_sheet", args=[ballot.pk])).status_code == 404
    assert client_for("resident_a").get(reverse("assembly:ballot_sheet", args=[ballot.pk])).status_code == 404


def test_the_motion_page_finds_a_sheets_owner_instead_of_listing_every_owner(world, client_for, motion):
    """Issue 18 item 6: the paper-ballot form listed every owner of the estate in a dropdown."""
    client = client_for("street_admin")
    page = client.get(reverse("assembly:motion_detail", args=[motion.pk])).content.decode()
    assert '<select name="elector"' not in page and 'id="paper-find"' in page
    found = client.get(reverse("assembly:paper_batch", args=[motion.pk]), {"name": world.neighbour.name})
    assert [e.pk for e in found.context["rows"]] == [motion.electors.get(persons=world.neighbour).pk]


def test_a_resident_cannot_open_the_staff_page_of_a_motion(world, client_for, motion):
    assert client_for("resident_a").get(reverse("assembly:motion_detail", args=[motion.pk])).status_code == 404


def test_a_resident_votes_for_their_own_home_on_the_ballot_page(world, client_for, motion):
    client = client_for("resident_a")
    response = client.get(reverse("assembly:vote", args=[motion.pk]))
    page = response.content.decode()
    assert "锦霞小区" in page and "1栋1单元101" in page and "62.50 m²" in page
    assert "过半数（&gt; 1/2）" in page
    assert "李建国" not in page  # a neighbour's name is never on a resident's page
    mine = response.context["electors"][0]
    client.post(reverse("assembly:vote", args=[motion.pk]), {"elector": mine.pk, "choice": "for"})
    # The page now shows the ballot and its buttons carry its current event: changing it confirms replacing it.
    page = client.get(reverse("assembly:vote", args=[motion.pk])).content.decode()
    current = Ballot.objects.get().current_id
    assert f'name="replaces" value="{current}"' in page
    client.post(reverse("assembly:vote", args=[motion.pk]), {"elector": mine.pk, "choice": "abstain",
                                                             "replaces": current})
    ballot = Ballot.objects.get()
    assert (ballot.choice, list(ballot.events.values_list("choice", flat=True))) == ("abstain", ["for", "abstain"])


def test_a_resident_cannot_vote_for_a_neighbours_home(world, client_for, motion):
    theirs = motion.electors.get(persons=world.neighbour)
    response = client_for("resident_a").post(reverse("assembly:vote", args=[motion.pk]),
                                             {"elector": theirs.pk, "choice": "for"})
    assert response.status_code == 404
    assert Ballot.objects.count() == 0


def test_staff_cannot_vote_online_for_an_owner(world, client_for, motion):
    elector = motion.electors.first()
    response = client_for("street_admin").post(reverse("assembly:vote", args=[motion.pk]),
                                               {"elector": elector.pk, "choice": "for"})
    assert response.status_code == 404
    assert Ballot.objects.count() == 0


def test_closing_from_the_page_counts_and_posts_the_notice(world, client_for, motion, monkeypatch):
    later = after_close(motion)
    monkeypatch.setattr(timezone, "now", lambda: later)
    client_for("street_admin").post(reverse("assembly:motion_close", args=[motion.pk]))
    motion.refresh_from_db()
    assert (motion.status, motion.quorum_met, motion.approved) == ("closed", False, False)
    assert Notice.objects.get(motion=motion).title == "表决结果公示：选聘物业服务企业（未通过）"


def test_a_secret_ballot_shows_staff_that_someone_voted_but_not_how(world, client_for):
    motion = open_motion(world, secret=True)
    services.ballot_cast(motion=motion, elector=services.electors_of(motion, world.resident_a).get(),
                         choice="against", actor=world.resident_a)
    page = client_for("street_admin").get(reverse("assembly:motion_detail", args=[motion.pk])).content.decode()
    table = page[page.index('id="electors"'):]
    assert "已投票" in table
    assert "反对" not in table


# -- meetings --------------------------------------------------------------------------------------------


def test_the_community_admin_gives_notice_of_an_assembly_fifteen_days_ahead(world, client_for):
    data = {"kind": "assembly", "level": "estate", "title": "业主大会", "estate": world.estate_a.pk,
            "notified_on": TODAY.isoformat(), "held_on": (TODAY + 14 * DAY).isoformat()}
    client = client_for("community_admin")
    response = client.post(reverse("assembly:meeting_new"), data)
    assert "15日以前" in response.content.decode() and Meeting.objects.count() == 0
    data["held_on"] = (TODAY + 15 * DAY).isoformat()
    client.post(reverse("assembly:meeting_new"), data)
    assert Meeting.objects.get().held_on == TODAY + 15 * DAY


def test_a_new_meeting_cannot_be_held_in_the_past_but_an_old_one_keeps_its_minutes(world, client_for):
    """Issue 18 item 6: the form says so on the date, in words; a meeting held earlier still takes its minutes."""
    data = {"kind": "round_table", "level": "estate", "title": "停车难圆桌会议", "estate": world.estate_a.pk,
            "notified_on": (TODAY - 3 * DAY).isoformat(), "held_on": (TODAY - DAY).isoformat()}
    client = client_for("community_admin")
    response = client.post(reverse("assembly:meeting_new"), data)
    assert response.status_code == 200 and Meeting.objects.count() == 0
    assert response.context["form"].errors["held_on"] == ["开会日期已经过去，新会议请选择今天或以后的日期"]
    data["held_on"] = TODAY.isoformat()
    client.post(reverse("assembly:meeting_new"), data)
    old = services.meeting_schedule(kind="round_table", level="estate", title="上周的圆桌会议", estate=world.estate_a,
                                    notified_on=TODAY - 9 * DAY, held_on=TODAY - 7 * DAY, actor=world.community_admin)
    client.post(reverse("assembly:meeting_minutes", args=[old.pk]), {"minutes": "商定错时停车", "attendees": "周莲秀，业主"})
    old.refresh_from_db()
    assert (Meeting.objects.count(), old.status, old.minutes) == (2, "held", "商定错时停车")


def test_read_only_roles_cannot_record_minutes(world, client_for, meeting):
    for who in ("auditor", "grid_worker"):
        response = client_for(who).post(reverse("assembly:meeting_minutes", args=[meeting.pk]),
                                        {"minutes": "x", "attendees": "a"})
        assert response.status_code == 403
    assert Meeting.objects.get().status == "planned"


def test_minutes_decisions_and_a_task_are_recorded_from_the_page(world, client_for, meeting):
    client = client_for("community_admin")
    client.post(reverse("assembly:meeting_minutes", args=[meeting.pk]),
                {"minutes": "商定错时停车", "attendees": "周莲秀，业主\n锦绣物业，物业", "decisions": "开放夜间错时停车"})
    client.post(reverse("assembly:meeting_task", args=[meeting.pk]),
                {"title": "划定错时停车位", "assignee": "锦绣物业", "due": (TODAY + 7 * DAY).isoformat()})
    meeting.refresh_from_db()
    assert meeting.status == "held"
    assert [(a.name, a.capacity) for a in meeting.attendance.all()] == [("周莲秀", "业主"), ("锦绣物业", "物业")]
    assert [t.title for t in meeting.tasks.all()] == ["划定错时停车位"]
    task = meeting.tasks.get()
    assert client_for("auditor").post(reverse("assembly:task_done", args=[task.pk])).status_code == 403
    client.post(reverse("assembly:task_done", args=[task.pk]))
    task.refresh_from_db()
    assert task.status == "done"


def test_a_resident_gets_404_on_meeting_pages(world, client_for, meeting):
    assert client_for("resident_a").get(reverse("assembly:meeting_detail", args=[meeting.pk])).status_code == 404


# -- notices ---------------------------------------------------------------------------------------------


def test_the_public_estate_page_shows_current_notices_without_sign_in(world, notice):
    response = Client().get(reverse("assembly:public_estate", args=[world.estate_a.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "电梯加装方案公示" in page and "方案.pdf" in page
    assert "周莲秀" not in page and "138" not in page
    att = notice.attachments.get()
    assert Client().get(reverse("assembly:attachment", args=[att.pk])).status_code == 200


def test_a_notice_outside_its_period_is_not_on_the_public_page(world):
    services.notice_post(title="旧公示", body="x", scope="estate", estate=world.estate_a,
                         posted_on=TODAY - 20 * DAY, ends_on=TODAY - 10 * DAY, actor=world.community_admin)
    services.notice_post(title="将来的公示", body="x", scope="estate", estate=world.estate_a,
                         posted_on=TODAY + DAY, ends_on=TODAY + 10 * DAY, actor=world.community_admin)
    services.notice_post(title="社区公示", body="x", scope="community", community=world.c1,
                         posted_on=TODAY, ends_on=TODAY + DAY, actor=world.community_admin)
    response = Client().get(reverse("assembly:public_estate", args=[world.estate_a.pk]))
    assert [n.title for n in response.context["notices"]] == ["社区公示"]


def test_the_public_page_of_an_unknown_estate_is_404(world):
    assert Client().get(reverse("assembly:public_estate", args=[999999])).status_code == 404


def test_a_resident_acknowledges_a_notice_once(world, client_for, notice):
    client = client_for("resident_a")
    client.post(reverse("assembly:notice_ack", args=[notice.pk]))
    client.post(reverse("assembly:notice_ack", args=[notice.pk]))
    assert Acknowledgement.objects.filter(notice=notice, user=world.resident_a).count() == 1
    assert "您已确认阅读" in client.get(reverse("assembly:notice_detail", args=[notice.pk])).content.decode()


def test_staff_cannot_acknowledge_for_residents(world, client_for, notice):
    assert client_for("auditor").post(reverse("assembly:notice_ack", args=[notice.pk])).status_code == 403
    assert Acknowledgement.objects.count() == 0


def test_read_only_roles_cannot_post_notices(world, client_for):
    data = {"title": "x", "body": "y", "scope": "estate", "estate": world.estate_a.pk,
            "posted_on": TODAY.isoformat(), "ends_on": TODAY.isoformat()}
    assert client_for("auditor").post(reverse("assembly:notice_new"), data).status_code == 403
    client_for("community_admin").post(reverse("assembly:notice_new"), data)
    assert Notice.objects.get().created_by == world.community_admin


def test_the_community_admin_cannot_post_for_another_communitys_estate(world, client_for):
    data = {"title": "x", "body": "y", "scope": "estate", "estate": world.estate_b.pk,
            "posted_on": TODAY.isoformat(), "ends_on": TODAY.isoformat()}
    response = client_for("community_admin").post(reverse("assembly:notice_new"), data)
    assert response.status_code == 200 and Notice.objects.count() == 0  # not a choice: form error


# -- selection cases -------------------------------------------------------------------------------------


def test_read_only_roles_cannot_take_a_step_of_a_case(world, client_for, case):
    response = client_for("auditor").post(reverse("assembly:case_detail", args=[case.pk]), {"step": "decide",
                                                                                            "mode": "hire"})
    assert response.status_code == 403
    assert SelectionCase.objects.get().status == "open"


def test_the_street_admin_opens_a_case_and_sees_its_steps(world, client_for):
    client = client_for("street_admin")
    client.post(reverse("assembly:case_new"), {"estate": world.estate_b.pk,
                                               "deadline": (TODAY + 60 * DAY).isoformat()})
    case = SelectionCase.objects.get()
    page = client.get(reverse("assembly:case_detail", args=[case.pk])).content.decode()
    assert "业主大会决定管理方式" in page and "启动选聘" in page  # the step by its name, not its code


def test_the_street_admin_records_the_mode_from_the_page(world, client_for, case):
    from linli.core.testing import decided

    motion = decided(world, estate=world.estate_b)
    client_for("street_admin").post(reverse("assembly:case_detail", args=[case.pk]),
                                    {"step": "decide", "mode": "hire", "motion": motion.pk})
    assert SelectionCase.objects.get().status == "selecting"


def test_helpers_are_consistent():
    assert HOUR * 24 == DAY and isinstance(TODAY, datetime.date)


def test_a_stranger_gets_404_on_every_write_and_nothing_changes(world, client_for, motion, meeting, notice, case):
    services.meeting_record(meeting=meeting, minutes="x", attendees=[("a", "")], actor=world.community_admin)
    task = services.task_add(meeting=meeting, title="t", assignee="a", actor=world.community_admin)
    elector = motion.electors.first()
    writes = [
        (reverse("assembly:motion_open", args=[motion.pk]), {}),
        (reverse("assembly:motion_close", args=[motion.pk]), {}),
        (reverse("assembly:paper_ballot", args=[motion.pk]), {"elector": elector.pk, "choice": "for"}),
        (reverse("assembly:vote", args=[motion.pk]), {"elector": elector.pk, "choice": "for"}),
        (reverse("assembly:meeting_minutes", args=[meeting.pk]), {"minutes": "y", "attendees": "b"}),
        (reverse("assembly:meeting_task", args=[meeting.pk]), {"title": "t2", "assignee": "b"}),
        (reverse("assembly:task_done", args=[task.pk]), {}),
        (reverse("assembly:notice_ack", args=[notice.pk]), {}),
        (reverse("assembly:case_detail", args=[case.pk]), {"step": "decide", "mode": "self"}),
        (reverse("assembly:motion_new"), {}),
        (reverse("assembly:meeting_new"), {}),
        (reverse("assembly:notice_new"), {}),
        (reverse("assembly:case_new"), {}),
    ]
    for who in ("stranger", "other_street_admin"):
        client = client_for(who)
        codes = [client.post(url, data).status_code for url, data in writes]
        # Another street's admin may use the forms, for their own estates only (an empty form is re-shown).
        expected = [404] * 9 + ([404] * 4 if who == "stranger" else [200] * 4)
        assert codes == expected, who
    assert (Ballot.objects.count(), Acknowledgement.objects.count(), Motion.objects.get().status) == (0, 0, "open")
    assert (SelectionCase.objects.get().status, meeting.tasks.count(), Meeting.objects.get().minutes) == ("open", 1, "x")


def test_read_only_roles_get_403_on_opening_a_draft(world, client_for):
    now = timezone.now()
    draft = services.motion_create(estate=world.estate_a, matter="other_major", title="草稿", opens_at=now + 16 * DAY,
                                   closes_at=now + 23 * DAY, actor=world.street_admin)
    for who in ("auditor", "grid_worker", "manager_a"):
        assert client_for(who).post(reverse("assembly:motion_open", args=[draft.pk])).status_code == 403
    assert Motion.objects.get().status == "draft"


def test_a_notice_is_withdrawn_with_a_reason_by_its_community_only(world, client_for, notice):
    url = reverse("assembly:notice_withdraw", args=[notice.pk])
    assert client_for("auditor").post(url, {"reason": "有误"}).status_code == 403
    assert client_for("stranger").post(url, {"reason": "有误"}).status_code == 404
    assert Notice.objects.get().withdrawn_at is None
    client_for("community_admin").post(url, {"reason": "方案有误，重新公示"})
    notice.refresh_from_db()
    assert notice.withdrawn_reason == "方案有误，重新公示（community_admin）"
    assert [n.pk for n in Client().get(reverse("assembly:public_estate", args=[world.estate_a.pk])).context[
        "notices"]] == []


def test_the_notice_page_has_one_withdraw_form_in_its_body(world, client_for, notice):
    body = client_for("community_admin").get(reverse("assembly:notice_detail", args=[notice.pk])).content.decode()
    title = body[body.index("<title>"):body.index("</title>")]
    assert "<form" not in title and body.count('name="reason"') == 1
    assert body.index('name="reason"') > body.index("<main")


def test_the_property_company_sees_who_voted_but_never_how(world, client_for, motion):
    elector = motion.electors.get(persons=world.neighbour)
    ballot = services.ballot_cast(motion=motion, elector=elector, choice="against", actor=world.street_admin,
                                  channel="paper", sheet=sheet())
    page = client_for("manager_a").get(reverse("assembly:motion_detail", args=[motion.pk])).content.decode()
    table = page[page.index('id="electors"'):]
    assert "已投票" in table and "反对" not in table
    assert client_for("manager_a").get(reverse("assembly:ballot_sheet", args=[ballot.pk])).status_code == 404
    street_page = client_for("street_admin").get(reverse("assembly:motion_detail", args=[motion.pk])).content.decode()
    assert "反对" in street_page[street_page.index('id="electors"'):]


def test_a_follow_up_task_becomes_a_work_order_from_the_meeting_page(world, client_for, meeting):
    from linli.workorders.models import WorkOrder

    client = client_for("community_admin")
    client.post(reverse("assembly:meeting_minutes", args=[meeting.pk]),
                {"minutes": "商定错时停车", "attendees": "周莲秀，业主", "decisions": "开放夜间错时停车"})
    client.post(reverse("assembly:meeting_task", args=[meeting.pk]),
                {"title": "划定错时停车位", "assignee": "锦绣物业", "due": (TODAY + 7 * DAY).isoformat()})
    task = meeting.tasks.get()
    url = reverse("assembly:task_work_order", args=[task.pk])
    assert client_for("auditor").post(url).status_code == 403
    assert client_for("other_street_admin").post(url).status_code == 404
    assert WorkOrder.objects.count() == 0
    client.post(url)
    task.refresh_from_db()
    order = WorkOrder.objects.get()
    assert task.work_order_ref == order.code
    assert order.estate == world.estate_a and "划定错时停车位" in order.text
    client.post(url)
    assert WorkOrder.objects.count() == 1
