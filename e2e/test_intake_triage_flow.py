"""The intake's triage in a real browser: what the engine cannot place waits in 待分拣; a street admin sees the
engine's guess, confirms the category and dispatches; a similar report is shown as a likely repeat and merged."""

import re

from playwright.sync_api import expect

from linli.workorders import posters
from linli.workorders.models import WorkOrder


def test_an_uncertain_report_is_triaged_by_a_person_and_a_repeat_is_merged(world, live_server, page, sign_in,
                                                                           shot):
    url = f"{live_server.url}/workorders/r/{posters.make_token(building=world.building_a)}/"

    # Two residents report from the poster of building 1 without choosing a category.
    for text, phone in (("院坝积水", "13900001111"), ("1栋楼道灯坏了，晚上看不见台阶", "13900002222"),
                        ("1栋的楼道灯坏了好几天，晚上什么也看不见", "13900003333")):
        page.goto(url)
        page.fill("textarea[name=text]", text)
        page.fill("input[name=contact_phone]", phone)
        page.click("button:has-text('提交')")
        expect(page.locator("h1")).to_have_text("已收到您的诉求")
    puddle, lamp, again = WorkOrder.objects.order_by("pk")
    assert (puddle.needs_triage, lamp.category, again.category) == (True, "facility", "facility")

    # The street admin finds the puddle under 待分拣 with the engine's guess.
    sign_in("street_admin")
    page.goto(f"{live_server.url}/workorders/?tab=to_triage")
    expect(page.locator("#rows")).to_contain_text("院坝积水")
    page.click(f"text={puddle.code}")
    expect(page.locator("#triage")).to_contain_text("不确定，需人工分拣")
    shot("wo-triage-uncertain")
    page.click("#action-reclassify summary")
    page.select_option("#action-reclassify select[name=reclassify-category]", "sanitation")
    page.click("#action-reclassify button[type=submit]")
    expect(page.locator("#timeline")).to_contain_text("分拣")
    page.click("#action-dispatch summary")
    page.select_option("#action-dispatch select[name=dispatch-to]", label="重庆锦绣物业服务有限公司")
    page.click("#action-dispatch button[type=submit]")
    expect(page.locator("#order-status")).to_have_text("已派单")
    puddle.refresh_from_db()
    assert (puddle.category, puddle.assignee_org, puddle.needs_triage) == ("sanitation", world.company, False)

    # The second lamp report shows the first as a likely repeat; the merge form is filled in with it.
    page.goto(f"{live_server.url}/workorders/{again.code}/")
    expect(page.locator("#triage")).to_contain_text(lamp.code)
    shot("wo-triage-repeat")
    page.click("#action-merge summary")
    expect(page.locator("#action-merge input[name=merge-into]")).to_have_value(lamp.code)
    page.click("#action-merge button[type=submit]")
    expect(page.locator("#order-status")).to_have_text(re.compile("已合并"))
    again.refresh_from_db()
    assert again.duplicate_of == lamp
    assert page.external_requests == []
