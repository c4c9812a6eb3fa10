"""The faults, each a scenario run after the day on the same stack (docs/deploy-check.md):

(a) PostgreSQL restarted (``pg_ctl restart -m fast``) in the middle of intake;
(b) a worker killed (SIGKILL) in the middle of a task;
(c) Redis stopped and started;
(d) the scheduler started twice.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

from . import invariants as inv
from .client import Http, Log, run_threads
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
    intake = Intake(http, seed, "pgr")
    hotline = Hotline(http, seed["staff"]["street_admin"], "pgr")
    prober = Prober(urls)
    prober.start()
    stop = threading.Event()

    def hotline_loop(_):
        while not stop.is_set():
            hotline.push_one()

    pusher = threading.Thread(target=lambda: run_threads([0], 1, hotline_loop), daemon=True)
    pusher.start()
    restart = {}

    def restarter():
        time.sleep(restart_after)
        restart["at"] = time.monotonic()
        stack.pg.restart(down_for=down_for)
        restart["back"] = time.monotonic()

    killer = threading.Thread(target=restarter, daemon=True)
    killer.start()
    intake.run_for(seconds, threads)
    stop.set()
    pusher.join(60)
    killer.join(60)
    time.sleep(1.5)  # let the probes see the recovered state
    prober.stop()

    verdicts = [intake.verdict(pg, "pg restart: REST intake, accepted orders stored once"),
                hotline.verdict(pg, "pg restart: 12345 push (retried), stored once per number")]
    for url in urls:
        verdicts.append(inv.check_readiness(f"pg restart: /readyz of {url.rsplit(':', 1)[1]} went 503 then 200",
                                            prober.statuses(url)))
    v = inv.Verdict("pg restart: web processes recovered without a restart")
    for name, pid in pids.items():
        if not stack.procs[name].alive() or stack.procs[name].pid != pid:
            v.problems.append(f"{name} is not the process it was")
    after = [http.call("GET", "/api/v1/workorders/?limit=1", key=seed["staff"]["manager_a"], base=u).status
             for u in urls for _ in range(4)]  # every gunicorn worker of both processes, most likely
    if any(s != 200 for s in after):
        v.problems.append(f"requests after the restart answered {after}")
    verdicts.append(v)
    errors = [a for a in intake.log.answers + hotline.log.answers if not a.ok]
    back = restart.get("back", 0)
    first_ok_after = min((t for t, _u, s in prober.seen if s == 200 and t > restart.get("back", 0)), default=None)
    figures = {"rest": intake.log.figures(), "hotline": hotline.log.figures(),
               "client_errors": len(errors),
               # Errors of requests sent after PostgreSQL was back: stale pooled connections (CONN_MAX_AGE without
               # CONN_HEALTH_CHECKS would answer one 500 per gunicorn worker here).
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
    return inv.check_deliveries(name, rows=rows, provider=provider)


def wait_for(pg, sql: str, params, timeout: float) -> bool:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if pg.query(sql, params)[0][0]:
            return True
        time.sleep(0.2)
    return False


def worker_killed(stack, http: Http, *, delay: float = 6, timeout: float = 90) -> dict:
    """(b) A worker killed (SIGKILL, with its pool) while it sends: the fake provider holds the message ``delay``
    seconds; the worker whose log shows the delivery task is killed in the middle; the delivery must end sent,
    once at the provider, through the other worker (the queue gives the task back, or the requeue job finds the
    expired lease)."""
    pg, seed = stack.pg, stack.seed
    since = last_delivery_id(pg)
    marks = {name: stack.procs[name].log.stat().st_size for name in ("worker1", "worker2")}
    stack.sms_delay(delay)
    intake = Intake(http, seed, "kill")
    intake.run(1, 1)  # one report: its dispatch notifies the company's staff, by SMS for those who chose it
    figures: dict = {}
    v = inv.Verdict("worker killed: the task ran again elsewhere, its effect once")
    claimed = wait_for(pg, "SELECT count(*) FROM notify_delivery WHERE id > %s AND status = 'sending'", (since,), 30)
    victim = None
    if claimed:
        for name, offset in marks.items():
            with open(stack.procs[name].log, "rb") as log:
                log.seek(offset)
                if b"linli.notify.tasks.deliver" in log.read():
                    victim = name
                    break
    if victim is None:
        v.problems.append("no worker was seen sending the delivery (nothing to kill)")
        stack.sms_delay(0)
        return {"verdicts": [v], "figures": figures}
    killed_at = time.monotonic()
    stack.procs[victim].kill()
    stack.sms_delay(0)
    drained = wait_drained(pg, timeout, since)
    figures.update({"killed": victim, "delay_s": delay, "sent_again_after_kill_s":
                    round(time.monotonic() - killed_at, 1) if drained >= 0 else None})
    if drained < 0:
        v.problems.append(f"the delivery was not sent within {timeout:.0f} s of the kill")
    verdicts = [v, delivery_verdict(stack, "worker killed: every delivery sent once", since)]
    stack.procs[victim].start()  # back to two workers for what follows
    return {"verdicts": verdicts, "figures": figures}


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
    fast = sorted({name for name, _p in runs})
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
