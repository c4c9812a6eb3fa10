"""Staff try the classifier, correct it, and a street admin edits the street's taxonomy, in a real browser."""

from playwright.sync_api import expect

from linli.triage.models import StreetSubcategory, TriageCorrection


def test_a_grid_worker_classifies_a_complaint_and_corrects_the_proposal(world, live_server, sign_in, shot):
    page = sign_in("grid_worker")
    page.goto(f"{live_server.url}/triage/")
    expect(page.locator("h1")).to_have_text("智能分拣")
    page.fill("textarea[name=text]", "3栋电梯困人了，里面有个老人，快来！")
    page.click("button:has-text('分拣')")
    result = page.locator("#triage-result")
    expect(result).to_contain_text("电梯故障")
    expect(result).to_contain_text("电梯困人")
    expect(result).to_contain_text("1 小时")
    shot("triage-result")

    page.fill("textarea[name=text]", "楼顶太阳能热水器支架锈断了，随时可能掉下来")
    page.click("button:has-text('分拣')")
    expect(result).to_contain_text("高空坠物")
    page.select_option("#triage-result select[name=subcategory]", "safety.falling")
    page.click("button:has-text('保存更正')")
    expect(page.locator("#corrected")).to_contain_text("已保存更正")
    assert TriageCorrection.objects.get().subcategory == "safety.falling"
    assert page.external_requests == []


def test_a_street_admin_changes_a_time_limit_of_the_streets_taxonomy(world, live_server, sign_in, shot):
    page = sign_in("street_admin")
    page.goto(f"{live_server.url}/triage/")
    page.click("text=九宫庙街道")
    expect(page.locator("h1")).to_contain_text("分类设置")
    lift = StreetSubcategory.objects.get(street=world.street, code="facility.lift")
    page.click("summary:has-text('公共设施设备')")
    row = page.locator(f"#sub-{lift.pk}")
    row.locator("input[name=limit_hours]").fill("12")
    row.locator("button:has-text('保存')").click()
    expect(page.locator(f"#sub-{lift.pk}")).to_contain_text("已保存")
    shot("triage-taxonomy")
    lift.refresh_from_db()
    assert lift.limit_hours == 12
    assert page.external_requests == []
