"""Bad input to the volunteers API is a 400 naming the parameter, never a 500 (issue 12, finding 15)."""

from linli.core.testing import error_messages
from linli.volunteers import services
from linli.volunteers.models import PointsEntry


def test_a_list_filtered_by_a_team_key_beyond_64_bits_is_a_400_naming_it(vworld, client_for):
    response = client_for("street_admin").get("/api/v1/volunteers/?teams=2328310527939429269504")
    assert response.status_code == 400
    assert error_messages(response) == {"teams": ["编号超出范围"]}


def test_a_reversal_sent_as_multipart_reverses_the_entry(vworld, client_for):
    services.points_adjust(actor=vworld.community_admin, person=vworld.neighbour, amount=5, reason="巡查",
                           community=vworld.c1)
    entry = PointsEntry.objects.get()
    # Django's test client sends a dict as multipart/form-data.
    response = client_for("street_admin").post(f"/api/v1/points-entries/{entry.pk}/reverse/", {"reason": "记错了"})
    assert response.status_code == 200
    assert response.json()["amount"] == -5
    assert PointsEntry.objects.get(reverses=entry).amount == -5


def test_an_empty_multipart_reversal_is_a_400_naming_the_reason_and_reverses_nothing(vworld, client_for):
    services.points_adjust(actor=vworld.community_admin, person=vworld.neighbour, amount=5, reason="巡查",
                           community=vworld.c1)
    entry = PointsEntry.objects.get()
    response = client_for("street_admin").post(f"/api/v1/points-entries/{entry.pk}/reverse/", {})
    assert response.status_code == 400
    assert list(error_messages(response)) == ["reason"]
    assert PointsEntry.objects.count() == 1


def test_a_reward_costing_more_than_a_database_integer_is_a_400_naming_the_cost(vworld, client_for):
    from linli.core.testing import post
    from linli.volunteers.models import Reward

    body = {"community": vworld.c1.pk, "name": "理发券", "cost": 9081658210073690052583489536}
    response = post(client_for("street_admin"), "/api/v1/rewards/", body)
    assert response.status_code == 400
    assert list(error_messages(response)) == ["cost"]
    assert Reward.objects.count() == 0
