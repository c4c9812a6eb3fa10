"""The volunteers API: strangers 404, anonymous 401, read-only roles 403 (nothing changed), the right role succeeds."""

import pytest
from django.test import Client

from linli.core.testing import activity_times, error_messages, post, results
from linli.people.models import AccessLog
from linli.volunteers import lists, services, wishes
from linli.volunteers.models import (
    Activity,
    Match,
    Need,
    Offer,
    Participation,
    PointsEntry,
    Redemption,
    Reward,
    Team,
    Volunteer,
    Wish,
)

LISTS = ["volunteer-teams", "volunteers", "volunteer-activities", "points-entries", "rewards", "redemptions",
         "volunteer-offers", "volunteer-needs", "volunteer-matches", "wishes"]


@pytest.fixture
def api(vworld):
    w = vworld
    start, end = activity_times()
    w.activity = services.activity_create(actor=w.community_admin, title="楼道清扫", kind="cleaning", community=w.c1,
                                          starts_at=start, ends_at=end, points_fixed=5)
    services.points_adjust(actor=w.community_admin, person=w.neighbour, amount=50, reason="巡查", community=w.c1)
    w.reward = services.reward_create(actor=w.community_admin, community=w.c1, name="洗衣液", cost=30, stock=1)
    lists.offer_add(actor=w.community_admin, list_kind="supply", source="party_member", skill="repair",
                    title="修小家电", person=w.neighbour)
    w.need = lists.need_add(actor=w.resident_a, person=w.resident, skill="repair", title="电饭煲坏了")
    lists.match_propose(need=w.need)
    w.wish = wishes.wish_review(actor=w.community_admin, approve=True, wish=wishes.wish_post(
        actor=w.resident_a, beneficiary=w.resident, title="想要一台收音机", detail="1单元101"))
    return w


def counts():
    return tuple(M.objects.count() for M in (Team, Volunteer, Activity, Participation, PointsEntry, Reward, Redemption,
                                             Offer, Need, Match, Wish))


@pytest.mark.parametrize("name", LISTS)
def test_a_stranger_gets_404_on_every_list_and_changes_nothing(api, client_for, name):
    before = counts()
    client = client_for("stranger")
    assert client.get(f"/api/v1/{name}/").status_code == 404
    assert post(client, f"/api/v1/{name}/", {}).status_code == 404
    assert counts() == before


@pytest.mark.parametrize("name", LISTS)
def test_an_anonymous_caller_is_asked_to_authenticate(api, name):
    assert Client().get(f"/api/v1/{name}/").status_code == 401


@pytest.mark.parametrize("name", LISTS)
def test_nothing_can_be_deleted(api, client_for, name):

    client = client_for("district_admin")
    first = results(client.get(f"/api/v1/{name}/"))
    if first:
        assert client.delete(f"/api/v1/{name}/{first[0]['id']}/").status_code == 405


def test_the_community_admin_sees_the_community_records(api, client_for):
    client = client_for("community_admin")
    assert [r["title"] for r in results(client.get("/api/v1/volunteer-activities/"))] == ["楼道清扫"]
    assert [r["amount"] for r in results(client.get("/api/v1/points-entries/"))] == [50]
    assert [r["name"] for r in results(client.get("/api/v1/volunteers/"))] == ["李建国", "王芳"]


def test_another_street_sees_none_of_it(api, client_for):
    client = client_for("other_street_admin")
    for name in LISTS:
        assert results(client.get(f"/api/v1/{name}/")) == [], name
    assert client.get(f"/api/v1/volunteer-activities/{api.activity.pk}/").status_code == 404


def test_a_resident_sees_their_own_ledger_only(api, client_for):
    assert results(client_for("volunteer_b").get("/api/v1/points-entries/")) == []
    assert client_for("volunteer_a").get("/api/v1/points-balance/").json() == {"person": api.neighbour.pk,
                                                                              "balance": 50}
    assert client_for("volunteer_b").get(f"/api/v1/points-balance/?person={api.neighbour.pk}").status_code == 404


# -- writes ---------------------------------------------------------------------------------------------------


def _activity_body(w):
    start, end = activity_times()
    return {"title": "巡查", "kind": "patrol", "community": w.c1.pk, "starts_at": start.isoformat(),
            "ends_at": end.isoformat(), "points_fixed": 3}


WRITES = {
    "team": lambda w: ("/api/v1/volunteer-teams/", {"community": w.c1.pk, "name": "环境整治组", "kind": "environment"}),
    "activity": lambda w: ("/api/v1/volunteer-activities/", _activity_body(w)),
    "grant": lambda w: ("/api/v1/points-entries/", {"person": w.neighbour.pk, "community": w.c1.pk, "amount": 10,
                                                    "reason": "调解邻里纠纷"}),
    "reward": lambda w: ("/api/v1/rewards/", {"community": w.c1.pk, "name": "理发券", "cost": 20, "kind": "service"}),
    "check_in": lambda w: (f"/api/v1/volunteer-activities/{w.activity.pk}/check-in/", {"person": w.neighbour.pk}),
    "reverse": lambda w: (f"/api/v1/points-entries/{PointsEntry.objects.first().pk}/reverse/", {"reason": "错"}),
    "confirm": lambda w: (f"/api/v1/volunteer-matches/{Match.objects.first().pk}/confirm/", {}),
}
READ_ONLY = ["auditor", "grid_worker", "department_handler", "manager_a"]


@pytest.mark.parametrize("what", WRITES)
@pytest.mark.parametrize("name", READ_ONLY)
def test_a_read_only_role_gets_403_and_nothing_changes(api, client_for, what, name):
    url, body = WRITES[what](api)
    before = counts()
    response = post(client_for(name), url, body)
    assert response.status_code == 403, (response.status_code, response.content)
    assert counts() == before


def test_the_community_admin_writes(api, client_for):
    client = client_for("community_admin")
    for what in ("team", "activity", "grant", "reward", "check_in", "confirm"):
        url, body = WRITES[what](api)
        response = post(client, url, body)
        assert response.status_code == (200 if what in ("check_in", "confirm") else 201), (what, response.content)
    assert Team.objects.filter(name="环境整治组").exists()
    assert services.balance(api.neighbour) == 60


def test_a_broken_rule_is_a_400_with_the_message(api, client_for):
    response = post(client_for("community_admin"), "/api/v1/points-entries/", {
        "person": api.neighbour.pk, "community": api.c1.pk, "amount": -51, "reason": "扣减"})
    assert response.status_code == 400
    assert error_messages(response) == {"amount": ["积分余额不足，不能扣减为负数"]}


def test_a_reference_outside_the_scope_is_a_400(api, client_for):
    response = post(client_for("other_street_admin"), "/api/v1/points-entries/", {
        "person": api.neighbour.pk, "community": api.c1.pk, "amount": 5, "reason": "x"})
    assert response.status_code == 400


def test_a_volunteer_checks_in_by_qr_token_and_redeems(api, client_for):
    token = post(client_for("community_admin"), f"/api/v1/volunteer-activities/{api.activity.pk}/qr/", {})
    assert token.status_code == 405  # the QR is a GET
    token = client_for("community_admin").get(f"/api/v1/volunteer-activities/{api.activity.pk}/qr/").json()["token"]
    assert client_for("volunteer_a").get(f"/api/v1/volunteer-activities/{api.activity.pk}/qr/").status_code == 403
    client = client_for("volunteer_a")
    assert post(client, "/api/v1/volunteer-checkin/", {"token": token}).json()["status"] == "checked_in"
    assert post(client, "/api/v1/volunteer-checkin/", {"token": token, "action": "out"}).json()["points"] == 5
    response = post(client, f"/api/v1/rewards/{api.reward.pk}/redeem/", {})
    assert (response.status_code, response.json()["points"]) == (201, 30)
    assert post(client_for("volunteer_b"), f"/api/v1/rewards/{api.reward.pk}/redeem/", {}).status_code == 400
    assert client.get("/api/v1/points-balance/").json()["balance"] == 25


def test_a_forged_token_is_404(api, client_for):
    assert post(client_for("volunteer_a"), "/api/v1/volunteer-checkin/", {"token": "x"}).status_code == 404


def test_rankings_mask_names_for_residents(api, client_for):
    url = f"/api/v1/volunteer-rankings/?community={api.c1.pk}"
    assert client_for("community_admin").get(url).json() == [{"rank": 1, "name": "李建国", "points": 50}]
    assert client_for("volunteer_b").get(url).json() == [{"rank": 1, "name": "李**", "points": 50}]
    assert client_for("stranger").get(url).status_code == 404
    assert client_for("other_street_admin").get(url).status_code == 404


def test_the_board_is_public(api):
    data = Client().get(f"/api/v1/volunteer-board/{api.c1.code}/").json()
    assert data["top"] == [{"rank": 1, "name": "李**", "points": 50}]
    assert len(data["rules"]) == 4


def test_the_wish_wall_is_public_without_personal_details(api):
    rows = results(Client().get("/api/v1/wish-pool/"))
    assert [r["title"] for r in rows] == ["想要一台收音机"]
    assert "beneficiary" not in rows[0] and "detail" not in rows[0]


def test_a_volunteer_claims_from_the_wall_and_the_full_record_is_logged_for_staff(api, client_for):
    assert client_for("volunteer_b").get(f"/api/v1/wishes/{api.wish.pk}/").status_code == 404
    response = post(client_for("volunteer_b"), f"/api/v1/wishes/{api.wish.pk}/claim/", {})
    assert (response.status_code, response.json()["claimant"]) == (200, "王*")
    assert client_for("volunteer_b").get(f"/api/v1/wishes/{api.wish.pk}/").json()["beneficiary_name"] == "周莲秀"
    assert post(client_for("volunteer_a"), f"/api/v1/wishes/{api.wish.pk}/claim/", {}).status_code == 400
    client_for("community_admin").get(f"/api/v1/wishes/{api.wish.pk}/")
    assert [(log.actor.username, log.kind) for log in AccessLog.objects.order_by("pk")] == [
        ("volunteer_b", "api_wish_view"), ("community_admin", "api_wish_view")]


def test_property_staff_never_see_full_wishes(api, client_for):
    assert results(client_for("manager_a").get("/api/v1/wishes/")) == []
