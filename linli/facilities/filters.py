"""Filtersets of the facility lists: the API's and the ledger page's (kind, building, status)."""

from django_filters import rest_framework as filters

from linli.core.filters import FilterSet
from linli.facilities.models import Facility, FacilityRecord


class FacilityFilterSet(FilterSet):
    class Meta:
        model = Facility
        fields = ["estate", "building", "kind", "status", "is_public"]


class FacilityRecordFilterSet(FilterSet):
    done_after = filters.DateFilter(field_name="done_on", lookup_expr="gte", label="日期起")
    done_before = filters.DateFilter(field_name="done_on", lookup_expr="lte", label="日期止")

    class Meta:
        model = FacilityRecord
        fields = ["facility", "kind", "result"]
