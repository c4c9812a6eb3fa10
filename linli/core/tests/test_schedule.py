"""`linli worker` runs the periodic jobs that the apps declare in their AppConfig."""

import io

import pytest
from django.core.management import call_command

from linli.core.schedule import Job, due, jobs


def test_the_apps_declare_the_sweeps_that_run_on_their_own():
    assert [(job.func, job.every) for job in jobs()] == [
        ("linli.workorders.sweep.sweep", 60),
        ("linli.volunteers.wishes.wishes_release_overdue", 3600),
        ("linli.care.services.notify_overdue", 24 * 3600),
    ]


def test_a_job_is_due_when_it_never_ran_or_its_period_has_passed():
    minute, hour = Job("a", "x.a", every=60), Job("b", "x.b", every=3600)
    assert due([minute, hour], {}, now=1000.0) == [minute, hour]
    assert due([minute, hour], {"x.a": 1000.0, "x.b": 1000.0}, now=1059.0) == []
    assert due([minute, hour], {"x.a": 1000.0, "x.b": 1000.0}, now=1060.0) == [minute]


@pytest.mark.django_db
def test_worker_once_runs_every_job_once_and_prints_each_result():
    out = io.StringIO()
    call_command("worker", "--once", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split("：")[0] for line in lines] == ["工单时限巡检", "微心愿认领超期退回", "逾期探访提醒"]
    assert lines[1:] == ["微心愿认领超期退回：[]", "逾期探访提醒：0"]
