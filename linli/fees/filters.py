"""Filtersets of the fee lists."""

from django_filters import rest_framework as filters

from linli.core.filters import FilterSet

from .models import Bill, FeePlan, LedgerEntry, Payment, Relief


class BillFilterSet(filters.FilterSet):
    open = filters.BooleanFilter(method="filter_open", label="仅欠缴")

    class Meta:
        model = Bill
        fields = ["estate", "home", "period", "plan", "open"]

    def filter_open(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(outstanding__gt=0) if value else qs.filter(outstanding=0)


class FeePlanFilterSet(FilterSet):
    class Meta:
        model = FeePlan
        fields = ["estate", "cluster", "frequency"]


class PaymentFilterSet(FilterSet):
    class Meta:
        model = Payment
        fields = ["estate", "home", "method", "paid_on"]


class ReliefFilterSet(FilterSet):
    class Meta:
        model = Relief
        fields = ["estate", "home", "kind", "reason"]


class LedgerEntryFilterSet(FilterSet):
    class Meta:
        model = LedgerEntry
        fields = ["estate", "direction", "category", "occurred_on"]
