"""Care without exposure (issue 15 items 7 and 8), walked in the browser: a community admin finds a 红管家 without an
account with the search picker, assigns the visit and issues a personal link; the volunteer records the visit and a
problem on a phone without signing in; the admin turns it into a work order whose page says nothing of the care,
and only care staff see the link back."""

import pytest
from playwright.sync_api import expect

from linli.care import services
from linli.care.models import Visit, VisitLink
from linli.core.testing import add_volunteers
from linli.people.models import Occupancy, Person
from linli.volunteers.models import Volunteer
from linli.workorders.models import WorkOrder


def test_a_steward_without_an_account_records_a_visit_through_a_link(world, live_server, page, browser, sign_in,
                                                                      shot):
    w = add_volunteers(world)
    for phone, home in (("13711113333", w.home_a2), ("13622224444", w.home_b1)):  # two 张红梅, one in C2
        person = Person.objects.create(name="张红梅", phone=phone)
        Occupancy.objects.create(person=person, home=home, relation="family")
        Volunteer.objects.create(person=person, community=home.estate.community, badge="red_steward")
    steward = Person.objects.get(phone="13711113333")
    subject = services.subject_enrol(actor=w.community_admin, person=w.resident)

    sign_in("community_admin")
    page.goto(f"{live_server.url}/care/subjects/{subject.pk}/")
    page.click("summary:has-text('制定探访计划')")
    page.select_option("#id_frequency", "weekly")
    page.fill("input[name=volunteers_q]", "张红梅")
    results = page.locator("#picker-volunteers-results li")
    expect(results).to_have_count(1)  # the other 张红梅 volunteers in another community
    expect(results.first).to_contain_text("137****3333")
    expect(results.first).to_contain_text("锦霞小区 1栋1单元102")
    shot("care-plan-picker")
    results.first.locator("input").check()
    page.click("#plan-save")
    expect(page.locator(".plans")).to_contain_text("张红梅")
    expect(page.locator(".plans")).to_contain_text("无账号")

    page.click("summary:has-text('发放个人探访链接')")
    page.click("text=生成链接")
    url = page.locator("#visit-link").input_value()
    assert "/care/v/" in url and VisitLink.objects.get().person == steward
    shot("care-link-issued")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
    vpage = phone.new_page()
    vpage.goto(url)
    expect(vpage.locator("body")).to_contain_text("周**")
    expect(vpage.locator("body")).not_to_contain_text("周莲秀")
    expect(vpage.locator("body")).not_to_contain_text("独居")
    vpage.check("input[name=condition][value=fair]") if vpage.locator("input[name=condition]").count() else \
        vpage.select_option("#id_condition", "fair")
    vpage.fill("#id_problems", "楼道扶手松了")
    vpage.check("input[name=problem_place][value=common]")
    vpage.screenshot(path=str(_shots() / f"care-link-visit-{page.device_name}.png"), full_page=True)
    vpage.click("button:has-text('保存探访记录')")
    expect(vpage.locator("#done")).to_be_visible()
    phone.close()
    visit = Visit.objects.get()
    assert (visit.visitor_person, visit.via) == (steward, "link")

    page.goto(f"{live_server.url}/care/subjects/{subject.pk}/")
    problem = visit.problems.get()
    row = page.locator(f"#problem-{problem.pk}")
    row.locator("summary", has_text="转为工单").click()
    row.locator("button", has_text="转为工单").click()
    order = WorkOrder.objects.get()
    expect(page.locator(".messages")).to_contain_text(f"已转为工单 {order.code}")
    shot("care-converted")
    page.locator(".messages a").click()
    expect(page.locator("#order")).to_contain_text("楼道扶手松了")
    expect(page.locator("#order")).not_to_contain_text("探访发现：")
    expect(page.locator("a.linked")).to_have_text("查看探访发现的问题")
    shot("care-order-from-visit")
    assert (order.text, order.home, order.building) == ("楼道扶手松了", None, w.building_a)


def _shots():
    from e2e.conftest import SHOTS

    SHOTS.mkdir(exist_ok=True)
    return SHOTS


@pytest.fixture
def browser_context_args():
    return {}
