"""Issue 18 item 6: the page title names the page and Linli, never the host the site is served from (Django's auth
views put the request's host into their context as ``site_name``, which used to win over Linli's name)."""

import re
from pathlib import Path

import pytest
from django.test import Client

HOST = "linli-host.example.com"
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def title_of(response) -> str:
    return TITLE.search(response.content.decode()).group(1).strip()


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/login/?next=/workorders/", "/volunteers/wishes/pool/"])
def test_a_page_anyone_may_open_is_titled_without_the_host(db, settings, url):
    settings.ALLOWED_HOSTS = [HOST]
    response = Client(HTTP_HOST=HOST).get(url)
    assert response.status_code == 200
    title = title_of(response)
    assert HOST not in title and title.endswith("· 邻里")


def test_the_english_sign_in_page_is_titled_linli(db, settings):
    settings.ALLOWED_HOSTS = [HOST]
    response = Client(HTTP_HOST=HOST).get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert title_of(response) == "Sign in · Linli"


STAFF_PAGES = ["/", "/workorders/", "/workorders/board/", "/workorders/meetings/", "/volunteers/", "/volunteers/points/",
               "/volunteers/wishes/new/", "/care/", "/assembly/", "/fees/", "/dashboard/", "/accounts/password/",
               "/notify/"]


@pytest.mark.parametrize("who", ["street_admin", "community_admin", "resident_a"])
def test_the_main_pages_are_titled_without_the_host(world, client_for, settings, who):
    settings.ALLOWED_HOSTS = [HOST, "testserver"]
    client = client_for(who)
    seen = 0
    for url in STAFF_PAGES:
        response = client.get(url, HTTP_HOST=HOST, follow=True)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        seen += 1
        title = title_of(response)
        assert HOST not in title and "testserver" not in title and "邻里" in title, (url, title)
    assert seen >= 5


def test_no_template_reads_the_site_name_that_views_may_override():
    """``site_name`` is what Django's auth views set to the host; Linli's name is ``linli_name``."""
    root = Path(__file__).resolve().parents[2]
    users = [str(p.relative_to(root)) for p in root.rglob("templates/**/*.html") if "site_name" in p.read_text()]
    assert users == []
