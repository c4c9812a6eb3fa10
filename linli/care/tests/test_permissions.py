"""Care writes check their caller in the service (linli/care/permissions.py): nobody (``None``), a read-only
role, property staff, a resident and an admin of another street are refused, and nothing is written."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from linli.care import services
from linli.care.models import CareSubject, Visit, VisitPlan


def state():
    return (CareSubject.objects.filter(active=True).count(), VisitPlan.objects.count(), Visit.objects.count())


SERVICES = {
    "subject_enrol": lambda w, s, a: services.subject_enrol(actor=a, person=w.neighbour, kinds=["elderly_alone"]),
    "subject_close": lambda w, s, a: services.subject_close(actor=a, subject=s, reason="搬走"),
    "plan_create": lambda w, s, a: services.plan_create(actor=a, subject=s, frequency="monthly", visitors=[]),
    "visit_record": lambda w, s, a: services.visit_record(actor=a, subject=s, visited_at=timezone.now(),
                                                          condition="good"),
}


@pytest.mark.parametrize("name", SERVICES)
@pytest.mark.parametrize("actor", [None, "auditor", "staff_a", "resident_a", "other_street_admin"])
def test_a_caller_without_the_right_is_refused_and_nothing_is_written(vworld, subject, name, actor):
    before = state()
    with pytest.raises(PermissionDenied):
        SERVICES[name](vworld, subject, getattr(vworld, actor) if actor else None)
    assert state() == before
