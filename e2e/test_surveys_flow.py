"""On a 360 px phone: the owners' committee chair drafts and publishes a survey of every household (no street
review: it is an opinion survey, not a vote), a resident answers for their home, and the community enters a
door-to-door paper form; the chair sees the progress by building."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from linli.assembly.models import Survey, SurveyResponse
from linli.core.testing import PASSWORD, add_committee


def _sign_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_chair_runs_a_survey_answered_online_and_on_paper(world, live_server, phone):
    cworld = add_committee(world)
    page = phone
    today = timezone.localdate()
    _sign_in(page, live_server, "committee_chair")
    page.goto(f"{live_server.url}/assembly/surveys/new/")
    expect(page.locator("h1")).to_have_text("发起意见征询")
    expect(page.locator("#not-a-vote")).to_contain_text("不是业主表决")
    page.fill("#id_title", "电动车充电桩选址意见")
    page.select_option("#id_estate", str(cworld.estate_a.pk))
    page.fill("#id_opens_on", today.isoformat())
    page.fill("#id_closes_on", (today + datetime.timedelta(days=10)).isoformat())
    page.fill("#id_q1_text", "充电桩建在哪里？")
    page.fill("#id_q1_options", "东门\n北门\n不建")
    page.fill("#id_q2_text", "其他意见")
    page.select_option("#id_q2_kind", "text")
    page.uncheck("#id_q2_required")
    _fits(page)
    page.click("text=保存草稿")
    page.click("#publish")
    expect(page.locator("#status")).to_have_text("征询中")
    survey = Survey.objects.get()
    assert survey.committee == cworld.owners_committee and survey.published_by == cworld.committee_chair

    _sign_in(page, live_server, "resident_a")
    page.goto(f"{live_server.url}/assembly/surveys/")
    page.click("text=去答复")
    label = page.locator("label", has_text="东门")
    assert label.bounding_box()["height"] >= 48  # a thumb's target
    label.click()
    page.fill("textarea", "希望加装雨棚")
    _fits(page)
    page.click("button[type=submit].btn")
    expect(page.locator("#answered")).to_contain_text("网上")

    _sign_in(page, live_server, "community_admin")
    page.goto(f"{live_server.url}/assembly/surveys/{survey.pk}/paper/")
    page.click(f"#unanswered >> text={cworld.home_a2}")
    page.locator("label", has_text="北门").click()
    page.fill("#id_paper_no", "JX-0001")
    page.click("text=保存纸质表")
    expect(page.locator("#unanswered")).to_contain_text("都已答复")
    assert [(r.kind, r.actor.username) for r in SurveyResponse.objects.order_by("id")] == [
        ("online", "resident_a"), ("paper", "community_admin")]

    _sign_in(page, live_server, "committee_chair")
    page.goto(f"{live_server.url}/assembly/surveys/{survey.pk}/")
    expect(page.locator("#progress")).to_contain_text("2 / 2")
    expect(page.locator("body")).to_contain_text("希望加装雨棚")
    expect(page.locator("#export")).to_have_count(0)
    _fits(page)
    assert page.external_requests == []
