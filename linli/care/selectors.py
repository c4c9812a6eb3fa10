"""Reads of care shared by pages, API and the volunteer's own page."""

import datetime

from django.utils import timezone

from linli.care.models import CareSubject, VisitLink, VisitPlan
from linli.people.services import log_sensitive_access


def visits_due_for(user, *, today: datetime.date | None = None, days: int = 7):
    """The plans the user is assigned to that fall due within ``days`` (overdue ones first)."""
    today = today or timezone.localdate()
    return list(
        VisitPlan.objects.filter(visitors__pk=user.pk, active=True, subject__active=True,
                                 next_due__lte=today + datetime.timedelta(days=days))
        .select_related("subject__person").order_by("next_due", "pk")
    )


def overdue_plans(user, *, today: datetime.date | None = None):
    today = today or timezone.localdate()
    return (VisitPlan.objects.visible_to(user).overdue(today)
            .select_related("subject__person", "subject__estate").order_by("next_due", "pk"))


def log_viewing(user, subjects, *, action: str, path: str) -> None:
    """Every viewing of a care record is logged against the person it is about (PIPL)."""
    seen = set()
    for subject in subjects:
        person = subject.person if isinstance(subject, CareSubject) else subject
        if person.pk not in seen:
            seen.add(person.pk)
            log_sensitive_access(user=user, person=person, action=action, path=path)


def live_links(subject, *, now=None) -> list[VisitLink]:
    """The personal visit links of the subject's active plans that still work (not revoked, not expired)."""
    now = now or timezone.now()
    return list(VisitLink.objects.filter(plan__subject=subject, plan__active=True, revoked_at__isnull=True,
                                         expires_at__gt=now).select_related("person", "plan").order_by("pk"))
