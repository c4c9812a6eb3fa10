"""Issue 14, items 1 and 2: one schedule of every periodic job, each a Celery task that runs once per period even
when two schedulers send it; eager mode without a broker; the in-process scheduler of `make run`; a real worker."""

import datetime
import importlib.util
import io
import logging
import os
import runpy
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import timezone

from linli import celery as linli_celery
from linli.celery import app
from linli.notify import inprocess, jobs
from linli.notify.models import JobRun

SETTINGS = Path(__file__).resolve().parents[2] / "settings.py"
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
NOON = datetime.datetime(2026, 12, 7, 12, 0, 30, tzinfo=SHANGHAI)
# Not guarded once per period: running it twice is harmless, since each delivery is claimed before it is sent.
UNGUARDED = {"linli.notify.tasks.requeue_deliveries"}

# Every periodic job the apps had before this issue (AppConfig.schedule, the cron commands), by the function it
# calls: (task, period in seconds, the function the task must call).
JOBS_BEFORE = [
    ("linli.workorders.tasks.sweep_deadlines", 60, "linli.workorders.tasks.sweep"),  # linli worker
    ("linli.volunteers.tasks.release_overdue_wish_claims", 3600, "linli.volunteers.tasks.wishes_release_overdue"),
    ("linli.care.tasks.notify_overdue_visits", 86400, "linli.care.tasks.notify_overdue"),  # and care_sweep
    ("linli.assembly.tasks.close_due_motions", 300, "linli.assembly.tasks.services.close_due_motions"),
    ("linli.assembly.tasks.open_renewal_cases", 86400, "linli.assembly.tasks.services.open_renewal_cases"),
]


class EmptySweep:
    """What the deadline sweep returns when nothing is due."""

    reminded = overdue = escalated = ()


@pytest.fixture(scope="module", autouse=True)
def _tasks_imported():
    app.autodiscover_tasks(force=True)  # what a worker does at start: import linli.<app>.tasks


def task(name):
    return app.tasks[name]


def at(moment: datetime.datetime) -> dict:
    """The kwargs that make a task run as if sent at ``moment`` (the period is chosen from it)."""
    return {"now": moment.isoformat()}


def counting(monkeypatch, dotted: str, result=None, error: Exception | None = None) -> list:
    """Replace the function at ``dotted`` (module.attr or module.obj.attr) by one that counts its calls."""
    calls = []

    def fake(*args, **kwargs):
        calls.append(kwargs)
        if error:
            raise error
        return result

    monkeypatch.setattr(dotted, fake)
    return calls


# --- the one schedule ---------------------------------------------------------------------------------------------

def test_every_task_named_in_the_schedule_exists_and_is_registered_under_its_name():
    names = [entry["task"] for entry in app.conf.beat_schedule.values()]
    assert len(names) == len(set(names)) == len(linli_celery.SCHEDULE)
    for name in names:
        assert name in app.tasks, name
        assert name.startswith("linli.") and ".tasks." in name
        if name in UNGUARDED:
            continue
        assert app.tasks[name].run.job_name == name  # its once-per-period guard knows it by the same name


def test_every_job_the_apps_had_before_is_in_the_schedule_with_its_period_and_calls_the_same_function(
        db, monkeypatch):
    added = {"linli.notify.tasks.requeue_deliveries": 60,
             "linli.workorders.tasks.refresh_summary": 60,  # issue 17: the dashboards' daily summary
             "linli.dashboard.tasks.warm_overviews": 60,  # issue 17: the overviews people open, computed ahead
             "linli.dashboard.tasks.freeze_assessment_scores": 24 * 3600,  # issue 17: the month-end freeze
             "linli.assembly.tasks.remind_committee_term_reports": 24 * 3600,  # issue 19: Beijing art. 49
             "linli.facilities.tasks.remind_due_inspections": 24 * 3600,  # issue 20: inspections falling due
             "linli.renovation.tasks.remind_ending_emergencies": 24 * 3600}  # issue 20: Beijing art. 77
    assert {name: period for name, period, _ in JOBS_BEFORE} | added == linli_celery.PERIODS
    for name, _period, function in JOBS_BEFORE:
        calls = counting(monkeypatch, function, result=EmptySweep() if "sweep" in name else [])
        result = task(name).apply(kwargs=at(NOON))
        assert result.successful(), result.traceback
        assert len(calls) == 1, name


def test_a_django_process_binds_its_tasks_to_linli_s_celery_app():
    from celery import current_app

    assert current_app._get_current_object() is app
    assert hasattr(task("linli.care.tasks.notify_overdue_visits"), "delay_on_commit")  # Celery's Django task class


def test_the_home_made_schedule_is_gone():
    assert importlib.util.find_spec("linli.core.schedule") is None
    assert [c.name for c in apps.get_app_configs() if hasattr(c, "schedule")] == []


def test_daily_jobs_run_at_a_fixed_local_time_and_the_others_every_period():
    beat = app.conf.beat_schedule
    assert beat["workorders-deadline-sweep"]["schedule"] == datetime.timedelta(seconds=60)
    assert beat["assembly-close-due-votes"]["schedule"] == datetime.timedelta(minutes=5)
    assert beat["volunteers-release-wish-claims"]["schedule"] == datetime.timedelta(hours=1)
    care = beat["care-overdue-visits"]["schedule"]
    assert (care.hour, care.minute) == ({7}, {0})
    renewals = beat["assembly-contract-renewals"]["schedule"]
    assert (renewals.hour, renewals.minute) == ({2}, {30})


def test_periods_can_be_shortened_for_a_test_of_the_whole_topology_and_nothing_else():
    overrides = linli_celery.parse_periods("workorders-deadline-sweep=5, care-overdue-visits=20")
    assert overrides == {"workorders-deadline-sweep": 5, "care-overdue-visits": 20}
    beat = linli_celery.beat_schedule(overrides)
    assert beat["workorders-deadline-sweep"]["schedule"] == datetime.timedelta(seconds=5)
    assert beat["care-overdue-visits"]["schedule"] == datetime.timedelta(seconds=20)  # no longer at 07:00
    assert beat["assembly-close-due-votes"]["schedule"] == datetime.timedelta(minutes=5)
    for bad in ("sweep=5", "workorders-deadline-sweep=0", "workorders-deadline-sweep=soon"):
        with pytest.raises(ValueError, match="LINLI_SCHEDULE_PERIODS"):
            linli_celery.parse_periods(bad)


# --- once per period ----------------------------------------------------------------------------------------------

def test_period_start_is_the_time_floored_to_the_period_in_local_time():
    local = timezone.localtime
    assert local(jobs.period_start(NOON, 60)) == NOON.replace(second=0)
    assert local(jobs.period_start(NOON, 300)) == NOON.replace(second=0)
    assert local(jobs.period_start(NOON + datetime.timedelta(minutes=7), 300)) == NOON.replace(minute=5, second=0)
    assert local(jobs.period_start(NOON, 3600)) == NOON.replace(minute=0, second=0)
    # A daily job's period is the local calendar day (Asia/Shanghai), not the UTC one.
    assert local(jobs.period_start(NOON, 86400)) == NOON.replace(hour=0, minute=0, second=0)
    early = datetime.datetime(2026, 12, 7, 0, 30, tzinfo=SHANGHAI)  # 16:30 UTC the day before
    assert local(jobs.period_start(early, 86400)) == datetime.datetime(2026, 12, 7, tzinfo=SHANGHAI)


def test_two_schedulers_sending_a_task_in_the_same_period_run_it_once_and_a_new_period_runs_again(db, monkeypatch):
    calls = counting(monkeypatch, "linli.care.tasks.notify_overdue", result=2)
    care = task("linli.care.tasks.notify_overdue_visits")
    first = care.apply(kwargs=at(NOON))
    second = care.apply(kwargs=at(NOON + datetime.timedelta(hours=3)))  # the other scheduler, the same day
    assert (first.result, second.result, len(calls)) == ({"notified": 2}, None, 1)
    run = JobRun.objects.get()
    assert (run.name, timezone.localtime(run.period_start)) == (
        "linli.care.tasks.notify_overdue_visits", NOON.replace(hour=0, minute=0, second=0))
    assert run.finished_at is not None and run.result == '{"notified": 2}'
    care.apply(kwargs=at(NOON + datetime.timedelta(days=1)))
    assert len(calls) == 2 and JobRun.objects.count() == 2


def test_the_effect_of_a_real_job_happens_once_when_two_schedulers_send_it(vworld):
    from linli.volunteers import wishes as w
    from linli.volunteers.models import WishEvent

    t0 = timezone.now() - datetime.timedelta(days=30)
    wish = w.wish_post(actor=vworld.resident_a, beneficiary=vworld.resident, title="想要一台收音机", now=t0)
    wish = w.wish_claim(actor=vworld.volunteer_a, wish=w.wish_review(actor=vworld.community_admin, wish=wish,
                                                                     approve=True, now=t0), now=t0)
    release = task("linli.volunteers.tasks.release_overdue_wish_claims")
    now = timezone.now()
    results = [release.apply(kwargs=at(now)).result, release.apply(kwargs=at(now)).result]
    assert results == [{"released": 1}, None]
    assert WishEvent.objects.filter(wish=wish, kind="released_overdue").count() == 1
    assert list(JobRun.objects.values_list("name", "result")) == [
        ("linli.volunteers.tasks.release_overdue_wish_claims", '{"released": 1}')]


def test_a_failing_task_records_the_failure_and_the_next_period_runs(db, monkeypatch):
    counting(monkeypatch, "linli.workorders.tasks.sweep", error=RuntimeError("电话 13812345678 打不通"))
    sweep = task("linli.workorders.tasks.sweep_deadlines")
    failed = sweep.apply(kwargs=at(NOON))
    assert failed.failed() and isinstance(failed.result, RuntimeError)
    run = JobRun.objects.get()
    assert run.finished_at is not None and run.result.startswith("error: RuntimeError: 电话 ")
    assert "13812345678" not in run.result  # personal data never in clear
    assert sweep.apply(kwargs=at(NOON)).result is None  # the failed period stays recorded, not retried
    monkeypatch.undo()
    ok = sweep.apply(kwargs=at(NOON + datetime.timedelta(minutes=1)))
    assert ok.successful() and ok.result == {"reminded": 0, "overdue": 0, "escalated": 0}
    assert JobRun.objects.count() == 2


def test_a_run_whose_worker_died_is_taken_over_in_the_same_period_but_a_live_one_is_not(db, monkeypatch, settings):
    calls = counting(monkeypatch, "linli.assembly.tasks.services.close_due_motions", result=[])
    close = task("linli.assembly.tasks.close_due_motions")
    start = jobs.period_start(NOON, 300)
    JobRun.objects.create(name=close.name, period_start=start, started_at=NOON - datetime.timedelta(seconds=10))
    assert close.apply(kwargs=at(NOON)).result is None and calls == []  # still running somewhere
    settings.CELERY_TASK_TIME_LIMIT = 270
    JobRun.objects.update(started_at=NOON - datetime.timedelta(seconds=271))  # older than any task may run
    assert close.apply(kwargs=at(NOON)).result == {"closed": 0, "approved": 0} and len(calls) == 1
    run = JobRun.objects.get()
    assert run.started_at == NOON and run.finished_at is not None


def test_old_runs_are_deleted_after_a_month(db, monkeypatch):
    counting(monkeypatch, "linli.care.tasks.notify_overdue", result=0)
    name = "linli.care.tasks.notify_overdue_visits"
    old = JobRun.objects.create(name=name, period_start=NOON - datetime.timedelta(days=31), finished_at=NOON)
    recent = JobRun.objects.create(name=name, period_start=NOON - datetime.timedelta(days=29), finished_at=NOON)
    other = JobRun.objects.create(name="x", period_start=NOON - datetime.timedelta(days=400), finished_at=NOON)
    task(name).apply(kwargs=at(NOON))
    kept = set(JobRun.objects.values_list("pk", flat=True))
    assert old.pk not in kept and {recent.pk, other.pk} < kept  # another job's runs are its own to delete


# --- settings: eager without a broker -----------------------------------------------------------------------------

def load_settings(monkeypatch, tmp_path, **env) -> dict:
    for name in list(os.environ):
        if name.startswith(("LINLI_", "CELERY_", "SECRET_KEY")) or name == "DEBUG":
            monkeypatch.delenv(name)
    monkeypatch.setenv("LINLI_DATA_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_without_a_broker_tasks_run_eagerly_in_the_process_that_queues_them(monkeypatch, tmp_path, settings):
    loaded = load_settings(monkeypatch, tmp_path)
    assert (loaded["CELERY_BROKER_URL"], loaded["CELERY_TASK_ALWAYS_EAGER"]) == ("", True)
    assert settings.CELERY_TASK_ALWAYS_EAGER is True and app.conf.task_always_eager is True  # this test run


def test_with_a_broker_tasks_go_to_the_workers_with_the_production_options(monkeypatch, tmp_path):
    loaded = load_settings(monkeypatch, tmp_path, CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
                           CELERY_VISIBILITY_TIMEOUT="600")
    assert loaded["CELERY_TASK_ALWAYS_EAGER"] is False
    assert (loaded["CELERY_TASK_ACKS_LATE"], loaded["CELERY_TASK_REJECT_ON_WORKER_LOST"],
            loaded["CELERY_WORKER_PREFETCH_MULTIPLIER"]) == (True, True, 1)
    assert loaded["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"] == 600
    assert (loaded["CELERY_TASK_SERIALIZER"], loaded["CELERY_ACCEPT_CONTENT"]) == ("json", ["json"])
    assert loaded["CELERY_TIMEZONE"] == loaded["TIME_ZONE"]
    assert loaded["CELERY_TASK_SOFT_TIME_LIMIT"] < loaded["CELERY_TASK_TIME_LIMIT"] < 300


def test_production_without_a_broker_refuses_to_start(monkeypatch, tmp_path):
    key = "q7Hc-2vN9xLpR4tZ8wKe1mB6yJ0sD3fG5aU_iO7cV9nX2lQ4hT8rE1kW6jY0pM3z"
    with pytest.raises(ImproperlyConfigured, match="CELERY_BROKER_URL is not set"):
        load_settings(monkeypatch, tmp_path, LINLI_PRODUCTION="true", SECRET_KEY=key)
    with pytest.raises(ImproperlyConfigured, match="CELERY_TASK_TIME_LIMIT must be below"):
        load_settings(monkeypatch, tmp_path, CELERY_TASK_TIME_LIMIT="300")


# --- the in-process scheduler of `make run` -----------------------------------------------------------------------

@pytest.fixture
def keep_connection(monkeypatch):
    """The scheduler's thread closes stale connections around each task; here the test's transaction holds the
    connection (PostgreSQL would lose it), so that step is left out."""
    monkeypatch.setattr(inprocess, "close_old_connections", lambda: None)


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def test_the_in_process_scheduler_runs_each_entry_when_its_period_passes_through_the_same_task(db, monkeypatch,
                                                                                            keep_connection):
    calls = counting(monkeypatch, "linli.workorders.tasks.sweep", result=EmptySweep())
    hourly = counting(monkeypatch, "linli.volunteers.tasks.wishes_release_overdue", result=[])
    clock = Clock(timezone.now())
    monkeypatch.setattr(timezone, "now", clock)  # the guard's clock too
    scheduler = inprocess.Scheduler(app, schedule={k: app.conf.beat_schedule[k] for k in (
        "workorders-deadline-sweep", "volunteers-release-wish-claims")}, clock=clock)
    scheduler.tick()
    assert (calls, hourly) == ([], [])  # nothing at once
    clock.now += datetime.timedelta(seconds=61)
    assert scheduler.tick() <= 60
    assert (len(calls), hourly) == (1, [])
    clock.now += datetime.timedelta(seconds=3600)
    scheduler.tick()
    assert (len(calls), len(hourly)) == (2, 1)
    assert JobRun.objects.count() == 3  # the production guard ran too


def test_an_error_in_the_in_process_scheduler_is_logged_and_never_stops_it(db, monkeypatch, caplog, keep_connection):
    counting(monkeypatch, "linli.workorders.tasks.sweep", error=RuntimeError("boom"))
    clock = Clock(timezone.now())
    monkeypatch.setattr(timezone, "now", clock)
    scheduler = inprocess.Scheduler(app, schedule={
        "sweep": app.conf.beat_schedule["workorders-deadline-sweep"],
        "ghost": {"task": "linli.nowhere.tasks.ghost", "schedule": 60}}, clock=clock)
    clock.now += datetime.timedelta(seconds=61)
    with caplog.at_level(logging.ERROR, logger="linli.worker"):
        scheduler.tick()
        clock.now += datetime.timedelta(seconds=61)
        scheduler.tick()
    messages = [r.getMessage() for r in caplog.records if r.name == "linli.worker"]
    assert sum("sweep_deadlines failed" in m and "boom" in m for m in messages) == 2
    assert sum("linli.nowhere.tasks.ghost is not registered" in m for m in messages) == 1  # said once


def test_the_in_process_scheduler_starts_only_in_the_demo_server(settings):
    settings.LINLI_INPROCESS_WORKER = True
    assert inprocess.wanted(["linli", "runserver"], {"RUN_MAIN": "true"})
    assert not inprocess.wanted(["linli", "runserver"], {})  # the autoreloader's parent process
    assert not inprocess.wanted(["gunicorn", "linli.wsgi"], {"RUN_MAIN": "true"})
    settings.LINLI_INPROCESS_WORKER = False
    assert not inprocess.wanted(["linli", "runserver"], {"RUN_MAIN": "true"})


# --- `linli worker` -----------------------------------------------------------------------------------------------

def test_worker_once_runs_every_scheduled_task_once_per_period(db):
    out = io.StringIO()
    call_command("worker", "--once", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split("：")[0] for line in lines] == list(app.conf.beat_schedule)
    assert "volunteers-release-wish-claims：{\"released\": 0}" in lines
    assert JobRun.objects.count() == len(lines) - len(UNGUARDED)  # one row per guarded job
    again = io.StringIO()
    call_command("worker", "--once", stdout=again)  # within the same minute for most of them
    assert "care-overdue-visits：本周期已运行，跳过" in again.getvalue().splitlines()


def test_worker_without_a_broker_says_what_to_do(settings):
    assert not app.conf.broker_url or app.conf.task_always_eager
    if app.conf.broker_url:
        pytest.skip("a broker is configured in this environment")
    with pytest.raises(CommandError, match="CELERY_BROKER_URL"):
        call_command("worker")


# --- a real worker on Redis ---------------------------------------------------------------------------------------

REDIS = "redis://127.0.0.1:6379/5"  # this part's own Redis database


def redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_runs_a_scheduled_task_sent_through_the_broker():
    if not redis_up():
        pytest.skip("Redis is not reachable at 127.0.0.1:6379")
    from celery import Celery
    from celery import _state as celery_state
    from celery.contrib.testing.worker import start_worker

    # The project's configuration, with a broker (and a result backend, to wait for the answer).
    worker_app = Celery("linli-test", set_as_current=False)
    worker_app.config_from_object("django.conf:settings", namespace="CELERY")
    worker_app.conf.update(broker_url=REDIS, result_backend=REDIS, task_always_eager=False, task_ignore_result=False,
                           task_default_queue=f"linli-test-{os.getpid()}")
    # start_worker makes its app the current and default one: put the project's back after, or the tests that
    # follow in this process would queue their tasks to Redis instead of running them eagerly.
    current, default = celery_state.get_current_app(), celery_state.default_app
    try:
        with start_worker(worker_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            release = worker_app.tasks["linli.volunteers.tasks.release_overdue_wish_claims"]
            assert release.delay(now=NOON.isoformat()).get(timeout=30) == {"released": 0}
            assert release.delay(now=NOON.isoformat()).get(timeout=30) is None  # the same period: skipped
    finally:
        celery_state._set_current_app(current)
        celery_state.set_default_app(default)
    run = JobRun.objects.get()
    assert (run.name, run.result) == ("linli.volunteers.tasks.release_overdue_wish_claims", '{"released": 0}')
    assert celery_state.get_current_app() is app
