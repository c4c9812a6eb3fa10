"""接诉即办 in a real browser, on a desktop and a phone: a resident reports from the building poster's QR link
with a photo, the property manager accepts and replies, the resident rates it, the community closes it."""

import io
import re

from PIL import Image
from playwright.sync_api import expect

from linli.workorders.models import WorkOrder


def png_bytes():
    buf = io.BytesIO()
    Image.new("RGB", (2000, 1500), (220, 200, 40)).save(buf, "PNG")
    return buf.getvalue()


def test_a_resident_reports_from_the_poster_and_rates_the_reply(world, live_server, page, sign_in, shot):
    # The property manager prints the poster of building 1; its QR code holds the phone page's address.
    sign_in("manager_a")
    pdf = page.request.get(f"{live_server.url}/workorders/posters/building/{world.building_a.pk}.pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    url = re.search(rb"http://[^\s()<>]+/workorders/go/[^/\s()]+/", pdf.body()).group(0).decode()
    page.context.clear_cookies()

    # The resident scans it: signed in, the poster's link opens her resident home (issue 18); 我要反映 opens the
    # report page of her building.
    sign_in("resident_a")
    page.goto(url)
    page.click("#btn-report")
    expect(page.locator("h1")).to_have_text("反映问题")
    expect(page.locator(".card").first).to_contain_text("锦霞小区 1栋")
    page.fill("textarea[name=text]", "1栋2单元楼道灯坏了，晚上看不见台阶")
    page.select_option("select[name=category]", "facility")
    page.set_input_files("input[name=photos]", [{"name": "light.png", "mimeType": "image/png", "buffer": png_bytes()}])
    shot("wo-report-form")
    page.click("button:has-text('提交')")
    expect(page.locator("h1")).to_have_text("已收到您的诉求")
    order = WorkOrder.objects.get()
    expect(page.locator("#order-code")).to_have_text(order.code)
    expect(page.locator("body")).to_contain_text("重庆锦绣物业服务有限公司")
    shot("wo-report-done")
    page.context.clear_cookies()

    # The property manager finds it under 待签收, accepts it and replies with the result.
    sign_in("manager_a")
    page.goto(f"{live_server.url}/workorders/")
    expect(page.locator("a.on")).to_contain_text("待签收")
    page.click(f"text={order.code}")
    expect(page.locator("#contact")).to_contain_text("138****5678")
    expect(page.locator(".photos img")).to_have_count(1)
    page.click("summary:has-text('签收')")
    page.click("#action-accept button[type=submit]")
    expect(page.locator("#order-status")).to_have_text("已签收")
    page.click("summary:has-text('办结反馈')")
    page.fill("#action-reply textarea", "已更换 2 单元 1-6 层楼道灯")
    shot("wo-order-reply")
    page.click("#action-reply button[type=submit]")
    expect(page.locator("#order-status")).to_have_text("已办结反馈")
    expect(page.locator("#timeline")).to_contain_text("办结反馈")
    page.context.clear_cookies()

    # The resident rates it from 我的诉求.
    sign_in("resident_a")
    page.goto(f"{live_server.url}/workorders/mine/")
    card = page.locator(f"#card-{order.code}")
    expect(card).to_contain_text("已更换 2 单元 1-6 层楼道灯")
    card.locator("input[name=visit-solved][value='1']").check()
    card.locator("input[name=visit-satisfaction][value=satisfied]").check()
    shot("wo-mine-rate")
    card.locator("button:has-text('提交评价')").click()
    expect(card).to_contain_text("您已评价")  # plain words for the resident (workorders/plain.py)
    expect(card).to_contain_text("满意")
    page.context.clear_cookies()

    # The community admin closes it.
    sign_in("community_admin")
    page.goto(f"{live_server.url}/workorders/{order.code}/")
    expect(page.locator("#contact")).to_contain_text("13812345678")
    page.click("summary:has-text('结案')")
    page.click("#action-close button[type=submit]")
    expect(page.locator("#order-status")).to_have_text("已结案")
    shot("wo-order-closed")
    order.refresh_from_db()
    assert (order.status, order.satisfaction, order.solved) == ("closed", "satisfied", True)
    assert page.external_requests == []


def test_the_community_desk_records_a_call_for_a_resident_found_by_initials(world, live_server, page, sign_in, shot):
    sign_in("community_admin")
    page.goto(f"{live_server.url}/workorders/desk/")
    page.select_option("select[name=channel]", "phone")
    page.fill("textarea[name=text]", "周阿姨来电：家门口下水道堵了，已经三天了")
    page.fill("#person-q", "zlx")
    expect(page.locator("#people")).to_contain_text("138****5678")
    page.click("#people button:has-text('周莲秀')")
    expect(page.locator("#picked")).to_contain_text("周莲秀")
    expect(page.locator("#id_home")).to_have_value(str(world.home_a1.pk))
    shot("wo-desk")
    page.click("button:has-text('登记并派单')")
    expect(page.locator(".messages")).to_contain_text("已派给 重庆锦绣物业服务有限公司")
    order = WorkOrder.objects.get()
    assert (order.channel, order.reporter, order.home) == ("phone", world.resident, world.home_a1)
    expect(page.locator("#contact")).to_contain_text("13812345678")
    assert page.external_requests == []
