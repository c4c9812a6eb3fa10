"""Filtersets of organisations, persons and occupancies (the API's lists)."""

from django_filters import rest_framework as filters

from linli.core.filters import IdFilter
from linli.people import permissions
from linli.people.models import Occupancy, Organization, Person
from linli.places.filters import DivisionTreeFilter, search_q


class OrganizationFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label="名称或拼音首字母")
    division = DivisionTreeFilter("division__path")

    class Meta:
        model = Organization
        fields = ["q", "kind", "ownership", "field", "division"]

    def filter_q(self, qs, name, value):
        return qs.filter(search_q(value, "name"))


class PersonFilterSet(filters.FilterSet):
    """The person list of the API and of the page. ``q`` is a name or its pinyin initials; digits search phone
    numbers only for roles that see full numbers (``permissions.can_search_by_phone``), and find nobody for anyone
    else: masked numbers must not be rebuilt by searching digit by digit."""

    q = filters.CharFilter(method="filter_q", label="姓名、拼音首字母或电话")
    estate = IdFilter(field_name="occupancies__home__estate", distinct=True, label="小区")
    home = IdFilter(field_name="occupancies__home", distinct=True, label="房屋")

    class Meta:
        model = Person
        fields = ["q", "estate", "home"]

    def filter_q(self, qs, name, value):
        value = value.strip()
        if not value.isdigit():
            return qs.filter(search_q(value, "name"))
        user = getattr(self.request, "user", None)
        if user is not None and permissions.can_search_by_phone(user):
            return qs.filter(search_q(value, "name", "phone"))
        return qs.none()


class OccupancyFilterSet(filters.FilterSet):
    estate = IdFilter(field_name="home__estate", label="小区")
    division = DivisionTreeFilter("home__estate__community__path")
    current = filters.BooleanFilter(method="filter_current", label="仅当前有效的居住关系")

    class Meta:
        model = Occupancy
        fields = ["person", "home", "estate", "relation", "division", "current"]

    def filter_current(self, qs, name, value):
        if value is None:
            return qs
        current = Occupancy.objects.current().values("pk")
        return qs.filter(pk__in=current) if value else qs.exclude(pk__in=current)
