"""Demo facility ledger on the 九宫庙 street (``linli demo``): the shared facilities of the old estates — lifts added in
the renovation, secondary water pumps and tanks, fire equipment, gates, cameras, an electric-bike charging shed, the
stairwell lights — with a history of inspections, maintenance and repairs, one lift whose annual inspection falls due
in two weeks (so that the due-soon page and the reminder have something to show), and faults linked to the demo work
orders about the stairwell light of 锦霞小区 1栋 and the lift button of 锦霞苑.

Idempotent: nothing is added when the showcase lift is already there. Written through the services as the system.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from linli.core.actors import system_actor
from linli.facilities import services
from linli.facilities.models import Facility
from linli.people.demo import STREET
from linli.places.models import Building, Estate
from linli.workorders.models import WorkOrder

SHOWCASE = ("锦霞小区", "1栋1单元加装电梯")
D = datetime.timedelta(days=1)

# (estate, building number or "", kind, name, code, location, installed years ago, contractor, public)
FACILITIES = [
    ("锦霞小区", "1栋", "lift", "1栋1单元加装电梯", "T3101-2023-0412", "1栋1单元北侧", 3, "重庆迅达电梯维保有限公司", True),
    ("锦霞小区", "2栋", "lift", "2栋2单元加装电梯", "T3101-2024-0087", "2栋2单元北侧", 2, "重庆迅达电梯维保有限公司", True),
    ("锦霞小区", "", "pump", "二次供水泵房水泵", "JX-PUMP-01", "小区东门泵房", 12, "大渡口区供水服务站", True),
    ("锦霞小区", "", "fire", "室外消火栓及灭火器", "JX-FIRE-01", "各楼栋一层、小区主干道", 8, "重庆安消消防技术服务有限公司",
     True),
    ("锦霞小区", "", "gate", "东门人行门禁与车辆道闸", "JX-GATE-01", "小区东门", 3, "", True),
    ("锦霞小区", "", "camera", "公共区域监控（16路）", "JX-CAM-01", "门卫室", 3, "", False),
    ("锦霞小区", "", "charging", "电动自行车充电棚", "JX-EV-01", "3栋与4栋之间", 2, "", True),
    ("锦霞小区", "1栋", "lighting", "1栋楼道声控灯", "", "1栋各单元楼道", 6, "", True),
    ("锦霞三村", "", "pump", "加压水泵与屋顶水箱", "JX3-PUMP-01", "2栋屋顶", 15, "大渡口区供水服务站", True),
    ("锦霞三村", "", "fire", "楼道灭火器", "JX3-FIRE-01", "各楼栋楼道", 5, "重庆安消消防技术服务有限公司", True),
    ("九宫庙小区", "1栋", "lift", "1栋加装电梯", "T3101-2022-1130", "1栋南侧", 4, "重庆三菱电梯服务有限公司", True),
    ("九宫庙小区", "", "charging", "电动自行车集中充电棚", "JGM-EV-01", "小区北门内", 1, "", True),
    ("锦霞苑", "2栋", "lift", "2栋电梯", "T3101-2011-0506", "2栋大堂", 15, "重庆日立电梯服务有限公司", True),
]


def _years_ago(today: datetime.date, years: int) -> datetime.date:
    return today.replace(year=today.year - years, day=min(today.day, 28))


def load(*, out) -> None:
    from linli.facilities import demo_rounds

    demo_rounds.load(out=out)  # two routes of QR checkpoints and a month of rounds (first: the ledger may return early)
    street_estates = {e.name: e for e in Estate.objects.filter(community__parent__code=STREET[1])}
    showcase = street_estates.get(SHOWCASE[0])
    if showcase is None:
        out("设施设备演示数据：没有演示街道，跳过。")
        return
    if Facility.objects.filter(estate=showcase, name=SHOWCASE[1]).exists():
        out("设施设备演示数据已存在，未做修改。")
        return
    system = system_actor()
    today = timezone.localdate()
    made = {}
    for estate_name, building, kind, name, code, location, age, contractor, public in FACILITIES:
        estate = street_estates.get(estate_name)
        if estate is None:
            continue
        installed = _years_ago(today, age)
        facility = services.facility_register(
            actor=system, estate=estate, kind=kind, name=name, code=code, location=location, installed_on=installed,
            building=Building.objects.filter(estate=estate, number=building).first() if building else None,
            warranty_until=installed.replace(year=installed.year + 2), contractor=contractor,
            contract_no=f"WB-{installed.year}-{len(made) + 1:03d}" if contractor else "",
            contract_end=today + (45 + 30 * len(made)) * D if contractor else None, is_public=public)
        made[(estate_name, name)] = facility
        _history(facility, system, today)
    # The showcase lift's annual inspection falls due in two weeks (the due-soon page, the daily reminder).
    lift = made[SHOWCASE]
    services.record_add(actor=system, facility=lift, kind="statutory", done_on=today - 351 * D,
                        certificate_no="DT-JX-2025-0412", next_due=today + 14 * D,
                        note="定期检验合格（特种设备检验机构）")
    # A contract ending within the month, so that the reminder of contracts shows too.
    _link_faults(street_estates, made, system, out)
    out(f"设施设备演示数据：{len(made)} 项设施及其检验、保养、维修记录。")


def _history(facility: Facility, system, today: datetime.date) -> None:
    """A year of history: monthly maintenance of lifts (art. 88: regular maintenance), a yearly statutory inspection of
    lifts and fire equipment, quarterly maintenance of pumps, a repair here and there."""
    start = max(facility.installed_on or today - 365 * D, today - 365 * D)
    if facility.kind == "lift":
        if facility.name != SHOWCASE[1]:
            services.record_add(actor=system, facility=facility, kind="statutory", done_on=today - 200 * D,
                                certificate_no=f"DT-{facility.code[-4:]}", note="定期检验合格")
        on = start + 15 * D
        while on < today:
            services.record_add(actor=system, facility=facility, kind="maintenance", done_on=on,
                                note="半月维护保养：曳引机、门系统、安全回路检查")
            on += 30 * D
    elif facility.kind == "fire":
        services.record_add(actor=system, facility=facility, kind="statutory", done_on=today - 300 * D,
                            certificate_no=f"XF-{facility.code}", note="年度消防设施检测合格")
        services.record_add(actor=system, facility=facility, kind="maintenance", done_on=today - 90 * D,
                            note="灭火器压力检查，更换过期灭火器 4 具")
    elif facility.kind == "pump":
        for months in (9, 6, 3):
            services.record_add(actor=system, facility=facility, kind="maintenance", done_on=today - months * 30 * D,
                                note="水泵保养、水箱清洗（附水质检测报告）")
        services.record_add(actor=system, facility=facility, kind="repair", done_on=today - 40 * D,
                            note="更换 2 号泵机械密封")
    elif facility.kind in ("gate", "camera", "charging"):
        services.record_add(actor=system, facility=facility, kind="maintenance", done_on=today - 60 * D,
                            note="例行检查，运行正常")


def _link_faults(estates, made, system, out) -> None:
    """The demo work orders about a facility become its faults (workorders' demo runs before this one)."""
    links = [(("锦霞小区", "1栋楼道声控灯"), "锦霞小区1栋楼道灯坏了一个星期"),
             (("锦霞苑", "2栋电梯"), "电梯按钮失灵")]
    for key, text in links:
        facility = made.get(key)
        if facility is None:
            continue
        order = WorkOrder.objects.filter(estate=facility.estate, text__startswith=text).order_by("pk").first()
        if order is None:
            out(f"设施设备演示数据：找不到工单“{text}”，未关联。")
            continue
        services.fault_link(actor=system, facility=facility, order=order)
