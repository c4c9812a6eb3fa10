"""The assembly's periodic jobs, Celery tasks in the one schedule (linli/celery.py, docs/tasks.md)."""

from celery import shared_task

from linli.assembly import services
from linli.notify.jobs import once_per_period
from linli.people.actors import system_actor


@shared_task(name="linli.assembly.tasks.close_due_motions")
@once_per_period
def close_due_motions():
    """Every five minutes: close and count every vote past its deadline and post the result (as `linli assembly
    close-due`). Safe twice: a closed motion is skipped."""
    closed = services.close_due_motions(actor=system_actor())
    return {"closed": len(closed), "approved": sum(1 for m in closed if m.approved)}


@shared_task(name="linli.assembly.tasks.open_renewal_cases")
@once_per_period
def open_renewal_cases():
    """Daily: open a renewal case for each contract ending within 90 days (as `linli assembly renewals`). Safe twice:
    one case per expiring stewardship (get_or_create on it)."""
    return {"opened": len(services.open_renewal_cases(actor=system_actor()))}


@shared_task(name="linli.assembly.tasks.remind_committee_term_reports")
@once_per_period
def remind_committee_term_reports():
    """Daily: remind each serving owners' committee whose written report to the street is due (six months before its
    term ends, 北京市物业管理条例 art. 49) or overdue (as `linli assembly committee-reports`). Safe twice: once per
    committee and due day."""
    return {"reminded": services.remind_term_reports()}
