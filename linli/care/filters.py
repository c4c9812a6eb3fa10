"""Filtersets of the care lists (subjects, plans, visits, problems): the API's, and the subjects page's."""

from django_filters import rest_framework as filters

from linli.care.models import CareSubject, Problem, Visit, VisitPlan
from linli.core.filters import FilterSet


class CareSubjectFilterSet(FilterSet):
    kind = filters.ChoiceFilter(choices=CareSubject.Kind.choices, method="filter_kind", label="关护类别")

    class Meta:
        model = CareSubject
        fields = ["community", "estate", "active", "kind"]

    def filter_kind(self, qs, name, value):
        return qs.filter(kinds__icontains=f'"{value}"')  # kinds is a JSON list of codes


class VisitPlanFilterSet(FilterSet):
    class Meta:
        model = VisitPlan
        fields = ["subject", "frequency", "active"]


class VisitFilterSet(FilterSet):
    class Meta:
        model = Visit
        fields = ["subject", "condition", "visitor"]


class ProblemFilterSet(FilterSet):
    class Meta:
        model = Problem
        fields = ["status", "urgent"]
