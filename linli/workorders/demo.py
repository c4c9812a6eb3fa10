"""Demo work orders on top of the demo street (``linli demo``): the default routing table and about forty orders
in every status, from every channel, taken through the real state machine so that each has its events.

Idempotent: nothing is written when the demo orders are already there. Times are counted back from now, and
the deadline sweep runs once at the end, so that a few orders are overdue (and some escalated) as they
would be on a real street.

Then two joint meetings (吹哨报到), through the services of ``meetings.py`` so that the orders carry their
events: one concluded about the unmanaged 金桥二村 (departments reported, minutes, a task done and one open),
and one upcoming about a topic. Each is written once (looked up by its title).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from linli.people.demo import RESIDENT_HOME, STREET
from linli.people.models import Membership, Organization, Role, User
from linli.places.models import Building, Division, Estate, Home
from linli.workorders import meetings as m
from linli.workorders import services as s
from linli.workorders.models import JointMeeting, WorkOrder
from linli.workorders.routing import ensure_default_rules
from linli.workorders.sweep import sweep

MARKER = "锦霞小区1栋楼道灯坏了一个星期，晚上上下楼看不见台阶。"
MIN = datetime.timedelta(minutes=1)
H = datetime.timedelta(hours=1)
D = datetime.timedelta(days=1)


@dataclass
class Case:
    text: str
    channel: str
    estate: str
    building: str = ""
    ago: datetime.timedelta = 2 * H
    category: str = ""
    level: str = ""
    urgent: bool = False
    kind: str = "help"
    mine: bool = False  # reported by the demo resident (login "resident")
    contact: tuple[str, str] = ("", "")
    triage: bool = False  # wait in the human triage queue
    steps: list = field(default_factory=list)  # (action, hours after the report, kwargs)


def done(by, result, rating, solved=True, rater="district_admin", close=True, start=True):
    """accept → (start) → reply → visit → (close), by the named logins. The callback is the resident's or the
    district's (independent of the street, which files walk-in and phone orders itself)."""
    steps = [("accept", 1, {"actor": by})]
    if start:
        steps.append(("start", 2, {"actor": by}))
    steps += [("reply", 20, {"actor": by, "text": result}),
              ("visit", 30, {"actor": rater, "solved": solved, "satisfaction": rating})]
    if close and rating != "unsatisfied" and solved:
        steps.append(("close", 31, {"actor": "street_admin", "note": "回访满意，结案"}))
    return steps


CASES = [
    # -- closed, rated by the resident or by the district's callback -------------------------------------
    Case(MARKER, "resident", "锦霞小区", "1栋", 9 * D, "facility", mine=True,
         steps=done("custodian_manager", "已更换 1 至 6 层楼道灯 6 盏，加装声控开关。", "satisfied", rater="resident")),
    Case("3单元门口下水道堵了，污水漫到路上。", "resident", "锦霞小区", "3栋", 12 * D, "repair",
         contact=("王女士", "13983001234"), steps=done("custodian_manager", "已疏通主管道并清理路面。", "satisfied")),
    Case("锦霞苑北门垃圾桶两天没清运，气味很大。", "wechat", "锦霞苑", ago=8 * D, category="sanitation",
         steps=done("property_staff", "已加派清运车辆，改为每日两次清运。", "basic")),
    Case("电梯按钮失灵，老人上楼困难。", "phone", "锦霞苑", "2栋", 15 * D, "facility", urgent=True,
         contact=("刘大爷", "13608301111"), steps=done("property_manager", "维保单位已更换按钮面板。", "satisfied")),
    Case("小区道闸经常抬不起来，车辆进出排队。", "walk_in", "重钢新工宿舍", ago=20 * D, category="facility",
         contact=("陈先生", "13752301234"), steps=done("property_manager", "已更换道闸电机。", "satisfied")),
    Case("楼顶防水层开裂，顶楼住户家里渗水。", "resident", "锦霞三村", "2栋", 25 * D, "repair", kind="complaint",
         contact=("赵先生", "18623001234"), steps=done("custodian_manager", "已完成顶楼防水修补，费用由维修资金列支。",
                                                      "basic")),
    Case("九宫庙小区公共绿地被人种了菜。", "grid", "九宫庙小区", ago=18 * D, category="greening",
         steps=done("custodian_manager", "已与住户沟通，菜地已清理并补种草皮。", "satisfied")),
    Case("绿化带里的树枝挡住了 5 栋二楼窗户。", "patrol", "锦霞二村", ago=11 * D, category="greening",
         steps=done("custodian_manager", "已修剪。", "satisfied", start=False)),
    # -- visited, waiting to be closed --------------------------------------------------------------------
    Case("单元门禁坏了，谁都能进。", "resident", "锦霞小区", "2栋", 5 * D, "facility", contact=("孙女士", "13983005678"),
         steps=done("custodian_manager", "已更换门禁控制器。", "basic", close=False)),
    Case("小区消防栓没有水。", "phone", "锦霞苑", ago=6 * D, category="safety", contact=("周先生", "13512305678"),
         steps=done("property_manager", "已联系供水公司恢复消防管网压力。", "satisfied", close=False)),
    # -- replied, waiting for the callback ---------------------------------------------------------------
    Case("1栋楼下的路灯晚上不亮。", "resident", "锦霞小区", "1栋", 3 * D, "facility", mine=True,
         steps=[("accept", 1, {"actor": "custodian_manager"}),
                ("reply", 20, {"actor": "custodian_manager", "text": "已更换路灯灯头，请您看看晚上是否正常。"})]),
    Case("楼道里堆了很多纸箱，有火灾隐患。", "grid", "重钢新工宿舍", ago=2 * D, category="safety",
         steps=[("accept", 1, {"actor": "property_staff"}), ("start", 2, {"actor": "property_staff"}),
                ("reply", 6, {"actor": "property_staff", "text": "已清理楼道杂物并张贴提示。"})]),
    Case("锦霞苑健身器材松动。", "walk_in", "锦霞苑", ago=4 * D, category="facility", contact=("吴阿姨", "13883001234"),
         steps=[("accept", 1, {"actor": "property_manager"}),
                ("reply", 30, {"actor": "property_manager", "text": "已紧固并更换损坏部件。"})]),
    # -- reopened after an unsatisfied callback -------------------------------------------------------
    Case("车库顶棚漏水，车上全是水渍。", "resident", "锦霞苑", ago=10 * D, category="repair", kind="complaint",
         contact=("郑先生", "13908301234"),
         steps=done("property_manager", "已临时封堵漏点。", "unsatisfied", solved=False)),
    # -- in progress / accepted ------------------------------------------------------------------------
    Case("2栋外墙瓷砖松动，随时可能掉落。", "patrol", "锦霞小区", "2栋", 20 * H, "repair", urgent=True, kind="report",
         steps=[("accept", 0.5, {"actor": "custodian_manager"}), ("start", 1, {"actor": "custodian_manager"})]),
    Case("二次供水水箱多久清洗一次？水有异味。", "phone", "锦霞三村", ago=1 * D, category="utilities",
         contact=("钱女士", "13983009876"), kind="consult",
         steps=[("accept", 1, {"actor": "custodian_manager"})]),
    Case("楼上装修噪音大，中午也在施工。", "wechat", "锦霞苑", ago=1 * D, category="neighbor", kind="complaint",
         steps=[("accept", 1, {"actor": "property_staff"}), ("start", 2, {"actor": "property_staff"})]),
    Case("化粪池满溢，需要抽吸。", "resident", "锦霞三村", "4栋", 2 * D, "sanitation", contact=("冯先生", "13452301234"),
         steps=[("accept", 1, {"actor": "custodian_manager"}), ("start", 2, {"actor": "custodian_manager"}),
                ("request_extension", 3, {"actor": "custodian_manager", "days": 3,
                                          "reason": "抽吸车辆需向环卫所预约，最早后天到场"})]),
    Case("物业费收费标准是否公示过？", "walk_in", "重钢新工宿舍", ago=1 * D, category="fees", kind="consult",
         contact=("蒋先生", "13308301234"),
         steps=[("accept", 1, {"actor": "property_manager"}), ("start", 2, {"actor": "property_manager"}),
                ("supervise", 5, {"actor": "street_admin", "note": "请在公示栏补充公示收费标准和依据"})]),
    # -- dispatched, waiting to be accepted -------------------------------------------------------------
    Case("3栋楼梯扶手断了。", "resident", "锦霞小区", "3栋", 20 * 60 * datetime.timedelta(seconds=1), "repair",
         contact=("褚女士", "13983004321")),
    Case("锦霞苑地下车库灯不亮。", "phone", "锦霞苑", ago=30 * datetime.timedelta(minutes=1), category="facility",
         contact=("卫先生", "13883004321")),
    Case("电动车在楼道里充电。", "grid", "重钢新工宿舍", "2栋", 10 * datetime.timedelta(minutes=1), "safety"),
    Case("单元门口有积水结冰。", "resident", "锦霞二村", ago=15 * datetime.timedelta(minutes=1), category="facility",
         contact=("蒋阿姨", "13983004322")),
    Case("希望在小区里增设快递柜。", "walk_in", "锦霞小区", ago=40 * datetime.timedelta(minutes=1), kind="suggestion",
         category="service", contact=("沈先生", "13983004323")),
    # -- returned by the assignee (退单) and waiting for a new dispatch ----------------------------------
    Case("小区门口的人行道被占道经营。", "resident", "锦霞苑", ago=1 * D, category="parking", contact=("韩女士", "13883004324"),
         steps=[("return", 1, {"actor": "property_manager", "reason": "占道经营在小区外，属城管执法范围"})]),
    # -- waiting in the triage queue ---------------------------------------------------------------------
    Case("【新工社区居民群】有人反映晚上广场舞音响太响，影响休息。", "wechat", "新工村", ago=3 * H, triage=True),
    Case("想问一下老旧小区改造什么时候轮到我们院子。", "phone", "九宫庙后街院落", ago=5 * H, triage=True, kind="consult",
         contact=("杨大爷", "13608304325")),
    Case("小区里有一辆僵尸车停了一年多。", "resident", "钢花村", ago=2 * H, triage=True, contact=("朱先生", "13983004326")),
    # -- street-level matters: accepted by the street's centre, past their deadline (stay overdue) -----
    Case("松青村片区停车位严重不足，申请规划增设停车场。", "walk_in", "松青村", ago=12 * D, category="parking", level="street",
         kind="suggestion", contact=("秦先生", "13983004327"), steps=[("accept", 2, {"actor": "street_admin"})]),
    Case("金桥二村无人管理，垃圾堆积、路灯全坏。", "hotline", "金桥二村", ago=14 * D, level="street", kind="complaint",
         category="sanitation", contact=("尤女士", "13983004328"),
         steps=[("accept", 2, {"actor": "street_admin"}), ("start", 3, {"actor": "street_admin"})]),
    Case("翠园单位宿舍化粪池外溢到街面。", "hotline", "翠园单位宿舍", ago=9 * D, level="street", category="sanitation",
         contact=("许先生", "13983004329"), steps=[("accept", 1, {"actor": "street_admin"})]),
    # -- dispatched long ago and never accepted: the sweep escalates them -----------------------------
    Case("锦霞苑 6 栋楼道窗户玻璃碎了。", "resident", "锦霞苑", ago=6 * H, category="repair", contact=("何女士", "13883004330")),
    Case("锦霞小区 4 栋屋顶太阳能热水器支架锈蚀。", "patrol", "锦霞小区", "4栋", 8 * H, "safety"),
    # -- a department matter: the street hands it to the urban management bureau ------------------------
    Case("小区外围墙违章搭建棚屋。", "grid", "新工嘉园", ago=3 * D, level="department", category="neighbor", kind="report",
         steps=[("dispatch", 1, {"actor": "street_admin", "to": "大渡口区城市管理局", "note": "转城管执法"}),
                ("accept", 3, {"actor": "department_handler"}), ("start", 4, {"actor": "department_handler"})]),
    Case("人行道井盖缺失。", "hotline", "锦霞苑", ago=7 * D, category="other", contact=("吕先生", "13983004331"),
         steps=[("dispatch", 1, {"actor": "street_admin", "to": "大渡口区城市管理局", "note": "市政设施由城管负责"}),
                ("accept", 2, {"actor": "department_handler"}),
                ("reply", 26, {"actor": "department_handler", "text": "已补装井盖。"}),
                ("visit", 40, {"actor": "street_admin", "solved": True, "satisfaction": "satisfied"}),
                ("close", 41, {"actor": "street_admin", "note": "结案"})]),
    # -- merged and cancelled -------------------------------------------------------------------------------
    Case("1栋楼道灯又不亮了。", "phone", "锦霞小区", "1栋", 9 * D - 2 * H, "facility", contact=("施女士", "13983004332"),
         steps=[("merge", 1, {"actor": "community_admin", "into": MARKER})]),
    Case("想咨询一下怎么办理居住证。", "walk_in", "锦霞小区", ago=6 * D, category="other", kind="consult",
         contact=("张先生", "13983004333"),
         steps=[("cancel", 1, {"actor": "community_admin", "reason": "已当场答复：请到派出所户籍窗口办理"})]),
    Case("重复提交：北门垃圾。", "resident", "锦霞苑", ago=8 * D - H, category="sanitation", contact=("孔女士", "13883004334"),
         steps=[("cancel", 0.5, {"actor": "street_admin", "reason": "居民重复提交，已在原工单处理"})]),
    # -- reclassified from the triage queue and dispatched ---------------------------------------------
    Case("小区里流浪猫很多，晚上叫得睡不着。", "resident", "锦霞三村", ago=2 * D, contact=("曹女士", "13983004335"),
         triage=True, steps=[("reclassify", 1, {"actor": "street_admin", "category": "neighbor", "tier": "easy",
                                                "level": "estate"}),
                             ("dispatch", 1.1, {"actor": "street_admin", "to": "重庆义渡城市更新物业服务有限公司",
                                                "note": "分拣后派物业"}),
                             ("accept", 2, {"actor": "custodian_manager"})]),
]


def _users():
    return {u.username: u for u in User.objects.filter(username__in=[
        "resident", "property_staff", "property_manager", "custodian_manager", "grid_worker", "community_admin",
        "street_admin", "department_handler", "district_admin"])}


def _place(case, estates):
    estate = estates[case.estate]
    building = Building.objects.filter(estate=estate, number=case.building).first() if case.building else None
    return s.resolve_place(building=building, estate=estate)


def load(*, out) -> None:
    street = Division.objects.filter(code=STREET[1]).first()
    if street is None:
        out("工单演示数据：没有演示街道，跳过。")
        return
    rules = ensure_default_rules(street)
    if WorkOrder.objects.filter(street=street, text=MARKER).exists():
        out("工单演示数据已存在，未做修改。")
    else:
        _load_orders(street, rules, out=out)
    load_meetings(street, out=out)


def _load_orders(street, rules, *, out) -> None:
    users = _users()
    resident = users["resident"].person if "resident" in users else None
    resident_home = Home.objects.filter(
        estate__name=RESIDENT_HOME[0], building__number=RESIDENT_HOME[1], entrance=RESIDENT_HOME[2],
        number=RESIDENT_HOME[3]).first()
    estates = {e.name: e for e in Estate.objects.filter(community__parent=street).select_related("community__parent")}
    now = timezone.now()
    codes = {}
    for i, case in enumerate(CASES, start=1):
        t0 = now - case.ago
        place = _place(case, estates)
        reporter, contact_name, contact_phone = None, *case.contact
        if case.mine and resident is not None:
            reporter, contact_name, contact_phone = resident, resident.name, resident.phone
            place = s.resolve_place(home=resident_home) if resident_home and case.building == RESIDENT_HOME[1] else place
        actor = None
        if case.channel in ("walk_in", "phone", "wechat"):
            actor = users.get("community_admin") if place.community and place.community.name == "锦霞社区" else \
                users.get("street_admin")
        elif case.channel == "grid":
            actor = users.get("grid_worker")
        elif case.channel == "patrol":
            actor = users.get("property_staff") if case.estate in ("锦霞苑", "重钢新工宿舍") else users.get(
                "custodian_manager")
        elif case.channel == "resident" and reporter is not None:
            actor = users.get("resident")
        order = s.workorder_create(
            channel=case.channel, text=case.text, actor=actor, kind=case.kind, reporter=reporter,
            contact_name=contact_name, contact_phone=contact_phone, place=place, category=case.category,
            level=case.level, urgent=case.urgent, needs_triage=case.triage,
            external_id=f"DEMO-12345-{i:03d}" if case.channel == "hotline" else "", now=t0,
        )
        codes[case.text] = order
        for action, hours, kwargs in case.steps:
            kwargs = dict(kwargs)
            kwargs["actor"] = users.get(kwargs["actor"]) if kwargs["actor"] != "resident" else users.get("resident")
            when = t0 + datetime.timedelta(hours=hours)
            if action == "dispatch":
                kwargs["to"] = Organization.objects.get(name=kwargs["to"])
            if action == "merge":
                kwargs["into"] = codes[kwargs["into"]]
            fn = getattr(s, f"workorder_{action}")
            order = fn(order=order, now=when, **kwargs)
    result = sweep(now=now)
    out(f"已载入工单演示数据：{len(CASES)} 件工单（{result}），派单规则 {rules} 条。")



# -- joint meetings (吹哨报到) ---------------------------------------------------------------------------
HELD_TITLE = "金桥二村无人管理问题吹哨报到会"
HELD_ABOUT = "金桥二村无人管理，垃圾堆积、路灯全坏。"  # a street-level order of CASES, overdue
UPCOMING_TITLE = "汛期前老旧小区屋面渗漏和挡墙隐患排查"
URBAN, HOUSING, FIRE, PARKS = ("大渡口区城市管理局", "大渡口区住房和城乡建设委员会", "大渡口区消防救援支队",
                               "大渡口区园林绿化服务中心")
# Only 城管 has a demo login; the people of 住建 and 消防 who report and take a task are accounts without a
# password (they cannot sign in) so that the meeting shows more than one department's 报到.
DEPARTMENT_PEOPLE = (("demo_housing", "陈建华（区住建委）", HOUSING), ("demo_fire", "刘思远（区消防救援支队）", FIRE))


def _department_person(username, display_name, organization):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create(username=username, display_name=display_name, password=make_password(None))
        Membership.objects.create(user=user, role=Role.DEPARTMENT_HANDLER, organization=organization)
    return user


def _local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def load_meetings(street, *, out) -> None:
    users = _users()
    admin = users.get("street_admin")
    depts = {o.name: o for o in Organization.objects.filter(name__in=[URBAN, HOUSING, FIRE, PARKS], kind="department")}
    if admin is None or len(depts) < 4:
        out("吹哨报到演示会议：缺少街道管理员或职能部门，跳过。")
        return
    made = []
    if not JointMeeting.objects.filter(street=street, title=HELD_TITLE).exists():
        order = WorkOrder.objects.filter(street=street, text=HELD_ABOUT).first()
        if order is not None:
            _held_meeting(street, order, admin, users, depts)
            made.append(HELD_TITLE)
    if not JointMeeting.objects.filter(street=street, title=UPCOMING_TITLE).exists():
        today = timezone.localdate()
        m.meeting_convene(
            street=street, title=UPCOMING_TITLE, actor=admin, scheduled_at=_local(today + 3 * D, 14, 30),
            place="九宫庙街道办事处三楼会议室", departments=[depts[HOUSING], depts[URBAN], depts[PARKS]],
            topic="入汛在即，锦霞三村、金桥二村等老旧小区屋面防水层开裂、挡土墙渗水，居民反映集中。"
                  "请区住建委、区城市管理局、区园林绿化服务中心到会，议定排查分工和维修资金渠道。",
            now=timezone.now() - 2 * H)
        made.append(UPCOMING_TITLE)
    if made:
        out(f"已载入吹哨报到演示会议：{'、'.join(made)}。")
    else:
        out("吹哨报到演示会议已存在，未做修改。")


def _held_meeting(street, order, admin, users, depts) -> None:
    """Convened two days after the complaint; 城管 and 消防 report on time, 住建 late; the minutes; a task for
    城管 (done: cleared, called back, closed) and one for 住建 (accepted, under way, due in two weeks)."""
    people = {org: _department_person(u, name, depts[org]) for u, name, org in DEPARTMENT_PEOPLE}
    urban_handler = users.get("department_handler")
    today = timezone.localdate()
    day = today - 11 * D
    at = _local(day, 9, 30)  # the meeting
    meeting = m.meeting_convene(
        street=street, title=HELD_TITLE, actor=admin, scheduled_at=at, place="金桥社区党群服务中心会议室",
        orders=[order], departments=[depts[URBAN], depts[FIRE], depts[HOUSING]],
        topic="金桥二村原物业 2019 年合同到期退出后无人管理，垃圾堆积堵塞消防通道，路灯全部不亮，"
              "居民多次拨打 12345。街道单靠自身力量无法解决，提请相关部门到现场会商。",
        now=_local(day - D, 16))
    invites = {i.department.name: i for i in meeting.invites.select_related("department")}
    if urban_handler is not None:
        m.meeting_report(invite=invites[URBAN], actor=urban_handler, attendees="市容环卫科 王科长、执法中队 李队员",
                         now=at - 12 * MIN)
    m.meeting_report(invite=invites[FIRE], actor=people[FIRE], attendees="防火监督科 刘思远", now=at - 5 * MIN)
    m.meeting_report(invite=invites[HOUSING], actor=people[HOUSING], attendees="物业管理科 陈建华", now=at + 18 * MIN)
    held = at + 2 * H
    m.meeting_record_minutes(
        meeting=meeting, actor=admin, now=held,
        minutes="会前街道、金桥社区与城管、消防、住建到现场查看：3 栋、4 栋之间的消防通道被建筑垃圾和废弃家具堵塞，"
                "约 12 吨；小区 8 盏路灯全部不亮，线路老化；化粪池尚能使用。居民代表 3 人列席。",
        decisions="一、区城市管理局 3 日内清运积存垃圾，打通消防通道；\n"
                  "二、区消防救援支队清运后复查消防通道和楼道消防设施；\n"
                  "三、区住建委牵头将金桥二村纳入国有托管，两周内修复路灯，托管前由街道物业服务中心兜底保洁；\n"
                  "四、金桥社区召开居民议事会，商议清洁费（先服务后收费）。")
    cleared = m.meeting_add_task(
        meeting=meeting, department=depts[URBAN], about=order, deadline=day + 3 * D, actor=admin, now=held,
        text="清运金桥二村 3 栋、4 栋之间积存的建筑垃圾和废弃家具，打通消防通道。").order
    custody = m.meeting_add_task(
        meeting=meeting, department=depts[HOUSING], about=order, deadline=today + 14 * D, actor=admin, now=held,
        text="协调国有托管企业进场接管金桥二村，修复小区 8 盏路灯。").order
    if urban_handler is not None:
        cleared = s.workorder_accept(order=cleared, actor=urban_handler, now=held + H)
        cleared = s.workorder_start(order=cleared, actor=urban_handler, now=held + 3 * H)
        cleared = s.workorder_reply(order=cleared, actor=urban_handler, now=held + 30 * H,
                                    text="已清运建筑垃圾和废弃家具 12.5 吨，消防通道已打通，设置了禁止堆放标识。")
        cleared = s.workorder_visit(order=cleared, actor=admin, solved=True, satisfaction="satisfied",
                                    note="消防救援支队已复查，通道畅通", now=held + 2 * D)
        s.workorder_close(order=cleared, actor=admin, note="任务完成", now=held + 2 * D + H)
    custody = s.workorder_accept(order=custody, actor=people[HOUSING], now=held + 90 * MIN)
    s.workorder_start(order=custody, actor=people[HOUSING], now=held + D,
                      note="已与重庆义渡城市更新物业服务有限公司对接，托管协议报区政府审定；路灯维修已列入计划。")
    m.meeting_close(meeting=meeting, actor=admin, note="任务已交办，由各部门按期办结", now=held + 4 * H)
