"""The resident home on a 360 × 740 phone (issue 18 item 1): an elderly resident signs in, finds every big button,
reads a notice (the unread count drops), and opens the report page with a photo and a voice-note input."""

import datetime
import re
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from linli.assembly import services as assembly
from linli.core.testing import PASSWORD, report_order

SHOTS = Path(__file__).parent / "screenshots"
PHONE = {"width": 360, "height": 740}
M4A = b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42isom" + b"\x00" * 64
WORDS = ["我要反映", "我的诉求", "物业费", "通知公告", "投票与议事", "微心愿", "我能帮忙", "一键呼叫"]




def test_an_elderly_resident_uses_the_home_on_a_360_pixel_phone(world, live_server, phone):
    SHOTS.mkdir(exist_ok=True)
    today = timezone.localdate()
    notice = assembly.notice_post(title="锦霞小区周三停水通知", body="周三 9:00–17:00 停水，请提前储水。",
                                  scope="estate", estate=world.estate_a, posted_on=today,
                                  ends_on=today + datetime.timedelta(days=7), actor=world.street_admin)
    report_order(world)

    phone.goto(f"{live_server.url}/accounts/login/")
    phone.fill("#id_username", "resident_a")
    phone.fill("#id_password", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(re.compile(r".*/residents/$"))
    expect(phone.locator("h1")).to_have_text("周莲秀，您好")

    # Every button: its word, at least 48 px high, the whole width of the phone's content.
    content = phone.locator(".rh-grid").bounding_box()
    for word in WORDS:
        button = phone.locator(".rh-btn", has_text=word)
        expect(button).to_be_visible()
        box = button.bounding_box()
        assert box["height"] >= 48, (word, box)
        assert abs(box["width"] - content["width"]) <= 1, (word, box, content)
        assert button.locator("svg.rh-icon").count() == 1
    # Counts in words, not colour alone.
    expect(phone.locator("#badge-orders")).to_have_text("1 件在办")
    expect(phone.locator("#badge-notices")).to_have_text("1 条未读")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path=str(SHOTS / "resident-home-360.png"), full_page=True)

    # One tap to the notices; opening the notice marks it read.
    phone.click("#btn-notices")
    expect(phone.locator("h1")).to_have_text("通知公告")
    item = phone.locator(f"#notice-list li[data-kind=notice][data-pk='{notice.pk}']")
    expect(item).to_contain_text("未读")
    phone.screenshot(path=str(SHOTS / "resident-notices-360.png"), full_page=True)
    item.locator("a").click()
    expect(phone.locator("h1")).to_contain_text("锦霞小区周三停水通知")
    phone.goto(f"{live_server.url}/residents/")
    expect(phone.locator("#badge-notices")).to_have_text("都看过了")

    # 一键呼叫 says plainly that no number is registered yet.
    phone.click("#btn-call")
    expect(phone.locator(".rh-nophone").first).to_contain_text("还没有电话号码")
    phone.go_back()

    # 我要反映: the report page of her building, with a photo input and a voice-note input that records.
    phone.click("#btn-report")
    expect(phone.locator("h1")).to_have_text("反映问题")
    expect(phone.locator(".card").first).to_contain_text("锦霞小区 1栋")
    assert phone.get_attribute("input[name=photos]", "accept") == "image/*"
    assert phone.get_attribute("input[name=voice]", "accept") == "audio/*"
    assert phone.get_attribute("input[name=voice]", "capture") is not None
    phone.screenshot(path=str(SHOTS / "resident-report-360.png"), full_page=True)

    # She says it instead of typing much: a voice note goes with the report and plays on the order's page.
    phone.fill("textarea[name=text]", "楼道灯坏了，听录音")
    phone.set_input_files("input[name=voice]", [{"name": "voice.m4a", "mimeType": "audio/mp4", "buffer": M4A}])
    phone.click("button:has-text('提交')")
    expect(phone.locator("h1")).to_have_text("已收到您的诉求")
    phone.click("text=查看办理进度")
    expect(phone.locator("audio")).to_have_count(1)
    expect(phone.locator("#plain-status")).to_be_visible()
    assert phone.external_requests == []
