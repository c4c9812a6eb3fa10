"""通知公告: every notice of the resident's estate and community in one list, unread marked, read marks per user."""

import datetime

from django.utils import timezone

from linli.assembly import services as assembly
from linli.core.testing import activity_times
from linli.residents.models import ReadMark

LIST = "/residents/notices/"


def _notice(world, title, *, estate=None, community=None, days_ago=0, period=7):
    posted = timezone.localdate() - datetime.timedelta(days=days_ago)
    scope = "community" if community is not None else "estate"
    return assembly.notice_post(title=title, body="正文", scope=scope, estate=estate, community=community,
                                posted_on=posted, ends_on=posted + datetime.timedelta(days=period),
                                actor=world.street_admin)


def _meeting(world, title, *, estate=None, division=None, level="estate", kind="hearing"):
    today = timezone.localdate()
    return assembly.meeting_schedule(kind=kind, level=level, title=title, notified_on=today,
                                     held_on=today + datetime.timedelta(days=5), actor=world.street_admin,
                                     estate=estate, division=division, place="社区活动室", agenda="1. 加装电梯")


def test_one_list_holds_estate_and_community_notices_meetings_and_activities(world, client_for):
    from linli.volunteers.models import Activity

    _notice(world, "锦霞小区停水通知", estate=world.estate_a)
    _notice(world, "锦霞社区疫苗接种公告", community=world.c1)
    _meeting(world, "加装电梯民情恳谈会", estate=world.estate_a)
    start, end = activity_times(timezone.now() + datetime.timedelta(days=1))
    Activity.objects.create(title="周末环境清扫", kind="cleaning", community=world.c1, starts_at=start, ends_at=end,
                            organiser=world.community_admin)
    body = client_for("resident_a").get(LIST).content.decode()
    for title in ("锦霞小区停水通知", "锦霞社区疫苗接种公告", "加装电梯民情恳谈会", "周末环境清扫"):
        assert title in body, title
    assert body.count('<span class="rh-unread">未读</span>') == 4
    assert "有 4 条未读的通知" in body


def test_notices_of_other_estates_and_communities_are_not_listed(world, client_for):
    _notice(world, "新工宿舍停电通知", estate=world.estate_b)
    _notice(world, "新工社区公告", community=world.c2)
    _meeting(world, "新工宿舍议事会", estate=world.estate_b)
    body = client_for("resident_a").get(LIST).content.decode()
    assert "新工宿舍停电通知" not in body and "新工社区公告" not in body and "新工宿舍议事会" not in body
    assert "目前没有通知公告" in body


def test_opening_a_notice_marks_it_read_for_that_user_only(world, client_for):
    notice = _notice(world, "锦霞小区停水通知", estate=world.estate_a)
    client = client_for("resident_a")
    assert "1 条未读" in client.get("/residents/").content.decode()
    opened = client.get(f"/residents/notices/notice/{notice.pk}/")
    assert opened.status_code == 302 and opened["Location"] == f"/assembly/notices/{notice.pk}/"
    assert list(ReadMark.objects.values_list("user__username", "kind", "object_id")) == [
        ("resident_a", "notice", notice.pk)]
    client.get(f"/residents/notices/notice/{notice.pk}/")  # twice: still one mark
    assert ReadMark.objects.count() == 1
    body = client.get(LIST).content.decode()
    assert '<span class="rh-read">已读</span>' in body and "rh-unread" not in body
    assert "都看过了" in client.get("/residents/").content.decode()


def test_a_notice_acknowledged_on_its_page_counts_as_read(world, client_for):
    notice = _notice(world, "锦霞小区停水通知", estate=world.estate_a)
    assembly.notice_acknowledge(notice=notice, user=world.resident_a)
    assert "都看过了" in client_for("resident_a").get("/residents/").content.decode()


def test_a_notice_elsewhere_cannot_be_opened_or_marked(world, client_for):
    other = _notice(world, "新工宿舍停电通知", estate=world.estate_b)
    assert client_for("resident_a").get(f"/residents/notices/notice/{other.pk}/").status_code == 404
    assert client_for("resident_a").get("/residents/notices/bogus/1/").status_code == 404
    assert client_for("community_admin").get(f"/residents/notices/notice/{other.pk}/").status_code == 404
    assert ReadMark.objects.count() == 0


def test_a_meeting_notice_opens_on_the_residents_own_page(world, client_for):
    meeting = _meeting(world, "加装电梯民情恳谈会", estate=world.estate_a)
    page = client_for("resident_a").get(f"/residents/notices/meeting/{meeting.pk}/")
    body = page.content.decode()
    assert page.status_code == 200 and "加装电梯民情恳谈会" in body and "社区活动室" in body and "加装电梯" in body
    assert ReadMark.objects.filter(kind="meeting", object_id=meeting.pk).count() == 1


def test_an_ended_notice_is_listed_but_does_not_count_as_unread(world, client_for):
    _notice(world, "上月的停水通知", estate=world.estate_a, days_ago=30, period=7)
    client = client_for("resident_a")
    assert "上月的停水通知" in client.get(LIST).content.decode()
    assert "都看过了" in client.get("/residents/").content.decode()


def test_all_can_be_marked_read_at_once(world, client_for):
    _notice(world, "通知一", estate=world.estate_a)
    _notice(world, "通知二", community=world.c1)
    client = client_for("resident_a")
    assert client.get("/residents/notices/read-all/").status_code == 405
    response = client.post("/residents/notices/read-all/")
    assert response.status_code == 302 and ReadMark.objects.filter(user=world.resident_a).count() == 2
    assert "正在公示的通知都看过了" in client.get(LIST).content.decode()


def test_an_activity_and_a_notice_open_on_their_own_apps_pages(world, client_for):
    from linli.volunteers.models import Activity

    start, end = activity_times(timezone.now() + datetime.timedelta(days=1))
    activity = Activity.objects.create(title="周末环境清扫", kind="cleaning", community=world.c1, starts_at=start,
                                       ends_at=end, organiser=world.community_admin)
    notice = _notice(world, "锦霞社区疫苗接种公告", community=world.c1)
    client = client_for("resident_a")
    for kind, pk in (("activity", activity.pk), ("notice", notice.pk)):
        opened = client.get(f"/residents/notices/{kind}/{pk}/", follow=True)
        assert opened.status_code == 200, kind
    assert "周末环境清扫" in client.get(f"/volunteers/activities/{activity.pk}/").content.decode()
    assert ReadMark.objects.filter(user=world.resident_a).count() == 2
