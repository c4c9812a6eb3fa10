"""Issue 20 item 4 on a 360 px phone: a resident opens the renovation project from the estate page, reads the plan,
comments; the comment shows with the name masked and the page does not scroll sideways."""

import re

from playwright.sync_api import expect

from linli.core.testing import PASSWORD
from linli.renovation import services


def test_a_resident_comments_on_the_published_plan_on_a_phone(world, live_server, phone):
    project = services.project_create(estate=world.estate_a, title="锦霞小区综合整治", actor=world.community_admin)
    services.project_advance(project=project, actor=world.community_admin, plan="加装电梯、更换供水管网")
    url = live_server.url
    phone.goto(f"{url}/accounts/login/")
    phone.fill("#id_username", "resident_a")
    phone.fill("#id_password", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(re.compile(rf"^{re.escape(url)}/"))
    phone.goto(f"{url}/places/estates/{world.estate_a.pk}/")
    phone.click("#renovation-link")
    phone.click("text=锦霞小区综合整治")
    expect(phone.locator("#plan")).to_contain_text("加装电梯")
    phone.fill("#id_body", "希望先修屋顶")
    phone.click("main button[type=submit]")
    expect(phone.locator("#comments")).to_contain_text("希望先修屋顶")
    expect(phone.locator("#comments")).to_contain_text("周**")
    expect(phone.locator("#comments")).not_to_contain_text("周莲秀")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone.external_requests == []
