"""Bad input to the joint-meeting API is a 400 naming the parameter, never a 500 (issue 12, finding 15)."""

import datetime

from django.utils import timezone

from linli.core.testing import error_messages, post
from linli.meetings import services as meetings


def test_a_report_naming_a_department_key_beyond_64_bits_is_a_400_naming_it(world, client_for):
    meeting = meetings.meeting_convene(street=world.street, title="楼道照明", topic="楼道照明",
                                       scheduled_at=timezone.now() + datetime.timedelta(days=1),
                                       actor=world.street_admin, departments=[world.department])
    response = post(client_for("department_handler"), f"/api/v1/joint-meetings/{meeting.pk}/report/",
                    {"department": 2**80, "attendees": "张三"})
    assert response.status_code == 400
    assert list(error_messages(response)) == ["department"]
    assert meeting.invites.get().reported_at is None
