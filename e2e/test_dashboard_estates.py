"""The property manager's dashboard and the estate page in a real browser, on a phone (360×740) and a desktop
(1366×768): a manager signs in, opens the overview of their company's estates, taps an estate and sees its page;
a street admin taps an estate of the 12345 table and lands on the same kind of page. Screenshots go to
e2e/screenshots/dashboard-company-*.png and dashboard-estate-*.png."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import SHOTS
from e2e.test_dashboard_flow import sign_in
from linli.workorders import daily, summary
from linli.workorders import services as s

SIZES = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1366, "height": 768}}


@pytest.fixture(params=list(SIZES), ids=list(SIZES))
def screen(request, browser):
    name = request.param
    context = browser.new_context(viewport=SIZES[name], locale="zh-CN", is_mobile=name == "phone")
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    pg.device_name = name
    pg.external_requests = []
    pg.on("request", lambda r: pg.external_requests.append(r.url)
          if not r.url.startswith(("http://localhost", "http://127.0.0.1", "data:")) else None)
    yield pg
    context.close()


def orders(world):
    """This month: three orders in estate A (company X), one of them by 12345; one 12345 order in estate B."""
    today = timezone.localdate()
    first = today.replace(day=1)
    for i, (estate, channel) in enumerate([(world.estate_a, "resident"), (world.estate_a, "hotline"),
                                           (world.estate_a, "phone"), (world.estate_b, "hotline")]):
        day = min(first + datetime.timedelta(days=i), today)
        when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, i)))
        s.workorder_create(place=s.resolve_place(estate=estate), now=when, channel=channel, text="楼道灯坏了",
                           category="facility")
    summary.rebuild()  # work in hand
    daily.rebuild()  # the daily figures the overview reads


def fits(screen):
    width = screen.evaluate("document.documentElement.scrollWidth")
    assert width <= SIZES[screen.device_name]["width"] + 1


def test_a_property_manager_opens_the_company_s_estates_and_one_estate(world, live_server, screen):
    orders(world)
    sign_in(screen, live_server, "manager_a")
    screen.wait_for_load_state()
    screen.goto(f"{live_server.url}/dashboard/")
    screen.wait_for_url(f"{live_server.url}/dashboard/company/")
    expect(screen.locator("h1")).to_contain_text("重庆锦绣物业服务有限公司总览")
    expect(screen.locator("table.estates tbody tr")).to_have_count(1)  # estate A only: B and Far are not theirs
    expect(screen.locator("table.estates")).not_to_contain_text(world.estate_b.name)
    expect(screen.locator("figure.chart").first).to_be_visible()
    fits(screen)
    SHOTS.mkdir(exist_ok=True)
    screen.screenshot(path=str(SHOTS / f"dashboard-company-{screen.device_name}.png"), full_page=True)
    screen.locator("table.estates tbody th a", has_text=world.estate_a.name).click()
    screen.wait_for_url(f"**/dashboard/estate/{world.estate_a.pk}/**")
    expect(screen.locator("h1")).to_have_text(world.estate_a.name)
    expect(screen.locator("table.history")).to_contain_text("重庆锦绣物业服务有限公司")
    fits(screen)
    screen.screenshot(path=str(SHOTS / f"dashboard-estate-{screen.device_name}.png"), full_page=True)
    # Every figure opens its list: the received orders of estate A.
    screen.locator("a.stat").first.click()
    screen.wait_for_url("**/workorders/**")
    assert f"estate={world.estate_a.pk}" in screen.url
    assert screen.external_requests == []


def test_a_street_admin_taps_an_estate_of_the_12345_table(world, live_server, screen):
    orders(world)
    sign_in(screen, live_server, "street_admin")
    screen.wait_for_url(f"{live_server.url}/dashboard/")
    link = screen.locator("figure.chart[data-chart=hbar] table th a", has_text=world.estate_b.name).first
    href = link.get_attribute("href")
    assert href.startswith(f"/dashboard/estate/{world.estate_b.pk}/")
    screen.goto(live_server.url + href)
    expect(screen.locator("h1")).to_have_text(world.estate_b.name)
    expect(screen.locator("a.stat").nth(3)).to_contain_text("每百户12345工单")
    # The download buttons of the overview are big enough for a thumb.
    screen.goto(f"{live_server.url}/dashboard/")
    heights = screen.eval_on_selector_all("a.download", "els => els.map(e => e.getBoundingClientRect().height)")
    assert heights and min(heights) >= 48
    assert screen.external_requests == []
