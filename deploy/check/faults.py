"""The faults, each a scenario run after the day on the same stack (docs/deploy-check.md):

(a) PostgreSQL restarted (``pg_ctl restart -m fast``) in the middle of intake;
(b) a worker killed (SIGKILL) in the middle of a task;
(c) Redis stopped and started;
(d) the scheduler started twice.
"""

from __future__ import annotations

import signal
import threading
import time
from collections import Counter

from . import invariants as inv
from .client import Http, Log
from .day import Intake, escalations, move_deadlines
from .procs import http_status
from .stack import PROXY_HEADERS

HOTLINE = "/api/v1/hotline/orders/"


class Prober(threading.Thread):
    """GET /readyz on every web process every ``every`` seconds, keeping (time, port, status)."""

    def __init__(self, urls: list[str], every: float = 0.2):
        super().__init__(daemon=True)
        self.urls, self.every = urls, every
        self.seen: list[tuple[float, str, int]] = []
        self.halt = threading.Event()

    def run(self):
        while not self.halt.is_set():
            for url in self.urls:
                self.seen.append((time.monotonic(), url, http_status(url + "/readyz", PROXY_HEADERS, timeout=3)))
            self.halt.wait(self.every)

    def statuses(self, url: str) -> list[int]:
        return [s for _t, u, s in self.seen if u == url]

    def stop(self) -> None:
        self.halt.set()
        self.join(10)


class Hotline:
    """The 12345 platform pushes orders, each with its own 工单编号, and retries until it gets an answer: the
    number makes a retry harmless (the API answers "duplicate" for a number it already has)."""

    def __init__(self, http: Http, key: str, prefix: str):
        self.http, self.key, self.prefix = http, key, prefix
        self.attempted: set[str] = set()
        self.accepted: set[str] = set()
        self.ambiguous: set[str] = set()
        self.answered_duplicate = 0
        self.log = Log()
        self.n = 0
        self.lock = threading.Lock()

    def push_one(self) -> None:
        with self.lock:
            self.n += 1
            number = f"DC-{self.prefix}-{self.n:05d}"
        self.attempted.add(number)
        record = {"工单编号": number, "标题": "楼道堆物", "主要内容": f"锦霞小区1栋楼道堆满杂物，影响通行（{number}）",
                  "问题分类": "城乡建设/住房保障与房地产/物业服务", "来电时间": time.strftime("%Y-%m-%d %H:%M:%S"),
                  "被反映区/街乡镇": "九宫庙街道", "社区": "锦霞社区", "小区点位": "锦霞小区1栋", "联系人": "", "联系电话": "",
                  "办理时限": ""}
        last, tried = self.http.call_retrying("POST", HOTLINE, key=self.key, data=[record], log=self.log)
        if any(a.ambiguous or a.status >= 500 for a in tried):
            self.ambiguous.add(number)
        if last.status == 200 and isinstance(last.body, dict):
            item = last.body["items"][0]
            if item["status"] in ("created", "duplicate"):
                self.accepted.add(number)
                self.answered_duplicate += item["status"] == "duplicate"

    def verdict(self, pg, name: str) -> inv.Verdict:
        rows = pg.query("SELECT external_id, count(*) FROM workorders_workorder WHERE channel = 'hotline' AND "
                        "external_id LIKE %s GROUP BY external_id", (f"DC-{self.prefix}-%",))
        v = inv.check_intake(name, attempted=self.attempted, accepted=self.accepted, stored=Counter(dict(rows)),
                             ambiguous=self.ambiguous)
        v.figures["retried_after_5xx_or_no_answer"] = len(self.ambiguous)
        v.figures["answered_duplicate_on_retry"] = self.answered_duplicate
        return v


def postgres_restart(stack, http: Http, *, threads: int, seconds: float = 12, restart_after: float = 4,
                     down_for: float = 2) -> dict:
    """(a) PostgreSQL restarted in the middle of intake. Residents report through the REST API (retrying a 5xx
    with the same text: that API has no idempotency key, so a duplicate would be counted by its mark) and the
    12345 platform pushes with its order numbers (idempotent). No accepted order is lost or doubled, the web
    processes recover without being restarted, and /readyz goes 503 then 200."""
    pg, seed = stack.pg, stack.seed
    urls = [stack.web_url(i) for i in range(2)]
    pids = {name: stack.procs[name].pid for name in ("web1", "web2")}
    since = last_delivery_id(pg) if stack.with_queue else 0
    intake = Intake(http, seed, "pgr")
    hotline = Hotline(http, seed["staff"]["street_admin"], "pgr")
    prober = Prober(urls)
    prober.start()
    stop = threading.Event()

    def hotline_loop(_):
        while not stop.is_set():
            hotline.push_one()

    pusher = threading.Thread(target=hotline_loop, args=(0,), daemon=True)
    pusher.start()
    restart = {}

    def restarter():
        time.sleep(restart_after)
        restart["at"] = time.monotonic()
        try:
            stack.pg.restart(down_for=down_for)
        except Exception as exc:  # reported below: the scenario cannot pass without its restart
            restart["error"] = str(exc)
            return
        restart["back"] = time.monotonic()

    killer = threading.Thread(target=restarter, daemon=True)
    killer.start()
    intake.run_for(seconds, threads)
    stop.set()
    pusher.join(60)
    hotline.log.ended = time.monotonic()
    killer.join(60)
    time.sleep(1.5)  # let the probes see the recovered state
    prober.stop()

    verdicts = [intake.verdict(pg, "pg restart: REST intake, accepted orders stored once"),
                hotline.verdict(pg, "pg restart: 12345 push (retried), stored once per number")]
    for url in urls:
        verdicts.append(inv.check_readiness(f"pg restart: /readyz of {url.rsplit(':', 1)[1]} went 503 then 200",
                                            prober.statuses(url)))
    v = inv.Verdict("pg restart: web processes recovered without a restart")
    if "back" not in restart:
        v.problems.append(f"PostgreSQL was not restarted: {restart.get('error', 'the restart did not finish')}")
    for name, pid in pids.items():
        if not stack.procs[name].alive() or stack.procs[name].pid != pid:
            v.problems.append(f"{name} is not the process it was")
    after = [http.call("GET", "/api/v1/workorders/?limit=1", key=seed["staff"]["manager_a"], base=u).status
             for u in urls for _ in range(4)]  # every gunicorn worker of both processes, most likely
    if any(s != 200 for s in after):
        v.problems.append(f"requests after the restart answered {after}")
    verdicts.append(v)
    if stack.with_queue:
        # A worker that claimed a delivery and lost its session before recording the outcome leaves the row to its
        # lease; the clock is moved past it here (the sent mark in the cache keeps a message the provider already
        # accepted from going twice).
        verdicts.append(final_drain(stack, "pg restart: deliveries of the intake sent once", since))
    errors = [a for a in intake.log.answers + hotline.log.answers if not a.ok]
    back = restart.get("back", 0)
    first_ok_after = min((t for t, _u, s in prober.seen if s == 200 and t > restart.get("back", 0)), default=None)
    figures = {"rest": intake.log.figures(), "hotline": hotline.log.figures(),
               "client_errors": len(errors),
               # Errors of requests sent after PostgreSQL was back: a kept connection that broke while its gunicorn
               # worker was idle would fail its next request here without CONN_HEALTH_CHECKS.
               "client_errors_after_back": sum(1 for a in errors if a.at > back),
               "down_s": round(back - restart.get("at", 0), 2),
               "ready_again_after_restart_s": round(first_ok_after - back, 2) if first_ok_after else None}
    return {"verdicts": verdicts, "figures": figures}


# -- the queue: deliveries and the provider's record ---------------------------------------------------------------

DELIVERY_STATES = "SELECT key, status FROM notify_delivery"


def deliveries(pg, since_id: int = 0) -> dict[str, str]:
    return dict(pg.query(DELIVERY_STATES + " WHERE id > %s", (since_id,)))


def last_delivery_id(pg) -> int:
    return pg.query("SELECT coalesce(max(id), 0) FROM notify_delivery")[0][0]


def wait_drained(pg, timeout: float, since_id: int = 0) -> float:
    """Wait until no delivery (newer than ``since_id``) is pending, sending or failed; returns the seconds waited."""
    start = time.monotonic()
    while True:
        left = pg.query("SELECT count(*) FROM notify_delivery WHERE id > %s AND status IN "
                        "('pending', 'sending', 'failed')", (since_id,))[0][0]
        if left == 0:
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            return -1.0
        time.sleep(0.5)


def delivery_verdict(stack, name: str, since_id: int = 0) -> inv.Verdict:
    """Every delivery row newer than ``since_id`` sent, each key once at the provider, nothing unknown there."""
    rows = deliveries(stack.pg, since_id)
    provider = [k for k in stack.sms_records() if k in rows or since_id == 0]
    return inv.check_deliveries(name, rows=rows, provider=provider, in_flight=stack.cut_in_flight)


def final_drain(stack, name: str, since: int = 0) -> inv.Verdict:
    """At the end: wait for the queue to drain. A delivery still ``sending`` then is held by the lease of a worker
    that lost its session after claiming it (PostgreSQL restarted between the claim and the send): the lease (5
    minutes in production) is expired in the database — the clock moves — and the requeue job sends it. Such rows
    are named as a warning; then every delivery of the run must be sent, each key once at the provider."""
    pg = stack.pg
    drained = wait_drained(pg, 30, since)
    held: list[str] = []
    if drained < 0:
        held = [k for (k,) in pg.query("SELECT key FROM notify_delivery WHERE id > %s AND status = 'sending'",
                                       (since,))]
        pg.execute("UPDATE notify_delivery SET claimed_until = now() - interval '1 second' "
                   "WHERE id > %s AND status = 'sending'", (since,))
        drained = wait_drained(pg, 90, since)
    v = delivery_verdict(stack, name, since)
    if drained < 0:
        v.problems.append("the queue did not drain within 120 s")
    if held:
        v.warnings.append(f"{len(held)} held by a dead worker's lease until the clock was moved "
                          f"({', '.join(sorted(held)[:5])})")
    v.figures["held_by_lease"] = len(held)
    return v


def wait_for(pg, sql: str, params, timeout: float) -> bool:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if pg.query(sql, params)[0][0]:
            return True
        time.sleep(0.2)
    return False


def _log_offsets(stack, names) -> dict[str, int]:
    return {name: stack.procs[name].log.stat().st_size for name in names}


def _logged_since(stack, name: str, offset: int, text: bytes) -> bool:
    with open(stack.procs[name].log, "rb") as log:
        log.seek(offset)
        return text in log.read()


def worker_killed(stack, http: Http, *, timeout: float = 90) -> dict:
    """(b) A worker killed (SIGKILL, with its pool) in the middle of a delivery task: both workers are paused
    (SIGSTOP) while one report makes its delivery, the check holds the delivery's row (SELECT … FOR UPDATE), the
    workers go on, and the one whose database session waits in the task's claim (pg_stat_activity) is killed there.
    Its half-done claim dies with its session; the delivery is found pending by the requeue job and sent by the other
    worker — once at the provider."""
    pg, seed = stack.pg, stack.seed
    workers = ("worker1", "worker2")
    since = last_delivery_id(pg)
    figures: dict = {}
    v = inv.Verdict("worker killed in a task: it ran again on the other worker, its effect once")
    for name in workers:
        stack.procs[name].signal_group(signal.SIGSTOP)
    try:
        intake = Intake(http, seed, "kill")
        intake.run(1, 1)  # its dispatch notifies the company: one SMS delivery
        hold = pg.connect()
        hold.autocommit = False
        held = hold.execute("SELECT id FROM notify_delivery WHERE id > %s FOR UPDATE", (since,)).fetchall()
    finally:
        for name in workers:
            stack.procs[name].signal_group(signal.SIGCONT)
    victim = None
    start = time.monotonic()
    while victim is None and time.monotonic() - start < 30:
        rows = pg.query("SELECT application_name FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND query LIKE %s AND application_name LIKE 'linli-worker%%'", ('UPDATE "notify_delivery"%',))
        victim = rows[0][0].removeprefix("linli-") if rows else None
        time.sleep(0.2)
    if victim is None:
        hold.rollback()
        hold.close()
        v.problems.append(f"no worker was seen claiming the {len(held)} held deliveries (nothing to kill)")
        return {"verdicts": [v], "figures": figures}
    survivor = next(n for n in workers if n != victim)
    offsets = _log_offsets(stack, [survivor])
    killed_at = time.monotonic()
    stack.procs[victim].kill()
    time.sleep(1.5)  # PostgreSQL notices the dead client (client_connection_check_interval) and cancels its claim
    hold.rollback()
    hold.close()
    # Had the claim gone through before the kill, its lease (5 minutes in production) would hold the row: expire it
    # in the database, as the deadlines are moved (counted: 0 when the claim died with the worker).
    expired = pg.execute("UPDATE notify_delivery SET claimed_until = now() - interval '1 second' "
                         "WHERE id > %s AND status = 'sending'", (since,))
    drained = wait_drained(pg, timeout, since)
    ran_again = _logged_since(stack, survivor, offsets[survivor], b"linli.notify.tasks.deliver")
    figures.update({"killed": victim, "held_deliveries": len(held), "claims_left_after_kill": expired,
                    "ran_again_on": survivor if ran_again else None,
                    "sent_after_kill_s": round(time.monotonic() - killed_at, 1) if drained >= 0 else None})
    if drained < 0:
        v.problems.append(f"the delivery was not sent within {timeout:.0f} s of the kill")
    if not ran_again:
        v.problems.append(f"{survivor} did not run the delivery task after the kill")
    verdicts = [v, delivery_verdict(stack, "worker killed in a task: every delivery sent once", since)]
    stack.procs[victim].start()  # two workers again for what follows
    return {"verdicts": verdicts, "figures": figures}


def worker_killed_in_flight(stack, http: Http, *, timeout: float = 90) -> dict:
    """(b') A worker killed while the provider holds its request: the fake accepts the next message but answers
    only after its delay; the worker seen running the delivery task is killed meanwhile. The delivery must end
    sent, by the other worker (its lease — 5 minutes in production — is expired in the database, as the deadlines
    are moved). The provider may then hold the key twice: Linli cannot know whether a request cut in flight was
    accepted. That is reported as a warning with the count, not hidden."""
    pg, seed = stack.pg, stack.seed
    workers = ("worker1", "worker2")
    since = last_delivery_id(pg)
    offsets = _log_offsets(stack, workers)
    figures: dict = {}
    v = inv.Verdict("worker killed in flight: the delivery ends sent by the other worker")
    stack.sms_slow(1)
    intake = Intake(http, seed, "flight")
    intake.run(1, 1)
    sending = wait_for(pg, "SELECT count(*) FROM notify_delivery WHERE id > %s AND status = 'sending'", (since,), 20)
    victim = next((n for n in workers if _logged_since(stack, n, offsets[n], b"linli.notify.tasks.deliver")), None)
    if not sending or victim is None:
        v.problems.append("no worker was seen sending the delivery (nothing to kill)")
        return {"verdicts": [v], "figures": figures}
    survivor = next(n for n in workers if n != victim)
    offset = stack.procs[survivor].log.stat().st_size
    killed_at = time.monotonic()
    stack.procs[victim].kill()
    time.sleep(3.5)  # the fake's delay passes: it accepted the message, its answer went nowhere
    expired = pg.execute("UPDATE notify_delivery SET claimed_until = now() - interval '1 second' "
                         "WHERE id > %s AND status = 'sending'", (since,))
    drained = wait_drained(pg, timeout, since)
    ran_again = _logged_since(stack, survivor, offset, b"linli.notify.tasks.deliver")
    rows = deliveries(pg, since)
    received = Counter(k for k in stack.sms_records() if k in rows)
    figures.update({"killed": victim, "leases_expired": expired, "ran_again_on": survivor if ran_again else None,
                    "sent_after_kill_s": round(time.monotonic() - killed_at, 1) if drained >= 0 else None,
                    "provider_messages_per_key": dict(received)})
    if drained < 0:
        v.problems.append(f"the delivery was not sent within {timeout:.0f} s of the kill")
    if not ran_again:
        v.problems.append(f"{survivor} did not run the delivery task after the kill")
    v.problem("not sent (status)", {f"{k}={s}" for k, s in rows.items() if s != "sent"})
    doubled = sorted(k for k, n in received.items() if n > 1)
    stack.cut_in_flight.update(rows)  # the keys of this scenario: a second copy is the limit shown here
    if doubled:
        v.warnings.append(f"sent twice at the provider ({', '.join(doubled)}): the killed worker's request was "
                          "accepted, its answer lost; at-least-once at this boundary")
    stack.procs[victim].start()
    return {"verdicts": [v], "figures": figures}


def redis_restart(stack, http: Http, *, threads: int, down_for: float = 8, timeout: float = 120) -> dict:
    """(c) Redis stopped (its queue lost with it: no persistence, as configured here) and started again: intake
    keeps working while it is down (orders accepted, the cache answering misses), /readyz says 503, and the
    deliveries created meanwhile are sent once after (the requeue job finds them pending)."""
    pg, seed = stack.pg, stack.seed
    urls = [stack.web_url(i) for i in range(2)]
    since = last_delivery_id(pg)
    prober = Prober(urls, every=0.5)
    prober.start()
    stack.procs["redis"].stop()
    intake = Intake(http, seed, "redis")
    intake.run_for(down_for, threads)
    created_down = pg.query("SELECT count(*) FROM notify_delivery WHERE id > %s", (since,))[0][0]
    stack.start_redis()
    back = time.monotonic()
    drained = wait_drained(pg, timeout, since)
    time.sleep(1)
    prober.stop()
    verdicts = [intake.verdict(pg, "redis down: intake kept working, accepted orders stored once")]
    if not intake.accepted:
        verdicts[-1].problems.append("no order was accepted while Redis was down")
    for url in urls:
        verdicts.append(inv.check_readiness(f"redis down: /readyz of {url.rsplit(':', 1)[1]} went 503 then 200",
                                            prober.statuses(url)))
    v = delivery_verdict(stack, "redis down: deliveries created meanwhile sent once after", since)
    if drained < 0:
        v.problems.append(f"deliveries not drained {timeout:.0f} s after Redis came back")
    if created_down == 0:
        v.problems.append("no delivery was created while Redis was down (nothing tested)")
    verdicts.append(v)
    alive = inv.Verdict("redis down: workers and scheduler still running")
    for name in ("worker1", "worker2", "beat1"):
        if not stack.procs[name].alive():
            alive.problems.append(f"{name} exited")
    verdicts.append(alive)
    figures = {"intake_while_down": intake.log.figures(), "deliveries_created_while_down": created_down,
               "drained_after_restart_s": round(time.monotonic() - back, 1) if drained >= 0 else None}
    return {"verdicts": verdicts, "figures": figures}


def two_schedulers(stack, http: Http, *, periods: int = 3, due_orders: int = 6) -> dict:
    """(d) A second beat started beside the first for ``periods`` periods: each job still runs once per period
    (JobRun rows, one per job and period), and the sweep's effect is single (orders made due meanwhile are escalated
    once each). The second beat's sends are counted in the workers' logs as skipped."""
    pg, seed = stack.pg, stack.seed
    every = stack.beat_every
    intake = Intake(http, seed, "beat")
    intake.run(due_orders, 2)
    codes = sorted(intake.accepted.values())
    offsets = {n: stack.procs[n].log.stat().st_size for n in ("worker1", "worker2")}
    started = pg.query("SELECT now()")[0][0]
    second = stack.start_beat(1)
    move_deadlines(pg, accept_codes=codes, reply_codes=[])
    time.sleep(every * periods + 2)
    second.stop()
    runs = pg.query("SELECT name, period_start FROM notify_jobrun WHERE period_start >= %s", (started,))
    # Every guarded job that ran during the run (all of them: every job's period is a few seconds here).
    fast = sorted(name for (name,) in pg.query("SELECT DISTINCT name FROM notify_jobrun"))
    verdicts = [inv.check_job_runs("two schedulers: each job once per period", runs=runs,
                                   jobs=fast, min_periods=max(1, periods - 1)),
                inv.check_escalations("two schedulers: due orders escalated once each", due=set(codes),
                                      escalations=escalations(pg, codes))]
    skipped = 0
    for name, offset in offsets.items():
        with open(stack.procs[name].log, "rb") as log:
            log.seek(offset)
            skipped += log.read().count(b"already ran; skipped")
    if not runs:
        verdicts[0].problems.append("no job ran while two schedulers were up")
    figures = {"periods_s": every, "job_runs": len(runs), "sends_skipped_as_already_run": skipped,
               "jobs": fast}
    return {"verdicts": verdicts, "figures": figures}
