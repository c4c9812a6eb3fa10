"""吹哨报到 closes its loop (issue 15 item 6), in a real browser on a desktop and a phone: the street records the
minutes of a meeting held this morning to which 城管 reported and 园林 never came, and gives 城管 a task about the
order; 城管 opens the task from its notification (which links to the meeting), signs and replies; the street checks
the work (验收, no "reporter" to reach) and closes the task order; at the end the parent order's timeline shows the
task's reply and closing with links to the task order and the meeting, and the meeting page flags 园林 as 缺席."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from linli.meetings import services as m
from linli.meetings.models import JointMeeting
from linli.people.models import Organization
from linli.workorders import services as s
from linli.workorders.models import WorkOrder


def test_a_meetings_task_answers_on_the_parent_order_and_absent_departments_are_flagged(world, live_server, page,
                                                                                        sign_in, shot):
    parks = Organization.objects.create(name="大渡口区园林绿化局", kind="department", field="landscaping",
                                        division=world.district)
    order = s.workorder_create(channel="phone", text="锦霞小区 1 栋旁挡土墙开裂外倾，下雨后有垮塌危险",
                               contact_name="周莲秀", contact_phone="13812345678",
                               place=s.resolve_place(building=world.building_a))
    held_at = timezone.now() - datetime.timedelta(hours=2)
    meeting = m.meeting_convene(street=world.street, title="锦霞小区挡土墙会商", scheduled_at=held_at,
                                place="锦霞社区党群服务中心", orders=[order], departments=[world.department, parks],
                                actor=world.street_admin, now=held_at - datetime.timedelta(days=1))
    m.meeting_report(invite=meeting.invites.get(department=world.department), actor=world.department_handler,
                     attendees="市容科 王科长", now=held_at - datetime.timedelta(minutes=10))
    deadline = timezone.localdate() + datetime.timedelta(days=5)
    meeting_url = f"/workorders/meetings/{meeting.pk}/"

    # The street admin records the minutes and gives 城管 a task about the order.
    sign_in("street_admin")
    page.goto(f"{live_server.url}{meeting_url}")
    page.click("summary:has-text('登记纪要')")
    page.fill("#id_minutes", "城管到会，园林未到。现场查看挡土墙开裂外倾。")
    page.fill("#id_decisions", "城管 5 日内设置围挡并清理墙顶堆物")
    page.click("button:has-text('保存纪要')")
    expect(page.locator(".messages")).to_contain_text("已登记会议纪要")
    parks_row = page.locator(f"#invite-{meeting.invites.get(department=parks).pk}")
    expect(parks_row).to_contain_text("缺席")
    expect(page.locator(f"#invite-{meeting.invites.get(department=world.department).pk}")).not_to_contain_text("缺席")
    expect(page.locator("#meeting-flags")).to_contain_text("缺席：大渡口区园林绿化局")
    page.click("summary:has-text('交办任务')")
    page.select_option("#id_department", label="大渡口区城市管理局")
    page.fill("#id_text", "锦霞小区 1 栋旁挡土墙设置围挡，清理墙顶堆物")
    page.fill("#id_deadline", f"{deadline:%Y-%m-%d}")
    page.select_option("#id_about", str(order.pk))
    page.click("#task-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("已向 大渡口区城市管理局 交办任务工单")
    task = meeting.tasks.get()
    page.context.clear_cookies()

    # 城管 opens the task from its notification: it links to the meeting, whose row links the task order.
    sign_in("department_handler")
    page.goto(f"{live_server.url}/notify/")
    note = page.locator(".card", has_text=f"交办任务工单 {task.order.code}")
    expect(note).to_contain_text("锦霞小区挡土墙会商")
    expect(page.locator("#notes")).not_to_contain_text(f"新工单 {task.order.code}")
    note.locator("button:has-text('查看')").click()
    page.wait_for_url(f"**{meeting_url}#task-{task.pk}")
    shot("meeting-loop-task-notice")
    page.click(f"#task-{task.pk} a:has-text('{task.order.code}')")
    expect(page.locator("#task-origin")).to_contain_text("锦霞小区挡土墙会商")
    page.click("summary:has-text('签收')")
    page.click("#action-accept button[type=submit]")
    expect(page.locator("#order-status")).to_have_text("已签收")
    page.click("summary:has-text('办结反馈')")
    page.fill("#action-reply textarea", "围挡已设置，墙顶堆物已清理")
    page.click("#action-reply button[type=submit]")
    expect(page.locator("#order-status")).to_have_text("已办结反馈")
    page.context.clear_cookies()

    # The street checks the work (验收): no reporter to reach; then closes the task order and the meeting.
    sign_in("street_admin")
    page.goto(f"{live_server.url}/workorders/{task.order.code}/")
    origin = page.locator("#task-origin")
    expect(origin).to_contain_text("九宫庙街道")
    expect(origin.locator(f"a[href='/workorders/{order.code}/']")).to_be_visible()
    expect(origin.locator(f"a[href='{meeting_url}']")).to_be_visible()
    expect(page.locator("#order")).not_to_contain_text("反映人")
    page.click("#action-visit summary")
    expect(page.locator("#action-visit")).not_to_contain_text("是否联系上")
    page.locator("input[name=visit-solved][value='1']").check()
    page.locator("input[name=visit-satisfaction][value=satisfied]").check()
    page.click("#action-visit button[type=submit]")
    expect(page.locator("#order-status")).to_have_text("已回访")
    page.click("summary:has-text('结案')")
    page.fill("#action-close [name=close-note]", "现场核实围挡到位")
    page.click("#action-close button[type=submit]")
    expect(page.locator("#order-status")).to_have_text("已结案")
    page.goto(f"{live_server.url}{meeting_url}")
    page.fill("#close-note", "任务已办结")
    page.click("#close-form button[type=submit]")
    expect(page.locator("h1 .tag")).to_have_text("已结束")
    expect(page.locator("#meeting-flags")).to_contain_text("缺席：大渡口区园林绿化局")
    expect(page.locator("#meeting-flags")).not_to_contain_text("提前结束")
    shot("meeting-loop-flags")

    # At the end: the parent order's timeline shows the task's reply and closing, linking the task and the meeting.
    page.goto(f"{live_server.url}/workorders/{order.code}/")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text(f"任务工单 {task.order.code}（大渡口区城市管理局）办结反馈：围挡已设置，墙顶堆物已清理")
    expect(timeline).to_contain_text(f"任务工单 {task.order.code}（大渡口区城市管理局）已结案：现场核实围挡到位")
    expect(timeline).to_contain_text("缺席：大渡口区园林绿化局")
    closing = timeline.locator("li", has_text="已结案：现场核实围挡到位")
    expect(closing.locator(f"a[href='{meeting_url}']")).to_be_visible()
    expect(page.locator("#meeting-tasks")).to_contain_text("已结案")
    shot("meeting-loop-parent")
    closing.locator(f"a[href='/workorders/{task.order.code}/']").click()
    expect(page.locator("#order-status")).to_have_text("已结案")
    expect(page.locator(f"#task-origin a[href='/workorders/{order.code}/']")).to_be_visible()

    # The record: the parent's joint-meeting steps in order, the meeting's flags.
    steps = [e.data["step"] for e in order.events.filter(kind="joint_meeting").order_by("at", "id")]
    assert steps == ["convene", "minutes", "task", "task_reply", "task_visit", "task_close", "close"]
    meeting = JointMeeting.objects.get(pk=meeting.pk)
    assert meeting.flags == ["absent"] and [i.department for i in meeting.absent_invites] == [parks]
    assert WorkOrder.objects.get(pk=task.order.pk).reached is None
    assert page.external_requests == []
