"""Reads of work orders: one function per list the pages and the API show, and what a caller may read of the
reporter's contact. Every one starts from ``WorkOrder.objects.visible_to(user)``; the views and the API only render.

Cost (docs/benchmarks.md): each list reads a fixed number of statements whatever its length, never a COUNT over a
street's whole history — the inbox tabs count work in hand up to a cap, lists page with a "next" link, the boards
group the work in hand (the ``workorder_status_idx`` and ``workorder_overdue_idx`` indexes)."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db import connections
from django.db.models import Count, Q, Sum
from django.db.models.query import ValuesListIterable

from linli.core.memo import Memo
from linli.core.paging import capped_counts
from linli.core.text import mask_name, mask_phone
from linli.people.models import Organization
from linli.people.scopes import ADMIN_ROLES, DIVISION_ORG_KINDS, scope_for
from linli.places.models import Building, Division, Estate, Home
from linli.workorders import permissions
from linli.workorders.filters import WorkOrderFilterSet
from linli.workorders.forms import assignable_orgs
from linli.workorders.models import (
    ACTIVE_STATUSES,
    OPEN_STATUSES,
    Status,
    Tier,
    WorkInHand,
    WorkOrder,
    _scope_parts,
    area_q,
    place_label,
    scope_parts_for_orders,
)

# -- the staff inbox ------------------------------------------------------------------------------------------

# The committees and centres of the divisions an admin runs (a few ids, read on every inbox request).
division_orgs_memo = Memo("division organisations by path", ttl=10, watch=["people.Organization", "places.Division"])


# What the inbox's estate filter and its bulk dispatch offer, per scope: read on every inbox request (a district's
# hundreds of estates), changed rarely. Another process sees a change within ``ttl`` seconds; bulk dispatch checks
# the organisation it is sent against the tables, not this list.
choices_memo = Memo("inbox choices by scope", ttl=10, watch=[
    "places.Estate", "places.Division", "places.Stewardship", "people.Organization"])


def staff_estates_ordered(user):
    """The estates the user serves as staff (``Estate.objects.managed_by_staff_of``) by community then name, with
    the community: what the desk and patrol forms offer."""
    return Estate.objects.managed_by_staff_of(user).select_related("community").order_by("community__path", "name")


def inbox_estate_choices(user) -> list[tuple[int, str]]:
    """(pk, name) of the estates the user serves as staff, by community then name: the inbox's estate filter."""
    return choices_memo.get(("estates", scope_for(user)), lambda: list(
        Estate.objects.managed_by_staff_of(user).order_by("community__path", "name").values_list("pk", "name")))


def assignable_org_choices(user) -> list[tuple[int, str]]:
    """(pk, name) of the organisations the user may dispatch to (``forms.assignable_orgs``), for bulk dispatch."""
    return choices_memo.get(("orgs", scope_for(user)), lambda: list(assignable_orgs(user).values_list("pk", "name")))


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


def watches_only(user) -> bool:
    """Whether the user holds no orders of their own (no organisation, no division they run): an auditor, a grid
    worker. Their inbox opens on "all", and its tabs are the area's rather than theirs."""
    scope = scope_for(user)
    return not (scope.own_org_ids or scope.admin_paths)


def inbox_tabs(user, labels: dict) -> list[tuple[str, str, Q]]:
    """(key, label, Q) for the tabs the user's roles call for; each Q applies on top of visible_to(user).
    Every tab but "all" holds work in hand only (active statuses): ranges of the ``workorder_status_idx`` indexes.
    ``labels``: {key: label} (the page's words)."""
    scope = scope_for(user)
    admin = bool(scope.roles & ADMIN_ROLES)
    overdue = Q(overdue=True, status__in=ACTIVE_STATUSES)
    if watches_only(user):
        # An auditor or a grid worker holds no orders: "my" tabs would read 0 beside a list of open and overdue
        # orders. Their tabs are the area's work in hand, step by step (issue 18 item 6).
        return [(key, labels[key], q) for key, q in (
            ("to_sign", Q(status=Status.DISPATCHED)),
            ("in_progress", Q(status__in=(Status.ACCEPTED, Status.IN_PROGRESS))),
            ("overdue", overdue),
            ("to_visit", Q(status=Status.REPLIED)),
            ("all", Q()),
        )]
    mine = mine_q(user)
    tabs = [
        ("to_sign", mine & Q(status=Status.DISPATCHED)),
        ("in_progress", mine & Q(status__in=(Status.ACCEPTED, Status.IN_PROGRESS))),
        ("overdue", overdue if admin else mine & overdue),
    ]
    if admin:
        tabs += [("to_visit", Q(status=Status.REPLIED)), ("to_triage", Q(needs_triage=True, status=Status.RECEIVED))]
    tabs.append(("all", Q()))
    return [(key, labels[key], q) for key, q in tabs]


def inbox_counts(user, tabs, cap: int) -> dict:
    """{tab: count} for the tabs of work in hand (shown as "99+" above ``cap``), in one statement; "all" is not
    counted (None): at a busy street it is hundreds of thousands of closed orders.

    The area the user serves is read from the work-in-hand summary (``work_in_hand_parts``: a sum over a few
    hundred rows, whatever the street's size); what they see outside it (orders in hand of their own organisations
    elsewhere, assigned to them, reported by them) is grouped from the orders — the counts the dispatch board
    shows. A user who serves no area (a property company) has their tabs counted from the orders, each up to
    ``cap + 1`` rows."""
    counted = [(key, q) for key, _label, q in tabs if key != "all"]
    area, rest = work_in_hand_parts(user)
    if area is None:
        visible = WorkOrder.objects.visible_to(user)
        counts = capped_counts({key: visible.filter(q) for key, q in counted}, cap)
    else:
        # The area's summary rows grouped by the columns the tabs read, each tab's rows picked here (as one count per
        # tab, the district's long lists of communities took PostgreSQL 18 ms to plan).
        columns = ("assignee_org_id", "assignee_user_id", "status", "overdue", "needs_triage")
        rows = [(_row(columns, r[:-1]), r[-1])
                for r in WorkInHand.objects.filter(area).values_list(*columns).annotate(total=Sum("n")).order_by()]
        outside = None
        if rest is not None:
            # The orders in hand seen outside the area (their own elsewhere: almost always none) are read as rows, up
            # to a bound; five capped counts of them cost 6 ms of a street's 25 ms inbox to build and plan.
            seen = list(rest.order_by().values_list(*columns)[: REST_ROWS + 1])
            if len(seen) <= REST_ROWS:
                rows += [(_row(columns, r), 1) for r in seen]
            else:
                outside = capped_counts({key: rest.filter(q) for key, q in counted}, cap)
        tests = [(key, q_predicate(q)) for key, q in counted]
        counts = {key: sum(n for row, n in rows if test(row)) for key, test in tests}
        if outside is not None:
            counts = {key: counts[key] + outside[key] for key in counts}
    return {key: counts.get(key) for key, _label, _q in tabs}


# How many orders in hand outside a user's area the inbox reads as rows before counting them in SQL instead.
REST_ROWS = 500


def _row(columns: tuple[str, ...], values) -> dict:
    """{column: value} of a grouped row, None for no id (the summary keeps 0 for "none")."""
    return {c: (v or None) if c in ID_COLUMNS else v for c, v in zip(columns, values, strict=True)}


def q_predicate(q: Q):
    """``q`` as a function of a row of values ({column: value}, None for no id) telling whether the row passes it —
    the tabs' Q objects, made of exact and ``__in`` lookups on the row's columns (a ``ValueError`` for anything
    else). Compiled once per Q: the inbox tests a few hundred summary rows against each tab."""
    tests = []
    for child in q.children:
        if isinstance(child, Q):
            tests.append(q_predicate(child))
            continue
        lookup, wanted = child
        column, _sep, op = lookup.partition("__")
        if op == "in":
            allowed = frozenset(str(w) if isinstance(w, str) else w for w in wanted)
            tests.append(lambda row, c=column, a=allowed: row[c] in a)
        elif op in ("", "exact"):
            tests.append(lambda row, c=column, w=wanted: row[c] == w)
        else:
            raise ValueError(f"q_predicate: lookup {lookup!r} is not supported")
    if q.connector == Q.AND:
        def passes(row):
            for test in tests:
                if not test(row):
                    return False
            return True
    else:
        def passes(row):
            for test in tests:
                if test(row):
                    return True
            return False
    return (lambda row: not passes(row)) if q.negated else passes


# -- work in hand (the summary) ------------------------------------------------------------------------------------


def work_in_hand_parts(user_or_area) -> tuple[Q | None, object]:
    """(Q over ``WorkInHand`` rows of the area a user serves, or of a division; the orders in hand the user sees
    outside that area, as a queryset of orders, or None). (None, None) for a user who serves no area: everything
    they see is counted from the orders. The area is one ``OR`` of its streets and communities (each summary row
    counts once), which PostgreSQL plans in a fraction of the time of the disjoint parts' ranges."""
    if isinstance(user_or_area, Division):
        return area_q([user_or_area.path]), None
    area, others = _scope_parts(user_or_area)
    if not area:
        return None, None
    q = area_q(scope_for(user_or_area).paths)
    rest = WorkOrder.objects.active().filter(reduce(or_, others) & ~q) if others else None
    return q, rest


ID_COLUMNS = ("street_id", "community_id", "assignee_org_id", "assignee_user_id")


def work_in_hand(user_or_area, by: tuple[str, ...] = ("status",), where: Q | None = None) -> dict[tuple, int]:
    """The orders in hand that a user sees (or of a division and everything under it), counted per ``by`` — any of
    street_id, community_id, assignee_org_id, assignee_user_id, status, overdue, needs_triage — as
    {(value, …): n}; an id is None where the orders have none. ``where``: a Q over these columns (e.g.
    ``Q(overdue=True)``). One statement: the area from the ``WorkInHand`` summary rows (kept by the services,
    ``linli.workorders.summary``), what the user sees outside the area from the orders; a user who serves no area
    (a property company) is counted from the orders alone.

    The dashboard's backlog reads it, e.g. ``work_in_hand(street, by=("community_id", "overdue"))``."""
    where = where or Q()
    area, rest = work_in_hand_parts(user_or_area)
    if area is None:
        rest = WorkOrder.objects.visible_to(user_or_area).active()
        queries = []
    else:
        queries = [WorkInHand.objects.filter(area, where).values_list(*by).annotate(total=Sum("n")).order_by()]
    if rest is not None:
        queries.append(rest.filter(where).values_list(*by).annotate(total=Count("pk")).order_by())
    out: dict[tuple, int] = {}
    ids = [i for i, column in enumerate(by) if column in ID_COLUMNS]
    for *key, n in union_all(queries):
        for i in ids:
            key[i] = key[i] or None
        key = tuple(key)
        out[key] = out.get(key, 0) + int(n or 0)
    return {k: n for k, n in out.items() if n}


def inbox_orders(user, tab_q: Q, params) -> tuple[WorkOrderFilterSet, object]:
    """The orders of one inbox tab that pass the filters in ``params`` (the request's GET), newest first, with
    what a row shows; and the filterset (its form and the values it read). A tab of work in hand, or a search by
    status, is read per part (``by_parts``)."""
    visible = WorkOrder.objects.visible_to(user).filter(tab_q)
    filterset = WorkOrderFilterSet(params or None, queryset=visible)
    parted = by_parts(user, filterset, tab_q, _inbox_rows(WorkOrder.objects.all()))
    return filterset, parted or _inbox_rows(filterset.qs).order_by("-received_at", "-id")


def by_parts(user, filterset, tab_q: Q, rows) -> NewestFirst | None:
    """The orders of ``filterset`` (over what ``user`` sees, narrowed by ``tab_q``) newest first, read per disjoint
    part of what the user sees (``NewestFirst``), for a tab of work in hand or a search by status on PostgreSQL;
    None where one statement serves (the 全部 tab unfiltered, a user whose orders are one part, SQLite).

    Each part is read newest first up to the page's end, so that a street's part is one range of
    ``workorder_street_status_idx``; as one ``OR``, PostgreSQL walked the city's orders newest first until it had
    found a page of the street's (1.2 s for the smallest street's 已结案)."""
    if not (filterset.is_valid() and _by_status(tab_q, filterset) and NewestFirst.supported(filterset.qs.db)):
        return None
    parts = scope_parts_for_orders(user)
    if len(parts) < 2:
        return None
    # the same filters on the orders of the tab, from the values the filterset already read (a second filterset
    # built its form and validated the request again: 1 ms)
    base = filterset.filter_queryset(WorkOrder.objects.filter(tab_q))
    return NewestFirst([base.filter(q) for q in parts], rows, statuses=filterset.form.cleaned_data.get("status") or ())


# What an inbox row shows (``_inbox_rows.html``), and no more: the order's 49 columns, its triage proposal (a JSON
# document) and every column of four related rows were read and set on each of a page's ~150 model instances.
INBOX_ROW_FIELDS = ("id", "code", "channel", "title", "text", "urgent", "status", "overdue", "needs_triage",
                    "reply_due", "received_at", "address", "estate__name", "building__number", "home__number",
                    "assignee_org__name")


class InboxRow:
    """One row of the inbox: ``INBOX_ROW_FIELDS`` as attributes (a related name with ``_`` for ``__``), read as
    values — a model instance for the order and each of its four places and organisation was half the cost of
    reading the page. The view adds ``url`` and ``row`` (its cells)."""

    __slots__ = (*(f.replace("__", "_") for f in INBOX_ROW_FIELDS), "url", "row")

    @property
    def pk(self):
        return self.id

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def place_label(self) -> str:
        return place_label(self.estate_name, self.building_number, self.home_number, self.address)


class _InboxRows(ValuesListIterable):
    def __iter__(self):
        names = InboxRow.__slots__[:len(INBOX_ROW_FIELDS)]
        for values in super().__iter__():
            row = InboxRow()
            for name, value in zip(names, values, strict=True):
                setattr(row, name, value)
            yield row


def _inbox_rows(orders):
    """``orders`` as ``InboxRow``s; a row's place names the home (a resident's report has one): joined, not read per
    row."""
    rows = orders.values_list(*INBOX_ROW_FIELDS)
    rows._iterable_class = _InboxRows  # noqa: SLF001 -- Django's hook for what a queryset yields (as values() sets it)
    return rows


def _by_status(tab_q: Q, filterset) -> bool:
    """Whether the tab or the status filter names the statuses read (ranges of the status indexes)."""
    return bool(tab_q or filterset.form.cleaned_data.get("status"))  # every tab but "all" holds work in hand


class NewestFirst:
    """Slices of the union of disjoint querysets of orders, newest first (``-received_at, -id``), in two statements:
    the keys (received_at, id) of a ``UNION ALL`` of each part's own ``ORDER BY … LIMIT`` (the slice's end), then
    the rows of ``rows`` (which adds what a row shows) of the slice's ids. Sliceable like a queryset, for ``Pager``.

    ``statuses``: the first part is read once per status (a range of ``workorder_street_status_idx`` for one
    street, ``workorder_status_idx`` newest first for many), because no index gives a street's orders of several
    statuses newest first: asked for ``status IN (…)``, PostgreSQL walked the city's orders backwards
    (1.4 s for the smallest street's 已回访 and 已结案)."""

    ORDER = ("-received_at", "-id")

    def __init__(self, parts: list, rows, statuses=()):
        self.parts = parts
        self.rows = rows
        self.statuses = list(statuses)

    @staticmethod
    def supported(alias: str) -> bool:
        return connections[alias].features.supports_slicing_ordering_in_compound

    def __getitem__(self, k: slice) -> list:
        start, stop = k.start or 0, k.stop
        # Only the first part (the streets, or a community admin's communities) is read newest first up to the
        # slice's end; the others — the orders whose street and community disagree, the user's own orders outside
        # the area — are few, and read whole: asked for its newest rows, PostgreSQL looked for them by walking the
        # whole city's work in hand backwards (5 s for a street admin's empty part on the seeded city).
        first, *rest = self.parts
        heads = [first.filter(status=s) for s in self.statuses] if len(self.statuses) > 1 else [first]
        keys = list(union_all([p.order_by(*self.ORDER).values_list("received_at", "id")[:stop] for p in heads]
                              + [p.order_by().values_list("received_at", "id") for p in rest]))
        keys.sort(reverse=True)
        # the rows by a list of ids, planned apart: joined to the union, the planner took the estimate of the part
        # read whole (24,000 rows for none) and hashed every building and estate of the city (5 ms a page)
        ids = [pk for _at, pk in keys[start:stop]]
        return list(self.rows.filter(pk__in=ids).order_by(*self.ORDER)) if ids else []


# -- the API list -----------------------------------------------------------------------------------------------

# What a line of the API list shows (serializers.WorkOrderSerializer) and what decides what the caller may read of it
# (permissions.can_manage, can_handle, is_reporter): the order's own columns; of its places and assignee, the names
# and the paths and kinds those rules read.
LIST_FIELDS = ("id", "code", "channel", "external_id", "kind", "title", "text", "status", "category", "subcategory",
               "tier", "level", "urgent", "needs_triage", "overdue", "supervised", "street_id", "community_id",
               "estate_id", "building_id", "home_id", "address", "contact_name", "contact_phone", "anonymous",
               "reporter_id", "assignee_org_id", "assignee_user_id", "created_by_id", "received_at", "accept_due",
               "reply_due", "replied_at", "closed_at", "satisfaction")
LIST_RELATED = {
    "street": (Division, ("name", "path")),
    "community": (Division, ("name", "path")),
    "estate": (Estate, ("name",)),
    "assignee_org": (Organization, ("name", "kind", "division_id")),
}


def order_list(user):
    """What ``GET /api/v1/workorders/`` lists (the filterset and the pagination apply on top), newest first."""
    return list_rows(WorkOrder.objects.visible_to(user))


def list_rows(orders):
    """``orders`` as lines of the API list (``ListedOrder``), read as values in one statement.

    A page of 50 orders was 250 model instances (each order and, joined, its street, community, estate and assignee
    with every column a setattr): more than a third of the request. Each line is now one plain object and each
    place or organisation one model instance however many lines name it; the building and home numbers that
    place_label reads are fetched by id for the page (two more joins made PostgreSQL spend longer choosing the join
    order, ~20 ms, than running the query)."""
    related = [f"{name}__{column}" for name, (_model, columns) in LIST_RELATED.items() for column in columns]
    rows = orders.values_list(*LIST_FIELDS, *related)
    rows._iterable_class = _ListedOrders  # noqa: SLF001 -- Django's hook for what a queryset yields (as values() sets it)
    return rows


class ListedOrder:
    """One line of the API list: the order's ``LIST_FIELDS`` as attributes, its street, community, estate and
    assignee organisation (model instances, or None), and its building and home (with their number). Read by the
    list serializer and the permission rules, as a WorkOrder would be; it is not saved."""

    __slots__ = (*LIST_FIELDS, *LIST_RELATED, "building", "home")

    @property
    def pk(self):
        return self.id

    place_label = WorkOrder.place_label


class _ListedOrders(ValuesListIterable):
    """What ``list_rows`` yields: ``ListedOrder``s (see there)."""

    def __iter__(self):
        db = self.queryset.db
        width = len(LIST_FIELDS)
        seen: dict[tuple, object] = {}
        lines = []
        for row in super().__iter__():
            line = ListedOrder()
            for name, value in zip(LIST_FIELDS, row[:width], strict=False):
                setattr(line, name, value)
            at = width
            for name, (model, columns) in LIST_RELATED.items():
                pk, values = getattr(line, f"{name}_id"), row[at: at + len(columns)]
                at += len(columns)
                if pk is not None and (name, pk) not in seen:
                    seen[name, pk] = model.from_db(db, ("id", *columns), (pk, *values))
                setattr(line, name, seen.get((name, pk)) if pk is not None else None)
            lines.append(line)
        for name, model in (("building", Building), ("home", Home)):
            ids = {getattr(line, f"{name}_id") for line in lines} - {None}
            found = model.objects.using(db).only("id", "number").in_bulk(ids) if ids else {}
            for line in lines:
                setattr(line, name, found.get(getattr(line, f"{name}_id")))
        yield from lines


# -- the boards ---------------------------------------------------------------------------------------------------


def union_all(querysets: list):
    """The rows of several querysets of the same columns, in one statement (``UNION ALL``)."""
    first, *rest = querysets
    return first.union(*rest, all=True) if rest else first


BOARD_COLUMNS = {Status.DISPATCHED: "to_sign", Status.ACCEPTED: "working", Status.IN_PROGRESS: "working",
                 Status.REPLIED: "replied"}


BOARD_RECENT_COLUMNS = ("code", "text", "category", "received_at", "estate__name")


def dispatch_board(user, *, waiting: int = 20) -> dict:
    """The street's dispatch board: {"counts": {received, needs_triage, dispatched, overdue}, "rows": per assignee
    organisation {to_sign, working, replied, overdue, assignee_org, assignee_org__name, assignee_org__kind}, most
    overdue first, "recent": the ``waiting`` oldest orders waiting for dispatch}.

    The figures are ``work_in_hand`` (the summary rows of the user's area, one statement, whatever its size)."""
    visible = WorkOrder.objects.visible_to(user)
    groups = work_in_hand(user, by=("assignee_org_id", "status", "overdue", "needs_triage"))
    counts = {"received": 0, "needs_triage": 0, "dispatched": 0, "overdue": 0}
    held: dict[int, dict] = {}
    for (org_id, status, overdue, needs_triage), n in groups.items():
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
    orgs = {pk: (name, kind) for pk, name, kind in
            Organization.objects.filter(pk__in=list(held)).values_list("pk", "name", "kind")} if held else {}
    rows = [dict(r, assignee_org=k, assignee_org__name=orgs[k][0], assignee_org__kind=orgs[k][1])
            for k, r in held.items() if k in orgs]
    rows.sort(key=lambda r: (-r["overdue"], -r["to_sign"], r["assignee_org__name"]))
    # Only what the board shows of a waiting order (not its 49 columns and its estate's every column).
    recent = list(visible.filter(status=Status.RECEIVED).select_related("estate")
                  .only(*BOARD_RECENT_COLUMNS).order_by("received_at", "id")[:waiting])
    return {"counts": counts, "rows": rows, "recent": recent}


# What a row of the overdue board shows (not the order's 49 columns, nor its estate, which it does not show).
OVERDUE_COLUMNS = ("code", "status", "text", "reply_due", "accept_due", "supervised", "assignee_org__name")


def overdue_board(user):
    """超期督办: (the overdue orders in hand, most late first — page it; their count per organisation,
    [{"assignee_org__name", "n"}], most first). Overdue work in hand only, never the street's history: the list
    reads the ``workorder_overdue_idx`` index, the counts are ``work_in_hand`` (the summary), named here."""
    qs = WorkOrder.objects.visible_to(user).overdue()
    per_id = {org: n for (org,), n in work_in_hand(user, by=("assignee_org_id",), where=Q(overdue=True)).items()}
    # (one statement whether or not any organisation is late: the id 0 is nobody's)
    names = dict(Organization.objects.filter(pk__in=[k for k in per_id if k] or [0]).values_list("pk", "name"))
    per_org: dict = {}
    for org, n in per_id.items():
        name = names.get(org) if org else None
        per_org[name] = per_org.get(name, 0) + n
    rows = [{"assignee_org__name": name, "n": n} for name, n in per_org.items()]
    rows.sort(key=lambda r: (-r["n"], r["assignee_org__name"] is None, r["assignee_org__name"] or ""))
    return qs.select_related("assignee_org").only(*OVERDUE_COLUMNS).order_by("reply_due", "id"), rows


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
    if order.reporter_id and isinstance(order, WorkOrder) and WorkOrder._meta.get_field("reporter").is_cached(order):
        name, phone = name or order.reporter.name, phone or order.reporter.phone
    sees_name = manages or permissions.can_handle(user, order) or permissions.is_reporter(user, order)
    return (name if sees_name else mask_name(name)), (phone if manages else mask_phone(phone))


# -- the resident's own orders ----------------------------------------------------------------------------------


def own_orders(user):
    """The orders a resident reported: through their account on the phone page, or as the person on record."""
    from linli.workorders.models import Channel

    q = Q(created_by_id=user.pk, channel=Channel.RESIDENT)
    if user.person_id:
        q |= Q(reporter_id=user.person_id)
    return WorkOrder.objects.filter(q)


# -- issue 19 (reach): the committee member's read-only view of their estate's orders ---------------------------


def committee_orders(user, estate):
    """The orders of ``estate`` for a member of its committee (none for anyone else), newest first. Apart from
    ``visible_to``: a committee member is not staff and sees no other order through it."""
    if not permissions.can_read_as_committee(user, estate):
        return WorkOrder.objects.none()
    return (WorkOrder.objects.filter(estate_id=getattr(estate, "pk", estate))
            .select_related("estate", "building", "assignee_org", "reporter").order_by("-received_at", "-id"))


def committee_contact(order: WorkOrder) -> tuple[str, str]:
    """(name, phone) of the reporter as a committee member reads them: both masked, always (Beijing art. 47(8));
    an anonymous report shows neither."""
    if order.anonymous:
        return "", ""
    name, phone = order.contact_name, order.contact_phone
    if order.reporter_id and WorkOrder._meta.get_field("reporter").is_cached(order) and order.reporter is not None:
        name, phone = name or order.reporter.name, phone or order.reporter.phone
    return mask_name(name), mask_phone(phone)


def committee_text(order: WorkOrder, text: str) -> str:
    """A text of the order (its content, the reply, a step's note) with phone and ID numbers and names masked,
    the reporter's name wherever it appears; the assignee's own line is kept."""
    from linli.core.text import redact

    names = [order.contact_name] + ([order.reporter.name] if order.reporter_id and order.reporter else [])
    keep = [order.assignee_org.phone] if order.assignee_org_id and order.assignee_org.phone else []
    return redact(text, names=names, keep=keep)


def estate_order_figures(estate_ids, *, since=None) -> dict[int, dict]:
    """{estate id: {"open": work in hand, "overdue": overdue in hand, "received": received since ``since``}} — no
    personal data; for the committee member's desk."""
    ids = list(estate_ids)
    out = {pk: {"open": 0, "overdue": 0, "received": 0} for pk in ids}
    rows = (WorkOrder.objects.active().filter(estate_id__in=ids).values_list("estate_id")
            .annotate(n=Count("pk"), late=Count("pk", filter=Q(overdue=True))).order_by())
    for estate_id, n, late in rows:
        out[estate_id].update(open=n, overdue=late)
    if since is not None:
        for estate_id, n in (WorkOrder.objects.filter(estate_id__in=ids, received_at__gte=since)
                             .values_list("estate_id").annotate(n=Count("pk")).order_by()):
            out[estate_id]["received"] = n
    return out
