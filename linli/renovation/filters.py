"""Filtersets of the renovation lists, shared by the staff index page and the API."""

from django_filters import rest_framework as filters

from linli.core.filters import FilterSet

from .models import EmergencyService, Project


class ProjectFilterSet(FilterSet):
    class Meta:
        model = Project
        fields = ["estate", "stage"]


class EmergencyServiceFilterSet(FilterSet):
    ending_within = filters.NumberFilter(method="filter_ending", label="天内到期", min_value=0, max_value=366)

    class Meta:
        model = EmergencyService
        fields = ["estate", "ending_within"]

    def filter_ending(self, qs, name, value):
        if value is None:
            return qs
        return qs.ending_within(int(value))
