"""Every producer goes through the one machinery, inside its transaction and idempotent by key: work orders, care
alerts, notices (公示), bills and wish updates each leave an inbox row (and the delivery of the chosen channel)."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from linli.core.testing import report_order
from linli.notify.models import Delivery, Notification
from linli.notify.services import set_channel


@pytest.fixture
def subject(vworld):
    """周莲秀 under care, visited weekly by volunteer_a, her visit three days overdue (as in care's tests)."""
    from linli.care import services

    subject = services.subject_enrol(actor=vworld.community_admin, person=vworld.resident)
    services.plan_create(actor=vworld.community_admin, subject=subject, frequency="weekly",
                         visitors=[vworld.volunteer_a], first_due=timezone.localdate() - datetime.timedelta(days=3))
    return subject


def inbox_of(user, kind):
    return list(Notification.objects.filter(user=user, kind=kind).values_list("title", "link", "key"))


def test_a_new_work_order_tells_its_handlers_with_a_link(desk, fake, django_capture_on_commit_callbacks):
    set_channel(user=desk.manager_a, channel="email")
    desk.manager_a.email = "zhu@example.cn"
    desk.manager_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        order = report_order(desk)
    [(title, link, _key)] = inbox_of(desk.manager_a, "workorder")
    assert title.startswith(f"新工单 {order.code}") and link == f"/workorders/{order.code}/"
    assert [(a, k.endswith(":email")) for a, t, k in fake.sent] == [("zhu@example.cn", True)]


def test_an_overdue_care_visit_alerts_once_through_the_channel(subject, vworld, fake,
                                                                django_capture_on_commit_callbacks):
    from linli.care import services

    set_channel(user=vworld.volunteer_a, channel="sms")  # 李建国, 13900001111
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify_overdue() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify_overdue() == 0  # the same due date: nothing new, nothing sent again
    [(title, link, key)] = inbox_of(vworld.volunteer_a, "care")
    assert "周莲秀 的探访已逾期" in title and link == f"/care/subjects/{subject.pk}/" and key.startswith("care:")
    assert [a for a, _t, _k in fake.sent] == ["13900001111"]


def test_a_posted_notice_reaches_the_residents_where_it_is_posted(world, fake):
    from linli.assembly import services

    today = timezone.localdate()
    notice = services.notice_post(title="停车收费公示", body="每月 100 元", scope="estate", estate=world.estate_a,
                                  posted_on=today, ends_on=today + datetime.timedelta(days=7),
                                  actor=world.community_admin)
    assert inbox_of(world.resident_a, "notice") == [
        ("新公示：停车收费公示", f"/assembly/notices/{notice.pk}/", f"notice:{notice.pk}")]
    assert Notification.objects.filter(kind="notice").count() == 1  # nobody else lives in estate A with an account
    services.notice_post(title="别处公示", body="x", scope="estate", estate=world.estate_far, posted_on=today,
                         ends_on=today, actor=world.district_admin)
    assert Notification.objects.filter(kind="notice").count() == 1


def test_a_new_bill_tells_the_homes_occupants_once_per_bill(world, fake):
    from linli.fees import services

    services.fee_plan_create(actor=world.manager_a, estate=world.estate_a, rate=Decimal("10"),
                             effective_from=datetime.date(2026, 1, 1), decision="业主大会决定 2025-3号")
    services.bill_period(period="2026-11", estate=world.estate_a, actor=world.manager_a)
    services.bill_period(period="2026-11", estate=world.estate_a, actor=world.manager_a)  # again: nothing new
    services.bill_period(period="2026-12", estate=world.estate_a, actor=world.manager_a)
    from linli.fees.models import Bill

    bills = {b.pk for b in Bill.objects.filter(home=world.home_a1)}
    notes = inbox_of(world.resident_a, "bill")
    assert sorted(t for t, _l, _k in notes) == ["2026-11 物业费账单：10.00 元", "2026-12 物业费账单：10.00 元"]
    assert {int(k.split(":")[1]) for _t, _l, k in notes} == bills and {link for _t, link, _k in notes} == {"/fees/my/"}


def test_a_claimed_and_fulfilled_wish_tells_the_wisher(vworld, fake):
    from linli.volunteers import wishes

    wish = wishes.wish_review(actor=vworld.community_admin, approve=True, wish=wishes.wish_post(
        actor=vworld.resident_a, beneficiary=vworld.resident, title="想要一台收音机"))
    wishes.wish_claim(actor=vworld.volunteer_a, wish=wish)
    from io import BytesIO

    from PIL import Image

    buf = BytesIO()
    Image.new("RGB", (20, 20), "red").save(buf, "JPEG")
    wishes.wish_fulfil(actor=vworld.volunteer_a, wish=wish, photo=SimpleUploadedFile("p.jpg", buf.getvalue()))
    assert [t for t, _l, _k in inbox_of(vworld.resident_a, "wish")] == [
        "您的微心愿「想要一台收音机」已实现", "您的微心愿「想要一台收音机」已被认领"]
    assert Notification.objects.filter(kind="wish").exclude(user=vworld.resident_a).count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_producer_whose_transaction_rolls_back_leaves_nothing_and_sends_nothing(world, fake):
    from django.db import transaction

    from linli.assembly import services
    from linli.assembly.models import Notice

    set_channel(user=world.resident_a, channel="sms")
    today = timezone.localdate()
    with pytest.raises(RuntimeError), transaction.atomic():  # a later step of the caller fails
        services.notice_post(title="停车收费公示", body="x", scope="estate", estate=world.estate_a, posted_on=today,
                             ends_on=today, actor=world.community_admin)
        assert Delivery.objects.count() == 1
        raise RuntimeError
    assert Notice.objects.count() == 0 and Notification.objects.count() == 0 and Delivery.objects.count() == 0
    assert fake.calls == 0
    services.notice_post(title="停车收费公示", body="x", scope="estate", estate=world.estate_a, posted_on=today,
                         ends_on=today, actor=world.community_admin)
    assert [a for a, _t, _k in fake.sent] == ["13812345678"]  # committed: sent once, after the commit
