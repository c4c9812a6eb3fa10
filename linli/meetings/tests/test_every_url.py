"""Every joint-meeting page, walked from the URL table itself (as linli/workorders/tests/test_every_url.py does for
the work orders): a visitor who is not signed in is sent to sign in (or refused), a signed-in stranger is refused
on GET and on POST and changes nothing, and the street admin opens every page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.meetings import services as m
from linli.meetings.models import JointMeeting, JointMeetingInvite, JointMeetingTask
from linli.meetings.urls import urlpatterns
from linli.people.models import Organization
from linli.workorders import services as s
from linli.workorders.models import WorkOrder, WorkOrderEvent

POST_ONLY = {"meeting_minutes", "meeting_task_new", "meeting_invite", "meeting_link", "meeting_close",
             "meeting_report"}
# 报到 is for the invited department's people (tested in test_meetings.py), not for the street admin.
NOT_FOR_THE_ADMIN = {"meeting_report"}
ALL = sorted(p.name for p in urlpatterns)


@pytest.fixture
def objects(desk):
    noon = timezone.now() - datetime.timedelta(hours=2)
    order = s.workorder_create(channel="resident", text="楼道灯坏了", reporter=desk.resident,
                               place=s.resolve_place(building=desk.building_a), category="facility", now=noon)
    department = Organization.objects.filter(kind="department").first()
    meeting = m.meeting_convene(street=desk.street, title="楼道照明", scheduled_at=noon + datetime.timedelta(days=1),
                                actor=desk.street_admin, orders=[order], departments=[department], now=noon)
    # A 议事会 of estate A with its minutes: the page that sends its matter to a joint meeting (issue 19 item 7).
    from linli.assembly import services as assembly

    today = timezone.localdate()
    deliberation = assembly.meeting_schedule(kind="party_mass", level="estate", title="停车难", estate=desk.estate_a,
                                             notified_on=today, held_on=today, actor=desk.street_admin)
    assembly.meeting_record(meeting=deliberation, minutes="议定上报", attendees=[("李建国", "居民代表")],
                            actor=desk.street_admin)
    return {"meeting": meeting.pk, "meeting_report": meeting.invites.first().pk, "assembly": deliberation.pk}


def url_of(name, objects):
    if name in ("meeting_list", "meeting_new"):
        return reverse(f"meetings:{name}")
    pk = objects["meeting_report"] if name == "meeting_report" else objects["meeting"]
    if name == "matter_from_assembly":
        pk = objects["assembly"]
    return reverse(f"meetings:{name}", kwargs={"pk": pk})


def counts():
    return (JointMeeting.objects.count(), JointMeetingInvite.objects.filter(reported_at__isnull=False).count(),
            JointMeetingTask.objects.count(), WorkOrder.objects.count(), WorkOrderEvent.objects.count())


def test_the_table_is_walked_whole_and_keeps_its_paths():
    assert {"meeting_list", "meeting_new", "meeting_detail", "meeting_report"} <= set(ALL)
    assert reverse("meetings:meeting_list") == "/workorders/meetings/"
    assert reverse("meetings:meeting_report", kwargs={"pk": 7}) == "/workorders/meetings/invites/7/report/"


@pytest.mark.parametrize("name", ALL)
def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(objects, client, name):
    for method in ("get", "post"):
        response = getattr(client, method)(url_of(name, objects))
        assert response.status_code == 302 and "/login/" in response["Location"], (name, method)


@pytest.mark.parametrize("name", ALL)
def test_a_stranger_is_refused_and_changes_nothing(objects, client_for, name):
    client = client_for("stranger")
    before = counts()
    for method in ("get", "post"):
        response = getattr(client, method)(url_of(name, objects), {"minutes": "x", "note": "x", "title": "x"})
        assert response.status_code == 404, (name, method, response.status_code)
    assert counts() == before


@pytest.mark.parametrize("name", sorted(set(ALL) - POST_ONLY - NOT_FOR_THE_ADMIN))
def test_the_street_admin_opens_every_page(objects, client_for, name):
    assert client_for("street_admin").get(url_of(name, objects)).status_code == 200
