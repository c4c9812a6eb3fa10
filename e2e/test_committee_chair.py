"""The committee chair's path on a phone (issue 19, "done when"): the chair signs in and lands on the desk (业委会
工作台), drafts a notice that the street approves, and the notice appears on the estate's public board that anyone
reaches from the QR poster without signing in; the desk's links lead to the chair's other work (drafts, surveys,
committee meetings, proposals). The motion under review and the survey with paper answers have their own walks
(e2e/test_committee_drafting.py, e2e/test_surveys_flow.py)."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from linli.assembly.models import Notice, NoticeDraft
from linli.core.testing import PASSWORD, add_committee
from linli.workorders import posters


def _sign_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url


def test_the_chairs_notice_reaches_the_public_board_after_the_streets_review(world, live_server, phone):
    cworld = add_committee(world)
    page = phone
    today = timezone.localdate()

    _sign_in(page, live_server, "committee_chair")
    assert page.url.endswith("/assembly/committee/")  # the desk is the chair's first page
    _fits(page)
    desk_links = page.locator("main a").all_inner_texts()
    for label in ("本小区工单", "起草表决事项与公示", "意见征询", "委员会会议", "业主提议", "小区公开栏"):
        assert any(label in text for text in desk_links), label
    page.click("text=起草表决事项与公示")
    expect(page.locator("h1")).to_have_text("业委会起草")
    page.click("text=起草公示")
    page.fill("#id_title", "业委会第三次会议决定公示")
    page.fill("#id_body", "决定启动屋面防水维修询价，欢迎业主监督。")
    page.fill("#id_posted_on", today.isoformat())
    page.fill("#id_ends_on", (today + datetime.timedelta(days=7)).isoformat())
    _fits(page)
    page.click("main .card button[type=submit]")
    expect(page.locator("#review-status")).to_have_text("待街道审核")
    draft = NoticeDraft.objects.get()
    assert not Notice.objects.filter(title="业委会第三次会议决定公示").exists()  # nothing public before the review

    board = f"{live_server.url}/residents/board/{posters.make_token(estate=cworld.estate_a)}/"
    page.context.clear_cookies()
    page.goto(board)
    expect(page.locator("main")).not_to_contain_text("业委会第三次会议决定公示")

    _sign_in(page, live_server, "street_admin")
    page.goto(f"{live_server.url}/assembly/review/")
    page.click("text=业委会第三次会议决定公示")
    page.check("input[value=approve]")
    page.click("#review-form button[type=submit]")
    expect(page.locator("#review-status")).to_have_text("审核通过并已发布")
    draft.refresh_from_db()
    assert draft.status == "approved" and Notice.objects.filter(title="业委会第三次会议决定公示").exists()

    page.context.clear_cookies()  # a neighbour scanning the poster in the stairwell
    page.goto(board)
    expect(page.locator("main")).to_contain_text("业委会第三次会议决定公示")
    expect(page.locator("main")).to_contain_text("锦霞小区业主委员会")
    expect(page.locator("main")).not_to_contain_text("13900001111")  # the chair's own phone is never published
    _fits(page)
    assert page.external_requests == []
