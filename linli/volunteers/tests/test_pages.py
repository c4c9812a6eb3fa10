"""Volunteer pages: strangers get 404, read-only roles 403 on writes (nothing changed), the right role succeeds."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.core.testing import PASSWORD, activity_times
from linli.core.tests import samples
from linli.people.models import AccessLog
from linli.volunteers import lists, services, wishes
from linli.volunteers.models import (
    Activity,
    BoardEntry,
    Participation,
    PointsEntry,
    Redemption,
    Reward,
    Team,
    Wish,
)


@pytest.fixture
def scene(vworld):
    w = vworld
    start, end = activity_times()
    w.activity = services.activity_create(actor=w.community_admin, title="楼道清扫", kind="cleaning", community=w.c1,
                                          estate=w.estate_a, starts_at=start, ends_at=end, points_fixed=5,
                                          points_per_hour=10)
    services.points_adjust(actor=w.community_admin, person=w.neighbour, amount=50, reason="垃圾分类值守",
                           community=w.c1, estate=w.estate_a)
    w.reward = services.reward_create(actor=w.community_admin, community=w.c1, name="洗衣液", cost=30, stock=2)
    lists.offer_add(actor=w.community_admin, list_kind="supply", source="party_member", skill="repair", title="修小家电",
                    person=w.neighbour, estate=w.estate_a)
    w.need = lists.need_add(actor=w.resident_a, person=w.resident, skill="repair", title="电饭煲坏了")
    lists.match_propose(need=w.need)
    wish = wishes.wish_post(actor=w.resident_a, beneficiary=w.resident, title="想要一台收音机",
                            detail="独居，家住1栋1单元101")
    w.wish = wishes.wish_review(actor=w.community_admin, wish=wish, approve=True)
    return w


MEMBER_PAGES = {
    "me": lambda w: reverse("volunteers:me"),
    "activities": lambda w: reverse("volunteers:activity_list"),
    "activity": lambda w: reverse("volunteers:activity_detail", args=[w.activity.pk]),
    "points": lambda w: reverse("volunteers:points"),
    "rewards": lambda w: reverse("volunteers:reward_list"),
    "redemptions": lambda w: reverse("volunteers:redemption_list"),
    "rankings": lambda w: reverse("volunteers:rankings"),
    "teams": lambda w: reverse("volunteers:team_list"),
    "volunteers": lambda w: reverse("volunteers:volunteer_list"),
    "volunteer": lambda w: reverse("volunteers:volunteer_detail", args=[w.profile_a.pk]),
    "lists": lambda w: reverse("volunteers:list_offers"),
    "need": lambda w: reverse("volunteers:need_detail", args=[w.need.pk]),
    "wishes": lambda w: reverse("volunteers:wish_list"),
    "wish_new": lambda w: reverse("volunteers:wish_new"),
}


@pytest.mark.parametrize("page", MEMBER_PAGES)
def test_a_stranger_gets_404_on_every_volunteer_page(scene, client_for, page):
    assert client_for("stranger").get(MEMBER_PAGES[page](scene)).status_code == 404


@pytest.mark.parametrize("page", MEMBER_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(scene, page):
    response = Client().get(MEMBER_PAGES[page](scene))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("page", MEMBER_PAGES)
def test_the_community_admin_opens_every_page(scene, client_for, page):
    assert client_for("community_admin").get(MEMBER_PAGES[page](scene)).status_code == 200


@pytest.mark.parametrize("page", ["activity", "volunteer", "need"])
def test_records_of_another_street_are_404(scene, client_for, page):
    assert client_for("other_street_admin").get(MEMBER_PAGES[page](scene)).status_code == 404


def test_a_resident_gets_404_on_the_staff_volunteer_list(scene, client_for):
    assert client_for("resident_a").get(MEMBER_PAGES["volunteers"](scene)).status_code == 404


def test_a_resident_does_not_see_another_residents_need(scene, client_for):
    assert client_for("volunteer_b").get(MEMBER_PAGES["need"](scene)).status_code == 404
    assert client_for("resident_a").get(MEMBER_PAGES["need"](scene)).status_code == 200


def test_my_page_shows_points_activities_wishes_and_visits_due(scene, client_for):
    from linli.care import services as care

    subject = care.subject_enrol(actor=scene.community_admin, person=scene.resident)
    care.plan_create(actor=scene.community_admin, subject=subject, frequency="weekly", visitors=[scene.volunteer_a])
    wishes.wish_claim(actor=scene.volunteer_a, wish=scene.wish)
    services.activity_sign_up(actor=scene.volunteer_a, activity=scene.activity, person=scene.neighbour)
    response = client_for("volunteer_a").get(reverse("volunteers:me"))
    body = response.content.decode()
    assert response.context["balance"] == 50
    assert [p.activity for p in response.context["participations"]] == [scene.activity]
    assert [w.title for w in response.context["wishes"]] == ["想要一台收音机"]
    assert [p.subject.person.name for p in response.context["visits_due"]] == ["周莲秀"]
    assert "楼道清扫" in body and "想要一台收音机" in body and "周莲秀" in body


# -- activities and QR check-in -----------------------------------------------------------------------------


def test_the_organiser_sees_the_qr_code_and_a_volunteer_does_not(scene, client_for):
    url = reverse("volunteers:activity_detail", args=[scene.activity.pk])
    assert "qr_url" in client_for("community_admin").get(url).context
    assert "qr_url" not in client_for("volunteer_a").get(url).context
    qr = reverse("volunteers:activity_qr", args=[scene.activity.pk])
    response = client_for("community_admin").get(qr)
    assert (response.status_code, response["Content-Type"]) == (200, "image/svg+xml")
    assert response.content.startswith(b"<?xml") or b"<svg" in response.content[:200]
    assert client_for("volunteer_a").get(qr).status_code == 403
    assert client_for("stranger").get(qr).status_code == 404


def test_opening_the_qr_url_checks_in_then_out_and_grants_the_rule_points(scene, client_for):
    client = client_for("volunteer_a")
    url = reverse("volunteers:checkin", args=[services.qr_token(scene.activity)])
    assert client.get(url).status_code == 200
    client.post(url, {"action": "in"})
    part = Participation.objects.get(person=scene.neighbour)
    assert (part.status, part.checked_in_via) == ("checked_in", "qr")
    client.post(url, {"action": "out"})
    part.refresh_from_db()
    assert (part.status, part.points) == ("done", 5)  # ten minutes in: the fixed points only
    assert services.balance(scene.neighbour) == 55


def test_a_forged_qr_token_is_404(scene, client_for):
    assert client_for("volunteer_a").get(reverse("volunteers:checkin", args=["forged"])).status_code == 404


def test_the_qr_url_asks_an_anonymous_visitor_to_sign_in_first(scene):
    url = reverse("volunteers:checkin", args=[services.qr_token(scene.activity)])
    response = Client().get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ["auditor", "grid_worker", "manager_a", "department_handler", "volunteer_b"])
def test_a_read_only_role_cannot_check_people_in(scene, client_for, name):
    url = reverse("volunteers:activity_roster", args=[scene.activity.pk])
    response = client_for(name).post(url, {"person": scene.neighbour.pk, "action": "in"})
    assert response.status_code == 403
    assert Participation.objects.count() == 0


def test_the_organiser_checks_a_volunteer_in_from_the_roster(scene, client_for):
    url = reverse("volunteers:activity_roster", args=[scene.activity.pk])
    client_for("community_admin").post(url, {"person": scene.neighbour.pk, "action": "in"})
    assert Participation.objects.get().checked_in_via == "organiser"


@pytest.mark.parametrize("name", ["auditor", "grid_worker", "manager_a", "department_handler", "resident_a"])
def test_a_read_only_role_cannot_publish_an_activity_grant_points_or_stock_rewards(scene, client_for, name):
    client = client_for(name)
    before = (Activity.objects.count(), PointsEntry.objects.count(), Reward.objects.count(), Team.objects.count())
    start, end = activity_times()
    assert client.post(reverse("volunteers:activity_new"), {
        "title": "x", "kind": "patrol", "community": scene.c1.pk, "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": end.strftime("%Y-%m-%dT%H:%M"), "points_fixed": 1, "points_per_hour": 0}).status_code == 403
    assert client.post(reverse("volunteers:points"), {"person": scene.neighbour.pk, "community": scene.c1.pk,
                                                     "amount": 100, "reason": "x"}).status_code == 403
    assert client.post(reverse("volunteers:reward_list"), {"community": scene.c1.pk, "name": "x", "kind": "item",
                                                          "cost": 1}).status_code == 403
    assert client.post(reverse("volunteers:team_list"), {"community": scene.c1.pk, "name": "x",
                                                        "kind": "care"}).status_code == 403
    after = (Activity.objects.count(), PointsEntry.objects.count(), Reward.objects.count(), Team.objects.count())
    assert after == before


def test_the_community_admin_publishes_an_activity_from_the_page(scene, client_for):
    start, end = activity_times(hours=3)
    response = client_for("community_admin").post(reverse("volunteers:activity_new"), {
        "title": "平安巡查", "kind": "patrol", "community": scene.c1.pk, "estate": scene.estate_a.pk,
        "starts_at": timezone.localtime(start).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(end).strftime("%Y-%m-%dT%H:%M"), "points_fixed": 2, "points_per_hour": 5})
    activity = Activity.objects.get(title="平安巡查")
    assert response.url == reverse("volunteers:activity_detail", args=[activity.pk])
    assert activity.rule_text() == "参与 2 分，每满 1 小时 5 分"


# -- points and rewards ---------------------------------------------------------------------------------------


def test_a_volunteer_redeems_a_reward_from_the_page(scene, client_for):
    client_for("volunteer_a").post(reverse("volunteers:reward_redeem", args=[scene.reward.pk]))
    scene.reward.refresh_from_db()
    assert (scene.reward.stock, services.balance(scene.neighbour)) == (1, 20)
    response = client_for("volunteer_a").post(reverse("volunteers:reward_redeem", args=[scene.reward.pk]),
                                              follow=True)
    assert "积分不足" in response.content.decode()
    assert Redemption.objects.count() == 1


def test_a_resident_sees_only_their_own_ledger(scene, client_for):
    response = client_for("volunteer_b").get(reverse("volunteers:points"))
    assert list(response.context["page"]) == []
    response = client_for("volunteer_a").get(reverse("volunteers:points"))
    assert [e.amount for e in response.context["page"]] == [50]


@pytest.mark.parametrize("name", ["auditor", "manager_a", "volunteer_a"])
def test_a_read_only_role_cannot_hand_over_or_void_a_redemption(scene, client_for, name):
    r = services.redeem(actor=scene.volunteer_a, reward=scene.reward, person=scene.neighbour)
    url = reverse("volunteers:redemption_action", args=[r.pk])
    assert client_for(name).post(url, {"action": "void", "reason": "x"}).status_code == 403
    assert Redemption.objects.get().status == "redeemed"


def test_the_ranking_page_masks_names_for_residents_and_not_for_staff(scene, client_for):
    body = client_for("volunteer_b").get(reverse("volunteers:rankings")).content.decode()
    assert "李**" in body and "李建国" not in body
    assert "李建国" in client_for("community_admin").get(reverse("volunteers:rankings")).content.decode()


# -- the public 红黑榜 ------------------------------------------------------------------------------------------


def test_the_board_is_public_with_masked_names_and_its_rules(scene):
    services.board_entry_add(actor=scene.community_admin, community=scene.c1, kind="black", person=scene.wang,
                             reason="楼道堆物经三次劝导未清理")
    response = Client().get(reverse("volunteers:board", args=[scene.c1.code]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "李**" in body and "王*" in body and "楼道堆物经三次劝导未清理" in body
    assert "李建国" not in body and "王芳" not in body and "13700002222" not in body
    assert "榜单规则" in body and "前 10 名" in body


def test_the_board_of_an_unknown_community_is_404(scene):
    assert Client().get(reverse("volunteers:board", args=["999"])).status_code == 404


@pytest.mark.parametrize("name", ["auditor", "grid_worker", "volunteer_a", "other_street_admin"])
def test_only_the_community_puts_someone_on_the_board(scene, client_for, name):
    url = reverse("volunteers:board", args=[scene.c1.code])
    response = client_for(name).post(url, {"kind": "black", "person": scene.wang.pk, "reason": "x"})
    assert response.status_code == 403
    assert BoardEntry.objects.count() == 0


def test_a_stranger_posting_to_the_board_gets_404(scene, client_for):
    url = reverse("volunteers:board", args=[scene.c1.code])
    assert client_for("stranger").post(url, {"kind": "black", "person": scene.wang.pk, "reason": "x"}).status_code == 404
    assert Client().post(url, {"kind": "black"}).status_code == 404


# -- wishes ---------------------------------------------------------------------------------------------------


def test_the_wish_wall_is_public_without_personal_details(scene):
    body = Client().get(reverse("volunteers:wish_pool")).content.decode()
    assert "想要一台收音机" in body
    assert "周莲秀" not in body and "1单元101" not in body and "独居" not in body


def test_the_public_wish_page_hides_the_beneficiary_and_logs_nothing(scene, client_for):
    body = client_for("volunteer_b").get(reverse("volunteers:wish_detail", args=[scene.wish.pk])).content.decode()
    assert "想要一台收音机" in body and "周莲秀" not in body and "1单元101" not in body
    assert AccessLog.objects.count() == 0


def test_the_community_sees_the_full_wish_and_the_viewing_is_logged(scene, client_for):
    body = client_for("community_admin").get(reverse("volunteers:wish_detail", args=[scene.wish.pk])).content.decode()
    assert "周莲秀" in body and "1单元101" in body
    log = AccessLog.objects.get()
    assert (log.actor, log.person, log.kind) == (scene.community_admin, scene.resident, "wish_view")


def test_a_pending_wish_is_404_to_everyone_but_the_community_and_the_beneficiary(scene, client_for):
    wish = wishes.wish_post(actor=scene.resident_a, beneficiary=scene.resident, title="理发")
    url = reverse("volunteers:wish_detail", args=[wish.pk])
    assert Client().get(url).status_code == 404
    assert client_for("volunteer_a").get(url).status_code == 404
    assert client_for("manager_a").get(url).status_code == 404
    assert client_for("resident_a").get(url).status_code == 200
    assert client_for("grid_worker").get(url).status_code == 200


def test_a_volunteer_claims_and_fulfils_a_wish_from_the_pages(scene, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for("volunteer_a")
    client.post(reverse("volunteers:wish_action", args=[scene.wish.pk, "claim"]))
    photo = SimpleUploadedFile("radio.jpg", samples.jpeg_with_gps(), content_type="image/jpeg")
    client.post(reverse("volunteers:wish_action", args=[scene.wish.pk, "fulfil"]), {"photo": photo, "note": "送到了"})
    client_for("resident_a").post(reverse("volunteers:wish_action", args=[scene.wish.pk, "thank"]),
                                  {"thanks": "谢谢！"})
    wish = Wish.objects.get()
    assert (wish.status, wish.thanks, wish.claimed_by_user) == ("fulfilled", "谢谢！", scene.volunteer_a)


@pytest.mark.parametrize("name", ["manager_a", "auditor", "volunteer_a"])
def test_a_role_that_does_not_check_wishes_cannot_approve_one(scene, client_for, name):
    wish = wishes.wish_post(actor=scene.resident_a, beneficiary=scene.resident, title="理发")
    response = client_for(name).post(reverse("volunteers:wish_action", args=[wish.pk, "review"]), {"approve": "1"})
    assert response.status_code == 404  # a pending wish is seen only by its poster and the reviewers
    assert Wish.objects.get(pk=wish.pk).status == "pending"


def test_the_pages_link_the_app_stylesheet(scene, client_for):
    assert "volunteers/volunteers.css" in client_for("volunteer_a").get(reverse("volunteers:me")).content.decode()


def test_the_checkin_page_works_for_a_resident_who_signs_in_from_the_qr_link(scene):
    url = reverse("volunteers:checkin", args=[services.qr_token(scene.activity)])
    client = Client()
    response = client.post(reverse("login") + f"?next={url}", {"username": "volunteer_a", "password": PASSWORD,
                                                             "next": url})
    assert response.url == url
    assert client.get(url).status_code == 200


POSTS = {
    "sign_up": lambda w: reverse("volunteers:activity_sign_up", args=[w.activity.pk]),
    "roster": lambda w: reverse("volunteers:activity_roster", args=[w.activity.pk]),
    "qr_renew": lambda w: reverse("volunteers:activity_qr_renew", args=[w.activity.pk]),
    "checkin": lambda w: reverse("volunteers:checkin", args=[services.qr_token(w.activity)]),
    "points": lambda w: reverse("volunteers:points"),
    "reverse": lambda w: reverse("volunteers:points_reverse", args=[PointsEntry.objects.first().pk]),
    "redeem": lambda w: reverse("volunteers:reward_redeem", args=[w.reward.pk]),
    "offer": lambda w: reverse("volunteers:offer_new"),
    "need": lambda w: reverse("volunteers:need_new"),
    "need_action": lambda w: reverse("volunteers:need_action", args=[w.need.pk]),
    "wish_new": lambda w: reverse("volunteers:wish_new"),
    "wish_claim": lambda w: reverse("volunteers:wish_action", args=[w.wish.pk, "claim"]),
}


@pytest.mark.parametrize("what", POSTS)
def test_a_stranger_posting_anywhere_gets_404_and_changes_nothing(scene, client_for, what):
    before = (Participation.objects.count(), PointsEntry.objects.count(), Redemption.objects.count(),
              Wish.objects.filter(status="open").count())
    response = client_for("stranger").post(POSTS[what](scene), {"action": "in", "person": scene.neighbour.pk,
                                                                "amount": 5, "reason": "x", "phone": "13812345678"})
    assert response.status_code == 404
    assert (Participation.objects.count(), PointsEntry.objects.count(), Redemption.objects.count(),
            Wish.objects.filter(status="open").count()) == before


def test_the_photo_of_a_fulfilled_wish_is_served_to_anyone_and_nothing_before(scene, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("volunteers:wish_photo", args=[scene.wish.pk])
    assert Client().get(url).status_code == 404
    wish = wishes.wish_claim(actor=scene.volunteer_a, wish=scene.wish)
    wishes.wish_fulfil(actor=scene.volunteer_a, wish=wish, photo=SimpleUploadedFile("r.png", samples.png()))
    response = Client().get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "image/jpeg")
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"


def test_the_volunteer_list_filters_by_skill_and_team_with_the_apis_filterset(scene, client_for):
    client = client_for("community_admin")
    url = reverse("volunteers:volunteer_list")

    def listed(query):
        return {v.pk for v in client.get(url, query).context["page"].object_list}

    both = {scene.profile_a.pk, scene.profile_b.pk}
    assert both <= listed({})
    assert scene.profile_a.pk in listed({"skill": "repair"}) and scene.profile_b.pk not in listed({"skill": "repair"})
    assert scene.profile_b.pk in listed({"skill": "companionship"}) and scene.profile_a.pk not in listed(
        {"skill": "companionship"})
    assert scene.profile_a.pk in listed({"team": scene.team.pk}) and scene.profile_b.pk not in listed(
        {"team": scene.team.pk})
    # A value the page cannot read is left out, the list stays whole (the API answers 400 for it).
    assert both <= listed({"skill": "juggling", "team": "x"})
    api = client.get("/api/v1/volunteers/", {"skill": "juggling"})
    assert api.status_code == 400
