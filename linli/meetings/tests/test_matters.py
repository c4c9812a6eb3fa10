"""Issue 19 item 7 (helper "linkage"): a 议事会 passes a matter straight to the street's joint meeting (吹哨报到),
and both sides show where it came from and went."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from linli.assembly import services as assembly
from linli.assembly.models import MeetingEvent, Referral
from linli.meetings import services
from linli.meetings.models import JointMeeting

TODAY = timezone.localdate()


@pytest.fixture
def deliberation(world):
    meeting = assembly.meeting_schedule(kind="party_mass", level="community", title="锦霞社区党群议事会",
                                        division=world.c1, notified_on=TODAY, held_on=TODAY,
                                        actor=world.community_admin)
    assembly.meeting_record(meeting=meeting, minutes="占道经营问题社区解决不了", attendees=[("居民代表", "")],
                            actor=world.community_admin)
    return meeting


def test_a_matter_goes_to_a_new_joint_meeting_and_both_sides_keep_it(world, deliberation):
    at = timezone.now() + datetime.timedelta(days=2)
    joint = services.matter_to_joint_meeting(meeting=deliberation, text="锦霞街占道经营", scheduled_at=at,
                                             actor=world.street_admin)
    assert joint.street == world.street and "锦霞社区党群议事会" in joint.topic and "锦霞街占道经营" in joint.topic
    referral = Referral.objects.get()
    assert (referral.target, referral.joint_meeting_ref, referral.from_meeting) == (
        "joint_meeting", joint.pk, deliberation)
    assert MeetingEvent.objects.filter(meeting=deliberation, kind="referred_up", data__joint_meeting=joint.pk).exists()


def test_a_matter_joins_an_open_joint_meeting(world, deliberation):
    joint = services.meeting_convene(street=world.street, title="占道问题", topic="锦霞街",
                                     scheduled_at=timezone.now() + datetime.timedelta(days=1), actor=world.street_admin)
    services.matter_to_joint_meeting(meeting=deliberation, text="夜市噪音", joint_meeting=joint,
                                     actor=world.street_admin)
    joint.refresh_from_db()
    assert joint.topic.startswith("锦霞街\n") and "夜市噪音" in joint.topic
    assert JointMeeting.objects.count() == 1


def test_only_the_streets_admins_send_a_matter_to_a_joint_meeting(world, deliberation):
    at = timezone.now() + datetime.timedelta(days=2)
    for who in ("community_admin", "grid_worker", "other_street_admin"):
        with pytest.raises(PermissionDenied):
            services.matter_to_joint_meeting(meeting=deliberation, text="x", scheduled_at=at,
                                             actor=world.users[who])
    assert JointMeeting.objects.count() == 0 and Referral.objects.count() == 0


def test_a_matter_needs_words_and_a_held_meeting(world, deliberation):
    with pytest.raises(ValidationError):
        services.matter_to_joint_meeting(meeting=deliberation, text=" ", actor=world.street_admin,
                                         scheduled_at=timezone.now())
    planned = assembly.meeting_schedule(kind="party_mass", level="community", title="x", division=world.c1,
                                        notified_on=TODAY, held_on=TODAY, actor=world.community_admin)
    with pytest.raises(ValidationError):
        services.matter_to_joint_meeting(meeting=planned, text="x", actor=world.street_admin,
                                         scheduled_at=timezone.now())


def test_the_pages_show_where_the_matter_came_from_and_went(world, deliberation, client_for):
    client = client_for("street_admin")
    url = reverse("meetings:matter_from_assembly", args=[deliberation.pk])
    assert client.get(url).status_code == 200
    at = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"text": "锦霞街占道经营", "scheduled_at": at})
    joint = JointMeeting.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("meetings:meeting_detail", args=[joint.pk])).content.decode()
    assert "议事会上报" in page and "锦霞社区党群议事会" in page
    back = client.get(reverse("assembly:meeting_detail", args=[deliberation.pk])).content.decode()
    assert reverse("meetings:meeting_detail", args=[joint.pk]) in back
    assert client_for("community_admin").get(url).status_code == 403
    assert client_for("stranger").get(url).status_code == 404
