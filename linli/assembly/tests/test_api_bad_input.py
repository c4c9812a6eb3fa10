"""Bad input to the assembly API is a 400 naming the field, never a 500 (issue 12, finding 15)."""

from linli.assembly.models import Meeting, Notice
from linli.core.testing import error_messages, post

API = "/api/v1/assembly"


def test_a_meeting_without_a_place_is_a_400_naming_the_place_and_schedules_nothing(world, client_for):
    body = {"kind": "hearing", "level": "estate", "title": "议题", "notified_on": "2026-01-01", "held_on": "2026-01-02"}
    response = post(client_for("street_admin"), API + "/meetings/", body)
    assert response.status_code == 400
    assert error_messages(response) == {"estate": ["小区层级的会议必须指定小区"]}
    assert Meeting.objects.count() == 0


def test_a_meeting_of_an_unknown_level_without_a_place_is_a_400_naming_the_level(world, client_for):
    body = {"kind": "hearing", "level": "承办人", "title": "议题", "notified_on": "2026-01-01", "held_on": "2026-01-02"}
    response = post(client_for("street_admin"), API + "/meetings/", body)
    assert response.status_code == 400
    assert list(error_messages(response)) == ["level"]
    assert Meeting.objects.count() == 0


def test_a_notice_without_a_place_is_a_400_naming_the_place_and_posts_nothing(world, client_for):
    body = {"title": "公示", "body": "正文", "scope": "estate", "posted_on": "2026-01-01", "ends_on": "2026-01-08"}
    response = post(client_for("street_admin"), API + "/notices/", body)
    assert response.status_code == 400
    assert error_messages(response) == {"estate": ["小区公示必须指定小区"]}
    assert Notice.objects.count() == 0


def test_a_meeting_with_its_place_is_still_scheduled(world, client_for):
    body = {"kind": "hearing", "level": "estate", "estate": world.estate_a.pk, "title": "议题",
            "notified_on": "2026-01-01", "held_on": "2026-01-02"}
    response = post(client_for("street_admin"), API + "/meetings/", body)
    assert response.status_code == 201, response.content
    assert Meeting.objects.get().estate == world.estate_a
