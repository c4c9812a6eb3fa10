"""The dashboard's periodic jobs, Celery tasks in the one schedule (linli/celery.py, docs/tasks.md)."""

import datetime

from celery import shared_task

from linli.notify.jobs import once_per_period


@shared_task(name="linli.dashboard.tasks.warm_overviews")
@once_per_period
def warm_overviews():
    """Every minute: bring the daily summary up to date, then compute again the overviews people opened in the last
    day whose stored figures are behind it (linli/dashboard/store.py), so that the next opening reads them ready.
    Safe twice: a second run finds them up to date; at most 40 s and 300 overviews a run."""
    from linli.dashboard import store

    return store.warm()


@shared_task(name="linli.dashboard.tasks.freeze_assessment_scores")
@once_per_period
def freeze_assessment_scores():
    """Daily: queue the freezing of last month's assessment scores for every district not frozen yet (on the 1st,
    the month that just closed; later days only check). One task per district, so that each has the whole time
    limit (a district of 200,000 orders a month takes about 30 s on a loaded 2-core machine)."""
    from linli.dashboard.assessment import months_to_freeze

    queued = []
    for district_id, code, month in months_to_freeze():
        freeze_district_month.delay(district_id, month.isoformat())
        queued.append(f"{code} {month:%Y-%m}")
    return {"queued": queued}


@shared_task(name="linli.dashboard.tasks.freeze_district_month")
def freeze_district_month(district_id: int, month: str):
    """Compute and freeze one district's month. Safe twice: a frozen month is left as it is (the district's row is
    locked for the computation, so a second run waits and then finds it frozen)."""
    from linli.dashboard.assessment import scores_compute
    from linli.places.models import Division

    event = scores_compute(month=datetime.date.fromisoformat(month), district=Division.objects.get(pk=district_id),
                           freeze=True)
    return {"event": event.pk, "kind": event.kind}
