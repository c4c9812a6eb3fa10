"""A street admin and a resident use the registry in a real browser, on a desktop and a phone."""

from playwright.sync_api import expect


def test_a_street_admin_finds_an_estate_by_pinyin_and_hands_it_to_the_custodian(world, live_server, sign_in, shot):
    page = sign_in("street_admin")
    expect(page.locator("h1")).to_contain_text("您好")
    shot("home-street-admin")

    page.goto(f"{live_server.url}/places/estates/")
    page.fill("input[name=q]", "xgss")
    expect(page.locator("#rows tbody tr")).to_have_count(1)
    expect(page.locator("#rows")).to_contain_text("新工宿舍")
    shot("estate-search")

    page.click("text=新工宿舍")
    expect(page.locator("h1")).to_have_text("新工宿舍")
    page.click("text=登记管理方式变更")
    page.select_option("select[name=mode]", "custodian")
    page.select_option("select[name=provider]", label="大渡口区城市更新国有托管公司")
    page.fill("input[name=basis]", "街道托管决定 2026-7号")
    shot("stewardship-form")
    page.click("button:has-text('保存')")
    expect(page.locator(".messages")).to_contain_text("已登记")
    expect(page.locator("table")).to_contain_text("国有托管/托底")
    expect(page.locator("table")).to_contain_text("脱管(无人管理)")
    shot("estate-after-handover")

    page.goto(f"{live_server.url}/places/coverage/")
    expect(page.locator("h1")).to_contain_text("九宫庙街道")
    expect(page.locator("svg.chart")).to_be_visible()
    expect(page.locator("text=没有无人管理的小区")).to_be_visible()
    shot("coverage-street")
    assert page.external_requests == []


def test_a_property_manager_opens_a_building_and_sees_masked_phones(world, live_server, sign_in, shot):
    page = sign_in("manager_a")
    page.goto(f"{live_server.url}/places/estates/{world.estate_a.pk}/")
    page.click("summary:has-text('1栋')")
    expect(page.locator(".homes")).to_contain_text("周莲秀")
    expect(page.locator(".homes")).to_contain_text("138****5678")
    assert "13812345678" not in page.content()
    shot("building-homes")


def test_a_resident_sees_their_home_and_who_manages_the_estate(world, live_server, sign_in, shot):
    page = sign_in("resident_a")
    expect(page.locator("body")).to_contain_text("我的房屋")
    expect(page.locator("body")).to_contain_text("重庆锦绣物业服务有限公司")
    shot("home-resident")
    response = page.goto(f"{live_server.url}/places/estates/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("页面不存在")
