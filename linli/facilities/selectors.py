"""Reads of the facility ledger shared by the pages, the API, the public board and the jobs."""

from __future__ import annotations

import datetime

from django.db.models import Max, Q

from linli.facilities.models import Facility, FacilityRecord
from linli.facilities.permissions import readable_estates_q
from linli.facilities.services import REMINDER_DAYS, due_dates
from linli.places.models import Estate


def ledger_estates(user):
    """The estates whose facility ledger ``user`` may read (permissions.py)."""
    return Estate.objects.filter(readable_estates_q(user))


def ledger_for(user):
    """Facilities of the estates whose ledger ``user`` may read (never a resident's: they see the public board)."""
    return Facility.objects.filter(estate__in=ledger_estates(user))


def records_for(user):
    return FacilityRecord.objects.filter(facility__estate__in=ledger_estates(user))


def due_soon(queryset, today: datetime.date):
    """Facilities in service whose statutory inspection or maintenance contract falls due within 30 days, or is past
    due (services.REMINDER_DAYS), soonest first."""
    horizon = today + datetime.timedelta(days=REMINDER_DAYS)
    return (queryset.in_service().filter(Q(inspection_due__lte=horizon) | Q(contract_end__lte=horizon))
            .select_related("estate", "building").order_by("inspection_due", "contract_end", "pk"))


def with_due(facilities, today: datetime.date) -> list[tuple[Facility, list[dict]]]:
    """Each facility with what of it falls due soon (flags for the ledger)."""
    return [(f, due_dates(f, today) if f.status != Facility.Status.RETIRED else []) for f in facilities]


def public_facilities(estate) -> list[dict]:
    """The estate's public facilities in service for its public board (北京市物业管理条例 art. 70(3)): kind, name,
    location, the last statutory inspection (else the last maintenance), and the maintenance company of a lift or
    fire facility (art. 70(3) names them). No contract number, no certificate, no person."""
    facilities = list(Facility.objects.public().filter(estate=estate).select_related("building"))
    last = {}
    for facility_id, kind, on in (FacilityRecord.objects.filter(facility__in=facilities, corrected_by__isnull=True,
                                                                  kind__in=[FacilityRecord.Kind.STATUTORY,
                                                                            FacilityRecord.Kind.MAINTENANCE])
                                  .values_list("facility_id", "kind").annotate(on=Max("done_on"))):
        last.setdefault(facility_id, {})[kind] = on
    out = []
    for f in facilities:
        dates = last.get(f.pk, {})
        out.append({
            "kind": f.get_kind_display(), "name": f.name, "location": f.location,
            "building": f.building.number if f.building else "",
            "last_inspection": dates.get(FacilityRecord.Kind.STATUTORY),
            "last_maintenance": dates.get(FacilityRecord.Kind.MAINTENANCE),
            "contractor": f.contractor if f.kind in (Facility.Kind.LIFT, Facility.Kind.FIRE) else "",
        })
    return out


def order_links(user, order) -> list[dict]:
    """The links from a work order to the facilities it is a fault of, for the readers of their ledger (registered
    with ``linli.workorders.links``; a resident who reported it gets none)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    faults = list(order.facility_faults.filter(facility__estate__in=ledger_estates(user)).select_related("facility"))
    return [{"label": _("设施设备"), "text": fault.facility.name,
             "url": reverse("facilities:facility", args=[fault.facility_id])} for fault in faults]
