"""The work-in-hand summary (``WorkInHand``): one row per (street, community, assignee organisation, assignee
person, status, overdue, needs_triage) of the orders in hand, with their number.

Kept by explicit calls in the transaction that changes an order (no signals): ``_lock`` remembers the key of the
order it read (``remember``), and after each ``save()`` the service calls ``moved(order)``, which moves one order
from the remembered key to the order's key now (one ``INSERT … ON CONFLICT DO UPDATE SET n = n + …`` statement, the
two rows in key order so that two transactions moving orders between the same rows take their locks in the same
order). Intake counts a new order in the statement that draws its id (``next_id_counted``, PostgreSQL) or calls
``moved`` after writing it (no key before). ``rebuild()`` recounts everything from the orders
(``linli seed-orders`` and ``linli rebuild-work-in-hand``); ``differences()`` compares the rows with the orders.

Reads: ``linli.workorders.selectors.work_in_hand``."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Count, IntegerField, Value
from django.db.models.functions import Coalesce

from linli.workorders.models import ACTIVE_STATUSES, WorkInHand, WorkOrder

KEY = ("street_id", "community_id", "assignee_org_id", "assignee_user_id", "status", "overdue", "needs_triage")
_ACTIVE = frozenset(str(s) for s in ACTIVE_STATUSES)
_MISSING = object()


def key_of(order: WorkOrder, **override) -> tuple | None:
    """The summary row an order counts in, or None when it is not in hand (closed, merged, cancelled …)."""
    get = override.get
    status = str(get("status", order.status))
    if status not in _ACTIVE:
        return None
    return (get("street_id", order.street_id) or 0, get("community_id", order.community_id) or 0,
            get("assignee_org_id", order.assignee_org_id) or 0, get("assignee_user_id", order.assignee_user_id) or 0,
            status, bool(get("overdue", order.overdue)), bool(get("needs_triage", order.needs_triage)))


def remember(order: WorkOrder) -> WorkOrder:
    """Note the key of an order as read from the database (``services._lock`` calls it on the locked row)."""
    order._in_hand_key = key_of(order)
    return order


def moved(order: WorkOrder, *, before=_MISSING) -> None:
    """The order was saved: move it from the key it had (remembered by ``_lock``; None for a new order) to its key
    now. Call it in the transaction that saved the order."""
    if before is _MISSING:
        before = getattr(order, "_in_hand_key", None)
    after = key_of(order)
    shift(before, after)
    order._in_hand_key = after


def shift(before: tuple | None, after: tuple | None) -> None:
    """One order leaves the row ``before`` and joins the row ``after`` (either may be None)."""
    if before == after:
        return
    add({k: d for k, d in ((before, -1), (after, 1)) if k is not None})


def add(deltas: dict[tuple, int]) -> None:
    """Add ``deltas`` ({key: n}) to the rows, creating the missing ones, in one statement."""
    rows = sorted((k, d) for k, d in deltas.items() if d)
    if not rows:
        return
    table = connection.ops.quote_name(WorkInHand._meta.db_table)
    columns = ", ".join(KEY + ("n",))
    values = ", ".join(["(" + ", ".join(["%s"] * (len(KEY) + 1)) + ")"] * len(rows))
    params = [v for key, d in rows for v in (*key, d)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES {values} "
            f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET n = {table}.n + EXCLUDED.n", params)


def next_id_counted(table: str, order: WorkOrder) -> tuple[str, list]:
    """(SQL, params) of one PostgreSQL statement that draws the next id of ``table`` and counts the new ``order``
    in its summary row (``workinhand_add``, a function of migration 0012): intake's statement budget has no room for
    a statement of its own. The row stays locked until the intake commits, as with ``moved`` at its end."""
    key = key_of(order)
    order._in_hand_key = key
    if key is None:
        return "SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table]
    return ("SELECT nextval(pg_get_serial_sequence(%s, 'id')), workinhand_add(%s, %s, %s, %s, %s, %s, %s, 1)",
            [table, *key])


def live_counts() -> dict[tuple, int]:
    """{key: n} counted from the orders (for tests and ``differences``)."""
    rows = (WorkOrder.objects.active().order_by()
            .annotate(s=Coalesce("street_id", Value(0), output_field=IntegerField()),
                      c=Coalesce("community_id", Value(0), output_field=IntegerField()),
                      o=Coalesce("assignee_org_id", Value(0), output_field=IntegerField()),
                      u=Coalesce("assignee_user_id", Value(0), output_field=IntegerField()))
            .values_list("s", "c", "o", "u", "status", "overdue", "needs_triage").annotate(n=Count("pk")))
    return {tuple(r[:7]): r[7] for r in rows}


def stored_counts() -> dict[tuple, int]:
    """{key: n} as the summary holds it (rows at 0 left out)."""
    return {tuple(r[:7]): r[7] for r in WorkInHand.objects.exclude(n=0).values_list(*KEY, "n")}


def differences() -> dict[tuple, tuple[int, int]]:
    """{key: (stored, live)} where the summary and the orders disagree; empty when they agree."""
    stored, live = stored_counts(), live_counts()
    return {k: (stored.get(k, 0), live.get(k, 0)) for k in stored.keys() | live.keys()
            if stored.get(k, 0) != live.get(k, 0)}


def rebuild() -> int:
    """Recount every row from the orders, in one transaction; the number of rows written.

    On PostgreSQL the summary is locked first (EXCLUSIVE: reads go on, the services' updates wait): a service
    that changed an order before the lock has committed when the orders are read; one that changes an order after
    it adds its move to the recounted rows once the rebuild commits."""
    table = connection.ops.quote_name(WorkInHand._meta.db_table)
    orders = connection.ops.quote_name(WorkOrder._meta.db_table)
    statuses = ", ".join(["%s"] * len(ACTIVE_STATUSES))
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(KEY)}, n) "
            "SELECT COALESCE(street_id, 0), COALESCE(community_id, 0), COALESCE(assignee_org_id, 0), "
            "COALESCE(assignee_user_id, 0), status, overdue, needs_triage, COUNT(*) "
            f"FROM {orders} WHERE status IN ({statuses}) "
            "GROUP BY COALESCE(street_id, 0), COALESCE(community_id, 0), COALESCE(assignee_org_id, 0), "
            "COALESCE(assignee_user_id, 0), status, overdue, needs_triage",
            [str(s) for s in ACTIVE_STATUSES])
        return cursor.rowcount
