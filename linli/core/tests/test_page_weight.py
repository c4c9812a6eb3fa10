"""Every page a resident uses comes in under 100 KB without photos: its HTML plus the CSS and JS it references, raw
bytes read from disk (linli/pageweight.py; the demo street's figures are in docs/benchmarks.md)."""

import datetime

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from linli import pageweight
from linli.core.testing import open_motion, pay, report_order


@pytest.fixture
def resident_world(world):
    """The cast, with one of everything a resident's pages show: a request, a payment, a notice, an open vote and a
    wish of 周莲秀 (resident_a, A-1-101)."""
    from linli.assembly import services as assembly
    from linli.volunteers import wishes

    report_order(world, actor=world.resident_a)
    pay(world, world.home_a1, "60.00", "weight-1", timezone.now())
    today = timezone.localdate()
    assembly.notice_post(title="停水通知", body="12月8日 9:00–17:00 更换水表，全小区停水。", scope="estate",
                         estate=world.estate_a, posted_on=today, ends_on=today + datetime.timedelta(days=7),
                         actor=world.community_admin)
    open_motion(world)
    wishes.wish_post(actor=world.resident_a, beneficiary=world.resident, title="想要一台收音机")
    return world


def test_the_resident_pages_are_all_found_for_a_resident_with_one_of_everything(resident_world):
    names = [name for name, _url in pageweight.resident_pages(resident_world.resident_a)]
    assert names == list(pageweight.RESIDENT_PAGES)


def test_every_resident_page_weighs_under_100_kb_without_photos(resident_world, client_for):
    client = client_for("resident_a")
    weights = [pageweight.weigh(client, name, url) for name, url in pageweight.resident_pages(resident_world.resident_a)]
    over = {w.name: w.total for w in weights if w.total >= pageweight.BUDGET}
    assert over == {}
    assert len(weights) == len(pageweight.RESIDENT_PAGES)


def test_a_page_weighs_its_html_and_every_stylesheet_and_script_it_references(resident_world, client_for):
    weight = pageweight.weigh(client_for("resident_a"), "my requests", "/workorders/mine/")
    sizes = {name: len(open(finders.find(name), "rb").read())
             for name in ("linli/linli.css", "workorders/workorders.css", "linli/linli.js", "linli/pwa.js")}
    assert weight.css >= sizes["linli/linli.css"] + sizes["workorders/workorders.css"]
    assert weight.js >= sizes["linli/linli.js"] + sizes["linli/pwa.js"]
    assert weight.total == weight.html + weight.css + weight.js
    assert weight.html > 1000


def test_the_assets_of_a_page_are_read_from_its_tags():
    html = ('<link rel="stylesheet" href="/static/linli/linli.css"><link rel="icon" href="/static/linli/icon.svg">'
            '<script src="/static/linli/linli.js" defer></script><script src="/static/linli/linli.js"></script>')
    assert pageweight.assets(html) == (["/static/linli/linli.css"], ["/static/linli/linli.js"])


def test_a_missing_asset_is_an_error_not_a_lighter_page():
    with pytest.raises(FileNotFoundError):
        pageweight.static_size("/static/linli/no-such-file.js")
