"""An elderly resident signs in on a 360-pixel phone with the code texted to her number (the fake SMS channel
records the text, as a phone would receive it), then invites her son, who signs in with his own code and is a
member of her home."""

import re
from pathlib import Path

from playwright.sync_api import expect

from linli.people.models import Occupancy

PHONE_VIEWPORT = {"width": 360, "height": 740}
SHOTS = Path(__file__).parent / "screenshots"






def texted_code(fake, number: str) -> str:
    address, title, _key = fake.sent[-1]
    assert address == number
    return re.search(r"\b(\d{6})\b", title).group(1)


def sign_in_by_code(page, base: str, typed: str, number: str, fake) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_role("link", name="手机验证码登录").click()
    page.wait_for_url(f"{base}/accounts/login/code/")
    page.fill("#id_phone", typed)
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_url(f"{base}/accounts/login/code/verify/")
    expect(page.locator("main, body").first).to_contain_text(f"{number[:3]}****{number[-4:]}")
    page.fill("#id_code", texted_code(fake, number))
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(re.compile(rf"^{re.escape(base)}/(?!accounts/)"))


def test_a_resident_signs_in_by_phone_code_and_invites_her_son(world, live_server, phone, fake_sms):
    base = live_server.url
    sign_in_by_code(phone, base, "１３８ １２３４ ５６７８", "13812345678", fake_sms)  # full-width, as a phone may type
    phone.screenshot(path=str(SHOTS / "phone-signin-home-360.png"), full_page=True)

    # She invites her son by his number.
    phone.goto(f"{base}/people/household/")
    expect(phone.locator("h1")).to_have_text("家庭成员")
    expect(phone.locator("section")).to_contain_text("周莲秀")
    phone.fill("input[name=name]", "周小明")
    phone.fill("input[name=phone]", "135 6666 7777")
    phone.get_by_role("button", name="发送邀请").click()
    expect(phone.locator(".messages")).to_contain_text("135****7777")
    phone.screenshot(path=str(SHOTS / "phone-signin-household-360.png"), full_page=True)
    assert fake_sms.sent[-1][0] == "13566667777"

    # The son, on his own phone: no account yet; the invitation makes one when his code is right. He mistypes
    # first: the page says how many tries are left.
    phone.context.clear_cookies()
    phone.goto(f"{base}/accounts/login/code/")
    phone.fill("#id_phone", "13566667777")
    phone.get_by_role("button", name="获取验证码").click()
    phone.wait_for_url(f"{base}/accounts/login/code/verify/")
    right = texted_code(fake_sms, "13566667777")
    phone.fill("#id_code", f"{(int(right) + 1) % 10 ** 6:06d}")
    phone.get_by_role("button", name="登录", exact=True).click()
    expect(phone.locator(".errors")).to_contain_text("还可以再试 4 次")
    phone.screenshot(path=str(SHOTS / "phone-signin-wrong-code-360.png"), full_page=True)
    phone.fill("#id_code", right)
    phone.get_by_role("button", name="登录", exact=True).click()
    phone.wait_for_url(re.compile(rf"^{re.escape(base)}/(?!accounts/)"))
    phone.goto(f"{base}/people/household/")
    expect(phone.locator("section")).to_contain_text("周莲秀")
    expect(phone.locator("section")).to_contain_text("周小明")
    assert Occupancy.objects.current().filter(home=world.home_a1, person__phone="13566667777",
                                              relation="family").count() == 1

    # Nothing on these pages is wider than the phone, and nothing came from outside.
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_VIEWPORT["width"], width
    assert phone.external_requests == []
