"""Issue 18's walk: an elderly resident on a 360-pixel phone inside WeChat's browser, in large type, from the link
in her estate's WeChat group: she signs in with the code texted to her phone, reports a problem with a photo, is
told it has been dealt with, reads a notice, votes, rates the reply with large buttons and claims a neighbour's
micro-wish, and pays her fee online. axe-core (vendored, e2e/vendor/axe-core) checks every page she sees: no serious or critical violation;
every control she taps is at least 48 × 48 px; the body text is at least 18 px."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linli.assembly import services as assembly
from linli.core.testing import open_motion
from linli.fees import services as fees
from linli.fees.models import Payment
from linli.volunteers import wishes
from linli.volunteers.models import Volunteer, Wish
from linli.workorders import posters
from linli.workorders import services as orders
from linli.workorders.models import WorkOrder

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
SHOTS = Path(__file__).parent / "screenshots"
PHONE = {"width": 360, "height": 740}
WECHAT = ("Mozilla/5.0 (Linux; Android 13; V2183A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 "
          "MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64")
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")

AXE_RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
    .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}"""

# Every visible control she may tap (links inside a sentence are exempt, as WCAG 2.5.8 allows), measured on screen.
SMALL_TARGETS = """() => [...document.querySelectorAll(
    'main a[href], main button, main select, main input, main summary, header a[href], header button')]
  .filter(el => el.offsetParent !== null && el.type !== 'hidden')
  .filter(el => !(el.tagName === 'A' && getComputedStyle(el).display === 'inline' && el.closest('p, li, td, dd')
                  && el.closest('p, li, td, dd').textContent.trim().length > el.textContent.trim().length + 2))
  .map(el => {
    const box = (el.closest('label') || el).getBoundingClientRect();
    return {what: el.outerHTML.slice(0, 90), w: Math.round(box.width), h: Math.round(box.height)};
  })
  .filter(t => t.w < 48 || t.h < 48)"""

SMALLEST_TEXT = """() => Math.min(...[...document.querySelectorAll('main *')]
  .filter(el => el.offsetParent !== null && [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
  .map(el => parseFloat(getComputedStyle(el).fontSize)))"""




@pytest.fixture
def wechat(browser):
    # bypass_csp: only so that the test can inject axe-core (the site forbids inline scripts).
    context = browser.new_context(viewport=PHONE, user_agent=WECHAT, locale="zh-CN", is_mobile=True, has_touch=True,
                                  bypass_csp=True)
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    pg.external_requests = []
    pg.on("request", lambda r: pg.external_requests.append(r.url)
          if not r.url.startswith(("http://localhost", "http://127.0.0.1", "data:", "blob:")) else None)
    yield pg
    context.close()


class Checks:
    """What every page she sees must pass; the failures are collected and reported together at the end."""

    def __init__(self, page):
        self.page, self.failures, self.pages = page, [], []

    def __call__(self, name: str):
        page = self.page
        page.wait_for_load_state("load")
        self.pages.append(name)
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"elderly-{len(self.pages):02d}-{name}.png"), full_page=True)
        page.add_script_tag(path=str(AXE))
        for violation in page.evaluate(AXE_RUN):
            self.failures.append(f"{name}: axe {violation}")
        for target in page.evaluate(SMALL_TARGETS):
            self.failures.append(f"{name}: tap target {target['w']}×{target['h']} {target['what']}")
        if page.evaluate("document.documentElement.classList.contains('large')"):
            smallest = page.evaluate(SMALLEST_TEXT)
            if smallest < 18:
                self.failures.append(f"{name}: text of {smallest} px in large type")
        else:
            self.failures.append(f"{name}: not in large type")
        if page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]:
            self.failures.append(f"{name}: wider than the phone")


def texted_code(fake) -> str:
    return re.search(r"\b(\d{6})\b", fake.sent[-1][1]).group(1)


def test_an_elderly_resident_in_wechat_reports_reads_votes_rates_and_claims_a_wish(world, live_server, wechat,
                                                                                    fake_sms, settings):
    base, page = live_server.url, wechat
    today = timezone.localdate()
    assembly.notice_post(title="锦霞小区周三停水通知", body="周三 9:00–17:00 停水，请提前储水。", scope="estate",
                         estate=world.estate_a, posted_on=today, ends_on=today + datetime.timedelta(days=7),
                         actor=world.street_admin)
    open_motion(world)  # 选聘物业服务企业, open for a week
    settings.LINLI_PAYMENT_SANDBOX = True  # the demo's payment channel: 在线缴费 on her bills
    fees.fee_plan_create(actor=world.manager_a, estate=world.estate_a, rate=Decimal("10"),
                         effective_from=datetime.date(2026, 1, 1), decision="业主大会决定 2025-3号", services="保洁",
                         responsible="项目经理")
    fees.bill_period(period="2026-11", estate=world.estate_a, actor=world.manager_a)
    Volunteer.objects.create(person=world.resident, community=world.c1)
    wish = wishes.wish_review(actor=world.community_admin, approve=True, wish=wishes.wish_post(
        actor=world.community_admin, beneficiary=world.neighbour, title="想要一台收音机", source="paper"))
    check = Checks(page)

    # The link in the estate's WeChat group; not signed in, it opens the report page, which offers to sign in.
    link = f"{base}/workorders/go/{posters.make_token(estate=world.estate_a)}/"
    page.goto(link)
    expect(page.locator("form textarea")).to_be_visible()
    page.locator("#large-type").click()  # 大字模式, before anything else
    expect(page.locator("html")).to_have_class(re.compile(r"\blarge\b"))
    check("report-page-anonymous")

    # She signs in with the code texted to her phone (no password to remember).
    page.goto(f"{base}/accounts/login/?next=/workorders/go/{posters.make_token(estate=world.estate_a)}/")
    check("sign-in")
    page.get_by_role("link", name="手机验证码登录").click()
    page.fill("#id_phone", "138 1234 5678")
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_url(re.compile(rf"^{re.escape(base)}/accounts/login/code/verify/"))
    check("sign-in-code")
    page.fill("#id_code", texted_code(fake_sms))
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(f"{base}/residents/")
    expect(page.locator("html")).to_have_class(re.compile(r"\blarge\b"))  # the device remembered it
    check("resident-home")

    # 我要反映, with a photo.
    page.click("#btn-report")
    page.fill("form textarea", "1栋楼道灯坏了，晚上看不见台阶")
    page.set_input_files("input[type=file][accept^=image]", files=[
        {"name": "light.png", "mimeType": "image/png", "buffer": PNG}])
    check("report-page")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("main")).to_contain_text("诉求编号")
    check("reported")
    order = WorkOrder.objects.get(text__startswith="1栋楼道灯坏了")
    assert order.attachments.count() == 1

    # The property manager deals with it; she is told so.
    order.refresh_from_db()
    if order.status == "received":
        orders.workorder_dispatch(order=order, to=world.company, actor=world.street_admin)
    orders.workorder_accept(order=order, actor=world.manager_a, note="")
    orders.workorder_reply(order=order, actor=world.manager_a, text="已更换楼道灯，请您看看")
    page.goto(f"{base}/residents/")
    page.locator("header a[href='/notify/']").click()  # 通知 in the top bar
    expect(page.locator("main")).to_contain_text(f"您反映的问题已处理完，请评价（{order.code}）")
    check("notifications")

    # A notice of her estate.
    page.goto(f"{base}/residents/")
    page.click("#btn-notices")
    page.locator("#notice-list a", has_text="锦霞小区周三停水通知").click()
    expect(page.locator("h1")).to_contain_text("锦霞小区周三停水通知")
    check("notice")

    # The open vote.
    page.goto(f"{base}/residents/")
    page.click("#btn-votes")
    check("votes")
    page.get_by_role("link", name=re.compile("去投票")).first.click()
    expect(page.locator("h1")).to_have_text("选聘物业服务企业")
    check("ballot")
    page.click("button.choice.for")
    expect(page.locator("#my-choice")).to_contain_text("同意")
    check("ballot-cast")

    # She rates the reply with large buttons.
    page.goto(f"{base}/residents/")
    page.click("#btn-orders")
    card = page.locator(f"#card-{order.code}")
    expect(card).to_contain_text("已更换楼道灯")
    check("my-orders")
    for option in card.locator("fieldset.radios label").all():
        box = option.bounding_box()
        assert box["height"] >= 48 and box["width"] >= 200, box  # a whole row per answer, not a 13-px radio
    card.locator("input[name=visit-solved][value='1']").check()
    card.locator("input[name=visit-satisfaction][value=satisfied]").check()
    card.locator("button:has-text('提交评价')").click()
    expect(card).to_contain_text("您已评价")
    check("rated")

    # 物业费: she pays the month online and gets the receipt.
    page.goto(f"{base}/residents/")
    page.click("#btn-fees")
    check("my-bills")
    page.locator("button[id^=pay-online-]").click()
    check("pay-online")
    page.click("#pay-confirm")
    expect(page.locator("main")).to_contain_text("收据")
    check("receipt")
    assert Payment.objects.filter(method=Payment.Method.ONLINE).count() == 1

    # 我能帮忙: she claims her neighbour's wish.
    page.goto(f"{base}/residents/")
    page.click("#btn-help")
    page.locator("a", has_text="想要一台收音机").first.click()
    check("wish")
    page.get_by_role("button", name=re.compile("认领")).first.click()
    expect(page.locator("main")).to_contain_text("认领")
    check("wish-claimed")
    wish.refresh_from_db()
    assert wish.status == Wish.Status.CLAIMED

    order.refresh_from_db()
    assert (order.status, order.satisfaction, order.solved) in {("visited", "satisfied", True),
                                                                ("closed", "satisfied", True)}
    assert page.external_requests == []
    assert check.failures == [], "\n".join(check.failures)
    assert len(check.pages) >= 17
