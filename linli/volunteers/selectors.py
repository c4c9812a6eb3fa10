"""Reads shared by pages and API: rankings, the 红黑榜, a volunteer's own overview."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.text import mask_name
from linli.people.models import Person
from linli.volunteers.models import BoardEntry, PointsAccount, PointsEntry

# The rules printed next to the 红黑榜 (the numbers come from the constants below).
RED_TOP = 10
BOARD_DAYS = 90
BOARD_RULES = (
    _("红榜：近 %(days)s 天内在本社区志愿服务获得积分最多的前 %(top)s 名（按活动和奖励积分合计，不计兑换），"
      "以及社区居委会经公示表彰的个人和单位。"),
    _("黑榜：社区居委会或业委会依据居民公约、经核实后登记的不文明行为或失信行为（如楼道堆物经劝导不改、"
      "报名志愿活动多次无故缺席），写明事由与公示期限；改正后提前撤下并留存撤销记录。"),
    _("公示只显示姓氏，不显示住址、电话等个人信息（《个人信息保护法》第六条、第二十八条）。"),
    _("对公示内容有异议的，可在公示期内向社区居委会提出，社区在 5 个工作日内核实答复。"),
)


def period_bounds(start: datetime.date, end: datetime.date):
    """[start 00:00, end+1 00:00) in local time."""
    tz = timezone.get_current_timezone()
    lo = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    hi = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return lo, hi


@dataclass(frozen=True)
class Ranked:
    rank: int
    person_id: int
    name: str
    points: int

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)


def ranking(*, start: datetime.date, end: datetime.date, community=None, estate=None, limit: int = RED_TOP,
            entries=None) -> list[Ranked]:
    """People by points earned (activities and grants) in the period, in a community or an estate.

    Equal points share a rank (1, 2, 2, 4); ties are listed in the order the ledgers were opened.
    """
    lo, hi = period_bounds(start, end)
    qs = (entries if entries is not None else PointsEntry.objects.all()).earned().filter(at__gte=lo, at__lt=hi)
    if community is not None:
        qs = qs.filter(community=community)
    if estate is not None:
        qs = qs.filter(estate=estate)
    # Group by the account alone (no join to people while summing), then name the few rows kept.
    rows = list(qs.values("account_id").annotate(points=Sum("amount")).filter(points__gt=0)
                .order_by("-points", "account_id")[:limit])
    people = dict(PointsAccount.objects.filter(pk__in=[r["account_id"] for r in rows])
                  .values_list("pk", "person_id"))
    names = dict(Person.objects.filter(pk__in=people.values()).values_list("pk", "name"))
    out, rank, last = [], 0, None
    for i, row in enumerate(rows, start=1):
        if row["points"] != last:
            rank, last = i, row["points"]
        pid = people[row["account_id"]]
        out.append(Ranked(rank, pid, names[pid], row["points"]))
    return out


def board(*, community, today: datetime.date | None = None) -> dict:
    """The public 红黑榜 of a community: masked names only."""
    today = today or timezone.localdate()
    start = today - datetime.timedelta(days=BOARD_DAYS - 1)
    entries = BoardEntry.objects.published(today).filter(community=community).select_related("person", "organization")
    return {
        "top": ranking(start=start, end=today, community=community, limit=RED_TOP),
        "red": [e for e in entries if e.kind == BoardEntry.Kind.RED],
        "black": [e for e in entries if e.kind == BoardEntry.Kind.BLACK],
        "rules": [str(r) % {"days": BOARD_DAYS, "top": RED_TOP} for r in BOARD_RULES],
        "start": start,
        "end": today,
    }
