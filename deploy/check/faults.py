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
from .day import Intake
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


def postgres_restart(stack, http: Http, *, threads: int, seconds: float = 12, restart_after: float = 4) -> dict:
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
        stack.pg.restart()
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
    errors = [a for a in intake.log.answers if not a.ok]
    first_ok_after = min((t for t, _u, s in prober.seen if s == 200 and t > restart.get("back", 0)), default=None)
    figures = {"rest": intake.log.figures(), "hotline": hotline.log.figures(),
               "client_errors": len(errors) + sum(1 for a in hotline.log.answers if not a.ok),
               "restart_s": round(restart.get("back", 0) - restart.get("at", 0), 2),
               "ready_again_after_restart_s": round(first_ok_after - restart["back"], 2) if first_ok_after else None}
    return {"verdicts": verdicts, "figures": figures}
