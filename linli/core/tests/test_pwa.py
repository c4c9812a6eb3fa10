"""Installable and offline (issue 18): the manifest, the service worker and the offline page (linli/core/pwa.py);
the hint WeChat users see beside downloads and print buttons (linli/core/wechat.py)."""

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from PIL import Image

from linli.core import pwa

WECHAT_UA = ("Mozilla/5.0 (Linux; Android 13; V2203A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64")


def _sw_config(body: str) -> dict:
    return json.loads(re.search(r"^var CONFIG = (\{.*\});$", body, re.M).group(1))


@pytest.mark.django_db
def test_the_manifest_is_json_with_the_fields_that_make_it_installable():
    response = Client().get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"] == "邻里" and data["short_name"] == "邻里"
    assert data["start_url"] == "/" and data["scope"] == "/"
    assert data["display"] == "standalone"
    assert data["lang"] == "zh-CN"
    assert re.fullmatch(r"#[0-9a-f]{6}", data["theme_color"])
    assert [(i["sizes"], i["type"]) for i in data["icons"]] == [("192x192", "image/png"), ("512x512", "image/png")]


@pytest.mark.parametrize("size", [192, 512])
def test_the_icons_are_pngs_of_their_stated_size(size):
    path = finders.find(f"linli/icon-{size}.png")
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size == (size, size)
        assert image.getpixel((size // 2, size - size // 20))[:3] == (179, 38, 30)  # the icon's red, not blank


@pytest.mark.django_db
def test_the_service_worker_is_javascript_from_the_root_and_never_cached():
    response = Client().get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    assert "no-cache" in response["Cache-Control"]
    assert response["Service-Worker-Allowed"] == "/"


@pytest.mark.django_db
def test_the_service_worker_precaches_the_offline_page_and_the_shell_and_never_the_api():
    config = _sw_config(Client().get("/sw.js").content.decode())
    assert config["offline"] == "/offline/"
    assert config["precache"][0] == "/offline/"
    assert {"/static/linli/linli.css", "/static/linli/linli.js", "/static/linli/pwa.js",
            "/static/django_htmx/htmx-2.min.js"} <= set(config["precache"])
    assert config["never"] == ["/api/"]
    # Every precached file exists (one missing file and the browser refuses to install the worker).
    for url in config["precache"][1:]:
        assert finders.find(url.removeprefix("/static/")), url


@pytest.mark.django_db
def test_the_service_worker_leaves_posts_and_foreign_requests_to_the_network():
    body = Client().get("/sw.js").content.decode()
    fetch = body[body.index('addEventListener("fetch"'):]
    assert 'if (request.method !== "GET") return;' in fetch
    assert "url.origin !== self.location.origin" in fetch
    assert "cache.put" not in body  # nothing fetched at run time is stored: only the precache list


def test_the_worker_version_follows_the_content_of_the_precached_files(tmp_path, settings, monkeypatch):
    pwa._version.cache_clear()
    before = pwa._version()
    changed = tmp_path / "linli.css"
    changed.write_text("body { color: red }")
    real_find = finders.find
    monkeypatch.setattr(finders, "find", lambda p, *a, **k: str(changed) if p == "linli/linli.css" else real_find(p))
    pwa._version.cache_clear()
    try:
        assert pwa._version() != before
    finally:
        pwa._version.cache_clear()


@pytest.mark.django_db
def test_the_offline_page_says_there_is_no_network_in_chinese_and_english_to_anyone():
    response = Client().get("/offline/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "现在没有网络" in html and "There is no network right now" in html
    assert "已经提交的诉求不会丢失" in html and "119" in html
    assert "csrfmiddlewaretoken" not in html and "<script" not in html  # stored once, shown to anyone


@pytest.mark.django_db
def test_every_page_links_the_manifest_and_registers_the_worker_from_a_file():
    html = Client().get("/accounts/login/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<meta name="theme-color" content="#b3261e">' in html
    assert re.search(r'<script src="/static/linli/pwa\.js" data-sw="/sw\.js" defer></script>', html)
    script = Path(finders.find("linli/pwa.js")).read_text()
    assert "navigator.serviceWorker.register(url)" in script


# -- WeChat's built-in browser -------------------------------------------------------------------------------------


def _receipt_url(world):
    from django.utils import timezone

    from linli.core.testing import pay

    payment = pay(world, world.home_a1, "30.00", "k-wechat", timezone.now())
    return f"/fees/payments/{payment.pk}/receipt/"


def test_a_resident_in_wechat_is_told_how_to_print_the_receipt(world, client_for):
    url = _receipt_url(world)
    client = client_for("resident_a")
    in_wechat = client.get(url, HTTP_USER_AGENT=WECHAT_UA)
    assert in_wechat.status_code == 200
    assert "选择“在浏览器中打开”后再打印" in in_wechat.content.decode()
    elsewhere = client.get(url, HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 13) Chrome/131.0 Mobile Safari/537.36")
    assert elsewhere.status_code == 200
    assert "wechat-hint" not in elsewhere.content.decode()


def test_a_stranger_in_wechat_gets_no_receipt(world, client_for):
    url = _receipt_url(world)
    assert client_for("stranger").get(url, HTTP_USER_AGENT=WECHAT_UA).status_code == 404
