"""Dashboard charts in the browser (docs/dashboard-charts.md): every kind is drawn from its table, the table toggles,
a click on a linked bar follows the link, charts fit a phone, tables print, and the wall screen fills 1920×1080
without a scrollbar and refreshes itself, saying so when it fails. No console error, no CSP violation, no request
leaves the test server."""

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import SHOTS
from linli.core.testing import PASSWORD

GALLERY = "/dashboard/charts/"
WALL = "/dashboard/charts/wall/"
KINDS = ["line", "bar", "hbar", "stack", "pie", "map", "map"]

# Injected by Playwright before any page script (not subject to the page's CSP): collects CSP violations.
WATCH_CSP = """window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));"""


def watch(pg):
    pg.errors = []
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.add_init_script(WATCH_CSP)
    return pg


def assert_clean(pg):
    assert pg.evaluate("window.__csp") == []
    assert pg.errors == []
    assert pg.external_requests == []


def signed_in(pg, live_server, username="street_admin", then=GALLERY):
    pg.goto(f"{live_server.url}/accounts/login/?next={then}")
    pg.fill("#id_username", username)
    pg.fill("#id_password", PASSWORD)
    pg.click("button[type=submit]")
    pg.wait_for_url(re.compile(re.escape(live_server.url + then)))
    return pg


def hidden_from_sight(locator) -> bool:
    """Clipped to nothing (the screen-reader-only pattern): a table keeps its layout width, so measure the clip."""
    return locator.evaluate("t => { const s = getComputedStyle(t); return s.position === 'absolute' && "
                            "s.clipPath === 'inset(50%)'; }")


def drawn(pg, count):
    expect(pg.locator("figure.chart.chart-drawn")).to_have_count(count)
    pg.wait_for_timeout(400)  # let the first animation settle before measuring or taking a picture


@pytest.fixture
def gallery(world, live_server, page):
    watch(page)
    signed_in(page, live_server)
    drawn(page, len(KINDS))
    return page


def test_every_chart_kind_is_drawn_from_its_table(gallery, shot):
    page = gallery
    assert page.eval_on_selector_all("figure.chart", "fs => fs.map(f => f.dataset.chart)") == KINDS
    # Each figure has a drawing surface with a size, and its table is still in the page (for screen readers).
    for i in range(len(KINDS)):
        fig = page.locator("figure.chart").nth(i)
        expect(fig.locator(".chart-canvas canvas")).to_have_count(1)
        box = fig.locator(".chart-canvas canvas").bounding_box()
        assert box["width"] > 200 and box["height"] > 150
        assert fig.locator(".chart-canvas").get_attribute("aria-hidden") == "true"
        assert fig.locator("table tbody tr").count() > 0
        assert hidden_from_sight(fig.locator("table"))  # visually hidden, not removed
    # ECharts drew what the table says: as many categories as rows (the line chart: 30 days, 2 series).
    line = page.evaluate("""() => {
        const c = echarts.getInstanceByDom(document.querySelector('figure[data-chart=line] .chart-canvas'));
        const o = c.getOption();
        return [o.xAxis[0].data.length, o.series.length, o.series[1].data[10]];
    }""")
    assert line == [30, 2, "-"]  # a day with no value last year is a gap, not zero
    shot("dashboard-charts-gallery")
    assert_clean(page)


def test_the_table_toggle_shows_the_table_and_back_the_chart(gallery):
    page = gallery
    fig = page.locator("figure.chart").first
    button = fig.locator(".chart-toggle")
    expect(button).to_have_text("查看表格")
    button.click()
    expect(button).to_have_text("查看图表")
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(fig.locator(".chart-canvas")).to_be_hidden()
    assert not hidden_from_sight(fig.locator("table"))
    assert fig.locator("table").bounding_box()["width"] > 200
    button.click()
    expect(button).to_have_text("查看表格")
    expect(fig.locator(".chart-canvas")).to_be_visible()
    assert hidden_from_sight(fig.locator("table"))
    assert_clean(page)


def bar_point(page, selector, value_fraction=0.5):
    """Page coordinates of the middle of the first bar of a horizontal bar chart."""
    return page.evaluate("""([sel, f]) => {
        const el = document.querySelector(sel + ' .chart-canvas');
        const c = echarts.getInstanceByDom(el);
        const v = c.getOption().series[0].data[0];
        const [x, y] = c.convertToPixel({seriesIndex: 0}, [v * f, 0]);
        const r = el.getBoundingClientRect();
        return [r.left + x, r.top + y];
    }""", [selector, value_fraction])


def test_a_click_on_a_linked_bar_follows_its_link(gallery, live_server):
    page = gallery
    page.locator("#chart-ranking").scroll_into_view_if_needed()
    x, y = bar_point(page, "#chart-ranking")
    page.mouse.move(x, y)
    tip = page.locator("#chart-ranking .chart-tip")
    expect(tip).to_contain_text("新工宿舍")  # the tooltip names the bar and says that a click opens it
    expect(tip).to_contain_text("点击查看明细")
    page.mouse.click(x, y)
    page.wait_for_url(re.compile(r"picked="))
    expect(page.locator("#picked")).to_have_text("已选：新工宿舍")  # the highest of the ranking, first bar
    assert_clean(page)


def test_a_click_on_an_estate_on_the_map_follows_its_link(gallery):
    page = gallery
    sel = "figure[data-chart=map]:not(:has(script.chart-outline))"
    page.locator(sel).scroll_into_view_if_needed()
    x, y = page.evaluate("""(sel) => {
        const el = document.querySelector(sel + ' .chart-canvas');
        const c = echarts.getInstanceByDom(el);
        const p = c.getOption().series[0].data[2];           // 百花园
        const [x, y] = c.convertToPixel({seriesIndex: 0}, p.value);
        const r = el.getBoundingClientRect();
        return [r.left + x, r.top + y];
    }""", sel)
    page.mouse.click(x, y)
    page.wait_for_url(re.compile(r"picked="))
    expect(page.locator("#picked")).to_have_text("已选：百花园")
    assert_clean(page)


def test_the_plain_map_keeps_one_degree_the_same_length_on_both_axes(gallery):
    page = gallery
    ratio = page.evaluate("""() => {
        const el = document.querySelector('figure[data-chart=map]:not(:has(script.chart-outline)) .chart-canvas');
        const c = echarts.getInstanceByDom(el);
        const [x0, y0] = c.convertToPixel({gridIndex: 0}, [106.48, 29.47]);
        const [x1, y1] = c.convertToPixel({gridIndex: 0}, [106.49, 29.48]);
        return ((x1 - x0) / Math.abs(y1 - y0)) / Math.cos(29.475 * Math.PI / 180);
    }""")
    assert ratio == pytest.approx(1, abs=0.02)


def test_charts_fit_the_width_of_the_screen(gallery):
    page = gallery
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    boxes = page.eval_on_selector_all(".chart-canvas", "els => els.map(e => e.getBoundingClientRect().right)")
    assert len(boxes) == len(KINDS)
    assert max(boxes) <= width
    fonts = page.evaluate("""() => [...document.querySelectorAll('.chart-canvas')].map(el =>
        { const t = echarts.getInstanceByDom(el).getOption().textStyle; return (Array.isArray(t) ? t[0] : t).fontSize; })""")
    assert set(fonts) == {16}  # labels for older eyes: never below 16 px


def test_the_large_type_view_draws_labels_at_18_px(gallery):
    page = gallery
    page.evaluate("document.documentElement.classList.add('large')")
    page.evaluate("window.linliCharts.refresh()")  # fetches the page again and redraws every chart
    drawn(page, len(KINDS))
    fonts = page.evaluate("""() => [...document.querySelectorAll('.chart-canvas')].map(el =>
        { const t = echarts.getInstanceByDom(el).getOption().textStyle; return (Array.isArray(t) ? t[0] : t).fontSize; })""")
    assert fonts == [18] * len(KINDS)
    assert_clean(page)


def test_printing_shows_the_tables_not_the_charts(gallery):
    page = gallery
    page.emulate_media(media="print")
    expect(page.locator(".chart-canvas").first).to_be_hidden()
    expect(page.locator(".chart-toggle").first).to_be_hidden()
    assert not hidden_from_sight(page.locator("figure.chart table").first)
    assert page.locator("figure.chart table").first.bounding_box()["width"] > 200
    page.emulate_media(media="screen")


def test_the_full_screen_button_fills_the_screen(gallery):
    page = gallery
    button = page.locator("[data-fullscreen]")
    expect(button).to_be_visible()
    button.click()
    page.wait_for_function("document.fullscreenElement !== null")
    expect(button).to_have_text("退出全屏")
    button.click()
    page.wait_for_function("document.fullscreenElement === null")
    expect(button).to_have_text("全屏")


@pytest.fixture
def wall(world, live_server, browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    pg.external_requests = []
    pg.on("request", lambda r: pg.external_requests.append(r.url)
          if not r.url.startswith(("http://localhost", "http://127.0.0.1", "data:")) else None)
    watch(pg)
    signed_in(pg, live_server, "district_admin", WALL + "?refresh=2")
    drawn(pg, 6)
    yield pg
    context.close()


def test_the_wall_fills_1920_by_1080_without_a_scrollbar(wall):
    SHOTS.mkdir(exist_ok=True)
    wall.screenshot(path=str(SHOTS / "dashboard-wall-1920.png"))
    sizes = wall.evaluate("""() => ({
        sh: document.documentElement.scrollHeight, sw: document.documentElement.scrollWidth,
        bottom: Math.max(...[...document.querySelectorAll('figure.chart')].map(f => f.getBoundingClientRect().bottom)),
        bg: getComputedStyle(document.body).backgroundColor})""")
    assert sizes["sh"] <= 1080 and sizes["sw"] <= 1920
    assert sizes["bottom"] <= 1080
    assert sizes["bg"] == "rgb(11, 26, 42)"
    heights = wall.eval_on_selector_all(".chart-canvas", "els => els.map(e => e.getBoundingClientRect().height)")
    assert min(heights) > 250  # every chart is big enough to read across the room
    assert_clean(wall)


def test_the_wall_refreshes_itself_and_says_when_it_fails(wall):
    status = wall.locator("[data-refresh-status]")
    expect(status).to_contain_text("更新于")
    first_stamp = status.get_attribute("data-refreshed-at")
    generated = wall.locator("[data-generated]").text_content()
    # Within a few refreshes (every 2 s) the page's figures were fetched again and swapped in, charts redrawn.
    wall.wait_for_function("(s) => document.querySelector('[data-refresh-status]').dataset.refreshedAt !== s",
                           arg=first_stamp)
    expect(wall.locator("[data-generated]")).not_to_have_text(generated, timeout=6000)
    drawn(wall, 6)
    assert wall.evaluate("window.linliCharts.count()") == 6  # the old charts were disposed, not stacked up
    expect(status).not_to_have_class(re.compile("chart-refresh-failed"))
    # The server cannot be reached: the screen says so, with the time of the figures it still shows.
    wall.route(re.compile(r".*/dashboard/charts/wall/.*"), lambda route: route.abort())
    expect(status).to_have_class(re.compile("chart-refresh-failed"), timeout=6000)
    expect(status).to_contain_text("刷新失败")
    expect(status).to_contain_text("屏上仍是这一时刻的数据")
    SHOTS.mkdir(exist_ok=True)
    wall.screenshot(path=str(SHOTS / "dashboard-wall-failed-1920.png"))
    # Back online: the notice goes away by itself.
    wall.unroute(re.compile(r".*/dashboard/charts/wall/.*"))
    expect(status).not_to_have_class(re.compile("chart-refresh-failed"), timeout=6000)
    # The aborted fetches are the only console errors ("Failed to fetch" is logged by the browser, not by us).
    wall.errors = [e for e in wall.errors if "ERR_FAILED" not in e and "Failed to fetch" not in e]
    assert_clean(wall)
