"""The estate's public board on a 360 × 740 phone (issue 19 item 6): someone who scans the stairwell poster opens the
board from the report page without signing in, reads it without sideways scrolling, and prints it; a resident
reaches the same board from the 公开栏 button of their home."""

import re
from pathlib import Path

from playwright.sync_api import expect

from linli.core.testing import PASSWORD, add_committee
from linli.workorders import posters

SHOTS = Path(__file__).parent / "screenshots"
PHONE = {"width": 360, "height": 740}


def test_a_neighbour_reads_the_board_from_the_poster_and_a_resident_from_the_home(world, live_server, phone):
    SHOTS.mkdir(exist_ok=True)
    add_committee(world)
    token = posters.make_token(building=world.building_a)

    phone.goto(f"{live_server.url}/workorders/r/{token}/")
    phone.click("#board-link")
    expect(phone.locator("h1")).to_have_text("锦霞小区 · 公开栏")
    expect(phone.locator("#board-manager")).to_contain_text("重庆锦绣物业服务有限公司")
    expect(phone.locator("#board-committee")).to_contain_text("李**")
    assert "李建国" not in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path=str(SHOTS / "public-board-360.png"), full_page=True)

    phone.click("#print-link")
    expect(phone.locator("#board-qr svg")).to_be_visible()
    phone.emulate_media(media="print")
    expect(phone.locator(".topbar")).to_be_hidden()
    phone.emulate_media(media="screen")

    phone.goto(f"{live_server.url}/accounts/login/")
    phone.fill("#id_username", "resident_a")
    phone.fill("#id_password", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(re.compile(r".*/residents/$"))
    phone.click("#btn-board")
    expect(phone.locator("h1")).to_have_text("锦霞小区 · 公开栏")
    expect(phone.locator("#board-committee")).to_contain_text("李建国")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert phone.external_requests == []
