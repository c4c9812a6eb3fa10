"""吹哨报到 in a real browser, on a desktop and a phone: the street admin brings a work order to a joint meeting
from its page, 城管 reports (报到), the admin records the minutes and gives 城管 a task with a deadline, 城管
completes the task, and the outcome shows on the work order."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from linli.meetings.models import JointMeeting
from linli.workorders import services as s


def test_a_street_admin_blows_the_whistle_and_the_department_reports_and_delivers(world, live_server, page,
                                                                                   sign_in, shot):
    order = s.workorder_create(channel="phone", text="锦霞小区 1 栋屋顶防水层开裂，顶楼三户家里漏雨，物业修不了",
                               contact_name="周莲秀", contact_phone="13812345678",
                               place=s.resolve_place(building=world.building_a))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    deadline = timezone.localdate() + datetime.timedelta(days=7)

    # The street admin opens the order and brings it to a joint meeting.
    sign_in("street_admin")
    page.goto(f"{live_server.url}/workorders/{order.code}/")
    page.click("#convene-meeting")
    expect(page.locator("h1")).to_have_text("召集吹哨报到会议")
    expect(page.locator("#meeting-about")).to_contain_text(order.code)
    expect(page.locator("#id_orders")).to_have_value(order.code)
    expect(page.locator("#id_topic")).to_contain_text("屋顶防水层开裂")
    page.fill("#id_title", "锦霞小区 1 栋屋顶漏雨会商")
    page.fill("#id_scheduled_at", f"{tomorrow:%Y-%m-%d}T09:30")
    page.fill("#id_place", "锦霞社区党群服务中心")
    page.check("label:has-text('大渡口区城市管理局') input")
    shot("meeting-new")
    page.click("button:has-text('召集')")
    expect(page.locator("h1")).to_contain_text("锦霞小区 1 栋屋顶漏雨会商")
    expect(page.locator(".messages")).to_contain_text("已召集会议")
    meeting = JointMeeting.objects.get()
    page.context.clear_cookies()

    # 城管 reports (报到) on the meeting's page.
    sign_in("department_handler")
    page.goto(f"{live_server.url}/workorders/meetings/{meeting.pk}/")
    row = page.locator(f"#invite-{meeting.invites.get().pk}")
    expect(row).to_contain_text("未报到")
    row.locator("input[name=attendees]").fill("市容科 王科长")
    shot("meeting-report-form")
    row.locator("button:has-text('报到')").click()
    expect(row).to_contain_text("市容科 王科长")
    expect(row).not_to_contain_text("未报到")
    shot("meeting-report")
    page.context.clear_cookies()

    # The street admin records the minutes and gives 城管 a task with a deadline.
    sign_in("street_admin")
    page.goto(f"{live_server.url}/workorders/meetings/{meeting.pk}/")
    page.click("summary:has-text('登记纪要')")
    page.fill("#id_minutes", "城管、社区到现场查看：屋面防水层大面积开裂，楼顶有违章搭建压坏防水层。")
    page.fill("#id_decisions", "城管 7 日内拆除楼顶违章搭建，住建委安排维修资金修复防水层")
    page.click("button:has-text('保存纪要')")
    expect(page.locator(".messages")).to_contain_text("已登记会议纪要")
    expect(page.locator("h1 .tag")).to_have_text("已召开")
    page.click("summary:has-text('交办任务')")
    page.select_option("#id_department", label="大渡口区城市管理局")
    page.fill("#id_text", "拆除锦霞小区 1 栋楼顶违章搭建")
    page.fill("#id_deadline", f"{deadline:%Y-%m-%d}")
    page.select_option("#id_about", str(order.pk))
    page.click("#task-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("已向 大渡口区城市管理局 交办任务工单")
    task = meeting.tasks.get().order
    expect(page.locator("#tasks")).to_contain_text(f"{deadline:%Y-%m-%d}")
    shot("meeting-held")
    page.context.clear_cookies()

    # 城管 signs the task and reports it done.
    sign_in("department_handler")
    page.goto(f"{live_server.url}/workorders/meetings/{meeting.pk}/")
    page.click(f"#tasks a:has-text('{task.code}')")
    expect(page.locator("#order-status")).to_have_text("已派单")
    page.click("summary:has-text('签收')")
    page.click("#action-accept button[type=submit]")
    expect(page.locator("#order-status")).to_have_text("已签收")
    page.click("summary:has-text('办结反馈')")
    page.fill("#action-reply textarea", "楼顶违章搭建已拆除，建筑垃圾已清运")
    page.click("#action-reply button[type=submit]")
    expect(page.locator("#order-status")).to_have_text("已办结反馈")
    shot("meeting-task-done")
    page.context.clear_cookies()

    # The outcome shows on the order the meeting was about, and the task's state on the meeting's page.
    sign_in("street_admin")
    page.goto(f"{live_server.url}/workorders/{order.code}/")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("提请吹哨报到会议「锦霞小区 1 栋屋顶漏雨会商」")
    expect(timeline).to_contain_text("议定：城管 7 日内拆除楼顶违章搭建")
    expect(timeline).to_contain_text(f"交办 大渡口区城市管理局 任务工单 {task.code}")
    shot("meeting-order-outcome")
    page.goto(f"{live_server.url}/workorders/meetings/{meeting.pk}/")
    expect(page.locator("#tasks")).to_contain_text("已办结反馈")
    page.goto(f"{live_server.url}/workorders/meetings/")
    expect(page.locator("table")).to_contain_text("锦霞小区 1 栋屋顶漏雨会商")
    shot("meeting-list")
    assert page.external_requests == []
