"""Facilities of an estate (公共设施设备台账) and their inspections (issue 20, docs/facilities.md)."""

from .events import FacilityEvent
from .facility import Facility, FacilityFault, FacilityQuerySet, FacilityRecord
from .rounds import Checkpoint, Round, Route, Visit

__all__ = ["Facility", "FacilityEvent", "FacilityFault", "FacilityQuerySet", "FacilityRecord",
           "Checkpoint", "Round", "Route", "Visit"]
