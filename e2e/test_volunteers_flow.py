"""A volunteer scans an activity's QR code on a phone, checks in and out, and redeems a reward."""

import pytest
from playwright.sync_api import expect

from linli.core.testing import PASSWORD, activity_times, add_volunteers
from linli.volunteers import services
from linli.volunteers.models import Participation, Redemption


def test_a_volunteer_checks_in_by_qr_on_a_phone_and_redeems_a_reward(world, live_server, page, shot):
    if page.device_name != "phone":
        pytest.skip("the QR code is scanned with a phone")
    w = add_volunteers(world)
    start, end = activity_times()
    activity = services.activity_create(actor=w.community_admin, title="楼道清扫日", kind="cleaning", community=w.c1,
                                        estate=w.estate_a, place="1栋门口", starts_at=start, ends_at=end,
                                        points_fixed=5, points_per_hour=10)
    services.points_adjust(actor=w.community_admin, person=w.neighbour, amount=30, reason="垃圾分类值守",
                           community=w.c1)
    reward = services.reward_create(actor=w.community_admin, community=w.c1, name="洗衣液 2kg", cost=30, stock=1)
    qr_path = f"/volunteers/checkin/{services.qr_token(activity)}/"

    # The phone's camera opens the QR address; not signed in yet, the volunteer signs in and comes back.
    page.goto(live_server.url + qr_path)
    page.fill("#id_username", "volunteer_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + qr_path)
    expect(page.locator("h1")).to_have_text("楼道清扫日")
    shot("volunteer-qr-open")

    page.click("#do-checkin")
    expect(page.locator(".messages")).to_contain_text("签到成功")
    expect(page.locator("#status")).to_have_text("已签到")
    shot("volunteer-qr-checked-in")

    page.click("#do-checkout")
    expect(page.locator(".messages")).to_contain_text("签退成功")
    expect(page.locator("#status")).to_have_text("已签退")
    part = Participation.objects.get(activity=activity, person=w.neighbour)
    assert (part.checked_in_via, part.checked_out_via, part.points) == ("qr", "qr", 5)
    shot("volunteer-qr-checked-out")

    page.click("text=去兑换")
    expect(page.locator("#balance")).to_have_text("35")
    page.locator(".reward", has_text="洗衣液 2kg").locator("button").click()
    expect(page.locator(".messages")).to_contain_text("兑换成功")
    expect(page.locator("#balance")).to_have_text("5")
    shot("volunteer-redeemed")
    redemption = Redemption.objects.get()
    reward.refresh_from_db()
    assert (redemption.points, reward.stock, services.balance(w.neighbour)) == (30, 0, 5)

    # The large-type mode of the whole site (top bar), for older volunteers.
    page.click("#large-type")
    expect(page.locator("html")).to_have_class("large")
    font = page.evaluate("getComputedStyle(document.body).fontSize")
    assert font == "20px"
    shot("volunteer-large-type")

    page.goto(f"{live_server.url}/volunteers/")
    expect(page.locator("body")).to_contain_text("楼道清扫日")
    # Nothing wider than the phone: no sideways scrolling on the volunteer's own page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot("volunteer-me")
    assert page.external_requests == []
