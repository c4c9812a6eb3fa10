"""The estate's public board (三公开, issue 19 item 6): anyone may open it from the poster's link without signing in
and it shows no personal data; each estate shows only its own; the A4 print carries a QR code back to the page; a
resident reaches it from their home and sees the members of the body in full (Beijing art. 42); it is light."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from linli import pageweight
from linli.assembly import services as assembly
from linli.core.testing import after_close, open_motion, report_order
from linli.fees import services as fees
from linli.residents import board
from linli.workorders import posters
from linli.workorders import services as s

# Everyone of the cast who lives somewhere, with their phones: none of it may appear on the anonymous board.
PERSONAL = ["周莲秀", "13812345678", "李建国", "13900001111", "赵敏", "13600003333"]


def url(estate, suffix=""):
    return f"/residents/board/{board.token_for(estate)}/{suffix}"


@pytest.fixture
def bworld(cworld):
    """The cast with its owners' committee, a fee plan with its services and standards, a current notice, a notice
    that ended last week, a counted vote and a work order of the resident (their name and phone on it)."""
    w = cworld
    today = timezone.localdate()
    fees.fee_plan_create(actor=w.manager_a, estate=w.estate_a, rate=Decimal("0.85"), basis="per_area",
                         effective_from=datetime.date(2026, 1, 1), decision="业主大会决定 2025-3号",
                         services="楼道保洁、垃圾清运、绿化养护", quality="楼道每日清扫一次，垃圾日产日清",
                         responsible="项目经理 王强 13512345678")
    assembly.notice_post(title="停水通知", body="12月8日更换水表，联系人周莲秀 13812345678。", scope="estate",
                         estate=w.estate_a, posted_on=today, ends_on=today + datetime.timedelta(days=7),
                         actor=w.community_admin)
    assembly.notice_post(title="电梯年检公示", body="已完成。", scope="estate", estate=w.estate_a,
                         posted_on=today - datetime.timedelta(days=14), ends_on=today - datetime.timedelta(days=7),
                         actor=w.community_admin)
    motion = open_motion(w, title="选聘锦绣物业")
    w.decision = assembly.motion_close(motion=motion, actor=w.street_admin, now=after_close(motion))
    report_order(w)
    return w


# -- anyone, without signing in -------------------------------------------------------------------------------------


def test_anyone_opens_the_board_from_the_poster_link_without_signing_in(bworld):
    response = Client().get(url(bworld.estate_a))
    assert response.status_code == 200
    body = response.content.decode()
    assert "锦霞小区 · 公开栏" in body
    assert "重庆锦绣物业服务有限公司" in body and 'id="contract-term"' in body  # who manages it, the contract term
    assert "楼道每日清扫一次，垃圾日产日清" in body and "0.85 元/m²/月" in body  # the standards and the fee
    assert "停水通知" in body and "电梯年检公示" in body  # posted now, and ended lately
    assert f'id="decision-{bworld.decision.pk}"' in body and "选聘锦绣物业" in body
    assert "锦霞小区业主委员会" in body and "02368881234" in body  # the body and its own line
    assert "李**" in body and "主任" in body and "赵*" in body and "委员" in body
    assert 'id="board-orders"' in body and 'href="/fees/public/' in body


def test_the_anonymous_board_shows_no_personal_data(bworld):
    for page in (url(bworld.estate_a), url(bworld.estate_a, "print/")):
        body = Client().get(page).content.decode()
        assert [p for p in PERSONAL if p in body] == [], page
        assert "王强" not in body and "13512345678" not in body  # the plan's 负责人员 is not on the board
        assert "1栋楼道灯坏了" not in body  # no order text


def test_a_building_poster_s_token_opens_the_board_of_its_estate(bworld):
    token = posters.make_token(building=bworld.building_a)
    response = Client().get(f"/residents/board/{token}/")
    assert response.status_code == 200 and response.context["estate"] == bworld.estate_a


def test_a_forged_token_and_an_unknown_estate_are_404(bworld):
    assert Client().get(f"/residents/board/e{bworld.estate_a.pk}.forged/").status_code == 404
    assert Client().get(f"/residents/board/e{bworld.estate_a.pk}/").status_code == 404
    gone = posters._signer.sign("e999999")
    assert Client().get(f"/residents/board/{gone}/").status_code == 404
    assert Client().get(f"/residents/board/{gone}/print/").status_code == 404


def test_an_estate_s_board_shows_only_its_own(bworld):
    today = timezone.localdate()
    assembly.notice_post(title="新工宿舍停电通知", body="周五停电", scope="estate", estate=bworld.estate_b,
                         posted_on=today, ends_on=today + datetime.timedelta(days=3), actor=bworld.street_admin)
    b = Client().get(url(bworld.estate_b)).content.decode()
    assert "新工宿舍停电通知" in b
    assert "停水通知" not in b and "选聘锦绣物业" not in b and "锦霞小区业主委员会" not in b
    assert "重庆锦绣物业服务有限公司" not in b and "楼道每日清扫一次" not in b
    assert "本小区目前没有在任的业主委员会或物业管理委员会" in b and "本小区目前没有物业服务企业" in b
    a = Client().get(url(bworld.estate_a)).content.decode()
    assert "新工宿舍停电通知" not in a


def test_every_view_of_the_board_counts_against_its_limit(bworld, settings):
    settings.LINLI_RATELIMIT_BOARD = "3/h"
    client = Client(REMOTE_ADDR="203.0.113.9")
    codes = [client.get(url(bworld.estate_a)).status_code for _i in range(3)]
    assert codes == [200, 200, 200]
    refused = client.get(url(bworld.estate_a, "print/"))
    assert refused.status_code == 429 and "提交太频繁" in refused.content.decode()
    assert Client(REMOTE_ADDR="203.0.113.10").get(url(bworld.estate_a)).status_code == 200


# -- the committee: which body, its term, its members ---------------------------------------------------------------


def test_the_board_names_the_serving_body_and_not_one_whose_term_is_over(bworld):
    term = bworld.committee_term
    committee, posts = board.speaking_body(bworld.estate_a, timezone.localdate())
    assert committee == term and [p.get_title_display() for p in posts] == ["主任", "委员"]
    assert board.speaking_body(bworld.estate_a, term.term_ends + datetime.timedelta(days=1)) == (None, [])


def test_a_member_whose_post_ended_is_not_listed(bworld):
    from linli.people.models import Post
    from linli.people.services import end_post

    post = Post.objects.get(person=bworld.zhao)
    end_post(post=post, on=timezone.localdate(), reason="书面辞职（北京市物业管理条例第四十六条）", by=bworld.street_admin)
    body = Client().get(url(bworld.estate_a)).content.decode()
    assert "李**" in body and "赵*" not in body


# -- the print ------------------------------------------------------------------------------------------------------


def test_the_board_prints_as_an_a4_notice_with_a_qr_code_of_the_page(bworld, settings):
    settings.LINLI_PUBLIC_URL = "https://linli.example.gov.cn"
    response = Client().get(url(bworld.estate_a, "print/"))
    assert response.status_code == 200
    body = response.content.decode()
    assert response.context["url"] == "https://linli.example.gov.cn" + url(bworld.estate_a)
    assert 'id="board-qr"' in body and "<svg" in body and "data-print" in body
    assert "锦霞小区业主委员会" in body and "停水通知" in body
    css = open(pageweight.finders.find("residents/board.css"), encoding="utf-8").read()
    assert "@page { size: A4" in css and "@media print" in css


# -- the resident app -----------------------------------------------------------------------------------------------


def test_a_resident_reaches_their_estate_s_board_from_their_home(bworld, client_for):
    client = client_for("resident_a")
    assert 'href="/residents/board/"' in client.get("/residents/").content.decode()
    response = client.get("/residents/board/")
    assert response.status_code == 200 and response.context["estate"] == bworld.estate_a
    body = response.content.decode()
    # The list of members is posted to the estate's owners (Beijing art. 42): in full for its residents.
    assert "李建国" in body and "赵敏" in body
    assert "13900001111" not in body and "13600003333" not in body  # never a member's own phone
    assert url(bworld.estate_a) in body


def test_a_resident_cannot_pick_another_estate_s_board_in_the_app(bworld, client_for):
    client = client_for("resident_a")
    assert client.get(f"/residents/board/?estate={bworld.estate_b.pk}").status_code == 404
    assert client.get("/residents/board/?estate=x").status_code == 404


@pytest.mark.parametrize("who", ["stranger", "street_admin", "manager_a"])
def test_the_app_s_board_is_for_residents_only(bworld, client_for, who):
    assert client_for(who).get("/residents/board/").status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in_for_the_app_s_board(bworld):
    response = Client().get("/residents/board/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# -- the work-order figures -----------------------------------------------------------------------------------------


def at(month, day, hour=9, year=2026):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def _done(order, world, *, accepted, replied, visited, solved=True, satisfaction="satisfied"):
    handler = s._handlers(order)[0]
    order = s.workorder_accept(order=order, actor=handler, now=accepted)
    order = s.workorder_reply(order=order, actor=handler, text="已处理", now=replied)
    return s.workorder_visit(order=order, actor=world.street_admin, solved=solved, satisfaction=satisfaction,
                             reached=True, now=visited)


def test_the_figures_are_the_three_whole_months_before_this_one(desk):
    w = desk
    place = s.resolve_place(estate=w.estate_a)
    kw = {"channel": "resident", "reporter": w.resident, "place": place}
    o1 = s.workorder_create(text="楼道灯坏了", now=at(11, 2), **kw)
    _done(o1, w, accepted=at(11, 2, 10), replied=at(11, 3), visited=at(11, 4))
    o2 = s.workorder_create(text="下水道堵了", now=at(11, 5), **kw)
    _done(o2, w, accepted=at(11, 5, 10), replied=at(11, 6), visited=at(11, 7), satisfaction="unsatisfied",
          solved=False)
    s.workorder_create(text="路灯不亮", now=at(9, 10), **kw)
    s.workorder_create(text="八月的事", now=at(8, 10), **kw)  # before the three months
    s.workorder_create(text="十二月的事", now=at(12, 1), **kw)  # this month
    s.workorder_create(text="别的小区", now=at(11, 3), channel="resident", place=s.resolve_place(estate=w.estate_b))
    figures = board.order_figures(w.estate_a, datetime.date(2026, 12, 5), now=at(12, 5))
    months = {r["month"].strftime("%Y-%m"): r for r in figures["months"]}
    assert list(months) == ["2026-09", "2026-10", "2026-11"]
    assert [months[m]["received"] for m in months] == [1, 0, 2]
    november = months["2026-11"]
    assert november["tally"].visited == 2 and november["tally"].satisfied == 1
    assert november["tally"].unsatisfied == 1 and str(november["tally"].satisfaction_rate) == "0.5000"
    assert figures["total"]["received"] == 3
    assert (figures["first"], figures["last"]) == (datetime.date(2026, 9, 1), datetime.date(2026, 11, 30))


# -- weight ---------------------------------------------------------------------------------------------------------


def test_the_board_weighs_under_100_kb(bworld, client_for):
    for name, page, client in (("board", url(bworld.estate_a), Client()),
                               ("board print", url(bworld.estate_a, "print/"), Client()),
                               ("my board", "/residents/board/", client_for("resident_a"))):
        weight = pageweight.weigh(client, name, page)
        assert weight.total < pageweight.BUDGET, (name, weight.as_dict())


# -- reached from the poster ----------------------------------------------------------------------------------------


def test_the_report_page_behind_the_poster_links_to_the_board(bworld):
    token = posters.make_token(building=bworld.building_a)
    body = Client().get(f"/workorders/r/{token}/").content.decode()
    assert f'href="/residents/board/{token}/"' in body


def test_the_posters_page_offers_each_estate_s_board_as_an_a4_notice(bworld, client_for):
    body = client_for("manager_a").get("/workorders/posters/").content.decode()
    assert f'href="{url(bworld.estate_a, "print/")}"' in body
    assert url(bworld.estate_b, "print/") not in body  # the company's estates only, as the posters


# -- cost -----------------------------------------------------------------------------------------------------------


def _queries(page) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert Client().get(page).status_code == 200
    return len(ctx.captured_queries)


def test_the_board_reads_a_fixed_number_of_queries_whatever_the_number_of_notices_and_decisions(bworld):
    page = url(bworld.estate_a)
    Client().get(page)  # the public accounts' link is made on the first view
    few = _queries(page)
    today = timezone.localdate()
    for i in range(4):
        assembly.notice_post(title=f"通知{i}", body="内容", scope="estate", estate=bworld.estate_a, posted_on=today,
                             ends_on=today + datetime.timedelta(days=7), actor=bworld.community_admin)
        report_order(bworld, text=f"第{i}件事：楼道灯坏了")
    motion = open_motion(bworld, title="加装电梯")
    assembly.motion_close(motion=motion, actor=bworld.street_admin, now=after_close(motion))
    assert _queries(page) == few


# -- demo -----------------------------------------------------------------------------------------------------------


def test_the_demo_prints_the_board_of_the_resident_s_estate_and_of_estates_with_a_committee(bworld):
    from linli.residents import demo

    lines = []
    demo.load(out=lines.append)  # the cast's street has the demo street's code; 锦霞小区 is the demo resident's
    assert lines[1:] == [f"  锦霞小区：{url(bworld.estate_a)}"]
    demo.load(out=lines.append)
    assert len(lines) == 4  # nothing was written: a second run prints the same


def test_the_board_only_answers_reads(bworld):
    assert Client().post(url(bworld.estate_a)).status_code in (403, 405)
    assert Client(enforce_csrf_checks=False).post(url(bworld.estate_a, "print/")).status_code == 405


def test_an_estate_with_a_management_committee_shows_it_with_its_members_capacities(bworld):
    from linli.assembly.models import Committee
    from linli.people.models import Organization, Person, Post

    today = timezone.localdate()
    org = Organization.objects.create(name="新工宿舍物业管理委员会", kind="pm_committee", division=bworld.c2,
                                      estate=bworld.estate_b, phone="02368889999")
    Committee.objects.create(organization=org, estate=bworld.estate_b, kind="management", number=1,
                             term_starts=today - datetime.timedelta(days=10),
                             term_ends=today + datetime.timedelta(days=700), elected_on=today - datetime.timedelta(days=10),
                             basis="九宫庙街道办〔2026〕12号")
    head = Person.objects.create(name="孙丽华", phone="13311112222")
    Post.objects.create(person=head, organization=org, title="chair", capacity="residents_committee",
                        starts_on=today - datetime.timedelta(days=10))
    body = Client().get(url(bworld.estate_b)).content.decode()
    assert "新工宿舍物业管理委员会" in body and "物业管理委员会，第1届" in body and "02368889999" in body
    assert "孙**" in body and "居民委员会" in body
    assert "孙丽华" not in body and "13311112222" not in body
