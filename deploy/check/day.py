"""The scripted day: residents report through the intake API, staff sign, start and reply, deadlines pass (moved
in the database: see ``move_deadlines``), the sweep escalates, notifications go out through the fake SMS server.

Every report carries a mark ``[dc:<id>]`` in its text, made by the client before its first attempt and kept through
its retries, so the orders stored can be counted per mark (check_intake)."""

from __future__ import annotations

import itertools
import random
import re
import time
import uuid
from collections import Counter

from . import invariants as inv
from .client import Http, Log, run_threads
from .procs import CheckError

TEXTS = ["楼道灯坏了好几天，晚上上下楼看不见", "单元门禁坏了，谁都能进", "电梯按钮失灵，老人上楼困难",
         "楼顶水箱漏水，顶楼墙面发霉", "消防通道的门锁坏了关不上", "楼道扶手松动，老人不敢扶"]
MARK = re.compile(r"\[dc:([0-9a-z-]+)\]")
WORKORDERS = "/api/v1/workorders/"


def new_mark(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def report_body(seed: dict, mark: str, n: int) -> dict:
    return {"text": f"{TEXTS[n % len(TEXTS)]}（第{n + 1}件）[dc:{mark}]", "category": "facility",
            "building": seed["building"]}


class Intake:
    """Reports by residents (their own keys, several threads, both ports in turn), every mark's answers kept."""

    def __init__(self, http: Http, seed: dict, prefix: str, retry: bool = True):
        self.http, self.seed, self.prefix, self.retry = http, seed, prefix, retry
        self.attempted: set[str] = set()
        self.accepted: dict[str, str] = {}  # mark → the order's code
        self.ambiguous: set[str] = set()
        self.log = Log()
        self._count = itertools.count()

    def report(self, resident: dict) -> str | None:
        n = next(self._count)
        mark = new_mark(self.prefix)
        self.attempted.add(mark)
        body = report_body(self.seed, mark, n)
        if self.retry:
            last, tried = self.http.call_retrying("POST", WORKORDERS, key=resident["key"], data=body, log=self.log)
        else:
            last = self.http.call("POST", WORKORDERS, key=resident["key"], data=body, log=self.log)
            tried = [last]
        if any(a.ambiguous for a in tried):
            self.ambiguous.add(mark)
        if last.status == 201:
            self.accepted[mark] = last.body["code"]
            return last.body["code"]
        return None

    def run(self, count: int, threads: int) -> None:
        residents = self.seed["residents"]
        run_threads([residents[i % len(residents)] for i in range(count)], threads, self.report)
        self.log.ended = time.monotonic()

    def run_for(self, seconds: float, threads: int, stop=None) -> None:
        """Report continuously on ``threads`` threads for ``seconds`` (or until ``stop`` is set)."""
        deadline = time.monotonic() + seconds
        residents = self.seed["residents"]

        def loop(i):
            j = i
            while time.monotonic() < deadline and not (stop and stop.is_set()):
                self.report(residents[j % len(residents)])
                j += threads

        run_threads(list(range(threads)), threads, loop)
        self.log.ended = time.monotonic()

    def verdict(self, pg, name: str) -> inv.Verdict:
        return inv.check_intake(name, attempted=self.attempted, accepted=set(self.accepted),
                                stored=stored_marks(pg, self.prefix), ambiguous=self.ambiguous)


def stored_marks(pg, prefix: str) -> Counter:
    rows = pg.query("SELECT substring(text from '\\[dc:([0-9a-z-]+)\\]') AS mark, count(*) FROM workorders_workorder "
                    "WHERE text LIKE %s GROUP BY mark", (f"%[dc:{prefix}-%",))
    return Counter({mark: n for mark, n in rows})


def escalations(pg, codes) -> dict[str, int]:
    rows = pg.query("SELECT o.code, count(e.id) FROM workorders_workorder o LEFT JOIN workorders_workorderevent e "
                    "ON e.order_id = o.id AND e.kind = 'escalate' WHERE o.code = ANY(%s) GROUP BY o.code",
                    (list(codes),))
    return dict(rows)


def statuses(pg, codes) -> dict[str, str]:
    return dict(pg.query("SELECT code, status FROM workorders_workorder WHERE code = ANY(%s)", (list(codes),)))


class Staff:
    """The property company's manager signs, starts and replies through the steps API."""

    def __init__(self, http: Http, key: str):
        self.http, self.key, self.log = http, key, Log()

    def step(self, code: str, step: str, data: dict) -> int:
        last, _ = self.http.call_retrying("POST", f"{WORKORDERS}{code}/{step}/", key=self.key, data=data, log=self.log)
        return last.status

    def work(self, job: tuple[str, list[str]]) -> list[int]:
        code, steps = job
        bodies = {"accept": {"note": "已签收"}, "start": {"note": "已安排师傅"},
                  "reply": {"text": "已修好，请查看"}}
        return [self.step(code, s, bodies[s]) for s in steps]


def move_deadlines(pg, *, accept_codes: list[str], reply_codes: list[str]) -> tuple[int, int]:
    """The clock moves: the deadlines of these orders are set one minute into the past, in the database (the
    workers keep the real clock: libfaketime is not on these machines, and a moved clock would also move the
    beat's periods and the leases)."""
    moved_accept = pg.execute("UPDATE workorders_workorder SET accept_due = now() - interval '1 minute' "
                              "WHERE code = ANY(%s) AND status = 'dispatched'", (accept_codes,))
    moved_reply = pg.execute("UPDATE workorders_workorder SET reply_due = now() - interval '1 minute' "
                             "WHERE code = ANY(%s) AND status IN ('accepted', 'in_progress')", (reply_codes,))
    return moved_accept, moved_reply


def wait_escalated(pg, codes, timeout: float, kick=None) -> float:
    """Wait until every order of ``codes`` has its escalate event (the sweep ran); ``kick()`` runs the sweep when
    nothing schedules it. Returns the seconds waited."""
    start = time.monotonic()
    while True:
        if kick:
            kick()
        done = escalations(pg, codes)
        if all(done.get(c, 0) >= 1 for c in codes):
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise CheckError(f"the sweep did not escalate {sum(1 for c in codes if not done.get(c))} due orders "
                             f"within {timeout:.0f} s")
        time.sleep(1)


def scripted_day(stack, http: Http, *, orders: int, threads: int, sweep=None) -> dict:
    """Run the day; returns its verdicts and figures (the stack's processes are all up)."""
    pg, seed = stack.pg, stack.seed
    result = {"verdicts": [], "figures": {}}
    intake = Intake(http, seed, "day")
    intake.run(orders, threads)
    result["figures"]["intake"] = intake.log.figures()
    result["verdicts"].append(intake.verdict(pg, "day: every accepted order stored once"))

    codes = sorted(intake.accepted.values())
    rng = random.Random(14)
    rng.shuffle(codes)
    third = len(codes) // 3
    done, in_progress, untouched = codes[:third], codes[third:2 * third], codes[2 * third:]
    staff = Staff(http, seed["staff"]["manager_a"])
    jobs = [(c, ["accept", "start", "reply"]) for c in done] + [(c, ["accept", "start"]) for c in in_progress]
    answers = run_threads(jobs, threads, staff.work)
    staff.log.ended = time.monotonic()
    result["figures"]["staff_steps"] = staff.log.figures()
    refused = [(job[0], a) for job, a in zip(jobs, answers, strict=True) if any(s != 200 for s in a)]
    v = inv.Verdict("day: staff steps answered 200")
    v.problem("a step refused or failed", {f"{c}:{a}" for c, a in refused})
    result["verdicts"].append(v)

    moved = move_deadlines(pg, accept_codes=untouched, reply_codes=in_progress)
    result["figures"]["deadlines_moved"] = {"accept": moved[0], "reply": moved[1]}
    due = set(untouched) | set(in_progress)
    result["figures"]["sweep_wait_s"] = round(wait_escalated(pg, due, timeout=120, kick=sweep), 1)
    result["verdicts"].append(inv.check_escalations("day: every due escalation done once", due=due,
                                                    escalations=escalations(pg, codes), not_due=set(done)))
    result["codes"] = codes
    return result
