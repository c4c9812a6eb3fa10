"""The invariants of the check, as pure functions of what the clients saw and what the database and the fake
provider hold. No I/O here: linli/core/tests/test_deploy_check.py runs them on fabricated data.

Each check returns a ``Verdict``: ``ok``, the ``figures`` it computed and the ``problems`` found (each one a
sentence naming the keys concerned, at most a few of them)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

SHOW = 5  # keys named in one problem


@dataclass
class Verdict:
    name: str
    problems: list[str] = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # shown, not failing: a known limit, explained

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, what: str, keys: Iterable) -> None:
        keys = sorted(keys, key=str)
        if keys:
            more = f" (+{len(keys) - SHOW} more)" if len(keys) > SHOW else ""
            self.problems.append(f"{what}: {len(keys)} — {', '.join(map(str, keys[:SHOW]))}{more}")

    def as_dict(self) -> dict:
        return {"name": self.name, "ok": self.ok, "problems": self.problems, "warnings": self.warnings,
                "figures": self.figures}

    @property
    def label(self) -> str:
        return "FAIL" if self.problems else "WARN" if self.warnings else "PASS"


def percentile(values: Iterable[float], p: float) -> float:
    """The p-th percentile by the nearest-rank method (0 for no values)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def check_intake(name: str, *, attempted: set[str], accepted: set[str], stored: Mapping[str, int],
                 ambiguous: set[str] = frozenset()) -> Verdict:
    """Every order a client got a success for is stored exactly once, and nothing else is stored.

    ``attempted``: the client's marks (one per order it meant to report, kept through its retries); ``accepted``:
    the marks that got a success; ``stored``: how many stored orders carry each mark; ``ambiguous``: the marks
    whose request got no answer the client could read (its commit unknown) at least once.
    An order stored for a mark that was never accepted is counted apart: allowed only for an ambiguous mark (the
    server committed but the answer was lost); otherwise it is a problem."""
    v = Verdict(name)
    v.problem("accepted but not stored (lost)", accepted - {m for m, n in stored.items() if n > 0})
    v.problem("stored more than once (duplicates)", {m for m, n in stored.items() if n > 1})
    v.problem("stored but never attempted", set(stored) - attempted)
    unseen = {m for m, n in stored.items() if n > 0} - accepted
    v.problem("stored though the client saw only failures", unseen - ambiguous)
    v.figures = {"attempted": len(attempted), "accepted": len(accepted),
                 "stored": sum(stored.values()), "refused_not_stored": len(attempted - accepted - set(stored)),
                 "committed_answer_lost": len(unseen & ambiguous)}
    return v


def check_escalations(name: str, *, due: set, escalations: Mapping[object, int], not_due: set = frozenset()
                      ) -> Verdict:
    """Every due escalation is done exactly once (one ``escalate`` event per due order); orders that were not due
    are not escalated."""
    v = Verdict(name)
    v.problem("due but not escalated", {o for o in due if escalations.get(o, 0) == 0})
    v.problem("escalated more than once", {o for o in due if escalations.get(o, 0) > 1})
    v.problem("escalated though not due", {o for o in not_due if escalations.get(o, 0) > 0})
    v.figures = {"due": len(due), "escalated": sum(min(escalations.get(o, 0), 1) for o in due)}
    return v


def check_deliveries(name: str, *, rows: Mapping[str, str], provider: Iterable[str],
                     expected: set[str] | None = None, in_flight: set[str] = frozenset()) -> Verdict:
    """Every delivery sent exactly once: every row (key → status) ``sent``, the provider's record holds each key
    once, and holds no key that has no row. ``expected``: keys that must be among the rows (none lost before the
    outbox). ``in_flight``: keys whose send was cut by a killed worker after the provider accepted it — a second
    copy of those is the known at-least-once limit, shown as a warning; any other double is a problem."""
    v = Verdict(name)
    received = Counter(provider)
    doubled = {k for k, n in received.items() if n > 1}
    v.problem("not sent (status)", {f"{k}={s}" for k, s in rows.items() if s != "sent"})
    v.problem("sent more than once by the provider's record", doubled - in_flight)
    if doubled & in_flight:
        v.warnings.append(f"sent twice after a send cut in flight: {', '.join(sorted(doubled & in_flight))}")
    v.problem("marked sent but not at the provider", {k for k, s in rows.items() if s == "sent" and k not in received})
    v.problem("at the provider but not in the outbox", set(received) - set(rows))
    if expected is not None:
        v.problem("expected but no delivery row", expected - set(rows))
    v.figures = {"deliveries": len(rows), "sent": sum(1 for s in rows.values() if s == "sent"),
                 "provider_messages": sum(received.values())}
    return v


def check_readiness(name: str, statuses: list[int]) -> Verdict:
    """/readyz during a fault: it said so (not 200 at least once) and is 200 again at the end."""
    v = Verdict(name)
    if not any(s != 200 for s in statuses):
        v.problems.append("/readyz never reported the fault")
    if not statuses or statuses[-1] != 200:
        v.problems.append(f"/readyz did not recover (last {statuses[-1] if statuses else 'none'})")
    v.figures = {"probes": len(statuses), "not_ready": sum(1 for s in statuses if s != 200)}
    return v


def check_job_runs(name: str, *, runs: Iterable[tuple[str, object]], jobs: Iterable[str], min_periods: int = 1
                   ) -> Verdict:
    """Each periodic job runs once per period: no (job, period) twice, and every job ran in ``min_periods``
    periods or more."""
    v = Verdict(name)
    counted = Counter(runs)
    v.problem("job ran twice in one period", {f"{job}@{period}" for (job, period), n in counted.items() if n > 1})
    per_job = Counter(job for job, _period in counted)
    v.problem(f"job ran in fewer than {min_periods} periods", {j for j in jobs if per_job[j] < min_periods})
    v.figures = {"runs": sum(counted.values()), "periods_per_job": dict(per_job)}
    return v


def check_effects_once(name: str, counts: Mapping[object, int]) -> Verdict:
    """An effect that must happen once per key (a message to the provider, an event per order) happened once."""
    v = Verdict(name)
    v.problem("never happened", {k for k, n in counts.items() if n == 0})
    v.problem("happened more than once", {k for k, n in counts.items() if n > 1})
    v.figures = {"keys": len(counts)}
    return v


def table(rows: list[list], header: list[str]) -> str:
    """A plain text table (for the summary printed at the end)."""
    cells = [header] + [[str(c) for c in row] for row in rows]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)  # CJK takes two columns
