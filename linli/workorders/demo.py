"""Demo work orders on top of the demo street (``linli demo``): the default routing table and about forty orders
in every status, from every channel, taken through the real state machine so that each has its events.

Idempotent: nothing is written when the demo orders are already there. Times are counted back from now, and
the deadline sweep runs once at the end, so that a few orders are overdue (and some escalated) as they
would be on a real street.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from linli.people.demo import RESIDENT_HOME, STREET
from linli.people.models import Organization, User
from linli.places.models import Building, Division, Estate, Home
from linli.workorders import services as s
from linli.workorders.models import WorkOrder
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


def demo_users() -> dict:
    """The demo's logins that work orders are filed, dispatched and handled by, by username."""
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


def _load_orders(street, rules, *, out) -> None:
    users = demo_users()
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
