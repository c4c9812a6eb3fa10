"""Reads of the resident home: everything a resident's buttons count and list, each in a fixed number of queries
whatever the number of orders, bills, notices or votes (tests/test_home.py counts them).

Everything starts from the resident's current homes (``scope.home_ids``): their estates, communities and streets.
A resident sees their own orders and bills, and the public part of where they live: notices, meeting notices,
community activities, open votes, wishes and the telephone numbers of who serves them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.assembly.models import Acknowledgement, Elector, Meeting, Motion, Notice
from linli.fees.models import Bill
from linli.people.models import Organization
from linli.people.scopes import scope_for
from linli.places.models import Home, Stewardship
from linli.residents.models import ReadMark
from linli.volunteers.models import Activity, Wish
from linli.workorders.models import ACTIVE_STATUSES, Status
from linli.workorders.plain import plain_status
from linli.workorders.selectors import own_orders

# How far back 通知公告 lists notices whose period is over (current ones are always listed).
PAST_DAYS = 180
LIST_CAP = 60  # items of each kind read at most


@dataclass
class Where:
    """Where a resident lives now: homes, and the estates, communities and streets they are in."""

    homes: list = field(default_factory=list)
    estate_ids: list = field(default_factory=list)
    community_ids: list = field(default_factory=list)
    street_ids: list = field(default_factory=list)

    @property
    def estates(self) -> list:
        seen, out = set(), []
        for home in self.homes:
            if home.estate_id not in seen:
                seen.add(home.estate_id)
                out.append(home.estate)
        return out


def where(user) -> Where:
    """The resident's current homes (one query) — empty for anyone who lives nowhere on record."""
    home_ids = scope_for(user).home_ids
    if not home_ids:
        return Where()
    homes = list(Home.objects.filter(pk__in=home_ids).select_related("building", "estate__community")
                 .order_by("estate_id", "pk"))
    estate_ids = sorted({h.estate_id for h in homes})
    community_ids = sorted({h.estate.community_id for h in homes})
    street_ids = sorted({h.estate.community.parent_id for h in homes if h.estate.community.parent_id})
    return Where(homes=homes, estate_ids=estate_ids, community_ids=community_ids, street_ids=street_ids)


# -- 我的诉求 ------------------------------------------------------------------------------------------------------


def orders(user, *, show: int = 3) -> dict:
    """The resident's orders in hand (not yet rated or closed), newest first, in plain words (one query)."""
    rows = list(own_orders(user).filter(status__in=ACTIVE_STATUSES).select_related("assignee_org")
                .order_by("-received_at", "-id")[:LIST_CAP])
    for order in rows:
        order.plain = plain_status(order)
    return {"open": len(rows), "to_rate": sum(1 for o in rows if o.status == Status.REPLIED), "latest": rows[:show]}


# -- 物业费 ---------------------------------------------------------------------------------------------------------


def bills(where_: Where) -> dict:
    """Unpaid bills of the resident's homes and how much in all (one query)."""
    if not where_.homes:
        return {"unpaid": 0, "owed": 0}
    found = Bill.objects.filter(home_id__in=[h.pk for h in where_.homes], outstanding__gt=0).aggregate(
        n=Count("id"), owed=Sum("outstanding"))
    return {"unpaid": found["n"], "owed": found["owed"] or 0}


# -- 通知公告 -----------------------------------------------------------------------------------------------------


def _notices(where_: Where, today: datetime.date):
    return (Notice.objects.filter(Q(estate_id__in=where_.estate_ids)
                                  | Q(estate__isnull=True, community_id__in=where_.community_ids),
                                  withdrawn_at__isnull=True, posted_on__lte=today)
            .filter(Q(ends_on__gte=today) | Q(posted_on__gte=today - datetime.timedelta(days=PAST_DAYS)))
            .select_related("estate", "community").order_by("-posted_on", "-id"))


def _meetings(where_: Where, today: datetime.date):
    """Meetings notified to the residents and not yet held: of their estate (or building), community or street."""
    return (Meeting.objects.filter(Q(estate_id__in=where_.estate_ids)
                                   | Q(estate__isnull=True, division_id__in=where_.community_ids + where_.street_ids),
                                   status=Meeting.Status.PLANNED, notified_on__lte=today, held_on__gte=today)
            .select_related("estate", "division").order_by("held_on", "id"))


def _activities(where_: Where, now: datetime.datetime):
    """Community activities open for sign-up, for the whole community or the resident's estate."""
    return (Activity.objects.filter(Q(estate__isnull=True) | Q(estate_id__in=where_.estate_ids),
                                    community_id__in=where_.community_ids, status=Activity.Status.OPEN,
                                    ends_at__gte=now)
            .select_related("community").order_by("starts_at", "id"))


def notice_items(user, where_: Where, *, now=None) -> list[dict]:
    """通知公告: every notice of the resident's estates and communities in one list — notices (公示, a vote's
    result, a meeting's minutes), meetings notified and coming, community activities open — newest first, each
    marked read or unread (five queries).

    An item is read once the resident opened it here (ReadMark) or acknowledged the notice (已阅) on its page.
    ``current``: the notice period is not over (a meeting not yet held, an activity not yet ended)."""
    if not where_.homes:
        return []
    now = now or timezone.now()
    today = timezone.localdate(now)
    items = []
    notices = list(_notices(where_, today)[:LIST_CAP])
    for n in notices:
        label = _("会议纪要") if n.meeting_id else _("表决结果") if n.motion_id else _("公示")
        items.append({"kind": ReadMark.Kind.NOTICE, "pk": n.pk, "label": label, "title": n.title,
                      "date": n.posted_on, "until": n.ends_on, "where": n.estate or n.community,
                      "current": n.ends_on >= today})
    for m in _meetings(where_, today)[:LIST_CAP]:
        items.append({"kind": ReadMark.Kind.MEETING, "pk": m.pk, "label": _("会议通知"), "title": m.title,
                      "date": m.notified_on, "until": m.held_on, "where": m.estate or m.division, "current": True,
                      "meeting": m})
    for a in _activities(where_, now)[:LIST_CAP]:
        items.append({"kind": ReadMark.Kind.ACTIVITY, "pk": a.pk, "label": _("社区活动"), "title": a.title,
                      "date": timezone.localdate(a.created_at), "until": timezone.localdate(a.starts_at),
                      "where": a.community, "current": True})
    read = set()
    wanted = Q(pk__in=[])
    for kind in ReadMark.Kind.values:
        ids = [i["pk"] for i in items if i["kind"] == kind]
        if ids:
            wanted |= Q(kind=kind, object_id__in=ids)
    if items:
        read.update(ReadMark.objects.filter(wanted, user=user).values_list("kind", "object_id"))
    if notices:
        read.update((ReadMark.Kind.NOTICE, pk) for pk in Acknowledgement.objects.filter(
            user=user, notice_id__in=[n.pk for n in notices]).values_list("notice_id", flat=True))
    for item in items:
        item["read"] = (item["kind"], item["pk"]) in read
        item["url"] = reverse("residents:notice_open", args=[item["kind"], item["pk"]])
    items.sort(key=lambda i: (i["date"], i["pk"]), reverse=True)
    return items


def unread_count(items: list[dict]) -> int:
    """Unread items whose notice period is not over (an old notice never read does not nag for ever)."""
    return sum(1 for i in items if not i["read"] and i["current"])


def find_item(user, kind: str, pk: int, *, now=None):
    """The notice, meeting or activity ``pk`` of ``kind`` if it is in the resident's 通知公告, else None."""
    where_ = where(user)
    if not where_.homes:
        return None
    now = now or timezone.now()
    today = timezone.localdate(now)
    if kind == ReadMark.Kind.NOTICE:
        return _notices(where_, today).filter(pk=pk).first()
    if kind == ReadMark.Kind.MEETING:
        return _meetings(where_, today).filter(pk=pk).first()
    if kind == ReadMark.Kind.ACTIVITY:
        return _activities(where_, now).filter(pk=pk).first()
    return None


# -- 投票与议事 ---------------------------------------------------------------------------------------------------


def votes(user, where_: Where, *, now=None) -> list[dict]:
    """The open votes of the resident's estates (one query) and, for each, whether the resident is an owner on its
    roll and has voted (one more query)."""
    if not where_.estate_ids:
        return []
    now = now or timezone.now()
    motions = list(Motion.objects.filter(estate_id__in=where_.estate_ids, status=Motion.Status.OPEN,
                                         opens_at__lte=now, closes_at__gt=now)
                   .select_related("estate").order_by("closes_at", "id")[:LIST_CAP])
    mine: dict[int, bool] = {}
    if motions and user.person_id:
        for motion_id, ballot in Elector.objects.filter(motion__in=motions, persons=user.person_id).values_list(
                "motion_id", "ballot"):
            mine[motion_id] = mine.get(motion_id, False) or ballot is not None
    return [{"motion": m, "can_vote": m.pk in mine, "voted": mine.get(m.pk, False)} for m in motions]


def meetings(where_: Where, *, now=None) -> list:
    """Meetings notified to the resident and not yet held (one query)."""
    if not where_.homes:
        return []
    return list(_meetings(where_, timezone.localdate(now or timezone.now()))[:LIST_CAP])


# -- 微心愿 / 我能帮忙 ---------------------------------------------------------------------------------------------


def open_wishes(where_: Where) -> int:
    """Wishes of the resident's communities waiting for someone to take them on (one query)."""
    if not where_.community_ids:
        return 0
    return Wish.objects.public().filter(status=Wish.Status.OPEN, community_id__in=where_.community_ids).count()


# -- 一键呼叫 -------------------------------------------------------------------------------------------------------


def phones(where_: Where, *, today=None) -> list[dict]:
    """Who to call for each of the resident's estates, from the registry (two queries): the estate's current
    manager (the stewardship's organisation; for an estate nobody manages, the street's property service centre)
    and the community office (居委会). ``phone`` is "" when the registry has no number."""
    if not where_.homes:
        return []
    today = today or timezone.localdate()
    managers = {s.estate_id: s for s in Stewardship.objects.current(today).filter(estate_id__in=where_.estate_ids)
                .select_related("provider").order_by("start", "id")}  # the latest start wins
    offices = Organization.objects.filter(
        Q(kind=Organization.Kind.COMMUNITY_COMMITTEE, division_id__in=where_.community_ids)
        | Q(kind=Organization.Kind.PROPERTY_CENTRE, division_id__in=where_.street_ids)).order_by("pk")
    committees, centres = {}, {}
    for org in offices:
        target = committees if org.kind == Organization.Kind.COMMUNITY_COMMITTEE else centres
        # The first organisation with a number wins; one without is kept only while nothing better is known.
        if org.division_id not in target or (org.phone and not target[org.division_id].phone):
            target[org.division_id] = org
    out = []
    for estate in where_.estates:
        stewardship = managers.get(estate.pk)
        provider = stewardship.provider if stewardship is not None else None
        if provider is None:
            provider = centres.get(estate.community.parent_id)
            manager_label = _("街道物业服务中心（本小区暂无物业）")
        else:
            manager_label = _("物业服务中心")
        committee = committees.get(estate.community_id)
        out.append({
            "estate": estate,
            "lines": [
                {"id": f"call-manager-{estate.pk}", "label": manager_label, "name": str(provider or ""),
                 "phone": (provider.phone if provider else "").strip()},
                {"id": f"call-community-{estate.pk}", "label": _("社区居委会"),
                 "name": str(committee) if committee else estate.community.name,
                 "phone": (committee.phone if committee else "").strip()},
            ],
        })
    return out


# -- the whole home, for the page ----------------------------------------------------------------------------------


def home(user, *, now=None) -> dict:
    """Everything the resident home shows, in a fixed number of queries."""
    now = now or timezone.now()
    where_ = where(user)
    items = notice_items(user, where_, now=now)
    open_votes = votes(user, where_, now=now)
    return {
        "where": where_,
        "orders": orders(user),
        "bills": bills(where_),
        "notices": {"unread": unread_count(items), "latest": items[:3]},
        "votes": {"open": sum(1 for v in open_votes if v["can_vote"] and not v["voted"]), "all": open_votes},
        "wishes": open_wishes(where_),
        "phones": phones(where_, today=timezone.localdate(now)),
    }
