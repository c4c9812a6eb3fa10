"""Facilities of an estate (公共设施设备台账) and their inspections (issue 20, docs/facilities.md)."""

from .facility import Facility, FacilityFault, FacilityQuerySet, FacilityRecord

__all__ = ["Facility", "FacilityFault", "FacilityQuerySet", "FacilityRecord"]
from .events import FacilityEvent  # noqa: E402 (issue 20 item 1: the ledger's own history)

__all__ += ["FacilityEvent"]
