"""The top menu on a phone: a street admin's long menu (up to 24 links) folds behind one 菜单 button at 360 px and
opens with a tap; on a wide screen every link shows and there is no button; a resident's menu never folds."""

from playwright.sync_api import expect

from linli.core.testing import PASSWORD


def sign_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("load")
    assert "/accounts/login/" not in page.url


def test_a_street_admins_long_menu_folds_behind_one_button_on_a_phone(world, live_server, phone):
    sign_in(phone, live_server.url, "street_admin")
    toggle = phone.locator("header .nav-toggle")
    coverage = phone.locator("header .nav a", has_text="覆盖率")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(coverage).to_be_hidden()
    # The folded bar is one row: the brand, the display switches and 菜单 (it was seven rows of links).
    assert phone.locator("header").bounding_box()["height"] < 200
    box = toggle.bounding_box()
    assert box["width"] >= 48 and box["height"] >= 48
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(coverage).to_be_visible()
    expect(phone.locator("header .nav button", has_text="退出")).to_be_visible()
    with phone.expect_navigation():
        coverage.click()
    assert "/places/coverage" in phone.url
    # A new page starts folded again.
    expect(phone.locator("header .nav a", has_text="覆盖率")).to_be_hidden()
    assert phone.external_requests == []


def test_on_a_wide_screen_the_menu_shows_every_link_and_no_button(world, live_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        sign_in(page, live_server.url, "street_admin")
        expect(page.locator("header .nav-toggle")).to_be_hidden()
        expect(page.locator("header .nav a", has_text="覆盖率")).to_be_visible()
    finally:
        context.close()


def test_a_residents_menu_does_not_fold_on_a_phone(world, live_server, phone):
    sign_in(phone, live_server.url, "resident_a")
    expect(phone.locator("header .nav-toggle")).to_be_hidden()
    expect(phone.locator("header .nav button", has_text="退出")).to_be_visible()
