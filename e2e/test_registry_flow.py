"""A street admin and a resident use the registry in a real browser, on a desktop and a phone."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect


def test_a_street_admin_finds_an_estate_by_pinyin_and_hands_it_to_the_custodian(world, live_server, sign_in, shot):
    page = sign_in("street_admin")
    expect(page.locator("h1")).to_contain_text("九宫庙街道总览")  # a street admin lands on the dashboard (issue 17)
    page.goto(f"{live_server.url}/?home=1")
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
    # An owners' decision is not recorded here: the page says so and links to the selection case.
    expect(page.locator("a:has-text('发起选聘案')")).to_be_visible()
    page.select_option("select[name=mode]", "custodian")
    page.select_option("select[name=provider]", label="大渡口区城市更新国有托管公司")
    page.fill("input[name=basis]", "街道托管决定 2026-7号")
    page.click("button:has-text('保存')")  # no basis kind (issue 15 item 2): refused, nothing recorded
    expect(page.locator("select[name=basis_kind]:invalid")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/stewardship/$"))
    expect(page.locator(".messages")).to_have_count(0)
    # An emergency appointment by the street (Beijing art. 77): its document and an end within six months.
    today = timezone.localdate()
    page.select_option("select[name=basis_kind]", "emergency")
    page.fill("input[name=end]", (today + datetime.timedelta(days=90)).isoformat())
    page.fill("input[name=basis]", "街道应急物业服务指定 2026-7号")
    shot("stewardship-form")
    page.click("button:has-text('保存')")
    expect(page.locator(".messages")).to_contain_text("已登记")
    history = page.locator("table").last
    expect(history).to_contain_text("国有托管/托底")
    expect(history).to_contain_text("应急物业服务指定")
    expect(history).to_contain_text("脱管(无人管理)")
    shot("estate-after-handover")

    # A typo in the end date is corrected as its own logged action: a new row, the old one kept and marked.
    history.locator("tbody tr").first.locator("a:has-text('更正')").click()
    page.fill("input[name=end]", (today + datetime.timedelta(days=120)).isoformat())
    page.fill("textarea[name=reason]", "终止日期录入错误")
    page.click("button:has-text('保存更正')")
    expect(page.locator(".messages")).to_contain_text("已更正")
    expect(history).to_contain_text("已更正")
    expect(history).to_contain_text("更正登记错误")
    shot("estate-after-correction")

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
    expect(page.locator("#btn-report")).to_be_visible()  # a resident lands on the resident home (issue 18)
    page.goto(f"{live_server.url}/?home=1")
    expect(page.locator("body")).to_contain_text("我的房屋")
    expect(page.locator("body")).to_contain_text("重庆锦绣物业服务有限公司")
    shot("home-resident")
    response = page.goto(f"{live_server.url}/places/estates/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("页面不存在")
