"""API of people and organisations: organizations, persons, occupancies (rules as in linli/places/api.py)."""

from django_filters import rest_framework as filters
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.response import Response

from linli.core.api import IdFilter
from linli.people import serializers
from linli.people.models import AuditEvent, Occupancy, Organization, Person
from linli.people.scopes import scope_for
from linli.people.services import audit, log_sensitive_access
from linli.places.api import DivisionTreeFilter, RegistryViewSet
from linli.places.filters import search_q
from linli.places.models import Estate


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """Documents linli.people.api_auth.ApiKeyAuthentication in the schema (Swagger UI "Authorize")."""

    target_class = "linli.people.api_auth.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "API 密钥（`linli apikey create NAME`）：`Authorization: Token <key>` 或 `Bearer <key>`",
        }


class OrganizationFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label="名称或拼音首字母")
    division = DivisionTreeFilter("division__path")

    class Meta:
        model = Organization
        fields = ["q", "kind", "ownership", "field", "division"]

    def filter_q(self, qs, name, value):
        return qs.filter(search_q(value, "name"))


class OrganizationViewSet(RegistryViewSet):
    """组织: companies, committees, offices, departments. An admin registers them in its own divisions."""

    queryset = Organization.objects.select_related("division")
    serializer_class = serializers.OrganizationSerializer
    filterset_class = OrganizationFilterSet

    def writable(self, scope, obj):
        # An organisation without a division belongs to nobody's area: only the admin site edits it.
        return obj.division is not None and scope.can_write_division(obj.division)


class AuditedListMixin:
    """Each list request of people's names is a line of the audit log (PIPL), with the rows returned."""

    audit_target = ""

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        rows = response.data.get("results", []) if isinstance(response.data, dict) else response.data
        audit(action=AuditEvent.Action.LIST_PERSONAL, user=request.user, request=request, target=self.audit_target,
              count=len(rows))
        return response


class PersonFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label="姓名或拼音首字母")
    estate = IdFilter(field_name="occupancies__home__estate", distinct=True, label="小区")
    home = IdFilter(field_name="occupancies__home", distinct=True, label="房屋")

    class Meta:
        model = Person
        fields = ["q", "estate", "home"]

    def filter_q(self, qs, name, value):
        return qs.filter(search_q(value, "name"))


class PersonViewSet(AuditedListMixin, RegistryViewSet):
    """人员. Phones are masked and sensitive flags hidden unless the caller's role may see them."""

    audit_target = "people.persons"
    queryset = Person.objects.all()
    serializer_class = serializers.PersonSerializer
    filterset_class = PersonFilterSet

    def writable(self, scope, obj):
        # A person belongs to the estates of their homes; any of them in the admin's write scope will do.
        estates = Estate.objects.filter(homes__occupancies__person=obj).select_related("community").distinct()
        return any(scope.can_write_estate(estate) for estate in estates)

    def perform_create(self, serializer):
        self.require_write(estate=serializer.validated_data["home"].estate, message="您无权在该小区登记人员")
        serializer.save()

    def get_serializer_context(self):
        # Sensitive flags travel only in the answer about one person, where each viewing is logged.
        return {**super().get_serializer_context(), "with_sensitive": self.action == "retrieve"}

    def retrieve(self, request, *args, **kwargs):
        person = self.get_object()
        data = self.get_serializer(person).data
        shown = any(name in data for name in Person.SENSITIVE_FIELDS)
        if shown and person.has_sensitive_flags and scope_for(request.user).person_id != person.pk:
            log_sensitive_access(user=request.user, person=person, action="api_view", path=request.path)
        return Response(data)


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


class OccupancyViewSet(AuditedListMixin, RegistryViewSet):
    """居住关系: who lives in which home, from when to when. Moving out is a PATCH of ``end``."""

    audit_target = "people.occupancies"
    queryset = Occupancy.objects.select_related("person", "home__building", "home__estate")
    serializer_class = serializers.OccupancySerializer
    filterset_class = OccupancyFilterSet

    def writable(self, scope, obj):
        return scope.can_write_estate(obj.home.estate)


def register(router):
    router.register("organizations", OrganizationViewSet)
    router.register("persons", PersonViewSet)
    router.register("occupancies", OccupancyViewSet)
