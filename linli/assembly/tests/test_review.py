"""Committee members draft motions and notices of their own estate; the street (or community) reviews them:
approved (the admin then opens the vote / the notice is posted) or returned with a reason, revised and submitted
again. The drafter never opens a vote or posts a notice (linli/assembly/services/motions.py, notices.py)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.assembly import services
from linli.assembly.models import Committee, Motion, MotionEvent, Notice, NoticeDraft, NoticeDraftEvent
from linli.assembly.services.motions import motion_draft_revise, motion_draft_submit, motion_review
from linli.assembly.services.notices import notice_draft_review, notice_draft_revise, notice_draft_submit
from linli.core.testing import DAY, make_user
from linli.notify.models import Notification
from linli.people.models import Organization, Person, Post


def _motion_kwargs(w, **kw):
    now = timezone.now()
    kw.setdefault("estate", w.estate_a)
    kw.setdefault("matter", "other_major")
    kw.setdefault("title", "增设电动自行车充电桩")
    kw.setdefault("body", "是否同意在2栋旁增设充电桩")
    kw.setdefault("opens_at", now + 16 * DAY)
    kw.setdefault("closes_at", now + 24 * DAY)
    return kw


def _draft(w, **kw):
    return motion_draft_submit(actor=w.committee_chair, **_motion_kwargs(w, **kw))


def _notice_draft(w, **kw):
    today = timezone.localdate()
    kw.setdefault("estate", w.estate_a)
    kw.setdefault("title", "业委会第三次会议决定公示")
    kw.setdefault("body", "会议决定：更换1栋单元门禁")
    kw.setdefault("posted_on", today)
    kw.setdefault("ends_on", today + 7 * DAY)
    return notice_draft_submit(actor=w.committee_chair, **kw)


def _committee_of_b(w):
    """The owners' committee of 新工宿舍 (estate B) with one member, account ``b_member``."""
    today = timezone.localdate()
    org = Organization.objects.create(name="新工宿舍业主委员会", kind="owners_committee", division=w.c2,
                                      estate=w.estate_b)
    Committee.objects.create(organization=org, estate=w.estate_b, kind="owners", term_starts=today - 10 * DAY,
                             term_ends=today + 1000 * DAY, elected_on=today - 10 * DAY)
    person = Person.objects.create(name="孙强", phone="13500005555")
    Post.objects.create(person=person, organization=org, title="chair", capacity="owner", starts_on=today - 10 * DAY)
    user = make_user("b_member")
    user.person = person
    user.save()
    return user


# -- the rules -------------------------------------------------------------------------------------------------


def test_a_committee_member_drafts_a_motion_of_their_estate_and_it_is_submitted_for_review(cworld):
    w = cworld
    motion = _draft(w)
    assert (motion.status, motion.review_status) == ("draft", "submitted")
    assert motion.created_by == w.committee_chair
    assert list(motion.events.values_list("kind", flat=True)) == ["created", "submitted"]
    # the community and street admins are told
    told = set(Notification.objects.filter(kind="committee_draft").values_list("user__username", flat=True))
    assert told == {"community_admin", "street_admin"}


def test_a_committee_member_of_another_estate_cannot_draft_here(cworld):
    w = cworld
    b_member = _committee_of_b(w)
    with pytest.raises(PermissionDenied):
        motion_draft_submit(actor=b_member, **_motion_kwargs(w))
    with pytest.raises(PermissionDenied):
        notice_draft_submit(actor=b_member, estate=w.estate_a, title="t", body="b", posted_on=timezone.localdate(),
                            ends_on=timezone.localdate())
    assert Motion.objects.count() == 0 and NoticeDraft.objects.count() == 0


@pytest.mark.parametrize("name", ["resident_a", "manager_a", "street_admin", "stranger"])
def test_only_committee_members_draft_for_review(cworld, name):
    with pytest.raises(PermissionDenied):
        motion_draft_submit(actor=getattr(cworld, name), **_motion_kwargs(cworld))
    assert Motion.objects.count() == 0


def test_the_drafter_can_never_open_the_vote_nor_can_an_admin_before_approval(cworld):
    w = cworld
    motion = _draft(w)
    with pytest.raises(PermissionDenied):
        services.motion_open(motion=motion, actor=w.committee_chair)
    with pytest.raises(ValidationError, match="审核通过后"):
        services.motion_open(motion=motion, actor=w.street_admin)
    motion_review(motion=motion, actor=w.street_admin, approve=True)
    with pytest.raises(PermissionDenied):
        services.motion_open(motion=motion, actor=w.committee_chair)
    assert Motion.objects.get(pk=motion.pk).status == "draft"


def test_the_drafter_can_never_post_a_notice(cworld):
    w = cworld
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.notice_post(title="t", body="b", scope="estate", estate=w.estate_a, posted_on=today,
                             ends_on=today, actor=w.committee_chair)
    draft = _notice_draft(w)
    with pytest.raises(PermissionDenied):
        notice_draft_review(draft=draft, actor=w.committee_chair, approve=True)
    assert Notice.objects.count() == 0


def test_an_approved_motion_is_announced_at_approval_and_opened_by_the_admin(cworld):
    w = cworld
    now = timezone.now()
    motion = _draft(w, opens_at=now + 16 * DAY, closes_at=now + 24 * DAY)
    motion = motion_review(motion=motion, actor=w.street_admin, approve=True, now=now + DAY / 24)
    assert motion.review_status == "approved" and motion.reviewed_by == w.street_admin
    assert motion.announced_at == now + DAY / 24
    opened = services.motion_open(motion=motion, actor=w.street_admin, now=now + 17 * DAY)
    assert opened.status == "open"
    assert Notification.objects.filter(user=w.committee_chair, kind="committee_draft").count() == 1


def test_approval_counts_the_notice_period_from_the_approval(cworld):
    """The owners hear of the vote when the street approves it: 15 days before it opens (Beijing art. 35 para. 4)."""
    w = cworld
    now = timezone.now()
    motion = _draft(w, opens_at=now + 16 * DAY, closes_at=now + 24 * DAY, now=now)
    with pytest.raises(ValidationError, match="退回"):
        motion_review(motion=motion, actor=w.street_admin, approve=True, now=now + 2 * DAY)
    assert Motion.objects.get(pk=motion.pk).review_status == "submitted"


def test_a_return_needs_a_reason_and_the_drafter_revises_and_resubmits(cworld):
    w = cworld
    motion = _draft(w)
    with pytest.raises(ValidationError):
        motion_review(motion=motion, actor=w.community_admin, approve=False, reason="  ")
    motion = motion_review(motion=motion, actor=w.community_admin, approve=False, reason="请写明充电桩的费用来源")
    assert (motion.review_status, motion.review_reason) == ("returned", "请写明充电桩的费用来源")
    revised = motion_draft_revise(motion=motion, actor=w.committee_member,
                                  **_motion_kwargs(w, body="费用由公共收益列支"))
    assert (revised.review_status, revised.body) == ("submitted", "费用由公共收益列支")
    events = list(MotionEvent.objects.filter(motion=motion).order_by("id"))
    assert [e.kind for e in events] == ["created", "submitted", "returned", "revised"]
    assert events[2].data == {"reason": "请写明充电桩的费用来源"} and events[2].actor == w.community_admin
    assert events[3].data["before"]["body"] == "是否同意在2栋旁增设充电桩"


def test_only_a_returned_draft_is_revised(cworld):
    w = cworld
    motion = _draft(w)
    with pytest.raises(ValidationError):
        motion_draft_revise(motion=motion, actor=w.committee_chair, **_motion_kwargs(w))


def test_review_by_an_admin_of_another_street_is_refused(cworld):
    w = cworld
    motion, draft = _draft(w), _notice_draft(w)
    with pytest.raises(PermissionDenied):
        motion_review(motion=motion, actor=w.other_street_admin, approve=True)
    with pytest.raises(PermissionDenied):
        notice_draft_review(draft=draft, actor=w.other_street_admin, approve=True)
    with pytest.raises(PermissionDenied):
        motion_review(motion=motion, actor=w.manager_a, approve=True)
    assert Motion.objects.get(pk=motion.pk).review_status == "submitted"
    assert NoticeDraft.objects.get(pk=draft.pk).status == "submitted"


def test_an_approved_notice_draft_is_posted_by_the_reviewer(cworld):
    w = cworld
    draft = _notice_draft(w)
    assert Notice.objects.count() == 0  # a draft is not public
    draft = notice_draft_review(draft=draft, actor=w.street_admin, approve=True)
    notice = draft.notice
    assert (draft.status, notice.created_by, notice.estate, notice.title) == (
        "approved", w.street_admin, w.estate_a, "业委会第三次会议决定公示")
    assert list(Notice.objects.public_for(w.estate_a)) == [notice]
    assert list(NoticeDraftEvent.objects.filter(draft=draft).values_list("kind", flat=True)) == ["submitted",
                                                                                              "approved"]


def test_a_returned_notice_draft_is_revised_and_resubmitted(cworld):
    w = cworld
    draft = notice_draft_review(draft=_notice_draft(w), actor=w.community_admin, approve=False, reason="日期有误")
    today = timezone.localdate()
    draft = notice_draft_revise(draft=draft, actor=w.committee_chair, title="更正", body="正文",
                                posted_on=today + DAY, ends_on=today + 8 * DAY)
    assert (draft.status, draft.title) == ("submitted", "更正")
    assert NoticeDraftEvent.objects.filter(draft=draft, kind="revised").get().data["before"]["title"] == \
        "业委会第三次会议决定公示"


def test_a_notice_draft_whose_period_has_passed_is_not_posted(cworld):
    w = cworld
    today = timezone.localdate()
    draft = _notice_draft(w, posted_on=today - 10 * DAY, ends_on=today - 3 * DAY)
    with pytest.raises(ValidationError):
        notice_draft_review(draft=draft, actor=w.street_admin, approve=True)
    assert Notice.objects.count() == 0


# -- pages -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name,status", [("stranger", 404), ("resident_a", 404), ("manager_a", 404),
                                         ("committee_chair", 200)])
def test_the_drafts_page_is_for_committee_members(cworld, client_for, name, status):
    assert client_for(name).get("/assembly/drafts/").status_code == status


@pytest.mark.parametrize("name,status", [("stranger", 404), ("resident_a", 404), ("committee_chair", 404),
                                         ("manager_a", 404), ("street_admin", 200), ("community_admin", 200)])
def test_the_review_queue_is_for_admins(cworld, client_for, name, status):
    motion = _draft(cworld)
    response = client_for(name).get("/assembly/review/")
    assert response.status_code == status
    if status == 200:
        assert motion.title in response.content.decode()


def test_the_review_queue_of_another_street_does_not_list_the_draft(cworld, client_for):
    motion = _draft(cworld)
    response = client_for("other_street_admin").get("/assembly/review/")
    assert response.status_code == 200 and motion.title not in response.content.decode()


@pytest.mark.parametrize("name,status", [("stranger", 404), ("resident_a", 404), ("manager_a", 404),
                                         ("other_street_admin", 404), ("committee_member", 200),
                                         ("street_admin", 200)])
def test_a_draft_motion_page(cworld, client_for, name, status):
    motion = _draft(cworld)
    assert client_for(name).get(f"/assembly/drafts/motions/{motion.pk}/").status_code == status


def test_the_committee_drafts_through_the_page_and_cannot_review_it(cworld, client_for):
    w = cworld
    chair = client_for("committee_chair")
    assert chair.get("/assembly/drafts/motions/new/").status_code == 200
    opens = timezone.localtime() + 16 * DAY
    response = chair.post("/assembly/drafts/motions/new/", {
        "estate": w.estate_a.pk, "matter": "other_major", "title": "更换门禁", "body": "是否同意",
        "opens_at": opens.strftime("%Y-%m-%dT%H:%M"), "closes_at": (opens + 8 * DAY).strftime("%Y-%m-%dT%H:%M")})
    motion = Motion.objects.get()
    assert response.status_code == 302 and motion.review_status == "submitted"
    assert chair.post(f"/assembly/drafts/motions/{motion.pk}/", {"decision": "approve"}).status_code == 403
    assert chair.post(f"/assembly/motions/{motion.pk}/open/").status_code == 404
    assert Motion.objects.get().review_status == "submitted"


def test_the_street_approves_and_returns_through_the_page(cworld, client_for):
    w = cworld
    motion = _draft(w)
    street = client_for("street_admin")
    response = street.post(f"/assembly/drafts/motions/{motion.pk}/", {"decision": "return", "reason": ""})
    assert response.status_code == 200 and "退回须写明理由" in response.content.decode()
    street.post(f"/assembly/drafts/motions/{motion.pk}/", {"decision": "return", "reason": "补充费用"})
    assert Motion.objects.get().review_status == "returned"
    page = client_for("committee_chair").get(f"/assembly/drafts/motions/{motion.pk}/").content.decode()
    assert "补充费用" in page
    assert client_for("committee_chair").get(f"/assembly/drafts/motions/{motion.pk}/edit/").status_code == 200


@pytest.mark.parametrize("name,status", [("stranger", 404), ("resident_a", 404), ("manager_a", 404),
                                         ("other_street_admin", 404), ("committee_chair", 200),
                                         ("community_admin", 200)])
def test_a_draft_notice_page(cworld, client_for, name, status):
    draft = _notice_draft(cworld)
    assert client_for(name).get(f"/assembly/drafts/notices/{draft.pk}/").status_code == status


def test_the_committee_drafts_a_notice_through_the_page_and_the_street_posts_it(cworld, client_for):
    w = cworld
    today = timezone.localdate()
    chair = client_for("committee_chair")
    assert chair.get("/assembly/drafts/notices/new/").status_code == 200
    chair.post("/assembly/drafts/notices/new/", {"estate": w.estate_a.pk, "title": "停水通知", "body": "周六停水",
                                                 "scope": "estate", "posted_on": today.isoformat(),
                                                 "ends_on": (today + datetime.timedelta(days=3)).isoformat()})
    draft = NoticeDraft.objects.get()
    assert client_for("resident_a").get(f"/assembly/drafts/notices/{draft.pk}/").status_code == 404
    client_for("street_admin").post(f"/assembly/drafts/notices/{draft.pk}/", {"decision": "approve"})
    assert Notice.objects.get().title == "停水通知"
    assert client_for("resident_a").get(f"/assembly/notices/{Notice.objects.get().pk}/").status_code == 200


@pytest.mark.parametrize("url", ["/assembly/drafts/motions/new/", "/assembly/drafts/notices/new/"])
@pytest.mark.parametrize("name", ["stranger", "resident_a", "street_admin"])
def test_the_drafting_forms_are_refused_to_anyone_not_on_a_committee(cworld, client_for, url, name):
    assert client_for(name).get(url).status_code == 404


def test_a_draft_awaiting_review_is_not_listed_to_residents(cworld):
    w = cworld
    motion = _draft(w)
    assert list(Motion.objects.visible_to(w.resident_a)) == []
    assert list(Motion.objects.visible_to(w.street_admin)) == [motion]
    motion_review(motion=motion, actor=w.street_admin, approve=True)
    assert list(Motion.objects.visible_to(w.resident_a)) == [motion]


def test_the_review_queue_speaks_english_in_english(cworld, client_for):
    _draft(cworld)
    page = client_for("street_admin").get("/assembly/review/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Motions awaiting review" in page and "待审核的表决事项" not in page
