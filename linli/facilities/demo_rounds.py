"""Demo inspection rounds (巡检) in 重钢新工宿舍, an old estate of 新工社区 managed by the demo market company (whose
property staff and manager sign in as ``property_staff`` and ``property_manager``):

* route 设备房与消防巡检, daily (it holds fire equipment: Beijing 物业管理条例 art. 88): the water pump room (the
  pump), the fire hydrants of building 1, the main gate;
* route 楼栋公共区域巡检, weekly: the stairwells of buildings 1 and 2 and the roof access of building 3;
* the last month of rounds, walked through the services as the property staff: four daily rounds missed, one walked
  out of order, one weekly round missed; three days ago the pump was found leaking, which became a work order linked
  to the pump (FacilityFault, source patrol). Today's rounds are left for the visitor to walk.

Idempotent: nothing is added when the daily route is already there.
"""

import datetime

from django.utils import timezone

from linli.facilities import rounds_services as s
from linli.facilities.models import Facility, Route
from linli.people.models import User
from linli.places.models import Building, Estate

ESTATE = "重钢新工宿舍"
DAILY = "设备房与消防巡检"
WEEKLY = "楼栋公共区域巡检"
PUMP = "二次供水水泵"
MISSED_DAYS = (6, 13, 19, 26)  # days ago
OUT_OF_ORDER_DAY = 9
PUMP_PROBLEM_DAY = 3
PUMP_PROBLEM = "水泵房地面积水，水泵密封处漏水，运行时异响"


def _facility(estate, kind, name, **kw):
    found = Facility.objects.filter(estate=estate, kind=kind).order_by("pk").first()
    return found or Facility.objects.create(estate=estate, kind=kind, name=name, **kw)


def load(*, out) -> None:
    estate = Estate.objects.filter(name=ESTATE, community__parent__code="500104001").first()
    staff = User.objects.filter(username="property_staff").first()
    manager = User.objects.filter(username="property_manager").first()
    if estate is None or staff is None or manager is None or Route.objects.filter(estate=estate, name=DAILY).exists():
        return
    buildings = list(Building.objects.filter(estate=estate).order_by("number")[:3])
    if len(buildings) < 3:
        return
    b1, b2, b3 = buildings
    pump = _facility(estate, Facility.Kind.PUMP, PUMP, location="1栋地下水泵房", building=b1, contractor="重庆渝水设备维保有限公司")
    hydrant = _facility(estate, Facility.Kind.FIRE, "1栋消火栓与灭火器", location="1栋各楼层楼梯间", building=b1)
    gate = _facility(estate, Facility.Kind.GATE, "小区大门道闸", location="南大门")

    today = timezone.localdate()
    start = today - datetime.timedelta(days=30)
    daily = s.route_create(estate=estate, name=DAILY, frequency="daily", actor=manager, starts_on=start)
    s.checkpoint_add(route=daily, name="水泵房", facility=pump, actor=manager,
                     checklist=["水泵运行无异响", "管道阀门无渗漏", "地面无积水", "水箱盖板上锁"])
    s.checkpoint_add(route=daily, name="1栋消防设施", facility=hydrant, actor=manager,
                     checklist=["消火栓箱完好、水带齐全", "灭火器压力在绿区", "疏散通道无堆物"])
    s.checkpoint_add(route=daily, name="南大门", facility=gate, actor=manager,
                     checklist=["道闸起落正常", "门禁读卡正常"])
    weekly_start = s.period_start("weekly", start)
    weekly = s.route_create(estate=estate, name=WEEKLY, frequency="weekly", actor=manager, starts_on=weekly_start)
    for building, name, items in ((b1, "1栋楼道", ["楼道灯正常", "无乱堆乱放"]),
                                  (b2, "2栋楼道", ["楼道灯正常", "无乱堆乱放"]),
                                  (b3, "3栋屋面检修口", ["检修口上锁", "屋面无积水"])):
        s.checkpoint_add(route=weekly, name=name, building=building, actor=manager, checklist=items)

    def walk(route, day, *, order=None, problems=None):
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8, 30)))
        rnd = s.round_start(route=route, actor=staff, now=at)
        checkpoints = list(route.checkpoints.all())
        for i, cp in enumerate(order(checkpoints) if order else checkpoints):
            problem = (problems or {}).get(cp.name)
            s.visit_record(round=rnd, checkpoint=cp, key=f"demo-{route.pk}-{day:%Y%m%d}-{cp.pk}", actor=staff,
                           ticked=range(len(cp.checklist)) if not problem else [], ok=not problem,
                           note=problem or "", now=at + datetime.timedelta(minutes=6 * (i + 1)))
        s.round_finish(round=rnd, actor=staff, now=at + datetime.timedelta(minutes=30))

    for ago in range(30, 0, -1):
        day = today - datetime.timedelta(days=ago)
        if ago in MISSED_DAYS:
            continue
        walk(daily, day, order=(lambda cps: list(reversed(cps))) if ago == OUT_OF_ORDER_DAY else None,
             problems={"水泵房": PUMP_PROBLEM} if ago == PUMP_PROBLEM_DAY else None)
    week = weekly_start
    missed_week = s.period_start("weekly", today - datetime.timedelta(days=14))
    while s.period_end("weekly", week) < today:
        if week != missed_week:
            walk(weekly, week + datetime.timedelta(days=2))
        week = s.next_period("weekly", week)
    out(f"巡检：{ESTATE} 两条巡检路线、近一个月的巡检记录（含漏检、未按顺序、一张水泵工单）")
