"""Filtersets shared by the pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from linli.core.filters import IdFilter
from linli.core.text import normalize
from linli.places.models import Building, Cluster, Division, Estate, Home, Stewardship
from linli.places.selectors import with_current_mode


def search_q(value: str, *fields: str) -> Q:
    """Match a name by its characters (after normalisation) or by its pinyin initials ("jgm" → 九宫庙)."""
    text = normalize(value)
    q = Q()
    for f in fields:
        q |= Q(**{f"{f}__icontains": text})
    if text.isascii() and text.replace(" ", "").isalnum():
        q |= Q(initials__startswith=text.lower().replace(" ", ""))
    return q


class DivisionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("名称或拼音首字母"))
    level = django_filters.ChoiceFilter(choices=Division.Level.choices, label=_("层级"), empty_label=_("全部"))
    within = django_filters.CharFilter(method="filter_within", label=_("上级区划代码"))

    class Meta:
        model = Division
        fields = ["q", "level", "within"]

    def filter_q(self, qs, name, value):
        return qs.filter(search_q(value, "name") | Q(code__startswith=value.strip()))

    def filter_within(self, qs, name, value):
        parent = Division.objects.filter(code=value.strip()).first()
        return qs.filter(path__startswith=parent.path) if parent else qs.none()


class EstateFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("名称或拼音首字母"))
    division = django_filters.CharFilter(method="filter_division", label=_("区划代码"))
    kind = django_filters.ChoiceFilter(choices=Estate.Kind.choices, label=_("类型"), empty_label=_("全部"))
    governance = django_filters.ChoiceFilter(choices=Estate.Governance.choices, label=_("治理模式"), empty_label=_("全部"))
    mode = django_filters.ChoiceFilter(choices=Stewardship.Mode.choices, method="filter_mode", label=_("管理方式"), empty_label=_("全部"))
    cluster = IdFilter(field_name="cluster_id", label=_("片区"))

    class Meta:
        model = Estate
        fields = ["q", "division", "kind", "governance", "mode", "cluster"]

    def filter_q(self, qs, name, value):
        return qs.filter(search_q(value, "name", "address"))

    def filter_division(self, qs, name, value):
        division = Division.objects.filter(code=value.strip()).first()
        return qs.filter(community__path__startswith=division.path) if division else qs.none()

    def filter_mode(self, qs, name, value):
        if "mode" not in qs.query.annotations:
            qs = with_current_mode(qs)
        return qs.filter(mode=value)


class DivisionTreeFilter(filters.CharFilter):
    """``?division=CODE``: records in that division or anywhere below it."""

    def __init__(self, path_field: str, **kwargs):
        kwargs.setdefault("label", "区划代码（含下级）")
        super().__init__(**kwargs)
        self.path_field = path_field

    def filter(self, qs, value):
        if not value:
            return qs
        division = Division.objects.filter(code=value.strip()).first()
        if division is None:
            return qs.none()
        return qs.filter(**{f"{self.path_field}__startswith": division.path})


class ClusterFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label="名称或拼音首字母")
    division = DivisionTreeFilter("street__path")

    class Meta:
        model = Cluster
        fields = ["q", "division", "street"]

    def filter_q(self, qs, name, value):
        return qs.filter(search_q(value, "name"))


class BuildingFilterSet(filters.FilterSet):
    division = DivisionTreeFilter("estate__community__path")

    class Meta:
        model = Building
        fields = ["estate", "division"]


class HomeFilterSet(filters.FilterSet):
    division = DivisionTreeFilter("estate__community__path")

    class Meta:
        model = Home
        fields = ["estate", "building", "entrance", "division"]


class StewardshipFilterSet(filters.FilterSet):
    division = DivisionTreeFilter("estate__community__path")
    current = filters.BooleanFilter(method="filter_current", label="仅当前有效的记录")

    class Meta:
        model = Stewardship
        fields = ["estate", "mode", "provider", "division", "current"]

    def filter_current(self, qs, name, value):
        if value is None:
            return qs
        current = Stewardship.objects.current().values("pk")
        return qs.filter(pk__in=current) if value else qs.exclude(pk__in=current)
