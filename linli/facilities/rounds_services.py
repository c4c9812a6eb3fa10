"""Inspection rounds (巡检): plan routes and their checkpoints, schedule them, walk them; docs/inspection-rounds.md.

The rules, each with its source:

* **Who patrols.** The property service provider patrols and maintains the shared facilities, above all the lifts and
  fire facilities (Beijing 物业管理条例 art. 88 §1: 对电梯、消防设施等易于发生安全风险的设施设备和部位加强日常巡查和
  定期养护; art. 100 fines a provider that does not); 物业管理条例 (State Council) art. 35 and Civil Code art. 942
  make the upkeep of the shared parts the provider's duty under its contract. Permissions: rounds_permissions.py.
* **How often.** A route runs daily, weekly or monthly. A route with a lift or fire equipment among its checkpoints
  runs **daily**: art. 88 asks for 日常巡查 (everyday patrols) of exactly those, and no text of ../shared/law sets
  another interval, so "日常" is read as once per day — the documented default, a floor, not a ceiling.
* **Periods.** A daily route's period is the day, a weekly route's the week from Monday, a monthly route's the
  calendar month; one round per route and period. A period that has ended without a finished round is **missed**.
* **Order.** Checkpoints are walked in their route's order; a checkpoint visited while an earlier one of the route
  is still unvisited is recorded, and flags the round, as **out of order** (it is still recorded: the check counts).
  "While" is read from the times the visits were made, not from when they reached the server (see Resends).
* **A problem is a work order in one step** (art. 65 (5): a risk found is dealt with at once): the visit creates a work order (channel 巡查发现, kind 举报) through
  linli.workorders.services with the photos, and at a facility links it (FacilityFault, source patrol) and writes
  the facility's history (FacilityRecord kind patrol, result problem); a facility checked fine gets a
  FacilityRecord (patrol, ok). These are the operation and upkeep records of the shared equipment the provider
  keeps (Beijing art. 71 (2)).
* **Resends.** Each visit carries a key made for the phone's form; a visit sent again with the same key (a lost
  connection, a response that never came back) is the same visit, recorded once, with one work order.
* **Late visits** (issue 20: a round in progress survives a lost connection). A visit kept on the phone keeps the
  time it was made: the phone's clock, bounded by the server's (not in the future, not before its round began).
  It counts for the round it was made on, and only if it was made within that round's period; so a period stays
  missed, or done, as it was walked, and the out-of-order flags follow the times the checkpoints were visited.
* **Finishing** needs every checkpoint of the route visited; the round is then done for its period.
"""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.access import require
from linli.facilities import rounds_permissions as perms
from linli.facilities.models import Checkpoint, Facility, FacilityFault, FacilityRecord, Round, Route, Visit

Frequency = Route.Frequency
# The fewer days between rounds, the more often: daily < weekly < monthly.
FREQUENCY_ORDER = [Frequency.DAILY, Frequency.WEEKLY, Frequency.MONTHLY]
# Beijing 物业管理条例 art. 88: lifts and fire facilities are patrolled every day (日常巡查).
MOST_SPACED = {Facility.Kind.LIFT: Frequency.DAILY, Facility.Kind.FIRE: Frequency.DAILY}
MAX_CHECKLIST = 20


# -- periods ---------------------------------------------------------------------------------------------------


def period_start(frequency: str, day: datetime.date) -> datetime.date:
    """The first day of the period of ``frequency`` that contains ``day``."""
    if frequency == Frequency.WEEKLY:
        return day - datetime.timedelta(days=day.weekday())
    if frequency == Frequency.MONTHLY:
        return day.replace(day=1)
    return day


def period_end(frequency: str, start: datetime.date) -> datetime.date:
    """The last day of the period starting on ``start``."""
    if frequency == Frequency.WEEKLY:
        return start + datetime.timedelta(days=6)
    if frequency == Frequency.MONTHLY:
        return start.replace(day=calendar.monthrange(start.year, start.month)[1])
    return start


def next_period(frequency: str, start: datetime.date) -> datetime.date:
    return period_end(frequency, start) + datetime.timedelta(days=1)


def most_spaced_allowed(kinds) -> str:
    """The least frequent schedule allowed for a route whose checkpoints hold facilities of ``kinds`` (art. 88)."""
    allowed = Frequency.MONTHLY
    for kind in kinds:
        floor = MOST_SPACED.get(kind)
        if floor and FREQUENCY_ORDER.index(floor) < FREQUENCY_ORDER.index(allowed):
            allowed = floor
    return allowed


def _check_frequency(frequency: str, kinds) -> None:
    if frequency not in Frequency.values:
        raise ValidationError({"frequency": _("未知的巡检频次：%(f)s") % {"f": frequency}})
    allowed = most_spaced_allowed(kinds)
    if FREQUENCY_ORDER.index(frequency) > FREQUENCY_ORDER.index(allowed):
        raise ValidationError({"frequency": _(
            "路线含电梯或消防设施，按《北京市物业管理条例》第八十八条须日常巡查，巡检频次不能低于%(f)s")
            % {"f": Frequency(allowed).label}})


def _route_kinds(route: Route) -> set[str]:
    return set(route.checkpoints.filter(facility__isnull=False).values_list("facility__kind", flat=True))


# -- planning --------------------------------------------------------------------------------------------------


def _text(value: str, field: str, message: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    if len(value) > max_length:
        raise ValidationError({field: _("不能超过 %(n)s 个字") % {"n": max_length}})
    return value


def route_create(*, estate, name: str, frequency: str, actor, starts_on: datetime.date | None = None) -> Route:
    """A new route of ``estate`` (no checkpoints yet)."""
    require(perms.can_plan(actor, estate), _("只有本小区的物业项目经理或社区、街道管理员可以设置巡检路线"))
    name = _text(name, "name", _("请填写路线名称"), 100)
    _check_frequency(frequency, ())
    with transaction.atomic():
        return Route.objects.create(estate=estate, name=name, frequency=frequency,
                                    starts_on=starts_on or timezone.localdate(), created_by=actor)


def route_schedule(*, route: Route, frequency: str, actor) -> Route:
    """Change how often the route runs (art. 88's floor for lifts and fire equipment applies). The periods that began
    before today stay due under the old schedule (kept in ``earlier_schedules``); the new one counts from its first
    period beginning today or later."""
    require(perms.can_plan(actor, route.estate), _("只有本小区的物业项目经理或社区、街道管理员可以设置巡检路线"))
    with transaction.atomic():
        route = Route.objects.select_for_update().get(pk=route.pk)
        _check_frequency(frequency, _route_kinds(route))
        if frequency != route.frequency:
            today = timezone.localdate()
            # The new schedule starts with its first period that begins today or later; the old one keeps the
            # periods that began before today (they stay due: a change of schedule erases no missed round).
            new_start = period_start(frequency, today)
            if new_start < today:
                new_start = next_period(frequency, new_start)
            new_start = max(new_start, route.starts_on)
            if route.starts_on < today:
                route.earlier_schedules = [*route.earlier_schedules, {
                    "frequency": route.frequency, "from": route.starts_on.isoformat(),
                    "until": today.isoformat(), "by": actor.pk, "at": timezone.now().isoformat()}]
            route.frequency, route.starts_on = frequency, new_start
            route.save(update_fields=["frequency", "starts_on", "earlier_schedules"])
        return route


def route_retire(*, route: Route, actor, on: datetime.date | None = None) -> Route:
    """Stop a route: no round is due after ``on`` (its rounds stay on record)."""
    require(perms.can_plan(actor, route.estate), _("只有本小区的物业项目经理或社区、街道管理员可以设置巡检路线"))
    with transaction.atomic():
        route = Route.objects.select_for_update().get(pk=route.pk)
        if route.retired_on is None:
            route.retired_on = on or timezone.localdate()
            route.save(update_fields=["retired_on"])
        return route


def _checklist(items) -> list[str]:
    if isinstance(items, str):
        items = items.splitlines()
    out = []
    for item in items or ():
        item = str(item).strip()
        if item:
            if len(item) > 100:
                raise ValidationError({"checklist": _("每个检查项不能超过 100 个字")})
            out.append(item)
    if len(out) > MAX_CHECKLIST:
        raise ValidationError({"checklist": _("检查项不能超过 %(n)s 个") % {"n": MAX_CHECKLIST}})
    return out


def checkpoint_add(*, route: Route, name: str, actor, building=None, facility=None, checklist=()) -> Checkpoint:
    """Add a checkpoint at the end of the route. Its place is a building of the route's estate or the estate; a
    facility must be of the same estate; a lift or fire equipment needs a daily route (art. 88)."""
    require(perms.can_plan(actor, route.estate), _("只有本小区的物业项目经理或社区、街道管理员可以设置巡检路线"))
    name = _text(name, "name", _("请填写检查点名称"), 100)
    items = _checklist(checklist)
    if building is not None and building.estate_id != route.estate_id:
        raise ValidationError({"building": _("楼栋不属于本路线的小区")})
    if facility is not None:
        if facility.estate_id != route.estate_id:
            raise ValidationError({"facility": _("设施设备不属于本路线的小区")})
        if facility.status == Facility.Status.RETIRED:
            raise ValidationError({"facility": _("设施设备已报废")})
        if building is None:
            building = facility.building
    with transaction.atomic():
        route = Route.objects.select_for_update().get(pk=route.pk)
        if route.retired_on is not None:
            raise ValidationError({"route": _("路线已停用")})
        if facility is not None:
            try:
                _check_frequency(route.frequency, {facility.kind})
            except ValidationError:
                raise ValidationError({"facility": _(
                    "电梯和消防设施按《北京市物业管理条例》第八十八条须日常巡查：请先把路线改为每日巡检")}) from None
        last = route.checkpoints.order_by("-position").values_list("position", flat=True).first() or 0
        return Checkpoint.objects.create(route=route, position=last + 1, name=name, building=building,
                                         facility=facility, checklist=items)


# -- walking ---------------------------------------------------------------------------------------------------


def current_round(route: Route, today: datetime.date | None = None) -> Round | None:
    """The round of the route's current period, if one was started."""
    today = today or timezone.localdate()
    return Round.objects.filter(route=route, period_start=period_start(route.frequency, today)).first()


def round_start(*, route: Route, actor, now: datetime.datetime | None = None) -> Round:
    """Start the round of the current period; starting it again returns the round in progress (two phones, or a
    resend). A round already finished for the period is refused."""
    require(perms.can_walk(actor, route.estate), _("只有本小区的物业服务人员可以巡检"))
    now = now or timezone.now()
    today = timezone.localdate(now)
    if route.retired_on is not None and route.retired_on <= today:
        raise ValidationError({"route": _("路线已停用")})
    if not route.checkpoints.exists():
        raise ValidationError({"route": _("路线还没有检查点")})
    start = period_start(route.frequency, today)
    with transaction.atomic():
        Route.objects.select_for_update().get(pk=route.pk)
        existing = Round.objects.filter(route=route, period_start=start).first()
        if existing is not None:
            if existing.status == Round.Status.DONE:
                raise ValidationError({"route": _("本周期的巡检已经完成")})
            return existing
        return Round.objects.create(route=route, period_start=start, started_by=actor, started_at=now)


def visit_time(*, round: Round, claimed: datetime.datetime | None, now: datetime.datetime) -> datetime.datetime:
    """When a visit was made: the time the phone says it was made (a visit kept on the phone through a lost
    connection arrives late), bounded by what the server knows: never in the future, never before its round began.
    Without a claimed time, now."""
    if claimed is None:
        return now
    if timezone.is_naive(claimed):
        claimed = timezone.make_aware(claimed)
    return min(max(claimed, round.started_at), now)


def order_flags(visits, positions: dict[int, int]) -> dict[int, bool]:
    """Which visits were out of order, read from the times they were made (not the order they reached the server):
    a visit is out of order when a checkpoint earlier on the route had not been visited by then. ``visits`` are
    (key, checkpoint id, time); ``positions`` maps each checkpoint of the route to its place on it."""
    first_at = {}
    for _key, checkpoint_id, at in visits:
        first_at[checkpoint_id] = min(at, first_at.get(checkpoint_id, at))
    flags = {}
    for key, checkpoint_id, at in visits:
        mine = positions[checkpoint_id]
        flags[key] = any(pos < mine and (cp not in first_at or first_at[cp] > at) for cp, pos in positions.items())
    return flags


def visit_record(*, round: Round, checkpoint: Checkpoint, key: str, actor, ticked=(), ok: bool = True,
                 note: str = "", photos=(), visited_at: datetime.datetime | None = None,
                 now: datetime.datetime | None = None) -> Visit:
    """Record the check of ``checkpoint`` on ``round``; a problem becomes a work order linked to the facility.

    Idempotent on ``key``: the same key again returns the visit already recorded, whatever else it carries (a phone
    resending after a lost connection creates no second visit and no second work order).

    ``visited_at`` is when the phone says the check was made (``visit_time`` bounds it); a visit made after its
    round's period had ended does not count for that period. The out-of-order flags of the round are read from
    these times, so a visit that arrives late but was made in order clears a flag that its absence had raised."""
    require(perms.can_walk(actor, round.route.estate), _("只有本小区的物业服务人员可以巡检"))
    key = (key or "").strip()
    if not key or len(key) > 64:
        raise ValidationError({"key": _("缺少提交标识（1 至 64 个字符）")})
    existing = Visit.objects.filter(key=key).first()
    if existing is not None:
        if existing.round_id != round.pk or existing.checkpoint_id != checkpoint.pk:
            raise ValidationError({"key": _("提交标识已用于另一次巡检")})
        return existing
    if checkpoint.route_id != round.route_id:
        raise ValidationError({"checkpoint": _("检查点不在本次巡检的路线上")})
    if round.status != Round.Status.IN_PROGRESS:
        raise ValidationError({"round": _("本次巡检已经结束")})
    try:
        ticked = sorted({int(i) for i in ticked or ()})
    except (TypeError, ValueError):
        raise ValidationError({"ticked": _("检查项编号无效")}) from None
    if any(i < 0 or i >= len(checkpoint.checklist) for i in ticked):
        raise ValidationError({"ticked": _("检查项编号无效")})
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError({"note": _("不能超过 %(n)s 个字") % {"n": 500}})
    if not ok and not note:
        raise ValidationError({"note": _("发现问题时请描述问题")})
    now = now or timezone.now()
    at = visit_time(round=round, claimed=visited_at, now=now)
    if timezone.localdate(at) > period_end(round.route.frequency, round.period_start):
        raise ValidationError({"round": _("这次检查是在本次巡检的周期（%(start)s 起）结束之后做的，不能计入")
                               % {"start": round.period_start.isoformat()}})
    try:
        with transaction.atomic():
            rnd = Round.objects.select_for_update().get(pk=round.pk)
            if rnd.visits.filter(checkpoint=checkpoint).exists():
                raise ValidationError({"checkpoint": _("本次巡检已记录过这个检查点")})
            positions = dict(Checkpoint.objects.filter(route_id=rnd.route_id).values_list("pk", "position"))
            earlier = list(rnd.visits.values_list("pk", "checkpoint_id", "visited_at", "out_of_order"))
            flags = order_flags([(pk, cp, t) for pk, cp, t, _flag in earlier] + [(None, checkpoint.pk, at)],
                                positions)
            order = None
            if not ok:
                order = _work_order(checkpoint=checkpoint, note=note, photos=photos, actor=actor, now=now, at=at)
            visit = Visit.objects.create(round=rnd, checkpoint=checkpoint, key=key, ticked=ticked, ok=ok, note=note,
                                         out_of_order=flags[None], order=order, visited_by=actor, visited_at=at)
            for flag in (True, False):
                # The flag is a reading of the times: a late arrival made earlier can change it for visits after it.
                changed = [pk for pk, _cp, _t, old in earlier if old != flag and flags[pk] == flag]
                if changed:
                    Visit.objects.filter(pk__in=changed).update(out_of_order=flag)
            if checkpoint.facility_id:
                FacilityRecord.objects.create(
                    facility_id=checkpoint.facility_id, kind=FacilityRecord.Kind.PATROL,
                    done_on=timezone.localdate(at),
                    result=FacilityRecord.Result.OK if ok else FacilityRecord.Result.PROBLEM,
                    note=(note or _("巡检正常：%(route)s") % {"route": rnd.route.name})[:500],
                    recorded_by=actor, recorded_at=now)
                if order is not None:
                    FacilityFault.objects.create(facility_id=checkpoint.facility_id, order=order,
                                                 source=FacilityFault.Source.PATROL, linked_by=actor, linked_at=now)
            out_of_order = any(flags.values())
            if out_of_order != rnd.out_of_order:
                rnd.out_of_order = out_of_order
                rnd.save(update_fields=["out_of_order"])
            return visit
    except IntegrityError:
        # The same key sent twice at once: the other request recorded it.
        existing = Visit.objects.filter(key=key, round=round, checkpoint=checkpoint).first()
        if existing is None:
            raise
        return existing


# A problem that reaches the server this long after it was found says when it was found.
LATE = datetime.timedelta(minutes=5)


def _work_order(*, checkpoint: Checkpoint, note: str, photos, actor, now, at):
    from linli.workorders import services as workorders

    place = workorders.resolve_place(building=checkpoint.building) if checkpoint.building_id else \
        workorders.resolve_place(estate=checkpoint.route.estate)
    what = checkpoint.facility.name if checkpoint.facility_id else checkpoint.name
    text = _("巡检发现（%(point)s · %(what)s）：%(note)s") % {"point": checkpoint.name, "what": what, "note": note}
    if now - at > LATE:
        # Sent late from the phone's queue: the order is created now, the problem was found then.
        text += _("（发现于 %(at)s，网络恢复后提交）") % {"at": timezone.localtime(at).strftime("%Y-%m-%d %H:%M")}
    return workorders.workorder_create(channel="patrol", kind="report", text=text, actor=actor, place=place,
                                       photos=photos, contact_name=str(actor), now=now)


def round_finish(*, round: Round, actor, note: str = "", now: datetime.datetime | None = None) -> Round:
    """Finish the round: every checkpoint of the route must have been visited. Finishing twice is a no-op."""
    require(perms.can_walk(actor, round.route.estate), _("只有本小区的物业服务人员可以巡检"))
    now = now or timezone.now()
    with transaction.atomic():
        rnd = Round.objects.select_for_update().get(pk=round.pk)
        if rnd.status == Round.Status.DONE:
            return rnd
        missing = list(rnd.route.checkpoints.exclude(pk__in=rnd.visits.values("checkpoint_id"))
                       .values_list("name", flat=True))
        if missing:
            raise ValidationError({"round": _("还有检查点未巡检：%(names)s") % {"names": "、".join(missing)}})
        rnd.status = Round.Status.DONE
        rnd.finished_at = now
        rnd.note = (note or "").strip()[:500]
        rnd.save(update_fields=["status", "finished_at", "note"])
        return rnd

