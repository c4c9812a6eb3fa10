"""The dashboard in a real browser at the three sizes people use: a desktop (1366×768), a phone (390×844) and the
command centre's wall screen (1920×1080). Screenshots go to e2e/screenshots/dashboard-*.png."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import SHOTS
from linli.core.testing import PASSWORD
from linli.workorders import services as s
from linli.workorders import summary

SIZES = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844},
         "wall": {"width": 1920, "height": 1080}}


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
    """This month in the street: orders on several days, by several channels, one 12345 order in estate B."""
    today = timezone.localdate()
    first = today.replace(day=1)
    for i, (estate, channel, category) in enumerate([
            (world.estate_a, "resident", "facility"), (world.estate_a, "phone", "sanitation"),
            (world.estate_b, "hotline", "facility"), (world.estate_a, "resident", "greening")]):
        day = min(first + datetime.timedelta(days=i), today)
        when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, i)))
        s.workorder_create(place=s.resolve_place(estate=estate), now=when, channel=channel, text="楼道灯坏了",
                           category=category)
    summary.rebuild()


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_a_street_admin_lands_on_the_dashboard_and_follows_a_figure_to_its_list(world, live_server, screen):
    orders(world)
    sign_in(screen, live_server, "street_admin")
    screen.wait_for_url(f"{live_server.url}/dashboard/")
    expect(screen.locator("h1")).to_contain_text("九宫庙街道总览")
    expect(screen.locator("figure.chart").first).to_be_visible()
    # Phone first: the figures stack, nothing wider than the screen.
    width = screen.evaluate("document.documentElement.scrollWidth")
    assert width <= SIZES[screen.device_name]["width"] + 1
    SHOTS.mkdir(exist_ok=True)
    screen.screenshot(path=str(SHOTS / f"dashboard-{screen.device_name}.png"), full_page=True)
    screen.locator("a.stat").first.click()
    screen.wait_for_url("**/workorders/**")
    assert "division=" in screen.url and "since=" in screen.url
    assert screen.external_requests == []


def test_the_wall_screen_shows_the_street_and_refreshes_itself(world, live_server, screen):
    orders(world)
    sign_in(screen, live_server, "street_admin")
    screen.wait_for_url(f"{live_server.url}/dashboard/")
    screen.goto(f"{live_server.url}/dashboard/{world.street.code}/wall/")
    expect(screen.locator("body")).to_have_attribute("data-refresh", "300")
    expect(screen.locator("h1")).to_contain_text("九宫庙街道指挥大屏")
    SHOTS.mkdir(exist_ok=True)
    screen.screenshot(path=str(SHOTS / f"dashboard-wall-{screen.device_name}.png"), full_page=True)
    assert screen.external_requests == []
