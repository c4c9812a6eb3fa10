"""The notify pages and API: the inbox (/notify/), the channel choice (/notify/settings/), the deliveries for street,
district and city admins (/notify/deliveries/) and /api/v1/notifications/ — strangers refused, the right role served,
each admin only within their scope."""

import pytest
from django.test import Client

from linli.core.testing import make_user
from linli.notify.models import ChannelPreference, Delivery, Notification
from linli.notify.services import notify, set_channel


@pytest.fixture
def notes(world, fake):
    a = notify(users=[world.street_admin], title="新工单 20261206-0001", link="/workorders/20261206-0001/",
               kind="workorder")[0]
    b = notify(users=[world.community_admin], title="别人的通知", kind="care")[0]
    return a, b


# -- the inbox --------------------------------------------------------------------------------------------------

def test_a_visitor_not_signed_in_is_sent_to_sign_in(client, notes):
    for url in ("/notify/", "/notify/settings/", "/notify/deliveries/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    assert client.post(f"/notify/{notes[0].pk}/read/").status_code == 302
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


def test_a_user_sees_and_reads_only_their_own(notes, client_for):
    mine, theirs = notes
    client = client_for("street_admin")
    response = client.get("/notify/")
    assert [n.pk for n in response.context["page"]] == [mine.pk] and response.context["unread"] == 1
    assert "新工单 20261206-0001" in response.content.decode() and "别人的通知" not in response.content.decode()
    assert client.post(f"/notify/{theirs.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    response = client.post(f"/notify/{mine.pk}/read/", {"open": "1"})  # 查看: marked read, then to the thing
    assert response.status_code == 302 and response["Location"] == "/workorders/20261206-0001/"
    assert Notification.objects.get(pk=mine.pk).read_at is not None
    assert client.get("/notify/?unread=1").context["page"].paginator.count == 0


def test_mark_all_read_touches_only_ones_own(notes, client_for):
    client_for("street_admin").post("/notify/read-all/")
    assert list(Notification.objects.filter(read_at__isnull=True).values_list("title", flat=True)) == ["别人的通知"]


def test_the_inbox_filters_by_kind(notes, world, client_for):
    notify(users=[world.street_admin], title="关爱提醒", kind="care")
    page = client_for("street_admin").get("/notify/?kind=care").context["page"]
    assert [n.title for n in page] == ["关爱提醒"]


def test_an_outside_link_is_never_followed(world, client_for):
    [note] = notify(users=[world.street_admin], title="x", link="https://evil.example/")
    response = client_for("street_admin").post(f"/notify/{note.pk}/read/", {"open": "1"})
    assert response["Location"] == "/notify/"


def test_the_old_pages_redirect_to_the_inbox(client_for):
    response = client_for("street_admin").get("/workorders/notifications/")
    assert response.status_code == 301 and response["Location"] == "/notify/"


# -- the channel choice -----------------------------------------------------------------------------------------

def test_a_resident_chooses_sms_and_sees_the_masked_number(world, client_for):
    client = client_for("resident_a")
    response = client.post("/notify/settings/", {"channel": "sms"}, follow=True)
    assert ChannelPreference.objects.get(user=world.resident_a).channel == "sms"
    html = response.content.decode()
    assert "13812345678" not in html and "已保存通知方式" in html


def test_a_channel_without_an_address_says_why_and_how(world, client_for):
    client = client_for("street_admin")  # no phone, no openid, no e-mail
    response = client.post("/notify/settings/", {"channel": "wechat"}, follow=True)
    html = response.content.decode()
    assert "您还没有绑定微信" in html and 'href="/notify/wechat/bind/"' in html
    assert "没有登记手机号" in html and "没有电子邮箱" in html  # every channel says what it lacks


def test_a_bad_channel_is_refused(world, client_for):
    client_for("street_admin").post("/notify/settings/", {"channel": "pigeon"})
    assert not ChannelPreference.objects.exists()


# -- the deliveries (staff) --------------------------------------------------------------------------------------

@pytest.fixture
def deliveries(world, fake, django_capture_on_commit_callbacks):
    """One SMS to 周莲秀 (lives in street 九宫庙) sent, one to a resident of 新山村 given up."""
    far = make_user("far_resident")
    from linli.people.models import Occupancy, Person

    person = Person.objects.create(name="赵远", phone="13600003333")
    Occupancy.objects.create(person=person, home=world.estate_far.buildings.get().homes.get(), relation="owner")
    far.person = person
    far.save()
    for user in (world.resident_a, far):
        set_channel(user=user, channel="sms")
    fake.reset("ok", "perm")
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[world.resident_a], title="a")
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[far], title="b")
    return Delivery.objects.order_by("pk")


@pytest.mark.parametrize("who", ["stranger", "resident_a", "staff_a", "community_admin", "grid_worker"])
def test_the_deliveries_page_is_refused_to_others(deliveries, client_for, who):
    assert client_for(who).get("/notify/deliveries/").status_code == 404


def test_a_street_admin_sees_the_deliveries_within_the_street_only(deliveries, client_for):
    response = client_for("street_admin").get("/notify/deliveries/")
    assert response.status_code == 200
    assert [r["d"].notification.title for r in response.context["rows"]] == ["a"]
    html = response.content.decode()
    assert "13812345678" not in html and "已发送" in html
    assert "<td>a</td>" in html and "<td>b</td>" not in html  # what was sent: the notification's title
    other = client_for("other_street_admin").get("/notify/deliveries/")
    assert [r["d"].notification.title for r in other.context["rows"]] == ["b"]
    assert "isv.MOBILE_NUMBER_ILLEGAL" in other.content.decode() and "已放弃" in other.content.decode()


def test_the_district_admin_and_a_superuser_see_all_and_filter_by_status(deliveries, world, client_for):
    rows = client_for("district_admin").get("/notify/deliveries/").context["rows"]
    assert sorted(r["d"].notification.title for r in rows) == ["a", "b"]
    root = make_user("root")
    root.is_superuser = True
    root.save()
    client = Client()
    client.force_login(root)
    assert len(client.get("/notify/deliveries/").context["rows"]) == 2
    rows = client.get("/notify/deliveries/?status=given_up").context["rows"]
    assert [r["d"].status for r in rows] == ["given_up"]
    assert len(client.get("/notify/deliveries/?status=bogus").context["rows"]) == 2  # a bad value is ignored


# -- the API ---------------------------------------------------------------------------------------------------

def test_the_api_lists_and_reads_ones_own_notifications(notes, client_for, client):
    mine, theirs = notes
    assert client.get("/api/v1/notifications/").status_code in (401, 403)
    api = client_for("street_admin")
    body = api.get("/api/v1/notifications/").json()
    assert [r["id"] for r in body["results"]] == [mine.pk]
    assert body["results"][0]["link"] == "/workorders/20261206-0001/"
    assert api.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    assert api.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    response = api.post(f"/api/v1/notifications/{mine.pk}/read/")
    assert response.status_code == 200 and response.json()["read_at"]
    assert api.get("/api/v1/notifications/?unread=1").json()["results"] == []
    assert client_for("community_admin").post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert Notification.objects.filter(read_at__isnull=True).count() == 0
