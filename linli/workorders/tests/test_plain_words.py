"""Plain words for residents (issue 18): a resident reads what happened to their request (已收到, 已派人处理,
已处理完) where staff read the trade's words (已受理, 已派单, 已办结反馈) — workorders/plain.py,
docs/residents-plain-words.md."""

import re

from django.test import Client
from django.utils import translation

from linli.core.testing import report_order as report
from linli.notify.models import Notification
from linli.workorders import plain
from linli.workorders import services as s
from linli.workorders.models import Status

TRADE_WORDS = ("工单", "受理", "派单", "签收", "办结", "结案", "回访", "承办", "督办", "吹哨")


def status_tag(html: str) -> str:
    return re.search(r'id="order-status">([^<]*)<', html).group(1)


def test_every_status_has_a_plain_word_without_the_trades_words():
    with translation.override("zh-hans"):
        labels = [plain.status_label(status) for status in Status.values]
        labels += [str(text) for text in plain.NEXT_STEP.values()] + [str(text) for text in plain.EVENT.values()]
    assert set(plain.STATUS) == set(Status.values)
    assert [label for label in labels if any(word in label for word in TRADE_WORDS)] == []


def test_a_residents_request_page_shows_the_plain_word_and_a_staff_page_the_trade_word(desk, client_for):
    order = report(desk)
    assert order.status == Status.DISPATCHED
    resident = client_for("resident_a").get(f"/workorders/{order.code}/").content.decode()
    assert status_tag(resident) == "已派人处理"
    assert "处理人会尽快接手。" in resident  # and what comes next
    assert "<h1>诉求 " in resident and "派单" not in resident and "受理" not in resident
    staff = client_for("manager_a").get(f"/workorders/{order.code}/").content.decode()
    assert status_tag(staff) == "已派单"
    assert "<h1>工单 " in staff and "受理时间" in staff and "难易 / 层级" in staff


def test_my_requests_show_the_plain_status_steps_and_next_step(desk, client_for):
    order = report(desk)
    s.workorder_accept(order=order, actor=desk.manager_a, note="")
    s.workorder_start(order=order, actor=desk.manager_a, note="")
    s.workorder_reply(order=order, actor=desk.manager_a, text="已更换楼道灯")
    html = client_for("resident_a").get("/workorders/mine/").content.decode()
    assert 'status-replied">已处理完，请您评价<' in html
    assert "请看处理结果，告诉我们问题解决了没有、您是否满意。" in html
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S).group(1)
    assert re.findall(r"<strong>([^<]*)</strong>", timeline) == ["已收到", "已派人处理", "处理人已接手", "开始处理",
                                                                  "已处理完"]
    assert "办结" not in html and "回访" not in html


def test_the_resident_is_told_in_plain_words_that_it_is_done_and_the_managers_in_the_trades(desk):
    order = report(desk, actor=desk.resident_a)
    s.workorder_accept(order=order, actor=desk.manager_a, note="")
    s.workorder_reply(order=order, actor=desk.manager_a, text="已更换楼道灯")
    titles = dict(Notification.objects.filter(title__contains="请评价").values_list("user__username", "title"))
    assert titles.pop("resident_a") == f"您反映的问题已处理完，请评价（{order.code}）"
    assert titles and set(titles.values()) == {f"工单 {order.code} 已办结，请评价"}  # the admins over the order
    assert len(titles) + 1 == Notification.objects.filter(title__contains="请评价").count()  # one each


def test_the_confirmation_after_a_report_speaks_plainly(desk):
    from linli.core.testing import h5_url

    client = Client()
    url = h5_url(desk)
    response = client.post(url, {"text": "1栋楼道灯坏了", "contact_phone": "13812345678"}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "诉求编号" in html and "已派人处理" in html
    assert "工单" not in html.split("<main")[1] and "办结" not in html


def test_the_plain_words_have_english(desk, client_for):
    order = report(desk)
    client = client_for("resident_a")
    client.cookies["django_language"] = "en"
    html = client.get(f"/workorders/{order.code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert status_tag(html) == "Someone has been sent to deal with it"


def test_a_stranger_sees_no_request_in_any_words(desk, client_for):
    order = report(desk)
    assert client_for("stranger").get(f"/workorders/{order.code}/").status_code == 404
    assert Client().get(f"/workorders/{order.code}/").status_code == 302
