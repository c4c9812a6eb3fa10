"""Triage writes check their caller in the service (linli/triage/permissions.py): nobody (``None``), a read-only
role and an admin of another street are refused, and nothing is written."""

import pytest
from django.core.exceptions import PermissionDenied

from linli.triage import services
from linli.triage.models import StreetSubcategory, TaxonomyChange, TriageCorrection


def _update(w, a):
    lift = StreetSubcategory.objects.get(street=w.street, code="facility.lift")
    services.subcategory_update(item=lift, actor=a, name="电梯", tier="easy", level="estate", limit_hours=5)


def _correct(w, a):
    services.correction_record(text="楼顶太阳能支架锈断了", street=w.street, actor=a, subcategory="safety.falling")


@pytest.mark.parametrize("write", [_update, _correct], ids=["subcategory_update", "correction_record"])
@pytest.mark.parametrize("actor", [None, "auditor", "department_handler", "other_street_admin"])
def test_a_caller_without_the_right_is_refused_and_nothing_is_written(world, write, actor):
    services.taxonomy_seed(street=world.street)
    with pytest.raises(PermissionDenied):
        write(world, getattr(world, actor) if actor else None)
    assert (TaxonomyChange.objects.count(), TriageCorrection.objects.count()) == (0, 0)
