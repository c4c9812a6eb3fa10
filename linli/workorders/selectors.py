"""Reads of work orders: one function per list the pages and the API show, and what a caller may read of the
reporter's contact. Every one starts from ``WorkOrder.objects.visible_to(user)``; the views and the API only render.

Cost (docs/benchmarks.md): each list reads a fixed number of statements whatever its length, never a COUNT over a
street's whole history — the inbox tabs count work in hand up to a cap, lists page with a "next" link, the boards
group the work in hand (the ``workorder_active_idx`` and ``workorder_overdue_idx`` indexes)."""

from __future__ import annotations

from django.db.models import Count, Q

from linli.core.memo import Memo
from linli.core.paging import capped_counts
from linli.core.text import mask_name, mask_phone
from linli.people.models import Organization
from linli.people.scopes import ADMIN_ROLES, DIVISION_ORG_KINDS, scope_for
from linli.workorders import permissions
from linli.workorders.filters import WorkOrderFilterSet
from linli.workorders.models import ACTIVE_STATUSES, Status, Tier, WorkOrder

# -- the staff inbox ------------------------------------------------------------------------------------------

# The committees and centres of the divisions an admin runs (a few ids, read on every inbox request).
division_orgs_memo = Memo("division organisations by path", ttl=10, watch=["people.Organization", "places.Division"])


def mine_q(user) -> Q:
    """Orders assigned to the user, to their organisations, or to the committee/centre of the division they run."""
    scope = scope_for(user)
    orgs = set(scope.own_org_ids)
    if scope.admin_paths:
        # As ids (a handful of organisations): no join to the organisation and its division for every order.
        paths = tuple(sorted(scope.admin_paths))
        orgs.update(division_orgs_memo.get(paths, lambda: list(
            Organization.objects.filter(kind__in=DIVISION_ORG_KINDS, division__path__in=paths)
            .values_list("pk", flat=True))))
    q = Q(assignee_user_id=user.pk)
    if orgs:
        q |= Q(assignee_org_id__in=sorted(orgs))
    return q


def inbox_tabs(user, labels: dict) -> list[tuple[str, str, Q]]:
    """(key, label, Q) for the tabs the user's roles call for; each Q applies on top of visible_to(user).
    Every tab but "all" holds work in hand only (active statuses), which the ``workorder_active_idx`` index serves.
    ``labels``: {key: label} (the page's words)."""
    scope = scope_for(user)
    mine = mine_q(user)
    admin = bool(scope.roles & ADMIN_ROLES)
    overdue = Q(overdue=True, status__in=ACTIVE_STATUSES)
    tabs = [
        ("to_sign", mine & Q(status=Status.DISPATCHED)),
        ("in_progress", mine & Q(status__in=(Status.ACCEPTED, Status.IN_PROGRESS))),
        ("overdue", overdue if admin else mine & overdue),
    ]
    if admin:
        tabs += [("to_visit", Q(status=Status.REPLIED)), ("to_triage", Q(needs_triage=True, status=Status.RECEIVED))]
    tabs.append(("all", Q()))
    return [(key, labels[key], q) for key, q in tabs]


def inbox_counts(visible, tabs, cap: int) -> dict:
    """{tab: count} for the tabs of work in hand, each counted up to ``cap + 1`` (shown as "99+"), in one
    statement; "all" is not counted (None): at a busy street it is hundreds of thousands of closed orders."""
    counts = capped_counts({key: visible.filter(q) for key, _label, q in tabs if key != "all"}, cap)
    return {key: counts.get(key) for key, _label, _q in tabs}


def inbox_orders(user, tab_q: Q, params) -> tuple[WorkOrderFilterSet, object]:
    """The orders of one inbox tab that pass the filters in ``params`` (the request's GET), newest first, with
    what a row shows; and the filterset (its form and the values it read)."""
    visible = WorkOrder.objects.visible_to(user).filter(tab_q)
    filterset = WorkOrderFilterSet(params or None, queryset=visible)
    qs = filterset.qs.select_related("estate", "building", "assignee_org").order_by("-received_at", "-id")
    return filterset, qs


# -- the API list -----------------------------------------------------------------------------------------------

# The order's columns except the triage proposal (a JSON document the list does not show), and of its places the
# names and the paths that decide whether the caller manages the order; of the assignee what decides whether the
# caller handles it (reporter_contact).
LIST_COLUMNS = [f.name for f in WorkOrder._meta.concrete_fields if f.name != "triage"] + [
    "street__name", "street__path", "community__name", "community__path", "estate__name", "assignee_org__name",
    "assignee_org__kind", "assignee_org__division_id"]


def order_list(user):
    """What ``GET /api/v1/workorders/`` lists (the filterset and the pagination apply on top), newest first."""
    # place_label reads the building and the home: fetched by id for the page, because two more joins would make
    # PostgreSQL spend longer choosing the join order (~20 ms) than running the query. Only what the list shows
    # (and can_manage reads) of the order and its places: a page builds ~250 model instances, and every column is
    # a setattr on each.
    return (WorkOrder.objects.visible_to(user).select_related("street", "community", "estate", "assignee_org")
            .only(*LIST_COLUMNS).prefetch_related("building", "home"))


# -- the boards ---------------------------------------------------------------------------------------------------

BOARD_COLUMNS = {Status.DISPATCHED: "to_sign", Status.ACCEPTED: "working", Status.IN_PROGRESS: "working",
                 Status.REPLIED: "replied"}


def dispatch_board(user, *, waiting: int = 20) -> dict:
    """The street's dispatch board: {"counts": {received, needs_triage, dispatched, overdue}, "rows": per assignee
    organisation {to_sign, working, replied, overdue, assignee_org, assignee_org__name, assignee_org__kind}, most
    overdue first, "recent": the ``waiting`` oldest orders waiting for dispatch}.

    One grouped pass over the work in hand (read from the active index alone); the figures are summed here."""
    visible = WorkOrder.objects.visible_to(user)
    groups = (visible.active().values_list("assignee_org_id", "status", "overdue", "needs_triage")
              .annotate(n=Count("pk")).order_by())
    counts = {"received": 0, "needs_triage": 0, "dispatched": 0, "overdue": 0}
    held: dict[int, dict] = {}
    for org_id, status, overdue, needs_triage, n in groups:
        counts["received"] += n if status == Status.RECEIVED else 0
        counts["needs_triage"] += n if status == Status.RECEIVED and needs_triage else 0
        counts["dispatched"] += n if status == Status.DISPATCHED else 0
        counts["overdue"] += n if overdue else 0
        if org_id is None:
            continue
        row = held.setdefault(org_id, {"to_sign": 0, "working": 0, "replied": 0, "overdue": 0})
        if status in BOARD_COLUMNS:
            row[BOARD_COLUMNS[status]] += n
        row["overdue"] += n if overdue else 0
    orgs = Organization.objects.in_bulk(list(held))
    rows = [dict(r, assignee_org=k, assignee_org__name=orgs[k].name, assignee_org__kind=orgs[k].kind)
            for k, r in held.items() if k in orgs]
    rows.sort(key=lambda r: (-r["overdue"], -r["to_sign"], r["assignee_org__name"]))
    recent = list(visible.filter(status=Status.RECEIVED).select_related("estate").order_by("received_at", "id")
                  [:waiting])
    return {"counts": counts, "rows": rows, "recent": recent}


def overdue_board(user):
    """超期督办: (the overdue orders in hand, most late first — page it; their count per organisation).
    Both read the ``workorder_overdue_idx`` index: overdue work in hand only, never the street's history."""
    qs = WorkOrder.objects.visible_to(user).overdue()
    per_org = qs.values("assignee_org__name").annotate(n=Count("pk")).order_by("-n", "assignee_org__name")
    return qs.select_related("estate", "assignee_org").order_by("reply_due", "id"), per_org


def counts_by_tier(orders) -> dict[str, int]:
    """{"easy": n, "hard": n, "major": n} for a queryset of orders (seed 002: 135 / 10 / 1)."""
    counts = dict(orders.values_list("tier").annotate(n=Count("pk")).order_by())
    return {t.value: counts.get(t.value, 0) for t in Tier}


# -- personal data ------------------------------------------------------------------------------------------------


def reporter_contact(user, order: WorkOrder, *, manages: bool | None = None) -> tuple[str, str]:
    """(name, phone) of the reporter as ``user`` may read them, on the order's page and in the API alike
    (个人信息保护法, minimum necessary; docs/workorders.md "Personal data"):

    * an anonymous report (匿名) shows neither to anyone but the admins who manage the order: ("", "");
    * the phone in full only to the admins who manage the order (they call back), masked (138****5678) to others;
    * the name in full to those admins, to the handlers and to the reporter; masked (王*) to others (an auditor).

    ``manages``: ``permissions.can_manage(user, order)`` when the caller knows it already. Where the order has no
    contact of its own, the reporter's registered name and phone stand in (when the reporter was read with it)."""
    if manages is None:
        manages = permissions.can_manage(user, order)
    if order.anonymous and not manages:
        return "", ""
    name, phone = order.contact_name, order.contact_phone
    if order.reporter_id and WorkOrder._meta.get_field("reporter").is_cached(order):
        name, phone = name or order.reporter.name, phone or order.reporter.phone
    sees_name = manages or permissions.can_handle(user, order) or permissions.is_reporter(user, order)
    return (name if sees_name else mask_name(name)), (phone if manages else mask_phone(phone))
