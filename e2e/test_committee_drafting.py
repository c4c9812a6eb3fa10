"""The committee chair drafts a motion on a phone, the street reviews it (returned with a reason, revised, then
approved), and an owner asks the committee a question and signs a request for an assembly (issue 19 item 3)."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from linli.assembly.models import AssemblyRequest, Motion
from linli.core.testing import add_committee


def test_the_chair_drafts_a_motion_that_the_street_reviews(world, live_server, sign_in, shot):
    add_committee(world)
    page = sign_in("committee_chair")
    page.goto(f"{live_server.url}/assembly/drafts/")
    expect(page.locator("h1")).to_have_text("业委会起草")
    page.click("text=起草表决事项")
    page.select_option("#id_matter", "other_major")
    page.fill("#id_title", "增设电动自行车充电棚")
    page.fill("#id_body", "是否同意在3栋东侧空地搭建充电棚")
    shot("committee-draft-form")
    page.click("main .card button[type=submit]")
    expect(page.locator("#review-status")).to_have_text("待街道审核")
    motion = Motion.objects.get()
    assert (motion.created_by, motion.review_status) == (world.committee_chair, "submitted")
    shot("committee-draft-submitted")

    page.context.clear_cookies()
    sign_in("street_admin")
    page.goto(f"{live_server.url}/assembly/review/")
    page.click("text=增设电动自行车充电棚")
    page.check("input[value=return]")
    page.fill("#id_reason", "请写明充电棚的费用来源")
    page.click("#review-form button[type=submit]")
    expect(page.locator("#review-status")).to_have_text("已退回修改")

    page.context.clear_cookies()
    sign_in("committee_chair")
    page.goto(f"{live_server.url}/assembly/drafts/motions/{motion.pk}/")
    expect(page.locator("#return-reason")).to_contain_text("请写明充电棚的费用来源")
    page.click("text=修改并重新提交")
    page.fill("#id_body", "是否同意在3栋东侧空地搭建充电棚，费用由公共收益列支")
    page.click("main .card button[type=submit]")
    expect(page.locator("#review-status")).to_have_text("待街道审核")

    page.context.clear_cookies()
    sign_in("street_admin")
    page.goto(f"{live_server.url}/assembly/drafts/motions/{motion.pk}/")
    page.check("input[value=approve]")
    page.click("#review-form button[type=submit]")
    expect(page.locator("#review-status")).to_have_text("审核通过")
    shot("committee-draft-approved")
    assert Motion.objects.get().announced_at is not None
    assert page.external_requests == []


def test_an_owner_asks_the_committee_and_signs_a_request_for_an_assembly(world, live_server, sign_in, shot):
    add_committee(world)
    page = sign_in("resident_a")
    page.goto(f"{live_server.url}/assembly/proposals/new/")
    page.fill("#id_title", "建议加装楼道扶手")
    page.fill("#id_text", "1栋楼梯陡，老人上下楼不便")
    page.click("main .card button[type=submit]")
    expect(page.locator("#no-answer")).to_be_visible()
    page.goto(f"{live_server.url}/assembly/requests/new/")
    page.fill("#id_matter", "讨论续聘物业服务企业")
    page.fill("#id_reason", "合同30天后到期")
    page.click("main .card button[type=submit]")
    # One of the two owners of 锦霞小区 has signed: 50%, at least the 20% of Beijing art. 35.
    expect(page.locator("#request-status")).to_have_text("已达到法定人数")
    expect(page.locator("#figures")).to_contain_text("1 / 2")
    shot("assembly-request")
    assert AssemblyRequest.objects.get().reached_at <= timezone.now() + datetime.timedelta(seconds=1)
    assert page.external_requests == []
