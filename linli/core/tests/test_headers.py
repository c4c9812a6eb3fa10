"""Issue 12, finding 13: a Content-Security-Policy on every page with nothing inline, the usual security headers,
and no caching of API answers. The template walk keeps inline script and style from coming back unnoticed."""

import re
from pathlib import Path

import pytest
from django.test import Client

from linli.core.testing import post

LINLI = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(p for p in LINLI.rglob("templates/**/*.html"))

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTR = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def inline_code(html: str) -> list[str]:
    """Every inline script, event handler, style attribute or element and javascript: URL in ``html``."""
    return [m.group(0)[:80] for rx in (INLINE_SCRIPT, HANDLER, STYLE_ATTR, STYLE_ELEMENT, JS_URL)
            for m in rx.finditer(html)]


def test_there_are_templates_to_walk():
    assert len(TEMPLATES) > 100


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(LINLI)))
def test_no_template_has_inline_script_or_style(template):
    assert inline_code(template.read_text()) == []


def test_the_guard_sees_what_it_guards():
    html = ('<script>x()</script><a onclick="y()"><p style="color:red"><style>p{}</style>'
            '<a href="javascript:z()"><script src="/s.js"></script>')
    assert len(inline_code(html)) == 5


def policy(response) -> dict[str, list[str]]:
    parts = [p.strip().split() for p in response["Content-Security-Policy"].split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def test_a_page_carries_the_policy_and_the_security_headers(db):
    response = Client().get("/accounts/login/")
    csp = policy(response)
    assert csp["default-src"] == csp["script-src"] == csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == csp["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


# One page of each app, as someone who may see it: rendered, it has no inline code either.
PAGES = [
    ("resident_a", "/"), ("street_admin", "/places/estates/"), ("street_admin", "/people/persons/"),
    ("street_admin", "/triage/"), ("staff_a", "/workorders/"), ("manager_a", "/fees/"),
    ("resident_a", "/assembly/"), ("resident_a", "/volunteers/"), ("community_admin", "/care/"),
    ("street_admin", "/places/registry/import/"), ("resident_a", "/accounts/password/"),
    ("resident_a", "/residents/"), ("resident_a", "/residents/notices/"), ("resident_a", "/residents/call/"),
]


@pytest.mark.parametrize(("who", "url"), PAGES)
def test_rendered_pages_have_no_inline_code(world, client_for, who, url):
    response = client_for(who).get(url, follow=True)
    assert response.status_code == 200
    assert "'unsafe-inline'" not in policy(response)["script-src"]
    assert inline_code(response.content.decode()) == []


def test_the_base_page_turns_off_htmx_s_injected_style_and_eval(world, client_for):
    html = client_for("resident_a").get("/", follow=True).content.decode()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false, "allowEval": false}'>""" in html
    assert 'src="/static/linli/linli.js"' in html


def test_the_api_docs_load_their_script_from_a_file(db):
    page = Client().get("/api/docs/")
    html = page.content.decode()
    assert page.status_code == 200 and INLINE_SCRIPT.findall(html) == []
    script = re.search(r'<script src="([^"]*\?[^"]*script=[^"]*)"', html).group(1).replace("&amp;", "&")
    js = Client().get(script)
    assert js.status_code == 200 and "SwaggerUIBundle" in js.content.decode()
    csp = policy(page)
    assert csp["script-src"] == ["'self'"] and "'unsafe-inline'" in csp["style-src"]
    redoc = Client().get("/api/redoc/")
    assert redoc.status_code == 200 and INLINE_SCRIPT.findall(redoc.content.decode()) == []
    assert "fonts.googleapis.com" not in redoc.content.decode()


def test_api_answers_are_not_stored(world, client_for):
    response = client_for("street_admin").get("/api/v1/estates/")
    assert response.status_code == 200
    assert set(response["Cache-Control"].replace(" ", "").split(",")) == {"no-store", "private"}
    refused = post(Client(), "/api/v1/payments/", {})
    assert refused.status_code == 401 and "no-store" in refused["Cache-Control"]


def test_pages_outside_the_api_are_not_marked_no_store(world, client_for):
    assert "no-store" not in client_for("resident_a").get("/?home=1").get("Cache-Control", "")


def test_https_settings_follow_the_environment(world, client_for, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = Client().get("/accounts/login/")
    assert plain.status_code == 301 and plain["Location"] == "https://testserver/accounts/login/"
    secure = Client().get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200 and secure["Strict-Transport-Security"] == "max-age=31536000"
