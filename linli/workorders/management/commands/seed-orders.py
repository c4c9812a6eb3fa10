"""``linli seed-orders --orders N [--seed S] [--days D]``: synthetic work orders in bulk, for the bench.

It needs estates first (``linli seed --homes N`` or ``linli demo``) and spreads the orders over every estate with a
current stewardship, over the last ``D`` days (default 365). Each order gets the events its status implies
(create, dispatch, accept, start, reply, visit, close), so rates and timelines read as they would for real ones:

* tiers 易事/难事/大事 in the ratio 135 : 10 : 1 (seed 002);
* channels: resident 40 %, phone 20 %, 12345 hotline 15 %, walk-in 10 %, grid 10 %, WeChat 5 %;
* status: closed 70 %, visited 5 %, replied 5 %, in progress 5 %, accepted 5 %, dispatched 8 %, waiting for a
  person (received, needs triage) 2 %; satisfaction 满意 80 % / 基本满意 15 % / 不满意 5 %;
* the work-in-hand summary (``linli.workorders.summary``) recounted at the end;
* assigned to the estate's current provider, or the community committee when there is none (a committee, and a
  property service centre per street, are created where missing).

Rows are written with PostgreSQL ``COPY`` (SQLite: ``executemany``) in chunks of 100,000 orders, one transaction
per chunk, ids taken from the tables' maximum under a lock, sequences moved on afterwards (as ``linli seed`` does).
"""

from __future__ import annotations

import contextlib
import datetime
import json
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from linli.people.models import Organization
from linli.places.models import Building, Division, Estate, Stewardship
from linli.triage.engine import taxonomy
from linli.workorders import summary
from linli.workorders.models import WorkInHand, WorkOrder, WorkOrderEvent

ORDER_COLUMNS = (
    "id", "code", "channel", "external_id", "kind", "title", "text", "reporter_id", "contact_name", "contact_phone",
    "anonymous", "street_id", "community_id", "estate_id", "building_id", "home_id", "address", "latitude",
    "longitude", "category", "subcategory", "tier", "level", "urgent", "needs_triage", "triage", "status",
    "assignee_org_id", "assignee_user_id", "duplicate_of_id", "received_at", "dispatched_at", "accepted_at",
    "replied_at", "closed_at", "accept_due", "reply_due", "reminded", "overdue", "supervised", "extension_pending",
    "reopen_count", "reply_text", "reached", "solved", "satisfaction", "created_by_id", "created_at",
)
EVENT_COLUMNS = ("id", "order_id", "kind", "from_status", "to_status", "actor_id", "at", "note", "data")

TIERS = (("easy", 135), ("hard", 10), ("major", 1))
CHANNELS = (("resident", 40), ("phone", 20), ("hotline", 15), ("walk_in", 10), ("grid", 10), ("wechat", 5))
STATUSES = (("closed", 70), ("visited", 5), ("replied", 5), ("in_progress", 5), ("accepted", 5), ("dispatched", 8),
            ("received", 2))
SATISFACTION = (("satisfied", 80), ("basic", 15), ("unsatisfied", 5))
KINDS = (("help", 55), ("complaint", 25), ("consult", 10), ("report", 5), ("suggestion", 5))
LEVELS = {"easy": ("building", "estate"), "hard": ("estate", "community"), "major": ("community", "street")}
TEXTS = (
    "{b}楼道灯不亮，晚上上下楼看不见", "{b}门口垃圾三天没人清运，味道很大", "{b}顶楼漏水，雨天屋里滴水",
    "小区里有车长期占用消防通道", "{b}电梯经常停运，老人上下楼困难", "绿化带杂草丛生，蚊虫多",
    "楼下烧烤店油烟太大，晚上噪音扰民", "{b}化粪池堵塞，污水外溢", "小区大门门禁坏了，外人随意进出",
    "{b}外墙瓷砖脱落，担心砸到人", "健身器材损坏，孩子玩耍有危险", "{b}水压太低，高层用不上水",
)
EVENT_CHAIN = {  # status → the events that lead to it after create and dispatch
    "dispatched": (), "accepted": ("accept",), "in_progress": ("accept", "start"),
    "replied": ("accept", "start", "reply"), "visited": ("accept", "start", "reply", "visit"),
    "closed": ("accept", "start", "reply", "visit", "close"),
}
STEP_STATUS = {"accept": "accepted", "start": "in_progress", "reply": "replied", "visit": "visited", "close": "closed"}


def _picker(rng: random.Random, pairs):
    values = [v for v, _ in pairs]
    cum, total = [], 0
    for _, w in pairs:
        total += w
        cum.append(total)
    import bisect

    def pick():
        return values[bisect.bisect_right(cum, rng.random() * total)]

    return pick


class Writer:
    def __init__(self):
        connection.ensure_connection()
        self.vendor = connection.vendor
        if self.vendor not in ("postgresql", "sqlite"):
            raise CommandError(f"seed-orders supports PostgreSQL and SQLite, not {self.vendor}")
        self.tables = (WorkOrder._meta.db_table, WorkOrderEvent._meta.db_table)
        self.analyzed = self.tables + (WorkInHand._meta.db_table,)

    def begin(self) -> dict[str, int]:
        last = {}
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute("SET LOCAL synchronous_commit = off")
                cursor.execute(f"LOCK TABLE {', '.join(self.tables)} IN SHARE ROW EXCLUSIVE MODE")
                self.sequences = {}
                for name in self.tables:
                    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [name])
                    seq = cursor.fetchone()[0]
                    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {name}")
                    top = cursor.fetchone()[0]
                    cursor.execute(f"SELECT last_value, is_called FROM {seq}")
                    value, called = cursor.fetchone()
                    last[name] = max(top, value if called else value - 1)
                    self.sequences[name] = seq
            else:
                cursor.execute("SELECT name, seq FROM sqlite_sequence")
                sequences = dict(cursor.fetchall())
                for name in self.tables:
                    cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{name}"')
                    last[name] = max(cursor.fetchone()[0], sequences.get(name) or 0)
        return last

    def write(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        cols = ", ".join(f'"{c}"' for c in columns)
        if self.vendor == "postgresql":
            with connection.cursor() as cursor, cursor.cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
            return
        ops = connection.ops

        def adapt(value):
            if isinstance(value, datetime.datetime):
                return ops.adapt_datetimefield_value(value)
            return value

        marks = ", ".join("?" * len(columns))
        connection.connection.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})',
                                          ([adapt(v) for v in row] for row in rows))

    def drop_indexes(self) -> list[str]:
        """PostgreSQL, big runs: drop the plain indexes and the foreign keys of both tables (inside the one
        transaction of the run) and return the statements that rebuild them. Rebuilding an index once and
        validating a foreign key with one join is far cheaper than ~25 index updates and ~10 deferred
        foreign-key triggers per row."""
        if self.vendor != "postgresql":
            return []
        tables = list(self.tables)
        restore = []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)", [tables])
            for table, name, definition in cursor.fetchall():
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
                restore.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) AND NOT EXISTS ("
                " SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)", [tables])
            found = cursor.fetchall()
            for name, _definition in found:
                cursor.execute(f'DROP INDEX "{name}"')
        # indexes first: the foreign-key validation of the events uses them
        return [definition for _name, definition in found] + restore

    def create_indexes(self, statements: list[str]) -> None:
        if not statements:
            return
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for statement in statements:
                cursor.execute(statement)

    def end(self, last: dict[str, int]) -> None:
        if self.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for name, seq in self.sequences.items():
                if last.get(name):
                    cursor.execute("SELECT setval(%s, %s, true)", [seq, last[name]])

    def analyze(self) -> None:
        """Statistics for the planner; on PostgreSQL outside a transaction also VACUUM, which sets the visibility
        map of the rows just copied in: until then every index-only scan (the inbox tabs, the boards) reads the
        table too — at 5,000,000 orders the dispatch board took 2.2 s instead of 1.2 s."""
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
                cursor.execute(f"{verb} {', '.join(self.analyzed)}")
            else:
                cursor.execute("PRAGMA optimize")


def _handlers_for_places(estates) -> tuple[dict, dict]:
    """Community committees and street centres for the estates' divisions, created where missing."""
    community_ids = {e["community_id"] for e in estates}
    communities = Division.objects.filter(pk__in=community_ids).select_related("parent")
    committees = dict(Organization.objects.filter(kind="community_committee", division__in=community_ids)
                      .values_list("division_id", "pk"))
    for c in communities:
        if c.pk not in committees:
            org, _ = Organization.objects.get_or_create(kind="community_committee", name=f"{c.name}居民委员会",
                                                        defaults={"division": c})
            committees[c.pk] = org.pk
    for s in {c.parent for c in communities if c.parent_id}:
        if not Organization.objects.filter(kind="property_centre", division=s).exists():
            Organization.objects.get_or_create(kind="property_centre", name=f"{s.name}物业服务中心",
                                               defaults={"division": s})
    streets = {c.pk: c.parent_id for c in communities}
    return committees, streets


@contextlib.contextmanager
def _nothing():
    yield


def seed_orders(n: int, *, seed: int = 1, days: int = 365, chunk: int = 100_000, out=print) -> dict:
    rng = random.Random(seed)
    now = timezone.now()
    providers = dict(Stewardship.objects.current().values_list("estate_id", "provider_id"))
    estates = list(Estate.objects.values("pk", "community_id", "name").order_by("pk"))
    if not estates:
        raise CommandError("没有小区：请先运行 linli seed --homes N 或 linli demo")
    committees, streets = _handlers_for_places(estates)
    buildings: dict[int, list[tuple[int, str]]] = {}
    for bid, eid, number in Building.objects.values_list("pk", "estate_id", "number").iterator(chunk_size=20000):
        buildings.setdefault(eid, []).append((bid, number))
    categories = tuple(taxonomy.default().categories)
    tier_of, channel_of, status_of = _picker(rng, TIERS), _picker(rng, CHANNELS), _picker(rng, STATUSES)
    satisfaction_of, kind_of = _picker(rng, SATISFACTION), _picker(rng, KINDS)
    writer = Writer()
    order_table, event_table = writer.tables
    span = days * 86400
    json_empty = "{}"
    started = time.perf_counter()
    made = events_made = 0
    out(f"生成 {n:,} 张工单（种子 {seed}，{len(estates):,} 个小区，近 {days} 天，{connection.vendor}）")
    # Big runs on PostgreSQL: one transaction, indexes and foreign keys dropped first and rebuilt at the end
    # (all or nothing: if anything fails the tables are as they were). Small runs: a transaction per chunk.
    bulk = writer.vendor == "postgresql" and n >= 50_000
    with transaction.atomic() if bulk else _nothing():
        statements = writer.drop_indexes() if bulk else []
        while made < n:
            size = min(chunk, n - made)
            with transaction.atomic():
                last = writer.begin()
                oid, evid = last[order_table], last[event_table]
                orders, events = [], []
                for _ in range(size):
                    oid += 1
                    e = estates[int(rng.random() * len(estates))]
                    eid, cid = e["pk"], e["community_id"]
                    tier = tier_of()
                    status = status_of()
                    received = now - datetime.timedelta(seconds=rng.random() * span + 3600)
                    if status != "closed" and status != "visited":
                        # open orders are recent
                        received = now - datetime.timedelta(seconds=rng.random() * 14 * 86400 + 600)
                    steps = EVENT_CHAIN.get(status, ())
                    gaps = [rng.randint(5, 60 if step == "accept" else 2880) for step in steps]
                    # no event in the future: the whole chain ends at least a minute ago
                    received = min(received, now - datetime.timedelta(minutes=sum(gaps) + 1))
                    blist = buildings.get(eid)
                    b = blist[int(rng.random() * len(blist))] if blist and rng.random() < 0.6 else None
                    text = TEXTS[int(rng.random() * len(TEXTS))].format(b=b[1] if b else "")
                    org = providers.get(eid) or committees.get(cid)
                    urgent = rng.random() < 0.03
                    local = timezone.localtime(received)
                    accept_due = received + datetime.timedelta(hours=1 if urgent else 2)
                    reply_due = received + datetime.timedelta(hours=24 if urgent else 24 * 7)
                    dispatched = accepted = replied = closed = None
                    reached = solved = None
                    satisfaction = ""
                    chain_events = [(evid + 1, oid, "create", "", "received", None, received, "", json_empty)]
                    evid += 1
                    if status == "received":
                        org = None
                        accept_due = reply_due = None
                    else:
                        dispatched = received
                        evid += 1
                        chain_events.append((evid, oid, "dispatch", "received", "dispatched", None, dispatched,
                                             "规则 #50：小区当前物业服务单位",
                                             json.dumps({"to": org, "accept_due": accept_due.isoformat(),
                                                         "reply_due": reply_due.isoformat()})))
                        at = dispatched
                        before = "dispatched"
                        for step, gap in zip(steps, gaps, strict=True):
                            at = at + datetime.timedelta(minutes=gap)
                            data = json_empty
                            if step == "accept":
                                accepted = at
                            elif step == "reply":
                                replied = at
                            elif step == "visit":
                                satisfaction = satisfaction_of()
                                reached, solved = True, satisfaction != "unsatisfied"
                                data = json.dumps({"solved": solved, "satisfaction": satisfaction, "reached": True})
                            elif step == "close":
                                closed = at
                            evid += 1
                            chain_events.append((evid, oid, step, before, STEP_STATUS[step], None, at, "", data))
                            before = STEP_STATUS[step]
                    events.extend(chain_events)
                    level = LEVELS[tier][int(rng.random() * 2)]
                    orders.append((
                        oid, f"{local:%Y%m%d}-{oid:04d}", channel_of(), "", kind_of(), "", text, None, "",
                        f"1{rng.randint(3, 9)}{rng.randrange(10**9):09d}", False, streets.get(cid), cid, eid,
                        b[0] if b else None, None, "", None, None, categories[int(rng.random() * len(categories))], "",
                        tier, level, urgent, status == "received", json_empty, status, org, None, None, received,
                        dispatched, accepted, replied, closed, accept_due, reply_due, False,
                        bool(accept_due and status in ("dispatched",) and accept_due < now), False, False, 0,
                        "已处理" if replied else "", reached, solved, satisfaction, None, received,
                    ))
                writer.write(order_table, ORDER_COLUMNS, orders)
                writer.write(event_table, EVENT_COLUMNS, events)
                writer.end({order_table: oid, event_table: evid})
            made += size
            events_made += len(events)
            elapsed = time.perf_counter() - started
            out(f"  {made:>12,} 张工单  {events_made:>12,} 条记录  {elapsed:7.1f} 秒")
        if statements:
            out("  重建索引和外键约束 …")
            writer.create_indexes(statements)
    rows = summary.rebuild()  # the boards and the inbox tabs read the work in hand from the summary
    out(f"  在办工单汇总：{rows:,} 行")
    writer.analyze()
    seconds = time.perf_counter() - started
    out(f"完成：{made:,} 张工单，{events_made:,} 条记录，{seconds:.1f} 秒（{(made + events_made) / seconds:,.0f} 行/秒）")
    return {"orders": made, "events": events_made, "seconds": round(seconds, 2)}


class Command(BaseCommand):
    help = "在已有小区上批量生成合成工单及其办理记录（用于基准测试）。"

    def add_arguments(self, parser):
        parser.add_argument("--orders", type=int, required=True, help="工单数，例如 1000000")
        parser.add_argument("--seed", type=int, default=1, help="随机种子")
        parser.add_argument("--days", type=int, default=365, help="分布在最近多少天内")
        parser.add_argument("--chunk", type=int, default=100_000, help="每个事务的工单数")

    def handle(self, *args, orders: int, seed: int, days: int, chunk: int, **options):
        if orders < 1:
            raise CommandError("--orders 必须至少为 1")
        seed_orders(orders, seed=seed, days=days, chunk=chunk, out=self.stdout.write)
        # The dashboards and the rates page read the daily summary: rebuilt for the orders just written.
        from linli.workorders import daily

        started = time.perf_counter()
        result = daily.rebuild()
        self.stdout.write(f"daily summary rebuilt: {result['rows']} rows in {time.perf_counter() - started:.1f} s")
