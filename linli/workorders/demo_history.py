"""A year of work orders on the demo street (``linli demo``, issue 17): the shape every chart of the dashboard reads.

The twelve full months before this one and this month up to today, about 4.5 orders per 100 homes a month:

* seasons: 漏水 and 供暖/停水 in winter, 绿化 and 蚊虫 in summer, the rest all year;
* seed 000: before the state custodian took over 九宫庙后街院落 (linli/people/demo.py) its residents called the
  12345 hotline about its state several times a month; after the takeover the calls fall to a trickle;
* tiers 易事/难事/大事 about 135 : 10 : 1 (seed 002), settled at the building, estate, community or street;
* every order routed as the street's table would have routed it on its day (the manager of that day), accepted,
  replied, called back (满意/基本满意/不满意) and closed; an unsatisfied callback reopens it and it goes round again;
  a few street matters ran past their deadline (the sweep's reminder and overdue events), a few stay open and
  overdue today; some are repeats of an order still open, proposed by the repeat check and partly merged.

The rows are written in bulk (a few thousand orders; the services would take minutes), exactly as the services
write them: the same deadlines (``set_deadlines``), the same routing rules, the triage engine's proposal, the same
events with the same data, in order, and the order's columns as its last event leaves them
(linli/core/tests/test_demo_history.py checks the chain). What the services send besides (notifications) is not
written for the past. Deterministic (a fixed seed); dates are counted back from now. Idempotent: nothing is added
when the street has its history already.
"""

from __future__ import annotations

import bisect
import datetime
import random
from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from linli.people.actors import system_actor
from linli.people.demo import STREET
from linli.people.models import Membership, Organization
from linli.places.models import Building, Division, Estate, Home, Stewardship
from linli.triage import services as triage_services
from linli.workorders import routing, summary
from linli.workorders.demo import demo_users
from linli.workorders.models import Status, WorkOrder, WorkOrderEvent
from linli.workorders.services.common import set_deadlines
from linli.workorders.services.intake import intake_triage
from linli.workorders.sweep import REMIND_REPLY_BEFORE

SEED = 17
HISTORY_ID = "DEMO-H-"  # the hotline's numbers of the history's 12345 orders; their presence means it is loaded
RATE = 4.5  # orders per 100 homes a month
TAKEOVER_ESTATE = "九宫庙后街院落"
HOTLINE_BEFORE, HOTLINE_AFTER = 7.0, 1.0  # its 12345 complaints per 100 homes a month, before and after
MIN = datetime.timedelta(minutes=1)
H = datetime.timedelta(hours=1)
D = datetime.timedelta(days=1)

WINTER, SUMMER = {12, 1, 2}, {6, 7, 8}


@dataclass(frozen=True)
class Topic:
    category: str
    subcategory: str
    texts: tuple[str, ...]
    weight: float
    winter: float = 1.0
    summer: float = 1.0
    kind: str = "help"
    reply: str = "已处理完毕。"


TOPICS = (
    Topic("repair", "repair.roof_leak", ("{b}顶楼漏水，下雨天屋里滴水。", "{b}楼顶防水层开裂，顶楼住户墙面渗水发霉。"), 6, 2.6, 1.2,
          reply="已修补屋面防水层，雨后复查无渗漏。"),
    Topic("repair", "repair.drain", ("{b}下水道堵了，污水冒到楼道里。", "{b}单元门口排水沟堵塞，积水排不出去。"), 5, 1.6,
          reply="已疏通管道并清理现场。"),
    Topic("utilities", "utilities.heating", ("{b}家里太冷，想问小区能不能统一安装暖气。", "{b}冬天用电取暖经常跳闸，线路老化。"), 2, 6.0, 0.1,
          kind="consult", reply="已检修单元电表箱并增容，已答复供暖政策。"),
    Topic("utilities", "utilities.water", ("{b}水管冻裂了，楼道里全是水。", "{b}水压太低，楼上用不上水。"), 4, 2.2, 1.0,
          reply="已更换破裂水管，供水恢复。"),
    Topic("greening", "greening.trim", ("{b}窗前的树枝长得太长，挡住光线还招虫。", "小区绿化带杂草丛生，没人修剪。"), 4, 0.3, 2.8,
          reply="已修剪树枝、清除杂草。"),
    Topic("sanitation", "sanitation.pests", ("{b}楼下蚊虫特别多，晚上被咬得睡不着。", "垃圾站周边苍蝇蚊子多，希望消杀。"), 3, 0.1, 4.0,
          reply="已对楼栋周边和垃圾站喷洒消杀。"),
    Topic("sanitation", "sanitation.garbage", ("{b}门口垃圾两天没人清运，味道很大。", "小区垃圾桶满了没人清理。"), 9,
          kind="complaint", reply="已清运并增加清运频次。"),
    Topic("facility", "facility.lighting", ("{b}楼道灯坏了，晚上上下楼看不见。", "小区路灯不亮，晚上出行不安全。"), 8, 1.3,
          reply="已更换灯具。"),
    Topic("facility", "facility.access", ("{b}单元门禁坏了，外人随意进出。",), 4, reply="已更换门禁锁具。"),
    Topic("safety", "safety.ebike", ("{b}有人在楼道里给电动车充电。",), 3, kind="report", reply="已劝离并张贴禁止提示。"),
    Topic("parking", "parking.disorder", ("小区里车辆乱停，堵住消防通道。",), 4, kind="complaint", reply="已劝导挪车并施划停车线。"),
    Topic("neighbor", "neighbor.noise", ("{b}楼上装修噪音大，中午也在施工。",), 3, kind="complaint", reply="已上门劝导，约定施工时间。"),
    Topic("service", "service.slow", ("物业报修总是拖着不来人。",), 2, kind="complaint", reply="已约谈物业，整改响应流程。"),
    Topic("fees", "fees.standard", ("想问一下物业费、清洁费的收费标准。",), 2, kind="consult", reply="已答复收费标准并公示。"),
)
# What the residents of an estate without a manager called 12345 about (seed 000).
NEGLECT = (
    Topic("sanitation", "sanitation.garbage", ("院子里垃圾堆了半个月没人管，臭气熏天。",), 1, kind="complaint",
          reply="已组织清运积存垃圾。"),
    Topic("facility", "facility.lighting", ("院子里路灯全坏了，晚上一片漆黑。",), 1, kind="complaint", reply="已修复路灯。"),
    Topic("repair", "repair.drain", ("院子里化粪池满了，污水流到路上。",), 1, kind="complaint", reply="已抽吸化粪池。"),
    Topic("service", "service.handover", ("院子没有物业，没人打扫也没人管。",), 1, kind="complaint", reply="已由社区兜底保洁。"),
)
CHANNELS = (("resident", 38), ("phone", 18), ("hotline", 14), ("walk_in", 10), ("grid", 10), ("wechat", 5), ("patrol", 5))
TIERS = (("easy", 135), ("hard", 10), ("major", 1))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"


def _picker(rng, pairs):
    values = [v for v, _w in pairs]
    cum, total = [], 0.0
    for _v, w in pairs:
        total += w
        cum.append(total)
    return lambda: values[bisect.bisect_right(cum, rng.random() * total)]


def _reserve_ids(model, n: int) -> list[int]:
    """``n`` fresh primary keys of ``model``'s table, as the next inserts would have had them."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        top = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        top = max(top, row[0] if row else 0)
    return list(range(top + 1, top + n + 1))


class Managers:
    """Who managed each estate on a given day (the stewardship rows), as ``routing.current_mode_and_provider`` says
    for today."""

    def __init__(self, estates):
        self.rows: dict[int, list[Stewardship]] = {}
        for row in Stewardship.objects.filter(estate__in=estates).select_related("provider").order_by("start"):
            self.rows.setdefault(row.estate_id, []).append(row)

    def on(self, estate_id: int, day: datetime.date):
        for row in self.rows.get(estate_id, []):
            if row.start <= day and (row.end is None or day <= row.end):
                provider = row.provider
                if provider is None and row.mode == Stewardship.Mode.BUNDLED and row.lead_estate_id:
                    provider = self.on(row.lead_estate_id, day)[1]
                return row.mode, provider
        return None, None


def _route(order: WorkOrder, mode, provider):
    """``routing.route`` with the manager of the order's day instead of today's."""
    for rule in routing.street_rules(order.street_id):
        if rule.category and rule.category != order.category:
            continue
        if rule.level and rule.level != order.level:
            continue
        if rule.mode and rule.mode != (mode or "none"):
            continue
        org = routing._resolve(rule, order, provider)
        if org is not None:
            return org, f"规则 #{rule.priority}：{rule.note or rule.get_target_display()}"
    return None, ""


def load(*, out) -> None:
    street = Division.objects.filter(code=STREET[1]).first()
    if street is None:
        return
    if WorkOrder.objects.filter(channel="hotline", external_id__startswith=HISTORY_ID).exists():
        out("工单历史数据已存在，未做修改。")
        return
    users = demo_users()
    if len(users) < 9:
        return
    History(street, users).write(out=out)


class History:
    def __init__(self, street, users):
        self.street = street
        self.users = users
        self.rng = random.Random(SEED)
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.estates = list(Estate.objects.filter(community__parent=street).select_related("community")
                            .order_by("pk"))
        self.homes = dict(Home.objects.filter(estate__in=self.estates).order_by().values("estate_id")
                          .annotate(n=Count("pk")).values_list("estate_id", "n"))
        self.buildings: dict[int, list[Building]] = {}
        for b in Building.objects.filter(estate__in=self.estates).order_by("pk"):
            self.buildings.setdefault(b.estate_id, []).append(b)
        self.managers = Managers(self.estates)
        self.system = system_actor()
        self.triage_cache: dict[str, dict] = {}
        self.orders: list[WorkOrder] = []
        self.events: list[list[WorkOrderEvent]] = []
        takeover = next((e for e in self.estates if e.name == TAKEOVER_ESTATE), None)
        current = takeover.current_stewardship(self.today) if takeover else None
        self.takeover = (takeover.pk, current.start) if current and current.mode == "custodian" else None
        self.handlers = self._handlers()
        self.channel_of, self.tier_of = _picker(self.rng, CHANNELS), _picker(self.rng, TIERS)

    def _handlers(self) -> dict[int, object]:
        """The demo login that acts for each organisation (its member, or the admin of its division)."""
        u = self.users
        out = {}
        for m in (Membership.objects.filter(user__in=list(u.values()), organization__isnull=False)
                  .select_related("user").order_by("-pk")):
            out[m.organization_id] = m.user  # the first member (the lowest pk) wins
        for org in Organization.objects.filter(kind__in=("community_committee", "property_centre", "street_office",
                                                          "self_management", "service_station")):
            if org.pk not in out:
                jinxia = org.division and org.division.code == "500104001001"
                out[org.pk] = u["community_admin"] if jinxia else u["street_admin"]
        return out

    # -- writing -------------------------------------------------------------------------------------------

    def write(self, *, out) -> None:
        months = self.generate()
        self._save()
        overdue = sum(1 for o in self.orders if o.overdue)
        out(f"工单历史：近 {len(months)} 个月 {len(self.orders):,} 件工单（{sum(map(len, self.events)):,} 条记录，"
            f"超期 {overdue} 件），{TAKEOVER_ESTATE} 接管前后的 12345 投诉见总览。")

    def generate(self) -> list[tuple[datetime.datetime, datetime.datetime]]:
        """Make the orders and their events in memory (`self.orders`, `self.events`); returns the months."""
        months = self._months()
        serial = 0
        for first, last in months:
            for estate in self.estates:
                homes = self.homes.get(estate.pk, 0)
                for topic, hotline, (lo, hi) in self._draws(estate, homes, first, last):
                    serial += 1
                    self._order(estate, topic, lo, hi, serial, hotline=hotline)
        self._repeats()
        return months

    def _months(self) -> list[tuple[datetime.datetime, datetime.datetime]]:
        """(start, end) of the twelve full months before this one and of this month up to now, local time."""
        first = self.today.replace(day=1)
        starts = []
        for back in range(12, -1, -1):
            y, m = divmod(first.year * 12 + first.month - 1 - back, 12)
            starts.append(datetime.date(y, m + 1, 1))
        bounds = []
        for i, day in enumerate(starts):
            start = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
            end = (timezone.make_aware(datetime.datetime.combine(starts[i + 1], datetime.time()))
                   if i + 1 < len(starts) else self.now - 2 * H)
            bounds.append((start, end))
        return bounds

    def _draws(self, estate, homes: int, first: datetime.datetime, last: datetime.datetime):
        """(topic, from 12345, (from, to)) of each order of the estate in the month from ``first`` to ``last``."""
        month = first.month
        season = "winter" if month in WINTER else "summer" if month in SUMMER else ""
        weights = [t.weight * (t.winter if season == "winter" else t.summer if season == "summer" else 1)
                   for t in TOPICS]
        total = sum(weights)
        n = self._poisson(homes / 100 * RATE * total / sum(t.weight for t in TOPICS))
        draws = [(self.rng.choices(TOPICS, weights)[0], None, (first, last)) for _ in range(n)]
        if self.takeover and estate.pk == self.takeover[0]:
            # the hotline before the takeover day at one rate, after it at the other
            at = timezone.make_aware(datetime.datetime.combine(self.takeover[1], datetime.time()))
            month = (last - first).total_seconds()
            for lo, hi, rate, topics in ((first, min(last, at), HOTLINE_BEFORE, NEGLECT),
                                         (max(first, at), last, HOTLINE_AFTER, TOPICS)):
                if hi <= lo:
                    continue
                share = (hi - lo).total_seconds() / month * (month / (30.4 * 86400))
                for _ in range(self._poisson(homes / 100 * rate * share)):
                    draws.append((self.rng.choice(topics), True, (lo, hi)))
        return draws

    def _poisson(self, lam: float) -> int:
        # Knuth's method: fine for the small means here.
        limit, k, p = pow(2.718281828459045, -lam), 0, self.rng.random()
        while p > limit:
            k += 1
            p *= self.rng.random()
        return k

    def _order(self, estate, topic: Topic, first, last, serial: int, *, hotline: bool | None) -> None:
        rng, u = self.rng, self.users
        span = (last - first).total_seconds()
        received = first + datetime.timedelta(seconds=rng.random() * span)
        local = timezone.localtime(received)
        received = local.replace(hour=rng.choice((8, 9, 9, 10, 10, 11, 14, 15, 15, 16, 17, 19, 20)),
                                 minute=rng.randrange(60), second=rng.randrange(60), microsecond=0)
        received = min(max(received, first), last - MIN)
        if received > self.now - 2 * H:
            received = self.now - datetime.timedelta(hours=2 + rng.random() * 20)
        channel = "hotline" if hotline else self.channel_of()
        buildings = self.buildings.get(estate.pk) or []
        building = rng.choice(buildings) if buildings and "{b}" in topic.texts[0] else None
        text = rng.choice(topic.texts).format(b=building.number if building else "")
        tier = self.tier_of()
        if tier == "easy":
            level = "building" if building else "estate"
        else:
            level = "community" if tier == "hard" else "street"
        community = estate.community
        created_by = None
        if channel in ("walk_in", "phone", "wechat"):
            created_by = u["community_admin"] if community.code == "500104001001" else u["street_admin"]
        elif channel == "grid":
            created_by = u["grid_worker"]
        elif channel == "patrol":
            created_by = u["street_admin"]
        contact = ("", "")
        if channel != "patrol":
            contact = (f"{rng.choice(SURNAMES)}{rng.choice(('女士', '先生', '阿姨', '大爷'))}",
                       f"1{rng.choice('3589')}{rng.randrange(10**9):09d}")
        order = WorkOrder(
            channel=channel, kind=topic.kind, text=text, contact_name=contact[0], contact_phone=contact[1],
            street_id=self.street.pk, community_id=community.pk, estate_id=estate.pk,
            building_id=building.pk if building else None, category=topic.category, subcategory=topic.subcategory,
            tier=tier, level=level, triage=self._triage(text), received_at=received, created_by=created_by,
            created_at=received, external_id=f"{HISTORY_ID}{serial:05d}" if channel == "hotline" else "",
        )
        order.urgent = bool(order.triage.get("urgent"))  # an urgent signal makes it urgent, as at intake
        order.street = self.street
        order.community = community
        order._topic = topic
        self._steps(order, estate)

    def _triage(self, text: str) -> dict:
        if text not in self.triage_cache:
            self.triage_cache[text] = intake_triage(text, street=self.street) or {}
        return dict(self.triage_cache[text])

    # -- the life of one order ------------------------------------------------------------------------------

    def _steps(self, order: WorkOrder, estate) -> None:
        rng, u = self.rng, self.users
        t = order.received_at
        mode, provider = self.managers.on(estate.pk, timezone.localtime(t).date())
        org, reason = _route(order, mode, provider)
        events = [self._event(order, "create", "", Status.RECEIVED, order.created_by, t,
                              note=f"渠道：{order.get_channel_display()}", data={"channel": order.channel})]
        order.status = Status.RECEIVED
        self.orders.append(order)
        self.events.append(events)
        if org is None:
            order.needs_triage = True
            return
        self._dispatch(order, events, org, t, reason)
        handler = self.handlers.get(org.pk, u["street_admin"])
        age = self.now - t
        late = order.level == "street" and rng.random() < 0.35
        open_now = age < 12 * D and rng.random() < min(0.9, 1.2 - age / (12 * D))
        rounds = 2 if rng.random() < 0.05 else 1
        for round_ in range(rounds):
            last_round = round_ == rounds - 1
            # accepted before the sweep's reminder (30 minutes before the signing deadline)
            t = order.dispatched_at + datetime.timedelta(minutes=rng.randint(3, 25 if order.urgent else 80))
            if t > self.now:
                return
            self._go(order, events, "accept", Status.ACCEPTED, handler, t)
            order.accepted_at = t
            # still in hand today: a street matter past its deadline, or one whose deadline is not yet near
            if open_now and last_round and (late or (rng.random() < 0.5
                                                      and self.now < order.reply_due - REMIND_REPLY_BEFORE)):
                self._sweep(order, events, self.now)
                return
            t += datetime.timedelta(minutes=rng.randint(10, 240))
            if t > self.now - 10 * MIN:
                self._sweep(order, events, self.now)
                return
            self._sweep(order, events, t)
            self._go(order, events, "start", Status.IN_PROGRESS, handler, t)
            if late:
                t = order.reply_due + datetime.timedelta(hours=rng.randint(6, 96))
            else:
                room = (order.reply_due - REMIND_REPLY_BEFORE - t).total_seconds()
                t += datetime.timedelta(seconds=max(600.0, room * rng.random() * 0.8))
                t = min(t, order.reply_due - 10 * MIN)
            if t > self.now - H:
                if late or self.now < order.reply_due:
                    self._sweep(order, events, self.now)
                    return
                t = max(events[-1].at + MIN, min(t, order.reply_due - 10 * MIN))  # replied in time, as the rest
            self._sweep(order, events, t)
            topic = order._topic
            self._go(order, events, "reply", Status.REPLIED, handler, t, note=topic.reply)
            order.replied_at, order.reply_text = t, topic.reply
            t += datetime.timedelta(hours=rng.randint(4, 72))
            if t > self.now - H or (open_now and rng.random() < 0.5):
                return
            unhappy = round_ == 0 and rounds == 2
            satisfaction = "unsatisfied" if unhappy else rng.choices(("satisfied", "basic"), (82, 18))[0]
            solved = not unhappy
            rater = u["district_admin"]
            self._go(order, events, "visit", Status.VISITED, rater, t,
                     data={"solved": solved, "satisfaction": satisfaction, "reached": True})
            order.solved, order.satisfaction, order.reached = solved, satisfaction, True
            if unhappy:
                self._reopen(order, events, t)
                continue
            t += datetime.timedelta(minutes=rng.randint(10, 600))
            if t > self.now:
                return
            self._go(order, events, "close", Status.CLOSED, u["street_admin"], t, note="回访满意，结案")
            order.closed_at = t

    def _event(self, order, kind, before, after, actor, at, *, note="", data=None) -> WorkOrderEvent:
        return WorkOrderEvent(order=order, kind=kind, from_status=before, to_status=after, actor=actor, at=at,
                              note=note, data=data or {})

    def _go(self, order, events, kind, after, actor, at, *, note="", data=None) -> None:
        events.append(self._event(order, kind, order.status, after, actor, at, note=note, data=data))
        order.status = after

    def _dispatch(self, order, events, org, at, reason) -> None:
        before = order.status
        order.assignee_org = org
        order.status = Status.DISPATCHED
        order.dispatched_at = at
        order.needs_triage = False
        set_deadlines(order, at)
        events.append(self._event(order, "dispatch", before, Status.DISPATCHED, self.system, at, note=reason, data={
            "to": org.pk, "to_name": str(org), "person": None, "accept_due": order.accept_due.isoformat(),
            "reply_due": order.reply_due.isoformat()}))

    def _sweep(self, order, events, until) -> None:
        """What the deadline sweep (every few minutes) wrote on an order in hand before ``until``: the reminder a day
        before the reply deadline, and for a street matter past it the overdue mark (a street matter cannot be
        escalated further, so it stays overdue where it is). Other orders are replied before their deadline."""
        if order.status not in (Status.ACCEPTED, Status.IN_PROGRESS):
            return
        remind = max(order.reply_due - REMIND_REPLY_BEFORE, events[-1].at) + 5 * MIN
        if not order.reminded and remind < until:
            events.append(self._event(order, "remind", order.status, order.status, None, remind, note="即将超期"))
            order.reminded = True
        due = order.reply_due + 5 * MIN
        if order.level == "street" and not order.overdue and due < until:
            events.append(self._event(order, "overdue", order.status, order.status, None, due, note="超过办结时限",
                                      data={"kind": "reply"}))
            order.overdue = True

    def _reopen(self, order, events, at) -> None:
        before = order.status
        order.status = Status.DISPATCHED
        order.reopen_count += 1
        order.dispatched_at = at
        set_deadlines(order, at)
        events.append(self._event(order, "reopen", before, Status.DISPATCHED, self.system, at,
                                  note="回访不满意或未解决，自动重办", data={"reopen_count": order.reopen_count}))

    # -- repeats ---------------------------------------------------------------------------------------------

    def _repeats(self) -> None:
        """Some residents ask again while their order is still open (same text, same phone, a few days later):
        the intake's repeat check proposes the open order; the street merges about half of them."""
        rng = self.rng
        pool = [(o, ev) for o, ev in zip(self.orders, self.events, strict=True)
                if o.contact_phone and o.status != Status.RECEIVED and o.estate_id]
        picked = rng.sample(pool, min(len(pool), len(self.orders) // 25))
        for original, original_events in picked:
            open_until = next((e.at for e in original_events if e.kind == "reply"), self.now)
            at = original.received_at + datetime.timedelta(hours=rng.randint(20, 120))
            if at >= open_until or at >= self.now - 3 * H:
                continue
            repeat = WorkOrder(
                channel=rng.choice(("phone", "resident", "hotline")), kind="complaint", text=original.text,
                contact_name=original.contact_name, contact_phone=original.contact_phone,
                street_id=original.street_id, community_id=original.community_id, estate_id=original.estate_id,
                building_id=original.building_id, category=original.category, subcategory=original.subcategory,
                tier=original.tier, level=original.level, triage=self._triage(original.text), received_at=at,
                created_at=at, created_by=self.users["street_admin"],
            )
            repeat.street, repeat.community, repeat._topic = original.street, original.community, original._topic
            if repeat.channel == "hotline":
                repeat.external_id = f"{HISTORY_ID}R{len(self.orders):05d}"
            if repeat.channel == "resident":
                repeat.created_by = None
            found = triage_services.propose_repeats(
                {"id": None, "text": repeat.text, "estate_id": repeat.estate_id, "building_id": repeat.building_id,
                 "received_at": at, "phone": repeat.contact_phone, "category": repeat.category},
                [{"id": id(original), "text": original.text, "estate_id": original.estate_id,
                  "building_id": original.building_id, "received_at": original.received_at,
                  "phone": original.contact_phone, "category": original.category}], now=at)
            marks = {}
            if found["proposals"]:
                marks["repeats"] = [{"code": original, "score": p["score"], "reasons": p["reasons"]}
                                    for p in found["proposals"][:1]]
            if found["repeated_caller"]:
                marks["repeated_caller"] = [original]
            repeat.triage = {**repeat.triage, **marks}
            estate = next(e for e in self.estates if e.pk == repeat.estate_id)
            merge = bool(marks) and rng.random() < 0.5
            if merge:
                t = at
                events = [self._event(repeat, "create", "", Status.RECEIVED, repeat.created_by, t,
                                      note=f"渠道：{repeat.get_channel_display()}", data={"channel": repeat.channel})]
                repeat.status = Status.RECEIVED
                mode, provider = self.managers.on(estate.pk, timezone.localtime(t).date())
                org, reason = _route(repeat, mode, provider)
                if org is not None:
                    self._dispatch(repeat, events, org, t, reason)
                # never after now: a repeat asked three hours ago is merged before now, not later today
                t = min(t + datetime.timedelta(minutes=rng.randint(20, 300)), self.now - 5 * MIN)
                self._go(repeat, events, "merge", Status.MERGED, self.users["street_admin"], t,
                         note="合并到 {code}", data={"into": original, "into_code": original})
                repeat.duplicate_of = original
                self.orders.append(repeat)
                self.events.append(events)
            else:
                self._steps(repeat, estate)

    # -- saving ----------------------------------------------------------------------------------------------

    def _save(self) -> None:
        orders = sorted(zip(self.orders, self.events, strict=True), key=lambda pair: pair[0].received_at)
        ids = _reserve_ids(WorkOrder, len(orders))
        for pk, (order, _events) in zip(ids, orders, strict=True):
            order.pk = pk
            order.code = f"{timezone.localtime(order.received_at):%Y%m%d}-{pk:04d}"
        for order, events in orders:  # references to other orders become their numbers once they have them
            marks = order.triage
            if "repeats" in marks:
                marks["repeats"] = [{**r, "code": r["code"].code} for r in marks["repeats"]]
            if "repeated_caller" in marks:
                marks["repeated_caller"] = [o.code for o in marks["repeated_caller"]]
            for e in events:
                if e.kind == "merge":
                    into = e.data["into"]
                    e.data = {"into": into.pk, "into_code": into.code}
                    e.note = f"合并到 {into.code}"
        WorkOrder.objects.bulk_create([o for o, _e in orders], batch_size=500)
        # Written around the services: the orders still in hand are counted in the work-in-hand summary here, or the
        # inbox tabs and the boards (which read it) would miss them while the lists show them (issue 18 item 6).
        summary.add(Counter(key for o, _e in orders if (key := summary.key_of(o)) is not None))
        flat = []
        for order, events in orders:
            for e in events:
                e.order = order
                flat.append(e)
        flat.sort(key=lambda e: (e.at, e.order_id))
        WorkOrderEvent.objects.bulk_create(flat, batch_size=1000)

