"""The checker of `make deploy-check` is itself checked: its invariants (deploy/check/invariants.py) and its client
figures (deploy/check/client.py) on fabricated data. The full check (processes, faults) is `make deploy-check`."""

import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
inv = importlib.import_module("deploy.check.invariants")
client = importlib.import_module("deploy.check.client")


def test_intake_passes_when_every_accepted_order_is_stored_once():
    v = inv.check_intake("x", attempted={"a", "b", "c"}, accepted={"a", "b"}, stored={"a": 1, "b": 1})
    assert v.ok
    assert v.figures == {"attempted": 3, "accepted": 2, "stored": 2, "refused_not_stored": 1,
                         "committed_answer_lost": 0}


def test_intake_fails_on_an_accepted_order_that_was_not_stored():
    v = inv.check_intake("x", attempted={"a", "b"}, accepted={"a", "b"}, stored={"a": 1})
    assert not v.ok
    assert v.problems == ["accepted but not stored (lost): 1 — b"]


def test_intake_fails_on_an_order_stored_twice_even_after_a_retry():
    v = inv.check_intake("x", attempted={"a"}, accepted={"a"}, stored={"a": 2}, ambiguous={"a"})
    assert v.problems == ["stored more than once (duplicates): 1 — a"]


def test_intake_fails_on_an_order_nobody_sent():
    v = inv.check_intake("x", attempted={"a"}, accepted={"a"}, stored={"a": 1, "z": 1})
    assert "stored but never attempted: 1 — z" in v.problems


def test_an_order_stored_after_a_clear_refusal_fails_but_after_a_lost_answer_is_counted():
    refused = inv.check_intake("x", attempted={"a"}, accepted=set(), stored={"a": 1})
    assert refused.problems == ["stored though the client saw only failures: 1 — a"]
    lost_answer = inv.check_intake("x", attempted={"a"}, accepted=set(), stored={"a": 1}, ambiguous={"a"})
    assert lost_answer.ok and lost_answer.figures["committed_answer_lost"] == 1


def test_a_problem_names_at_most_five_keys():
    v = inv.check_intake("x", attempted=set(), accepted={f"m{i}" for i in range(8)}, stored={})
    assert v.problems == ["accepted but not stored (lost): 8 — m0, m1, m2, m3, m4 (+3 more)"]


def test_escalations_each_due_order_once_and_no_other():
    assert inv.check_escalations("x", due={1, 2}, escalations={1: 1, 2: 1, 3: 0}, not_due={3}).ok
    v = inv.check_escalations("x", due={1, 2, 4}, escalations={1: 0, 2: 2, 3: 1, 4: 1}, not_due={3})
    assert v.problems == ["due but not escalated: 1 — 1", "escalated more than once: 1 — 2",
                          "escalated though not due: 1 — 3"]
    assert v.figures == {"due": 3, "escalated": 2}


def test_deliveries_pass_when_every_row_is_sent_and_the_provider_got_each_key_once():
    v = inv.check_deliveries("x", rows={"k1": "sent", "k2": "sent"}, provider=["k2", "k1"], expected={"k1"})
    assert v.ok
    assert v.figures == {"deliveries": 2, "sent": 2, "provider_messages": 2}


def test_deliveries_fail_on_each_kind_of_loss_or_double():
    v = inv.check_deliveries("x", rows={"k1": "sent", "k2": "pending", "k3": "sent", "k4": "given_up"},
                             provider=["k1", "k1", "k9"], expected={"k1", "k5"})
    assert v.problems == [
        "not sent (status): 2 — k2=pending, k4=given_up",
        "sent more than once by the provider's record: 1 — k1",
        "marked sent but not at the provider: 1 — k3",
        "at the provider but not in the outbox: 1 — k9",
        "expected but no delivery row: 1 — k5",
    ]


def test_a_second_copy_of_a_send_cut_in_flight_is_a_warning_and_any_other_double_a_problem():
    v = inv.check_deliveries("x", rows={"k1": "sent", "k2": "sent"}, provider=["k1", "k1", "k2", "k2"],
                             in_flight={"k1"})
    assert v.problems == ["sent more than once by the provider's record: 1 — k2"]
    assert v.warnings == ["sent twice after a send cut in flight: k1"]
    assert v.label == "FAIL"
    only_known = inv.check_deliveries("x", rows={"k1": "sent"}, provider=["k1", "k1"], in_flight={"k1"})
    assert only_known.ok and only_known.label == "WARN"


def test_readiness_must_report_the_fault_and_recover():
    assert inv.check_readiness("x", [200, 503, 503, 200]).ok
    assert inv.check_readiness("x", [200, 200]).problems == ["/readyz never reported the fault"]
    assert inv.check_readiness("x", [200, 503]).problems == ["/readyz did not recover (last 503)"]


def test_job_runs_once_per_period_and_in_enough_periods():
    runs = [("sweep", 1), ("sweep", 2), ("renewals", 1)]
    assert inv.check_job_runs("x", runs=runs, jobs=["sweep", "renewals"]).ok
    v = inv.check_job_runs("x", runs=[*runs, ("sweep", 2)], jobs=["sweep", "renewals"], min_periods=2)
    assert v.problems == ["job ran twice in one period: 1 — sweep@2", "job ran in fewer than 2 periods: 1 — renewals"]


def test_effects_once():
    assert inv.check_effects_once("x", {"a": 1}).ok
    assert inv.check_effects_once("x", {"a": 0, "b": 2}).problems == ["never happened: 1 — a",
                                                                      "happened more than once: 1 — b"]


def test_percentile_is_the_nearest_rank():
    values = list(range(1, 101))
    assert (inv.percentile(values, 50), inv.percentile(values, 95), inv.percentile([], 95)) == (50, 95, 0.0)
    assert inv.percentile([3.0], 95) == 3.0


def test_the_client_log_counts_only_successes_in_its_rates_and_latencies():
    log = client.Log(started=0.0, ended=2.0)
    for status, seconds in ((201, 0.1), (201, 0.3), (500, 5.0), (0, 9.0)):
        log.add(client.Answer(status, None, seconds, 8000))
    figures = log.figures()
    assert (figures["requests"], figures["ok"], figures["ok_per_s"], figures["p95_ms"]) == (4, 2, 1.0, 300.0)
    assert figures["statuses"] == {"201": 2, "500": 1, "0": 1}


def test_an_answer_is_ambiguous_when_the_client_cannot_know_whether_it_committed():
    assert client.Answer(0, None, 1, 1).ambiguous and client.Answer(502, None, 1, 1).ambiguous
    assert not client.Answer(500, None, 1, 1).ambiguous and not client.Answer(201, None, 1, 1).ambiguous


def test_the_summary_table_lines_up_chinese_text():
    text = inv.table([["PASS", "升级"], ["FAIL", "ab"]], ["", "invariant"])
    assert text.splitlines()[2] == "PASS  升级     "


def test_persistent_database_connections_are_checked_before_reuse(settings):
    """A web process reconnects after a database restart instead of failing the first request (fault (a))."""
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_the_check_speeds_up_every_job_of_the_schedule():
    # A job left at its real period (a minute or a day) runs once in the check's few seconds, and "each job once per
    # period" fails for it (the daily summary's job did, when issue 17 added it to the schedule and not here).
    from linli.celery import SCHEDULE

    stack = importlib.import_module("deploy.check.stack")
    assert set(stack.SCHEDULED_JOBS) == set(SCHEDULE)
