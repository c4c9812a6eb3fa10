"""The estate's public board (三公开, issue 19 item 6): what an estate's owners and residents are owed in public, read
from the apps below, for one page that needs no sign-in (reached from the estate's QR poster), its A4 print and the
resident app (docs/public-board.md).

What the law asks to be public, and where each part comes from:

- who manages the estate, the contract term, the company's own line and the complaint line — 北京市物业管理条例
  art. 70(1) (物业服务人在显著位置设置公示栏), Civil Code art. 943 (负责人员): places.Stewardship (current);
- the services and their standards, the fee standards — art. 70(2), Civil Code art. 943, 物业管理条例 art. 40
  (收费公开): the fee plans in force (fees: ``services``, ``quality``; nothing else in Linli holds service standards);
- the accounts — art. 70(4)(5), Civil Code arts. 281 (维修资金), 282 (共有部分收益), 943: the fees app's public
  accounts (the year's totals here, the whole page one tap away);
- the owners' decisions — art. 37 (公示 within three days), Civil Code art. 280: closed motions and their results;
- notices with their posting periods — arts. 35, 37, 45, 57: assembly.Notice, posted now or ended lately;
- the body that speaks for the owners, its members and its line — arts. 42 and 54 (the members' list is posted in
  the estate), art. 44: the serving owners' committee or 物业管理委员会 and its current posts;
- the last three months' work-order figures — 北京市接诉即办工作条例 (响应率、解决率、满意率) as the rates count them.

Treated as hostile (CONTRIBUTING, "a page that needs no sign-in"): no person's phone, no order text, no home; what a
person typed (a title, a body, a standard) goes through ``redact``; committee members are shown by title and masked
name (李**) to anyone, in full only to the estate's own residents in the app (art. 42 posts the list to them).
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone

from linli.assembly import selectors as assembly_selectors
from linli.assembly.models import Committee, Motion, Notice
from linli.assembly.selectors import public_notices
from linli.core.text import mask_name, redact
from linli.facilities import selectors as facility_selectors
from linli.fees import selectors as fee_selectors
from linli.fees.services import public_link_for
from linli.people.models import Organization, Post
from linli.places.models import Building, Estate
from linli.workorders import posters
from linli.workorders import rates as rates_mod
from linli.workorders.models import Status, WorkOrder

DECISION_DAYS = 365  # closed motions shown: those counted in the last year …
DECISIONS_SHOWN = 10  # … at most this many
ENDED_NOTICE_DAYS = 30  # notices whose posting period ended this many days ago at most are listed as "recently ended"
ENDED_NOTICES_SHOWN = 10
FIGURE_MONTHS = 3  # the whole months of work-order figures


# -- the link ------------------------------------------------------------------------------------------------------


def token_for(estate: Estate) -> str:
    """The board's link names the estate by the same signed token as its QR poster (workorders.posters): nobody can
    make up the board of another estate, and the pages of the board cannot be walked through by number."""
    return posters.make_token(estate=estate)


def estate_from_token(token: str) -> Estate | None:
    """The estate of a genuine poster token (an estate's, or a building's: the board of its estate), else None."""
    found = posters.read_token(token)
    if found is None:
        return None
    kind, pk = found
    if kind == "building":
        pk = Building.objects.filter(pk=pk).values_list("estate_id", flat=True).first()
        if pk is None:
            return None
    return Estate.objects.select_related("community__parent").filter(pk=pk).first()


def public_url(request, estate: Estate) -> str:
    """The absolute address of the estate's board (for its QR code and to share): LINLI_PUBLIC_URL wins over the
    address the page was asked on, as for the posters."""
    path = reverse("residents:board", args=[token_for(estate)])
    base = getattr(settings, "LINLI_PUBLIC_URL", "")
    if base:
        return base.rstrip("/") + path
    return request.build_absolute_uri(path)


# -- the body that speaks for the owners ------------------------------------------------------------------------------


def speaking_body(estate: Estate, on: datetime.date) -> tuple[Committee | None, list[Post]]:
    """The owners' committee or else the 物业管理委员会 serving the estate on ``on`` (assembly's one answer to "who
    speaks for the owners now": an owners' committee first, Beijing arts. 56, 59) and its current seats, chair
    first."""
    committee = assembly_selectors.speaking_body(estate, on)
    if committee is None:
        return None, []
    return committee, list(committee.members)


# -- the parts ----------------------------------------------------------------------------------------------------


def _keep(estate: Estate, stewardship) -> list[str]:
    """The lines of the organisations that serve the estate: published as they are (never a person's)."""
    community = estate.community
    orgs = Organization.objects.filter(Q(division_id__in=[community.pk, community.parent_id])
                                       | Q(pk=getattr(stewardship, "provider_id", None)))
    return [phone for phone in orgs.values_list("phone", flat=True) if phone]


def _offices(estate: Estate) -> dict:
    """The community's residents' committee (居委会) and the street's property service centre, with their lines."""
    found = {}
    for org in (Organization.objects.filter(
            Q(kind=Organization.Kind.COMMUNITY_COMMITTEE, division_id=estate.community_id)
            | Q(kind=Organization.Kind.PROPERTY_CENTRE, division_id=estate.community.parent_id)).order_by("pk")):
        # The first with a number wins; one without is kept only while nothing better is known.
        if org.kind not in found or (org.phone and not found[org.kind].phone):
            found[org.kind] = org
    return {"community": found.get(Organization.Kind.COMMUNITY_COMMITTEE),
            "centre": found.get(Organization.Kind.PROPERTY_CENTRE)}


def decisions(estate: Estate, today: datetime.date, keep: list[str]) -> list[Motion]:
    """The owners' votes counted in the last year, newest first, each with its result (art. 37; Civil Code 280)."""
    since = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=DECISION_DAYS),
                                                          datetime.time.min))
    motions = list(Motion.objects.filter(estate=estate, status=Motion.Status.CLOSED, closed_at__gte=since)
                   .prefetch_related("options").order_by("-closed_at", "-id")[:DECISIONS_SHOWN])
    for motion in motions:
        motion.public_title = redact(motion.title, keep=keep)
    return motions


def ended_notices(estate: Estate, today: datetime.date, keep: list[str]) -> list[Notice]:
    """Notices whose posting period ended in the last 30 days (title and period only)."""
    notices = list(Notice.objects.public_for(estate, today)
                   .filter(ends_on__lt=today, ends_on__gte=today - datetime.timedelta(days=ENDED_NOTICE_DAYS))
                   .order_by("-ends_on", "-id")[:ENDED_NOTICES_SHOWN])
    for notice in notices:
        notice.public_title = redact(notice.title, keep=keep)
    return notices


def committee_part(estate: Estate, today: datetime.date, *, full_names: bool) -> dict | None:
    """The serving body, its term and filing, its line and its members by title (names masked unless
    ``full_names``: the estate's own residents, to whom art. 42 / art. 54 post the list)."""
    committee, posts = speaking_body(estate, today)
    if committee is None:
        return None
    members = [{"title": p.get_title_display(), "capacity": p.get_capacity_display() if p.capacity else "",
                "name": p.person.name if full_names else mask_name(p.person.name), "since": p.starts_on}
               for p in posts]
    return {"committee": committee, "kind": committee.get_kind_display(), "phone": committee.organization.phone,
            "members": members}


def _month_starts(today: datetime.date, n: int) -> list[datetime.date]:
    """The first days of the ``n`` whole months before ``today``'s month, oldest first."""
    month = today.replace(day=1)
    out = []
    for _i in range(n):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        out.append(month)
    return out[::-1]


def _month_of(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def order_figures(estate: Estate, today: datetime.date, *, now: datetime.datetime | None = None) -> dict:
    """The estate's work orders over the three whole months before this one, a row a month and a total: received,
    closed, closed on time, and the resolution and satisfaction rates of the callbacks made in the month (the rates'
    own definitions, linli/workorders/rates.py). Counts only: no order, no text, no person.

    The daily summary of work orders (workorders/daily.py) is kept per community, street and district, not per
    estate, so the board counts the estate's own orders, as the dashboard's estate page does (three grouped reads
    and one walk of the months' events, whatever the number of orders)."""
    now = now or timezone.now()
    months = _month_starts(today, FIGURE_MONTHS)
    first = months[0]
    last = today.replace(day=1) - datetime.timedelta(days=1)
    period = rates_mod.period_of_days(first, last)
    rows = {m: {"month": m, "received": 0, "closed": 0, "on_time": 0, "tally": rates_mod.Tally()} for m in months}
    orders = WorkOrder.objects.filter(estate_id=estate.pk)
    for month, n in (orders.filter(received_at__gte=period.start, received_at__lt=period.end).order_by()
                     .annotate(m=TruncMonth("received_at")).values_list("m").annotate(n=Count("pk"))):
        rows[_month_of(month)]["received"] += n
    on_time = Q(reply_due__isnull=True) | Q(replied_at__lte=F("reply_due"))
    for month, n, ok in (orders.filter(status=Status.CLOSED, closed_at__gte=period.start, closed_at__lt=period.end)
                         .order_by().annotate(m=TruncMonth("closed_at")).values_list("m")
                         .annotate(n=Count("pk"), ok=Count("pk", filter=on_time))):
        rows[_month_of(month)]["closed"] += n
        rows[_month_of(month)]["on_time"] += ok
    _events, stream, _places = rates_mod.event_rows(Q(order__estate_id=estate.pk), period, now, ())
    facts = defaultdict(int)
    for _order, _org, kind, value, at, _due in rates_mod.tally_events(stream, period, now, with_time=True):
        facts[_month_of(at), kind, value] += 1
    for (month, kind, value), n in facts.items():
        if month in rows:
            rates_mod._apply(rows[month]["tally"], kind, value, n)
    total = {"received": 0, "closed": 0, "on_time": 0, "tally": rates_mod.Tally()}
    for row in rows.values():
        for key in ("received", "closed", "on_time"):
            total[key] += row[key]
        total["tally"].add(row["tally"])
    out = [rows[m] for m in months]
    for row in out + [total]:
        row["on_time_share"] = row["on_time"] / row["closed"] if row["closed"] else None
    return {"months": out, "total": total, "first": first, "last": last}


# -- the whole board ------------------------------------------------------------------------------------------------


def board(estate: Estate, *, full_names: bool = False, today: datetime.date | None = None,
          now: datetime.datetime | None = None) -> dict:
    """Everything the board shows for ``estate``; ``full_names`` only for the estate's own residents."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    accounts = fee_selectors.public_accounts(estate, today.year, today=today)
    stewardship = accounts["stewardship"]
    keep = _keep(estate, stewardship)
    return {
        "estate": estate,
        "today": today,
        "stewardship": stewardship,
        "provider": accounts["provider"],
        "offices": _offices(estate),
        "accounts": accounts,
        "accounts_token": public_link_for(estate).token,
        "decisions": decisions(estate, today, keep),
        "notices": public_notices(estate, today),
        "ended_notices": ended_notices(estate, today, keep),
        "body": committee_part(estate, today, full_names=full_names),
        "figures": order_figures(estate, today, now=now),
        "facilities": public_facilities(estate, keep),
    }


# -- issue 20: the estate's public facilities ------------------------------------------------------------------------


def public_facilities(estate: Estate, keep: list[str]) -> list[dict]:
    """The public facilities in service with their last statutory inspection (北京市物业管理条例 art. 70(3): the lifts'
    and fire facilities' maintenance companies are published too): no contract number, no certificate, no person —
    what staff typed (name, location) goes through ``redact``."""
    rows = facility_selectors.public_facilities(estate)
    for row in rows:
        for key in ("name", "location", "contractor"):
            row[key] = redact(row[key], keep=keep)
    return rows
