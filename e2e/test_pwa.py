"""Installable, offline and inside WeChat (issue 18, item 2): the service worker shows the offline page when the
network is gone, and the pages a resident reaches from a WeChat group work in WeChat's built-in browser at 360 px."""

import re

from playwright.sync_api import expect

from linli.core.testing import PASSWORD
from linli.workorders import posters

# WeChat 8.0.47's built-in browser (XWeb) on Android 13, as it sends its user agent.
WECHAT_UA = ("Mozilla/5.0 (Linux; Android 13; V2203A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 "
             "MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64")
PHONE = {"width": 360, "height": 740}


def test_the_service_worker_shows_the_offline_page_when_the_network_is_gone(world, live_server, browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    # The page registers the worker; it installs (storing the offline page and the shell) and takes the page over.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    # An API answer fetched through the worker is not stored (nor is the page).
    assert page.evaluate("async () => (await fetch('/api/v1/')).status") in (401, 403)
    stored = page.evaluate("""async () => {
        const names = await caches.keys();
        const cache = await caches.open(names.find(n => n.startsWith('linli-')));
        return (await cache.keys()).map(r => new URL(r.url).pathname);
    }""")
    assert "/offline/" in stored and "/static/linli/linli.css" in stored
    assert "/accounts/login/" not in stored  # pages are fetched, never stored
    assert [path for path in stored if path.startswith("/api/")] == []

    context.set_offline(True)
    page.reload()
    expect(page.locator("#offline h1").first).to_have_text("现在没有网络")
    expect(page.locator("#offline [lang=en] h1")).to_have_text("There is no network right now")
    expect(page.locator("#offline")).to_contain_text("已经提交的诉求不会丢失")
    # The stored stylesheet still dresses it.
    assert page.evaluate("getComputedStyle(document.querySelector('.topbar')).backgroundColor") == "rgb(179, 38, 30)"
    page.screenshot(path="e2e/screenshots/pwa-offline-phone.png", full_page=True)
    # Offline, the API is not answered from a cache either.
    assert page.evaluate("async () => { try { await fetch('/api/v1/'); return 'answered'; } "
                         "catch (e) { return 'failed'; } }") == "failed"

    # Back online, the same address opens the real page again.
    context.set_offline(False)
    page.reload()
    expect(page.locator("#id_username")).to_be_visible()
    context.close()


def _wechat(browser):
    context = browser.new_context(viewport=PHONE, user_agent=WECHAT_UA, locale="zh-CN", is_mobile=True,
                                  has_touch=True, device_scale_factor=3)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def _no_sideways_scroll(page):
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360


def test_a_resident_reports_from_the_wechat_link_in_wechats_browser(world, live_server, browser):
    context, page = _wechat(browser)
    token = posters.make_token(building=world.building_a)
    page.goto(f"{live_server.url}/workorders/r/{token}/")
    expect(page.locator("h1")).to_have_text("反映问题")
    _no_sideways_scroll(page)
    page.fill("textarea[name=text]", "1栋楼道灯坏了，晚上看不见台阶")
    page.fill("input[name=contact_phone]", "13812345678")
    page.screenshot(path="e2e/screenshots/wechat-report-phone.png", full_page=True)
    page.click("button:has-text('提交')")
    expect(page.locator("h1")).to_have_text("已收到您的诉求")
    _no_sideways_scroll(page)
    context.close()


def test_a_resident_signs_in_inside_wechats_browser(world, live_server, browser):
    context, page = _wechat(browser)
    page.goto(f"{live_server.url}/accounts/login/")
    _no_sideways_scroll(page)
    page.screenshot(path="e2e/screenshots/wechat-login-phone.png", full_page=True)
    page.fill("#id_username", "resident_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(rf"^{re.escape(live_server.url)}/(residents/)?$"))
    _no_sideways_scroll(page)
    page.goto(f"{live_server.url}/workorders/mine/")
    _no_sideways_scroll(page)
    context.close()
