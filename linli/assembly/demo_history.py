"""A year of owners' decisions on the demo street (``linli demo``, issue 17): votes and consultation meetings.

- **Votes**: six motions over the twelve full months before this one, one every other month, each in another
  estate of the street: announced 16 days before it opens (the notice period), open ten days, owners' paper
  ballots entered by the street's staff with their scans on the days of the vote (six to nine in ten of the
  owners vote), closed and counted the morning after the deadline, the result posted as a notice the same day.
  Four pass; one change of use fails the three-quarters majority and one fails for want of votes (参与表决不足).
  Today's open votes (锦霞小区's repair fund, 新工老街院落's choice of a manager) and the counted one of 锦霞三村
  are the demo's own (``linli/assembly/demo.py``).
- **Consultation meetings** (三会, seeds 003/004): one a month in the twelve months before this one, at the
  building, estate, community or street level in turn, with attendance, minutes, one or two decisions and a
  follow-up task for each; most tasks are done before their deadline, some after it, and the tasks of the last
  months that ran late are still open (overdue today).

Everything goes through the assembly services with the time of each step (``motion_create`` … ``motion_close``,
``meeting_schedule`` … ``task_done``). The notifications of the result notices are marked read. Deterministic (a
fixed seed), dates counted back from today. Idempotent: nothing is added when the first motion is there.
"""

from __future__ import annotations

import datetime
import random

from django.core.files.base import ContentFile
from django.utils import timezone

from linli.assembly import services
from linli.assembly.models import FollowUpTask, Motion
from linli.notify.models import Notification
from linli.people.models import User
from linli.places.models import Estate

SEED = 4017
D = datetime.timedelta(days=1)
H = datetime.timedelta(hours=1)

# (months back, estate, matter, title, body, turnout, share for)
MOTIONS = (
    (11, "锦霞二村", "use_repair_fund", "使用维修资金更换1栋、2栋老化供水管",
     "1栋、2栋供水立管锈蚀漏水，拟使用专项维修资金约 5.2 万元更换。", 0.82, 0.86),
    (9, "金桥花园", "management_statute", "修订管理规约：电动车禁止进楼入户",
     "在管理规约中增加：电动车不得进入楼道和户内停放、充电。", 0.8, 0.81),
    (7, "松青二村", "change_common_use", "利用小区东侧空地建设电动车充电棚",
     "将东侧闲置空地改建为电动车充电棚，收益归全体业主。", 0.84, 0.66),
    (5, "翠园新村", "elect_committee", "选举第二届业主委员会",
     "第一届业主委员会任期届满，选举第二届业主委员会委员 5 名。", 0.82, 0.88),
    (3, "钢花佳苑", "use_repair_fund", "使用维修资金更换消防水泵",
     "消防水泵老化无法启动，拟使用专项维修资金约 3.8 万元更换。", 0.85, 0.9),
    (2, "金桥院落", "other_major", "调整小区停车收费标准",
     "地面停车位月租由 80 元调整为 100 元，增收部分用于道路修补。", 0.38, 0.6),
)

# The consultation meeting of each month: (kind, level, title, decisions, who follows up)
MEETINGS = (
    ("neighbours", "building", "楼道堆物清理和楼栋公约", ["每月第一个周六集中清理楼道堆物"], "楼栋长"),
    ("hearing", "estate", "小区停车难", ["夜间开放小区东侧空地临时停车", "物业每周巡查占用消防通道车辆"], "物业服务中心"),
    ("round_table", "community", "老旧小区加装电梯意愿摸排", ["各小区楼栋长一个月内完成意愿登记"], "社区居委会"),
    ("party_mass", "street", "背街小巷环境整治", ["街道城管中队每周两次巡查占道经营"], "街道城管中队"),
    ("neighbours", "building", "楼顶违规种菜渗漏", ["劝导住户清除楼顶菜地，恢复防水层"], "楼栋长"),
    ("hearing", "estate", "广场舞噪音扰民", ["广场舞时间限定在晚 7 点至 9 点，音量由物业巡查"], "物业服务中心"),
    ("round_table", "community", "社区食堂助餐服务", ["为 80 岁以上独居老人每日送餐"], "社区居委会"),
    ("party_mass", "street", "学校周边交通秩序", ["上下学高峰时段志愿者协助疏导"], "街道平安办"),
    ("neighbours", "building", "高空抛物", ["楼栋张贴公约，安装高空抛物监控"], "楼栋长"),
    ("hearing", "estate", "垃圾分类投放点设置", ["投放点由 4 个合并为 2 个，定时投放"], "物业服务中心"),
    ("round_table", "community", "电动车充电棚建设", ["在小区南门增设充电棚一处"], "社区居委会"),
    ("party_mass", "street", "冬季燃气安全", ["物业和社区一个月内完成入户安全检查"], "街道应急办"),
)
ATTENDEES = [("社区党委", "党组织"), ("居民代表", "业主"), ("物业服务中心", "物业"), ("楼栋长", "楼栋长")]


def _month_start(today: datetime.date, back: int) -> datetime.date:
    year, month = today.year, today.month - back
    while month < 1:
        year, month = year - 1, month + 12
    return datetime.date(year, month, 1)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def load(*, out) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=["street_admin", "community_admin"])}
    estates = {e.name: e for e in Estate.objects.filter(name__in=[row[1] for row in MOTIONS] + ["锦霞小区"],
                                                        community__parent__code="500104001")}
    if len(users) < 2 or len(estates) < len(MOTIONS) + 1:
        return
    if Motion.objects.filter(estate=estates[MOTIONS[0][1]], title=MOTIONS[0][3]).exists():
        return
    admin, community_admin = users["street_admin"], users["community_admin"]
    rng = random.Random(SEED)
    now = timezone.now()
    today = timezone.localdate(now)
    mark = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    passed = ballots = 0
    for back, name, matter, title, body, turnout, yes in MOTIONS:
        opens = _at(_month_start(today, back) + rng.randint(3, 12) * D, 9)
        closes = opens + 10 * D
        motion = services.motion_create(estate=estates[name], matter=matter, title=title, body=body, actor=admin,
                                        opens_at=opens, closes_at=closes, now=opens - 16 * D)
        motion = services.motion_open(motion=motion, actor=admin, now=opens)
        for elector in motion.electors.order_by("id"):
            if not elector.persons.exists() or rng.random() >= turnout:
                continue
            choice = "for" if rng.random() < yes else rng.choice(["against", "against", "abstain"])
            services.ballot_cast(motion=motion, elector=elector, choice=choice, actor=admin, channel="paper",
                                 sheet=ContentFile(b"%PDF-1.4 demo ballot", name=f"ballot-{elector.pk}.pdf"),
                                 now=opens + rng.randint(0, 9) * D + rng.randint(1, 10) * H)
            ballots += 1
        motion = services.motion_close(motion=motion, actor=admin, now=closes + 90 * datetime.timedelta(minutes=1))
        passed += bool(motion.approved)
    meetings = _meetings(today, now, rng, admin, community_admin, estates["锦霞小区"])
    Notification.objects.filter(pk__gt=mark, read_at__isnull=True).update(read_at=now)
    out(f"业主共同决定历史：近 12 个月表决 {len(MOTIONS)} 项（通过 {passed} 项，纸质票 {ballots} 张），"
        f"议事会议 {meetings} 场。")


def _meetings(today, now, rng, admin, community_admin, estate) -> int:
    community = estate.community
    street = community.parent
    buildings = list(estate.buildings.order_by("number"))
    made = 0
    for back, (kind, level, title, decisions, assignee) in zip(range(12, 0, -1), MEETINGS, strict=True):
        held_on = _month_start(today, back) + rng.randint(5, 24) * D
        where = {"building": {"building": rng.choice(buildings)}, "estate": {"estate": estate},
                 "community": {"division": community}, "street": {"division": street}}[level]
        host = admin if level == "street" else community_admin
        notified_on = held_on - 7 * D
        meeting = services.meeting_schedule(kind=kind, level=level, title=title, actor=host, notified_on=notified_on,
                                            held_on=held_on, now=_at(notified_on, 10), **where)
        held = _at(held_on, 21)
        meeting = services.meeting_record(
            meeting=meeting, minutes=f"围绕“{title}”听取居民意见，逐项讨论并形成决定。", actor=host, now=held,
            attendees=ATTENDEES[: rng.randint(3, 4)], decisions=decisions)
        finished = []
        for n, decision in enumerate(meeting.decisions.order_by("pk")):
            due = held_on + rng.randint(14, 30) * D
            task = services.task_add(meeting=meeting, decision=decision, title=decision.text, assignee=assignee,
                                     due=due, actor=host, now=held)
            late = rng.random() < 0.2
            done = _at(due + rng.randint(2, 10) * D if late else held_on + rng.randint(3, (due - held_on).days) * D, 17)
            if done < now and not (back <= 2 and n == 0):  # the last two months' first tasks: overdue today
                finished.append((done, task))
        for done, task in sorted(finished, key=lambda pair: pair[0]):
            services.task_done(task=task, actor=host, now=done)
        made += 1
    return made


def overdue_tasks(today: datetime.date):
    """The follow-up tasks still open after their deadline (for the tests and the docs)."""
    return FollowUpTask.objects.filter(status=FollowUpTask.Status.OPEN, due__lt=today)
