"""A year of joint meetings (吹哨报到) on the demo street (``linli demo``, issue 17).

One joint meeting a month for the twelve full months before this one: the street convenes the departments about
a street-level matter of that month from the work orders' history (``linli/workorders/demo_history.py``, loaded
first), the departments report (报到; now and then one comes late or not at all), the minutes and decisions are
recorded, one or two tasks go to the departments as work orders, and the meeting is closed. Most tasks are done
before their deadline (accepted, started, replied, called back, closed); some run late — the
deadline sweep's reminder and ``overdue`` events, replied days after it — and the tasks of the last months whose
deadline has passed are still open and overdue today.

Everything goes through the meeting and work-order services (``meeting_convene`` … ``meeting_close``,
``workorder_accept`` … ``workorder_close``) with the time of each step, so that the linked orders and the tasks
carry their ``joint_meeting`` events. The sweep's steps on a late task are written as the sweep writes them
(``claim_remind``/``claim_reply_overdue`` and their events; a department's task is not escalated further). The
notifications the services send for the past are marked read. Deterministic (a fixed seed), dates counted back
from today; idempotent (nothing is added when the first month's meeting is there).
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from linli.meetings import services as m
from linli.meetings.demo import DEPARTMENT_PEOPLE, FIRE, HOUSING, PARKS, URBAN, _department_person
from linli.meetings.models import JointMeeting
from linli.notify.models import Notification
from linli.people.demo import STREET
from linli.people.models import Organization
from linli.places.models import Division
from linli.workorders import services as s
from linli.workorders import summary
from linli.workorders.demo import demo_users
from linli.workorders.models import Level, WorkOrder, WorkOrderEvent
from linli.workorders.sweep import claim_remind, claim_reply_overdue

SEED = 1717
MONTHS = 12  # the twelve full months before this one
MIN = datetime.timedelta(minutes=1)
H = datetime.timedelta(hours=1)
D = datetime.timedelta(days=1)

# The matter of each calendar month's meeting, the departments asked, and the tasks given (department, text).
TOPICS = {
    1: ("春节前老旧小区消防通道和电动车违规充电整治", (FIRE, URBAN),
        ((FIRE, "检查各小区消防通道和楼道电动车违规充电，逐栋登记隐患。"), (URBAN, "清运消防通道内堆放的杂物。"))),
    2: ("低温天气供水管网冻裂抢修协调", (HOUSING, URBAN),
        ((HOUSING, "督促供水公司更换锦霞三村冻裂的总管，恢复 4 栋供水。"),)),
    3: ("春季绿化补植和行道树修剪", (PARKS, URBAN),
        ((PARKS, "补植九宫庙后街缺失的行道树 23 株，修剪遮挡路灯的枝条。"),)),
    4: ("老旧小区化粪池清掏和雨污分流", (HOUSING, URBAN),
        ((HOUSING, "协调化粪池清掏和 2 处雨污混接改造。"), (URBAN, "清运化粪池清掏后的淤泥。"))),
    5: ("入汛前挡土墙和边坡隐患排查", (HOUSING, FIRE, PARKS),
        ((HOUSING, "委托检测新工村挡土墙裂缝，出具处置方案。"),)),
    6: ("夏季蚊虫消杀和积水清理", (URBAN, PARKS),
        ((URBAN, "组织背街小巷积水点和垃圾站消杀。"), (PARKS, "清理绿化带积水容器。"))),
    7: ("高温天气高空坠物和树木倒伏隐患", (PARKS, HOUSING),
        ((PARKS, "修剪金桥路 31 株危树，清除枯枝。"),)),
    8: ("暑期占道经营和夜间噪声扰民", (URBAN,),
        ((URBAN, "规范夜市摊点，夜间 22 点后劝离占道经营。"),)),
    9: ("开学季学校周边交通拥堵和停车秩序", (URBAN, HOUSING),
        ((URBAN, "在学校门口施划临时停车位，高峰时段安排执法队员值守。"),)),
    10: ("老旧小区加装电梯协调", (HOUSING, FIRE),
         ((HOUSING, "审核锦霞小区 3 栋加装电梯方案，协调管线迁改。"),)),
    11: ("冬季燃气安全和楼道堆物清理", (FIRE, URBAN),
         ((FIRE, "入户检查燃气软管老化，张贴安全提示。"), (URBAN, "清理楼道堆物。"))),
    12: ("冬季供暖和屋面渗漏集中投诉", (HOUSING, URBAN),
         ((HOUSING, "督促维修资金使用审批，修缮渗漏严重的 3 处屋面。"),)),
}


def _local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _month_start(today: datetime.date, back: int) -> datetime.date:
    year, month = today.year, today.month - back
    while month < 1:
        year, month = year - 1, month + 12
    return datetime.date(year, month, 1)


def title_of(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月吹哨报到会：{TOPICS[day.month][0]}"


def load(*, out) -> None:
    street = Division.objects.filter(code=STREET[1]).first()
    users = demo_users()
    admin, urban_handler = users.get("street_admin"), users.get("department_handler")
    depts = {o.name: o for o in Organization.objects.filter(name__in=[URBAN, HOUSING, FIRE, PARKS], kind="department")}
    if street is None or admin is None or urban_handler is None or len(depts) < 4:
        return
    today = timezone.localdate()
    first = _month_start(today, MONTHS)
    if JointMeeting.objects.filter(street=street, title=title_of(first)).exists():
        return
    rng = random.Random(SEED)
    now = timezone.now()
    mark = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    people = {org: _department_person(u, name, depts[org]) for u, name, org in DEPARTMENT_PEOPLE}
    people[URBAN] = urban_handler
    people[PARKS] = _department_person("demo_parks", "周晓燕（区园林绿化服务中心）", depts[PARKS])
    meetings = tasks = late = open_late = 0
    for back in range(MONTHS, 0, -1):
        month = _month_start(today, back)
        day = month + datetime.timedelta(days=rng.randint(8, 20))
        at = _local(day, rng.choice((9, 10, 14, 15)), rng.choice((0, 30)))
        topic, asked, work = TOPICS[month.month]
        about = (WorkOrder.objects.filter(street=street, level=Level.STREET, received_at__gte=_local(month, 0),
                                          received_at__lt=at - 2 * D, duplicate_of__isnull=True)
                 .order_by("received_at", "pk").first())
        meeting = m.meeting_convene(
            street=street, title=title_of(month), actor=admin, scheduled_at=at, place="九宫庙街道办事处三楼会议室",
            orders=[about] if about else [], departments=[depts[d] for d in asked],
            topic=f"{topic}：居民反映集中，街道单靠自身力量难以解决，请相关部门到会会商，议定分工和时限。",
            now=at - rng.randint(2, 4) * D)
        invites = {i.department.name: i for i in meeting.invites.select_related("department")}
        for name in asked:
            fate = rng.random()
            if fate < 0.08:
                continue  # 缺席: never reported
            when = at + rng.randint(10, 40) * MIN if fate < 0.2 else at - rng.randint(3, 20) * MIN
            m.meeting_report(invite=invites[name], actor=people[name], now=when,
                             attendees=f"{people[name].display_name.split('（')[0]} 等 {rng.randint(1, 3)} 人")
        held = at + 2 * H
        m.meeting_record_minutes(
            meeting=meeting, actor=admin, now=held,
            minutes=f"街道、社区与到会部门现场查看并听取居民代表意见，就“{topic}”逐项会商。",
            decisions="\n".join(f"{i}、{d}{text}" for i, (d, text) in enumerate(work, start=1)))
        meetings += 1
        for n, (dept_name, text) in enumerate(work):
            stuck = back == 1 and n == 0  # last month's first task: still in hand today, past its deadline
            deadline = day + (7 if stuck else rng.randint(7, 20)) * D
            task = m.meeting_add_task(meeting=meeting, department=depts[dept_name], deadline=deadline, actor=admin,
                                      about=about, text=text, now=held)
            tasks += 1
            due = task.order.reply_due
            handler = people[dept_name]
            order = s.workorder_accept(order=task.order, actor=handler, now=held + rng.randint(1, 20) * H)
            order = s.workorder_start(order=order, actor=handler, now=order.accepted_at + rng.randint(2, 30) * H)
            runs_late = rng.random() < 0.2
            if not runs_late:
                done = order.accepted_at + (due - order.accepted_at) * rng.uniform(0.3, 0.9)
            else:
                done = due + rng.randint(2, 9) * D
                late += 1
                _sweep(order, due, now)
                order.refresh_from_db()
            if stuck or done + 2 * D > now:  # still in hand today: overdue when its deadline has passed
                if due < now:
                    _sweep(order, due, now)
                open_late += due < now
                continue
            order = s.workorder_reply(order=order, actor=handler, now=done, text=f"已按会议要求完成：{text}")
            order = s.workorder_visit(order=order, actor=admin, solved=True,
                                      satisfaction="satisfied" if rng.random() < 0.8 else "basic",
                                      note="街道复核，已完成", now=done + D)
            s.workorder_close(order=order, actor=admin, note="任务完成", now=done + D + H)
        m.meeting_close(meeting=meeting, actor=admin, note="任务已交办，由各部门按期办结", now=held + 4 * H)
    # The history's notifications were read long ago.
    Notification.objects.filter(pk__gt=mark, read_at__isnull=True).update(read_at=now)
    out(f"吹哨报到历史：{meetings} 场会议、{tasks} 项交办任务（{late} 项超期办理，{open_late} 项至今超期未办结）。")


def _sweep(order: WorkOrder, due: datetime.datetime, now: datetime.datetime) -> None:
    """What the deadline sweep (linli/workorders/sweep.py) writes on a task running late: the reminder within a day of
    its deadline, then ``overdue`` just after it (a department's task escalates no further)."""
    for at, claim, kind, note, data in (
            (due - 20 * H, claim_remind, WorkOrderEvent.Type.REMIND, "即将超期", {}),
            (due + 10 * MIN, claim_reply_overdue, WorkOrderEvent.Type.OVERDUE, "超过办结时限", {"kind": "reply"})):
        if at <= now and claim(order.pk, at):
            if claim is claim_reply_overdue:  # as the sweep does: the order moves to the overdue row of the summary
                fresh = WorkOrder.objects.get(pk=order.pk)
                summary.shift(summary.key_of(fresh, overdue=False), summary.key_of(fresh))
            WorkOrderEvent.objects.create(order=order, kind=kind, from_status=order.status, to_status=order.status,
                                          at=at, note=note, data=data)
