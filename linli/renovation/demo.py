"""Demo renovation and emergency service on the 九宫庙 street: the renovation of 锦霞一片区, a cluster (片区) of two
estates of 锦霞社区 — 锦霞小区 (the demo resident's estate, the lead) and its neighbour 锦霞二村 — with its plan
published for comments, two comments and an answer, and a lift the project adds; and an emergency
property service in 钢花老院 (脱管 since 2014) ending in three weeks, with its public notice and the selection case
that looks for a new manager (北京市物业管理条例 art. 77). Idempotent: nothing is added when the project is there.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from linli.assembly.models import Survey
from linli.people.demo import STATE_CUSTODIAN
from linli.people.models import Organization, User
from linli.places.models import Estate

from . import services
from .models import EmergencyService, Project

PROJECT = "锦霞一片区老旧小区综合整治（2026年）"
PROJECT_ESTATE = "锦霞小区"  # the lead estate
CLUSTER_ESTATES = ("锦霞小区", "锦霞二村")  # two estates of 锦霞社区 renovated together: one budget, one contractor
EMERGENCY_ESTATE = "钢花老院"
PLAN = ("一、加装电梯：2栋1单元、2栋2单元各加装1部（经本单元业主同意后实施）；\n"
        "二、更换供水、排水管网，改造二次供水泵房；\n"
        "三、屋面防水、外墙修缮、楼道照明改为声控灯；\n"
        "四、增设电动自行车充电棚1处（东门），智能门禁2处；\n"
        "五、锦霞二村：雨污分流、屋面防水，与锦霞小区打通消防通道。\n"
        "方案公示期间，欢迎锦霞小区、锦霞二村居民在本页提出意见，社区将逐条答复。")


def load(*, out) -> None:
    if Project.objects.filter(title=PROJECT).exists():
        return
    users = {u.username: u for u in User.objects.filter(
        username__in=["street_admin", "community_admin", "resident", "committee_chair"])}
    estate = Estate.objects.filter(name=PROJECT_ESTATE, community__parent__code="500104001").first()
    if estate is None or "community_admin" not in users or "street_admin" not in users:
        return
    cluster = [estate, *Estate.objects.filter(name__in=CLUSTER_ESTATES, community=estate.community).exclude(
        pk=estate.pk).order_by("name")]
    admin, street = users["community_admin"], users["street_admin"]
    survey = Survey.objects.filter(community=estate.community, estate__in=[estate, None]).order_by("pk").first()
    project = services.project_create(
        estate=estate, estates=cluster, title=PROJECT, actor=admin, budget=Decimal("4620000"), survey=survey,
        summary="锦霞小区、锦霞二村连片列入2026年老旧小区改造计划（同一预算、同一施工单位）：加装电梯、管网更换、"
                "屋面防水、充电棚和门禁。")
    project = services.project_advance(project=project, actor=admin, plan=PLAN,
                                       note="入户征询和居民议事会汇总需求，形成改造方案")
    services.facility_create(project=project, kind="lift", name="2栋1单元加装电梯", actor=admin,
                             location="2栋1单元北侧")
    comments = [("resident", "希望先做屋面防水，顶楼每年漏雨。电梯加装费用怎么分摊？"),
                ("committee_chair", "充电棚建议放在东门外侧空地，不要占用消防通道。")]
    first = None
    for username, body in comments:
        if username in users:
            comment = services.comment_add(project=project, actor=users[username], body=body)
            first = first or comment
    if first is not None:
        services.answer_add(comment=first, actor=admin,
                            body="屋面防水列入第一批施工；加装电梯费用按本单元业主协商的分摊方案，政府补贴部分另行公示。")
    out(f"  改造项目：{PROJECT}（{'、'.join(e.name for e in cluster)}，方案公示中）")

    gang = Estate.objects.filter(name=EMERGENCY_ESTATE, community__parent__code="500104001").first()
    custodian = Organization.objects.filter(name=STATE_CUSTODIAN).first()
    if gang is None or custodian is None or EmergencyService.objects.filter(estate=gang).exists():
        return
    today = timezone.localdate()
    services.emergency_appoint(
        estate=gang, provider=custodian, mode="custodian", start=today - datetime.timedelta(days=155),
        end=today + datetime.timedelta(days=21), document="九宫庙街道办事处〔2026〕物业应急4号",
        services="供水设施运行、垃圾清运、楼道保洁、公共照明维修", costs="每户每月12元，由全体业主承担；街道先行垫付",
        monthly_cost=Decimal("12"), actor=street)
    out(f"  应急物业服务：{EMERGENCY_ESTATE}（三周后到期，选聘案进行中）")
