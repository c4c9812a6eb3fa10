"""Filtersets of the renovation lists, shared by the staff index page and the API."""

from django_filters import rest_framework as filters

from linli.core.filters import FilterSet, IdFilter

from .models import EmergencyService, Project, ProjectEstate


class ProjectFilterSet(FilterSet):
    estate = IdFilter(method="filter_estate", label="小区（含包括该小区的片区项目）")

    class Meta:
        model = Project
        fields = ["estate", "stage"]

    def filter_estate(self, qs, name, value):
        """Projects covering the estate: its own and the clusters' that include it."""
        if value is None:
            return qs
        return qs.filter(pk__in=ProjectEstate.objects.filter(estate_id=value).values("project_id"))


class EmergencyServiceFilterSet(FilterSet):
    ending_within = filters.NumberFilter(method="filter_ending", label="天内到期", min_value=0, max_value=366)

    class Meta:
        model = EmergencyService
        fields = ["estate", "ending_within"]

    def filter_ending(self, qs, name, value):
        if value is None:
            return qs
        return qs.ending_within(int(value))
