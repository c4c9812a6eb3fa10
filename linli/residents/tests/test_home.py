"""The resident home (issue 18 item 1): who may open it, what it counts, what it shows, and at what cost."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linli.core.testing import open_motion, report_order
from linli.fees import services as fees
from linli.people.models import Occupancy, Organization, Person

HOME = "/residents/"
PAGES = [HOME, "/residents/notices/", "/residents/votes/", "/residents/call/"]


def _bills(world, *periods):
    fees.fee_plan_create(actor=world.manager_a, estate=world.estate_a, rate=Decimal("10"),
                         effective_from=datetime.date(2026, 1, 1), decision="业主大会决定 2025-3号",
                         services="保洁", responsible="项目经理")
    for period in periods:
        fees.bill_period(period=period, estate=world.estate_a, actor=world.manager_a)


# -- who may open it -------------------------------------------------------------------------------------------


def test_a_resident_lands_on_the_home_after_signing_in(world, client_for):
    response = client_for("resident_a").get("/")
    assert response.status_code == 302 and response["Location"] == HOME


def test_staff_keep_their_own_first_page(world, client_for):
    assert client_for("manager_a").get("/").status_code == 200  # the home page with its links, as before
    assert client_for("street_admin").get("/")["Location"] == "/dashboard/"


@pytest.mark.parametrize("url", PAGES)
def test_strangers_and_staff_are_refused_and_the_resident_succeeds(world, client_for, url):
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    for who in ("stranger", "manager_a", "staff_a", "community_admin", "street_admin", "auditor"):
        assert client_for(who).get(url).status_code == 404, who
    assert client_for("resident_a").get(url).status_code == 200


# -- what it shows ---------------------------------------------------------------------------------------------


def test_the_home_has_every_big_button_with_its_word(world, client_for):
    body = client_for("resident_a").get(HOME).content.decode()
    for word in ("我要反映", "我的诉求", "物业费", "通知公告", "投票与议事", "微心愿", "我能帮忙", "一键呼叫"):
        assert f'<span class="rh-word">{word}</span>' in body, word
    assert 'href="/workorders/report/"' in body and 'href="/fees/my/"' in body
    assert 'href="/volunteers/wishes/pool/"' in body and 'href="/volunteers/wishes/new/"' in body


def test_report_button_opens_the_report_page_of_the_residents_building_with_photo_and_voice(world, client_for):
    client = client_for("resident_a")
    to = client.get("/workorders/report/")
    assert to.status_code == 302 and to["Location"].startswith("/workorders/r/")
    page = client.get(to["Location"]).content.decode()
    assert "锦霞小区 1栋" in page
    assert 'name="photos"' in page and 'accept="image/*"' in page
    assert 'name="voice"' in page and 'accept="audio/*"' in page and "capture" in page
    assert client_for("stranger").get("/workorders/report/").status_code == 404


def test_counts_are_written_in_words(world, client_for):
    report_order(world)
    report_order(world, text="2栋门口垃圾没人清")
    _bills(world, "2026-10", "2026-11")
    body = client_for("resident_a").get(HOME).content.decode()
    assert "2 件在办" in body
    assert "2 笔未缴，共 " in body


def test_an_order_waiting_for_the_rating_says_so(world, client_for):
    order = report_order(world)
    order.status = "replied"  # as the reply step leaves it
    order.save(update_fields=["status"])
    body = client_for("resident_a").get(HOME).content.decode()
    assert "1 件待评价" in body and "已处理完，请您评价" in body


def test_the_resident_sees_only_their_own_orders_and_bills(world, client_for):
    report_order(world, reporter=world.neighbour, contact_name="李建国", contact_phone="13900001111",
                 text="邻居家的水管漏了")
    _bills(world, "2026-10")
    fees.payment_record(home=world.home_a1, amount=Decimal("100"), method="cash", idempotency_key="paid-up",
                        actor=world.staff_a)
    response = client_for("resident_a").get(HOME)
    body = response.content.decode()
    assert response.context["orders"]["open"] == 0 and "邻居家的水管漏了" not in body
    assert response.context["bills"]["unpaid"] == 0  # the neighbour's unpaid bill is not hers
    assert "没有欠费" in body


def test_plain_words_name_who_the_order_was_sent_to(world, client_for):
    order = report_order(world)
    order.status, order.assignee_org = "dispatched", world.company
    order.save(update_fields=["status", "assignee_org"])
    body = client_for("resident_a").get(HOME).content.decode()
    assert "已派给重庆锦绣物业服务有限公司" in body and "处理人会尽快接手" in body


# -- one tap to call -------------------------------------------------------------------------------------------


def test_call_dials_the_manager_and_the_community_from_the_registry(world, client_for):
    world.company.phone = "023-68800001"
    world.company.save()
    Organization.objects.create(name="锦霞社区居委会", kind="community_committee", division=world.c1,
                                phone="023-68811111")
    body = client_for("resident_a").get("/residents/call/").content.decode()
    assert 'href="tel:023-68800001"' in body and 'href="tel:023-68811111"' in body


def test_call_says_so_when_no_number_is_known(world, client_for):
    body = client_for("resident_a").get("/residents/call/").content.decode()
    assert "tel:" not in body
    assert body.count("登记信息里还没有电话号码") == 2


def test_an_unmanaged_estate_falls_back_to_the_streets_property_centre(world, client_for):
    wang = Person.objects.create(name="王大爷", phone="13600000000")
    Occupancy.objects.create(person=wang, home=world.home_b1, relation="owner")
    user = world.stranger
    user.person = wang
    user.save()
    Organization.objects.create(name="九宫庙街道物业服务中心", kind="property_centre", division=world.street,
                                phone="023-68822222")
    body = client_for("stranger").get("/residents/call/").content.decode()
    assert 'href="tel:023-68822222"' in body and "本小区暂无物业" in body


# -- votes ------------------------------------------------------------------------------------------------------


def test_open_votes_count_until_the_resident_votes(world, client_for):
    from linli.assembly import services as assembly

    motion = open_motion(world)
    client = client_for("resident_a")
    assert "1 项待投票" in client.get(HOME).content.decode()
    page = client.get("/residents/votes/").content.decode()
    assert "您还没有投票" in page and f'href="/assembly/vote/{motion.pk}/"' in page
    elector = assembly.electors_of(motion, world.resident_a).get()
    assembly.ballot_cast(motion=motion, elector=elector, choice="for", actor=world.resident_a, channel="online")
    assert "没有待投票的" in client.get(HOME).content.decode()
    assert "您已投票" in client.get("/residents/votes/").content.decode()


def test_votes_of_another_estate_are_not_shown(world, client_for):
    open_motion(world, estate=world.estate_b, title="新工宿舍选聘物业")
    page = client_for("resident_a").get("/residents/votes/").content.decode()
    assert "新工宿舍选聘物业" not in page and "目前没有正在进行的业主投票" in page


# -- cost -------------------------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_home_reads_a_fixed_number_of_queries_whatever_the_number_of_items(world, client_for):
    from linli.assembly import services as assembly

    client = client_for("resident_a")
    report_order(world)
    _bills(world, "2026-10")
    today = timezone.localdate()
    assembly.notice_post(title="停水通知", body="周三停水", scope="estate", estate=world.estate_a, posted_on=today,
                         ends_on=today + datetime.timedelta(days=7), actor=world.community_admin)
    open_motion(world)
    client.get(HOME)  # warm the per-process memos
    few = _queries(client, HOME)
    for i in range(6):
        report_order(world, text=f"第{i}件事：楼道灯坏了")
        assembly.notice_post(title=f"通知{i}", body="内容", scope="estate", estate=world.estate_a, posted_on=today,
                             ends_on=today + datetime.timedelta(days=7), actor=world.community_admin)
    open_motion(world, title="加装电梯")
    _bills(world, "2026-11")
    many = _queries(client, HOME)
    assert many == few, (few, many)
    assert many <= 25


def test_the_report_page_takes_a_voice_note_through_the_upload_gate(world, client_for, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from linli.workorders.models import Attachment, WorkOrder

    client = client_for("resident_a")
    url = client.get("/workorders/report/")["Location"]
    m4a = b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42isom" + b"\x00" * 200
    response = client.post(url, {"text": "3单元楼道灯坏了", "voice": SimpleUploadedFile("v.m4a", m4a, "audio/mp4")})
    assert response.status_code == 302, response.content.decode()[:2000]
    order = WorkOrder.objects.get()
    voice = Attachment.objects.get(order=order)
    assert voice.is_audio and voice.file.name.endswith(".m4a")
    served = client.get(f"/workorders/{order.code}/files/{voice.pk}/")
    assert served["Content-Type"] == "audio/mp4" and served["X-Content-Type-Options"] == "nosniff"
    detail = client.get(f"/workorders/{order.code}/").content.decode()
    assert "<audio controls" in detail
    # A web page dressed as a voice note is refused and nothing is stored.
    fake = SimpleUploadedFile("v.m4a", b"<html><script>alert(1)</script></html>" * 4, "audio/mp4")
    refused = client.post(url, {"text": "又一件事", "voice": fake})
    assert refused.status_code == 200 and "录音文件类型不允许" in refused.content.decode()
    assert WorkOrder.objects.count() == 1


def test_staff_roles_are_not_shown_a_residents_orders_on_the_home(world, client_for):
    report_order(world, text="周阿姨家门口的灯坏了")
    for who in ("manager_a", "community_admin"):
        response = client_for(who).get(HOME)
        assert response.status_code == 404 and "周阿姨家门口的灯坏了" not in response.content.decode()
