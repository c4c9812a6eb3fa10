"""The figures of the reports, gathered from the apps' own selectors (workorders rates, places coverage, fees
collection, meetings). One small function per figure, named by it, so that each can be switched to the dashboard's
summary tables (``linli/dashboard/selectors.py``) without touching the layouts in ``pdf.py`` and ``xlsx.py``.

No personal data of reporters is read: orders are named by code, estate and category, organisations by name.
docs/dashboard-reports.md gives every definition.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.meetings.models import JointMeeting, JointMeetingTask
from linli.people.models import Organization
from linli.places.models import Division, Estate, Home
from linli.places.selectors import Coverage, coverage
from linli.triage.labels import category_label
from linli.workorders import daily, rates
from linli.workorders.models import Channel, Level, Status, Tier, WorkOrder, WorkOrderEvent

RATE_PLACES = rates.RATE_PLACES
TOP = 10  # rows in the "top problems" tables
LIST_LIMIT = 200  # rows of the overdue and repeat lists (the count above each list says how many there are)
DONE_STATUSES = (Status.REPLIED, Status.VISITED, Status.CLOSED)
NOT_DONE = (Status.RECEIVED, Status.DISPATCHED, Status.ACCEPTED, Status.IN_PROGRESS)
STATUS_LABELS = dict(Status.choices)


# -- periods ------------------------------------------------------------------------------------------------


def month_period(key: str) -> rates.Period:
    """``2026-11`` → that month (local days)."""
    if not re.fullmatch(r"\d{4}-\d{2}", key or ""):
        raise ValueError(_("月份应写作 2026-11：%(p)s") % {"p": key})
    return rates.parse_period(key)


def week_period(key: str) -> rates.Period:
    """``2026-W48`` → that ISO week, Monday to Sunday."""
    m = re.fullmatch(r"(\d{4})-W(\d{2})", (key or "").upper())
    if not m:
        raise ValueError(_("周次应写作 2026-W48：%(p)s") % {"p": key})
    try:
        monday = datetime.date.fromisocalendar(int(m[1]), int(m[2]), 1)
    except ValueError:
        raise ValueError(_("没有这一周：%(p)s") % {"p": key}) from None
    return rates.period_of_days(monday, monday + datetime.timedelta(days=6), f"{m[1]}-W{m[2]}")


def week_key(day: datetime.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def same_period_last_year(period: rates.Period) -> rates.Period:
    """The same month a year before (or the same days, 29 February becoming the 28th)."""
    if re.fullmatch(r"\d{4}-\d{2}", period.key):
        return rates.parse_period(f"{period.first_day.year - 1}-{period.first_day.month:02d}")

    def back(day: datetime.date) -> datetime.date:
        try:
            return day.replace(year=day.year - 1)
        except ValueError:
            return day.replace(year=day.year - 1, day=28)

    return rates.period_of_days(back(period.first_day), back(period.last_day))


# -- small helpers --------------------------------------------------------------------------------------------


def ratio(num: int | Decimal, den: int | Decimal) -> Decimal | None:
    """num ÷ den rounded half-up to 4 places, as the rates are; ``None`` when there is nothing to count."""
    if not den:
        return None
    return rates._round(Fraction(num) / Fraction(den), RATE_PLACES)


def change(now: int, before: int) -> Decimal | None:
    """The relative change from ``before`` to ``now`` (0.1250 = 12.5 % more); ``None`` without a base."""
    return ratio(now - before, before) if before else None


def orders_of(division: Division):
    return WorkOrder.objects.filter(rates.division_orders_q(division))


def estates_of(division: Division):
    return Estate.objects.filter(community__path__startswith=division.path)


def repeat_q() -> Q:
    """A repeat complaint (重复投诉): merged into an earlier order of the same matter by a person (``duplicate_of``),
    or from a caller whose number already reported within the last 7 days (``triage.repeated_caller``, flagged at
    intake). Proposals of the repeat check that nobody confirmed are not counted."""
    return Q(duplicate_of__isnull=False) | Q(triage__has_key="repeated_caller")


# -- work orders: the month's figures ---------------------------------------------------------------------------


@dataclass
class Received:
    """Orders received in a period: how many, by channel, category and tier."""

    total: int = 0
    by_channel: list[tuple[str, str, int]] = field(default_factory=list)  # (key, label, n)
    by_category: list[tuple[str, str, int]] = field(default_factory=list)  # (code, label, n), most first
    by_tier: list[tuple[str, str, int]] = field(default_factory=list)

    def count(self, part: str, key: str) -> int:
        return next((n for k, _label, n in getattr(self, part) if k == key), 0)


def month_groups(division: Division, period: rates.Period) -> list[tuple]:
    """One grouped read of the orders received in the period, shared by the figures below: (tier, channel,
    category, estate id, assignee organisation id, orders, of them repeats)."""
    return list(orders_of(division).filter(received_at__gte=period.start, received_at__lt=period.end)
                .values_list("tier", "channel", "category", "estate_id", "assignee_org_id")
                .annotate(n=Count("pk"), rep=Count("pk", filter=repeat_q())).order_by())


def received(division: Division, period: rates.Period, groups: list[tuple] | None = None) -> Received:
    """受理量: orders received (``received_at``) in the period, by channel, category and tier."""
    tiers, channels, categories = {}, {}, {}
    for tier, channel, category, _estate, _org, n, _rep in (month_groups(division, period) if groups is None
                                                           else groups):
        tiers[tier] = tiers.get(tier, 0) + n
        channels[channel] = channels.get(channel, 0) + n
        categories[category] = categories.get(category, 0) + n
    return Received(
        total=sum(tiers.values()),
        by_channel=[(c.value, str(c.label), channels.get(c.value, 0)) for c in Channel if channels.get(c.value)],
        by_category=[(c, category_label(c) if c else _("（未分类）"), n)
                     for c, n in sorted(categories.items(), key=lambda item: (-item[1], item[0]))],
        by_tier=[(t.value, str(t.label), tiers.get(t.value, 0)) for t in Tier],
    )


def backlog(division: Division) -> list[tuple[str, str, int]]:
    """积压: work in hand now (received … replied, not yet called back or closed), by status."""
    counts = dict(orders_of(division).active().values_list("status").annotate(n=Count("pk")).order_by())
    return [(s, str(STATUS_LABELS[s]), counts.get(s, 0)) for s in (
        Status.RECEIVED, Status.DISPATCHED, Status.ACCEPTED, Status.IN_PROGRESS, Status.REPLIED)]


@dataclass
class OrderLine:
    """One order in a list of the reports: no reporter, no text, only where, what and who holds it."""

    code: str
    estate: str
    community: str
    category: str
    received_at: datetime.datetime
    status: str
    holder: str
    reply_due: datetime.datetime | None = None
    days_overdue: int | None = None
    note: str = ""


def _holder(name) -> str:
    return name or _("（未派单）")


LINE_FIELDS = ("code", "estate__name", "community__name", "category", "received_at", "status", "assignee_org__name",
               "reply_due")


def _line(row, **extra) -> OrderLine:
    code, estate, community, category, received_at, status, holder, reply_due = row[:8]
    return OrderLine(code=code, estate=estate or "—", community=community or "—",
                     category=category_label(category) if category else _("（未分类）"), received_at=received_at,
                     status=str(STATUS_LABELS.get(status, status)), holder=_holder(holder), reply_due=reply_due,
                     **extra)


def overdue_now(division: Division, *, now: datetime.datetime, limit: int = LIST_LIMIT) -> tuple[int, list[OrderLine]]:
    """超期: work in hand marked overdue by the sweep, most late first — (how many, the first ``limit``). Days
    overdue are whole days since the reply deadline (办结时限)."""
    overdue = orders_of(division).overdue()
    count = overdue.count()
    lines = []
    for row in overdue.order_by("reply_due", "pk").values_list(*LINE_FIELDS)[:limit]:
        due = row[7]
        lines.append(_line(row, days_overdue=max((now - due).days, 0) if due else None))
    return count, lines


def assessment_rates(division: Division, period: rates.Period, *, now: datetime.datetime) -> rates.Rates:
    """响应率、解决率、满意率 and the score, exactly as the rates page shows them: from the daily summary once it is built
    (linli/workorders/daily.py, as of its last run, at most a minute ago), else from the events (rates.compute)."""
    if daily.is_built():
        return daily.compute(division, period)
    return rates.compute(division, period, now=now)


@dataclass
class Share:
    """A count out of a count, and its rate (rounded as the rates are)."""

    num: int = 0
    den: int = 0

    @property
    def rate(self) -> Decimal | None:
        return ratio(self.num, self.den)


def on_time(division: Division, period: rates.Period) -> Share:
    """按时办结率: of the orders replied to (办结反馈, ``replied_at``) in the period that had a reply deadline, those
    replied no later than it (the deadline in force, extensions included)."""
    counts = (orders_of(division).filter(replied_at__gte=period.start, replied_at__lt=period.end,
                                         reply_due__isnull=False)
              .aggregate(n=Count("pk"), ok=Count("pk", filter=Q(replied_at__lte=F("reply_due")))))
    return Share(counts["ok"] or 0, counts["n"] or 0)


def repeats(division: Division, period: rates.Period, groups: list[tuple] | None = None, *,
            limit: int = LIST_LIMIT) -> tuple[Share, list[OrderLine]]:
    """重复投诉率 = repeat complaints (``repeat_q``) among the orders received in the period ÷ orders received; and
    the list of them, newest first (not read when there are none)."""
    groups = month_groups(division, period) if groups is None else groups
    share = Share(sum(g[6] for g in groups), sum(g[5] for g in groups))
    lines = []
    if share.num:
        month = orders_of(division).filter(received_at__gte=period.start, received_at__lt=period.end)
        for row in (month.filter(repeat_q()).order_by("-received_at", "-pk")
                    .values_list(*LINE_FIELDS, "duplicate_of__code")[:limit]):
            lines.append(_line(row, note=(_("重复：%(c)s") % {"c": row[8]}) if row[8] else _("同一号码7天内再次来电")))
    return share, lines


@dataclass
class EstateLine:
    """An estate with many orders: how many, its homes, and orders per 100 homes (the seed-000 figure)."""

    name: str
    community: str
    orders: int
    homes: int

    @property
    def per_100_homes(self) -> Decimal | None:
        if not self.homes:
            return None
        return (Decimal(self.orders * 100) / Decimal(self.homes)).quantize(Decimal("0.01"))


def top_estates(division: Division, period: rates.Period, groups: list[tuple] | None = None, *,
                n: int = TOP) -> list[EstateLine]:
    """The estates with the most orders received in the period (orders with no estate left out)."""
    per_estate = {}
    for _tier, _channel, _category, estate, _org, count, _rep in (month_groups(division, period) if groups is None
                                                                   else groups):
        if estate is not None:
            per_estate[estate] = per_estate.get(estate, 0) + count
    rows = sorted(per_estate.items(), key=lambda item: (-item[1], item[0]))[:n]
    ids = [pk for pk, _n in rows]
    names = {pk: (name, community) for pk, name, community in
             Estate.objects.filter(pk__in=ids).values_list("pk", "name", "community__name")}
    homes = dict(Home.objects.filter(estate_id__in=ids).values_list("estate_id").annotate(c=Count("pk")).order_by())
    return [EstateLine(names[pk][0], names[pk][1], count, homes.get(pk, 0)) for pk, count in rows]


# -- registry and fees --------------------------------------------------------------------------------------------


def coverage_now(division: Division, *, on: datetime.date) -> Coverage:
    """覆盖率: estates and homes by management mode on ``on``, and the unmanaged estates (``places.selectors``)."""
    return coverage(division, on=on)


@dataclass
class FeeCollection:
    """收缴率 of the bills whose period starts in the month (``fees.selectors.collection``'s definition)."""

    billed: Decimal = Decimal("0.00")
    relief: Decimal = Decimal("0.00")
    paid: Decimal = Decimal("0.00")
    outstanding: Decimal = Decimal("0.00")
    homes: int = 0
    homes_settled: int = 0

    @property
    def due(self) -> Decimal:
        return self.billed - self.relief

    @property
    def rate(self) -> Decimal | None:
        """Collected ÷ due, by amount."""
        return ratio(self.paid, self.due)

    @property
    def household_rate(self) -> Decimal | None:
        """Households with nothing outstanding ÷ households billed."""
        return ratio(self.homes_settled, self.homes)


def fee_collection(division: Division, period: rates.Period) -> FeeCollection:
    from linli.fees.selectors import collection

    c = collection(estates_of(division).values("pk"), period.first_day, period.last_day)
    return FeeCollection(billed=c.billed, relief=c.relief, paid=c.paid, outstanding=c.outstanding, homes=c.homes,
                         homes_settled=c.homes_settled)


# -- the monthly street report --------------------------------------------------------------------------------------


@dataclass
class MonthReport:
    """月度物业服务与接诉即办报告: everything the PDF and the workbook show."""

    division: Division
    period: rates.Period
    generated_at: datetime.datetime
    generated_by: str
    received: Received
    received_last_year: Received
    last_year: rates.Period
    backlog: list[tuple[str, str, int]]
    overdue_count: int
    overdue: list[OrderLine]
    rates: rates.Rates
    on_time: Share
    repeat: Share
    repeat_lines: list[OrderLine]
    top_estates: list[EstateLine]
    coverage: Coverage
    fees: FeeCollection
    summary: str = ""

    @property
    def backlog_total(self) -> int:
        return sum(n for _k, _label, n in self.backlog)

    @property
    def top_categories(self) -> list[tuple[str, str, int]]:
        return self.received.by_category[:TOP]

    @property
    def received_change(self) -> Decimal | None:
        return change(self.received.total, self.received_last_year.total)


def pct(value: Decimal | None, places: int = 1) -> str:
    """0.8750 → "87.5%"; None → "—" (what a person reads; the workbook keeps the number)."""
    if value is None:
        return "—"
    return f"{value * 100:.{places}f}%"


def month_summary(r: MonthReport) -> str:
    """One plain sentence on top of the report."""
    if r.received_last_year.total:
        delta = r.received_change
        trend = (_("比去年同期增加 %(p)s") % {"p": pct(delta)} if delta > 0 else
                 _("比去年同期减少 %(p)s") % {"p": pct(-delta)} if delta < 0 else _("与去年同期持平"))
    else:
        trend = _("去年同期没有记录")
    t = r.rates.total
    return _("%(period)s，%(name)s共受理诉求 %(n)s 件，%(trend)s；响应率 %(resp)s、解决率 %(res)s、满意率 %(sat)s；"
             "目前在办 %(backlog)s 件，其中超期 %(overdue)s 件；物业费收缴率 %(fees)s。") % {
        "period": _("%(y)s年%(m)s月") % {"y": r.period.first_day.year, "m": r.period.first_day.month},
        "name": r.division.name, "n": r.received.total, "trend": trend,
        "resp": pct(t.response_rate), "res": pct(t.resolution_rate), "sat": pct(t.satisfaction_rate),
        "backlog": r.backlog_total, "overdue": r.overdue_count, "fees": pct(r.fees.rate)}


def who(user) -> str:
    return (getattr(user, "display_name", "") or user.get_username()) if user is not None else _("系统")


def month_report(division: Division, period: rates.Period, *, user=None, now: datetime.datetime | None = None
                 ) -> MonthReport:
    now = now or timezone.now()
    last_year = same_period_last_year(period)
    overdue_count, overdue_lines = overdue_now(division, now=now)
    groups = month_groups(division, period)
    repeat, repeat_lines = repeats(division, period, groups)
    report = MonthReport(
        division=division, period=period, generated_at=now, generated_by=who(user),
        received=received(division, period, groups), received_last_year=received(division, last_year),
        last_year=last_year,
        backlog=backlog(division), overdue_count=overdue_count, overdue=overdue_lines,
        rates=assessment_rates(division, period, now=now), on_time=on_time(division, period),
        repeat=repeat, repeat_lines=repeat_lines, top_estates=top_estates(division, period, groups),
        coverage=coverage_now(division, on=min(timezone.localtime(now).date(), period.last_day)),
        fees=fee_collection(division, period),
    )
    report.summary = month_summary(report)
    return report


# -- the weekly joint-meeting briefing --------------------------------------------------------------------------------


@dataclass
class MeetingLine:
    """A joint meeting (吹哨报到) of the week: when, its state, who reported and what the record flags."""

    title: str
    street: str
    scheduled_at: datetime.datetime
    status: str
    invited: int
    reported: int
    late: list[str]
    absent: list[str]
    flags: list[str]
    tasks: int


@dataclass
class TaskLine:
    """A task a meeting gave a department: its task order, deadline and where it stands."""

    meeting: str
    department: str
    code: str
    deadline: datetime.date
    status: str
    done: bool
    overdue: bool
    late_done: bool


@dataclass
class DepartmentTasks:
    """Tasks per department: given, done (办结反馈 or later), overdue (not done after the deadline), still open."""

    name: str
    total: int = 0
    done: int = 0
    late_done: int = 0
    overdue: int = 0
    open: int = 0


@dataclass
class EscalatedLine:
    """An order escalated (升级) to the street in the week."""

    code: str
    estate: str
    category: str
    at: datetime.datetime
    to: str  # who holds it now
    status: str
    note: str


def flag_labels(meeting: JointMeeting) -> list[str]:
    out = []
    if meeting.minutes_early:
        out.append(_("纪要早于召开时间"))
    if meeting.closed_early:
        out.append(_("提前结束"))
    absent = [i.department.name for i in meeting.absent_invites]
    if absent:
        out.append(_("缺席：%(d)s") % {"d": "、".join(absent)})
    return out


def week_meetings(user, division: Division, period: rates.Period) -> list[MeetingLine]:
    """Joint meetings of the division's streets scheduled in the week, that ``user`` may see."""
    meetings = (JointMeeting.objects.visible_to(user)
                .filter(street__path__startswith=division.path, scheduled_at__gte=period.start,
                        scheduled_at__lt=period.end)
                .select_related("street").prefetch_related("invites__department", "tasks")
                .order_by("scheduled_at", "pk"))
    out = []
    for m in meetings:
        invites = list(m.invites.all())
        out.append(MeetingLine(
            title=m.title, street=m.street.name, scheduled_at=m.scheduled_at, status=str(m.get_status_display()),
            invited=len(invites), reported=sum(1 for i in invites if i.reported),
            late=[i.department.name for i in invites if i.reported_at and i.reported_at > m.scheduled_at],
            absent=[i.department.name for i in m.absent_invites], flags=flag_labels(m), tasks=len(m.tasks.all())))
    return out


def meeting_tasks(user, division: Division, period: rates.Period, *, today: datetime.date
                  ) -> tuple[list[TaskLine], list[DepartmentTasks]]:
    """Tasks of the joint meetings held in the week, and every task of the division's meetings still not done: each
    with its state, and the counts per department. Cancelled or merged task orders are left out."""
    tasks = (JointMeetingTask.objects.filter(meeting__in=JointMeeting.objects.visible_to(user)
                                             .filter(street__path__startswith=division.path))
             .filter(Q(meeting__scheduled_at__gte=period.start, meeting__scheduled_at__lt=period.end)
                     | Q(order__status__in=NOT_DONE))
             .exclude(order__status__in=(Status.MERGED, Status.CANCELLED))
             .select_related("meeting", "department", "order").order_by("department__name", "deadline", "pk"))
    lines, per = [], {}
    for t in tasks:
        done = t.order.status in DONE_STATUSES
        replied_day = timezone.localtime(t.order.replied_at).date() if t.order.replied_at else None
        line = TaskLine(meeting=t.meeting.title, department=t.department.name, code=t.order.code,
                        deadline=t.deadline, status=str(STATUS_LABELS.get(t.order.status, t.order.status)),
                        done=done, overdue=not done and t.deadline < today,
                        late_done=done and replied_day is not None and replied_day > t.deadline)
        lines.append(line)
        d = per.setdefault(t.department.name, DepartmentTasks(t.department.name))
        d.total += 1
        d.done += line.done
        d.late_done += line.late_done
        d.overdue += line.overdue
        d.open += not line.done and not line.overdue
    return lines, sorted(per.values(), key=lambda d: (-d.overdue, d.name))


def escalated_to_street(division: Division, period: rates.Period) -> list[EscalatedLine]:
    """Orders escalated (升级, by a person or by the deadline sweep) in the week that reached the street level: the
    escalation recorded the street as its level (no organisation found there), or the order is at the street level
    now (levels only go up). One line per order, its last escalation of the week."""
    events = (WorkOrderEvent.objects.filter(rates.division_orders_q(division, "order__"),
                                            kind=WorkOrderEvent.Type.ESCALATE, at__gte=period.start,
                                            at__lt=period.end)
              .filter(Q(data__level=Level.STREET) | Q(order__level=Level.STREET))
              .order_by("at", "pk")
              .values_list("order_id", "order__code", "order__estate__name", "order__category", "at",
                           "order__assignee_org__name", "note", "order__status"))
    last = {row[0]: row for row in events}  # the latest escalation of each order
    return [EscalatedLine(code=code, estate=estate or "—",
                          category=category_label(category) if category else _("（未分类）"), at=at,
                          to=holder or _("（待人工派单）"), status=str(STATUS_LABELS.get(status, status)), note=note)
            for _pk, code, estate, category, at, holder, note, status in sorted(last.values(), key=lambda r: r[4])]


@dataclass
class WeekReport:
    """联席会议周报: the week's joint meetings, their tasks per department and the orders escalated to the street."""

    division: Division
    period: rates.Period
    generated_at: datetime.datetime
    generated_by: str
    meetings: list[MeetingLine]
    tasks: list[TaskLine]
    departments: list[DepartmentTasks]
    escalated: list[EscalatedLine]
    summary: str = ""


def week_summary(r: WeekReport) -> str:
    flagged = sum(1 for m in r.meetings if m.flags)
    return _("%(first)s至%(last)s，%(name)s召开（或安排）吹哨报到会议 %(m)s 次，其中 %(f)s 次有记录提示；"
             "跟踪任务 %(t)s 项，已办结 %(d)s 项，超期未办结 %(o)s 项；升级到街道的工单 %(e)s 件。") % {
        "first": f"{r.period.first_day:%m-%d}", "last": f"{r.period.last_day:%m-%d}", "name": r.division.name,
        "m": len(r.meetings), "f": flagged, "t": len(r.tasks), "d": sum(1 for t in r.tasks if t.done),
        "o": sum(1 for t in r.tasks if t.overdue), "e": len(r.escalated)}


def week_report(division: Division, period: rates.Period, *, user, now: datetime.datetime | None = None) -> WeekReport:
    now = now or timezone.now()
    tasks, departments = meeting_tasks(user, division, period, today=timezone.localtime(now).date())
    report = WeekReport(division=division, period=period, generated_at=now, generated_by=who(user),
                        meetings=week_meetings(user, division, period), tasks=tasks, departments=departments,
                        escalated=escalated_to_street(division, period))
    report.summary = week_summary(report)
    return report


# -- the 12345 assessment export -----------------------------------------------------------------------------------


@dataclass
class OrgAssessment:
    """One organisation's line of the 12345 assessment (考核) export."""

    key: int | None
    name: str
    received: int = 0
    tally: rates.Tally = field(default_factory=rates.Tally)
    on_time: Share = field(default_factory=Share)
    repeat: Share = field(default_factory=Share)


def assessment(division: Division, period: rates.Period, *, now: datetime.datetime | None = None
               ) -> tuple[list[OrgAssessment], OrgAssessment]:
    """Per organisation (承办单位) and for the whole division: 受理量 (orders received in the period now assigned to
    it), the three rates of ``rates.compute`` (charged by the events), 按时办结率 and 重复投诉率 (by the order's
    current assignee). Organisations sorted by name, orders never dispatched last."""
    now = now or timezone.now()
    figures = assessment_rates(division, period, now=now)
    lines: dict[int | None, OrgAssessment] = {}
    for row in figures.by_org:
        lines[row.key] = OrgAssessment(row.key, row.name, tally=row.tally)
    for _tier, _channel, _category, _estate, org, n, rep in month_groups(division, period):
        line = lines.setdefault(org, OrgAssessment(org, ""))
        line.received += n
        line.repeat = Share(line.repeat.num + rep, line.repeat.den + n)
    replied = orders_of(division).filter(replied_at__gte=period.start, replied_at__lt=period.end,
                                         reply_due__isnull=False)
    for org, n, ok in (replied.values_list("assignee_org_id")
                       .annotate(n=Count("pk"), ok=Count("pk", filter=Q(replied_at__lte=F("reply_due")))).order_by()):
        line = lines.setdefault(org, OrgAssessment(org, ""))
        line.on_time = Share(line.on_time.num + ok, line.on_time.den + n)
    names = dict(Organization.objects.filter(pk__in=[k for k, v in lines.items() if k and not v.name])
                 .values_list("pk", "name"))
    for key, line in lines.items():
        line.name = line.name or (names.get(key) if key else "") or _("（未派单）")
    ordered = sorted(lines.values(), key=lambda r: (r.key is None, r.name))
    total = OrgAssessment(None, _("合计"), tally=figures.total)
    for line in ordered:
        total.received += line.received
        total.on_time = Share(total.on_time.num + line.on_time.num, total.on_time.den + line.on_time.den)
        total.repeat = Share(total.repeat.num + line.repeat.num, total.repeat.den + line.repeat.den)
    return ordered, total
