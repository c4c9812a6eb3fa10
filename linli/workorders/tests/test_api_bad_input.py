"""Bad input to the work-order API is a 400 naming the parameter, never a 500 (issue 12, finding 15)."""

import pytest

from linli.core.testing import error_messages


@pytest.mark.parametrize("value", ["-1.7976931348623157e%2B308", "null", "1.5"])
def test_a_list_filtered_by_an_estate_that_is_no_key_is_a_400_naming_it(world, client_for, value):
    response = client_for("street_admin").get(f"/api/v1/workorders/?estate={value}")
    assert response.status_code == 400
    assert list(error_messages(response)) == ["estate"]


def test_a_list_filtered_by_an_estate_key_out_of_range_is_a_400_naming_it(world, client_for):
    # Larger than any key the database can hold (SQLite raised OverflowError on it).
    response = client_for("street_admin").get("/api/v1/workorders/?estate=99999999999999999999999")
    assert response.status_code == 400
    assert list(error_messages(response)) == ["estate"]


def test_the_people_list_filtered_by_a_home_that_is_no_key_is_a_400_naming_it(world, client_for):
    response = client_for("street_admin").get("/api/v1/persons/?home=1e308")
    assert response.status_code == 400
    assert list(error_messages(response)) == ["home"]


def test_a_report_naming_a_department_key_beyond_64_bits_is_a_400_naming_it(world, client_for):
    import datetime

    from django.utils import timezone

    from linli.core.testing import post
    from linli.workorders import meetings

    meeting = meetings.meeting_convene(street=world.street, title="楼道照明", topic="楼道照明",
                                       scheduled_at=timezone.now() + datetime.timedelta(days=1),
                                       actor=world.street_admin, departments=[world.department])
    response = post(client_for("department_handler"), f"/api/v1/joint-meetings/{meeting.pk}/report/",
                    {"department": 2**80, "attendees": "张三"})
    assert response.status_code == 400
    assert list(error_messages(response)) == ["department"]
    assert meeting.invites.get().reported_at is None
