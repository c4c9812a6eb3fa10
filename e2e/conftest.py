"""Browser tests: Playwright driving Debian's chromium against the live test server.

Skipped when /usr/bin/chromium is missing (install it with `make chromium`).
"""

import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

from linli.core.testing import PASSWORD, build_world

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).parent / "screenshots"

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class OneRequestAtATimeOnSharedSQLite(ThreadedWSGIServer):
    """The live server, answering one request at a time when its threads share one connection.

    On SQLite the test database lives in memory and every request thread of the live server uses the test's one
    connection. A page whose browser sends two requests at once (a page and its htmx or fetch call) then had two
    threads in that connection together, and both hung (a CI run of the axe walk stood still for half an hour on
    the residents' printable board). Each request — the view and its body, up to ``close()`` — runs under one
    lock; connections stay threaded, so a browser's idle keep-alive connection holds nothing."""

    def set_app(self, application):
        if not self.connections_override:
            return super().set_app(application)
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                result = application(environ, start_response)
                try:
                    return [b"".join(result)]
                finally:
                    if hasattr(result, "close"):
                        result.close()  # request_finished, as the server would send it

        return super().set_app(one_at_a_time)


LiveServerThread.server_class = OneRequestAtATimeOnSharedSQLite


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            if not os.path.exists(CHROMIUM):
                item.add_marker(pytest.mark.skip(reason="chromium is not installed (make chromium)"))


@pytest.fixture(autouse=True)
def _fresh_memos(transactional_db):
    """Rows cached by an earlier test must not reach this one (see linli/core/memo.py), nor its rate-limit counts
    (kept in the database cache, which a transactional test's flush leaves alone)."""
    from django.core.cache import cache

    from linli.core.memo import clear_all

    clear_all()
    cache.clear()
    yield
    clear_all()


@pytest.fixture
def world(transactional_db):
    return build_world()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield browser
        browser.close()


@pytest.fixture(params=[("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844})],
                ids=["desktop", "phone"])
def page(request, browser):
    name, viewport = request.param
    context = browser.new_context(viewport=viewport, locale="zh-CN", is_mobile=name == "phone")
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    pg.device_name = name
    # Offline: fail the test if the page tries to reach anything but the test server.
    pg.external_requests = []
    pg.on("request", lambda r: pg.external_requests.append(r.url)
          if not r.url.startswith(("http://localhost", "http://127.0.0.1", "data:")) else None)
    yield pg
    context.close()


@pytest.fixture
def sign_in(live_server, page):
    def do(username: str):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        # The home page, or the first page an app registered for the role (street/district admins: the dashboard,
        # residents: their home, committee members: their desk).
        page.wait_for_url(re.compile(rf"^{re.escape(live_server.url)}/(dashboard/|residents/|assembly/committee/)?$"))
        return page

    return do


@pytest.fixture
def shot(page):
    SHOTS.mkdir(exist_ok=True)

    def take(name: str):
        page.screenshot(path=str(SHOTS / f"{name}-{page.device_name}.png"), full_page=True)

    return take


@pytest.fixture
def fake_sms(settings):
    """SMS through the fake channel, sent at once: a test reads the texts (a sign-in code) as a phone would."""
    from linli.notify.tests.fakes import FakeChannel

    settings.LINLI_NOTIFY_CHANNELS = {"sms": "linli.notify.tests.fakes.FakeChannel"}
    settings.CELERY_TASK_ALWAYS_EAGER = True
    FakeChannel.reset()
    yield FakeChannel
    FakeChannel.reset()


@pytest.fixture
def phone(browser):
    """A 360 × 740 touch phone, failing nothing but recording any request off the test server."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True,
                                  has_touch=True)
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    pg.external_requests = []
    pg.on("request", lambda r: pg.external_requests.append(r.url)
          if not r.url.startswith(("http://localhost", "http://127.0.0.1", "data:")) else None)
    yield pg
    context.close()
