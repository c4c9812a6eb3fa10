"""Retention of care records (PIPL art. 19; health, disability and hardship are sensitive, art. 28).

When care has ended (``CareSubject.closed_at``) and the period has passed, what the record says about the
person is cleared: the categories, the guardian's contact, the notes of the record and of every visit, the
problems found and the in-app reminders. The rows stay (the visits were made, the figures still count), so
nothing that an audit counts disappears. Called by ``linli retention``; running it again changes nothing.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from linli.care.models import CareSubject, Problem, Visit
from linli.notify.models import Notification


def clear_ended_care(*, before: datetime.datetime, dry_run: bool = False) -> dict[str, int]:
    """Clear the sensitive content of care that ended before ``before``; the records changed, by kind."""
    ended = CareSubject.objects.filter(active=False, closed_at__lt=before).values("pk")
    todo = {
        "care_subjects": CareSubject.objects.filter(pk__in=ended).filter(
            ~Q(kinds=[]) | ~Q(note="") | ~Q(guardian_contact="")),
        "care_visits": Visit.objects.filter(subject__in=ended).exclude(notes=""),
        "care_problems": Problem.objects.filter(visit__subject__in=ended).filter(
            ~Q(description="") | ~Q(resolution="")),
        # the reminders (notify's inbox, kind "care") link to the subject's page
        "care_reminders": Notification.objects.filter(
            kind="care", link__in=[reverse("care:subject_detail", args=[pk]) for pk in ended.values_list("pk", flat=True)]),
    }
    if dry_run:
        return {kind: qs.count() for kind, qs in todo.items()}
    with transaction.atomic():
        return {
            "care_subjects": todo["care_subjects"].update(kinds=[], note="", guardian_contact=""),
            # Visits are append-only (linli.core.events): clearing their notes at the end of the period is the one
            # change allowed, made by name.
            "care_visits": todo["care_visits"].retention_redact(notes=""),
            "care_problems": todo["care_problems"].update(description="", resolution=""),
            "care_reminders": todo["care_reminders"].delete()[0],
        }
