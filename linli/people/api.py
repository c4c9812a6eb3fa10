"""API of people and organisations: organizations, persons, occupancies (rules as in linli/places/api.py)."""

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.response import Response

from linli.people import serializers
from linli.people.filters import OccupancyFilterSet, OrganizationFilterSet, PersonFilterSet
from linli.people.models import AuditEvent, Occupancy, Organization, Person
from linli.people.scopes import forget_scopes, scope_for
from linli.people.services import audit, log_sensitive_access
from linli.places.api import RegistryViewSet
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


class ForgetsScopes:
    """Writes of rows a user's scope is made of (an organisation's kind and division, who lives where): every
    cached scope is built afresh at its next use (linli/people/scopes.py)."""

    def perform_create(self, serializer):
        super().perform_create(serializer)
        forget_scopes()

    def perform_update(self, serializer):
        super().perform_update(serializer)
        forget_scopes()


class OrganizationViewSet(ForgetsScopes, RegistryViewSet):
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


class PersonViewSet(ForgetsScopes, AuditedListMixin, RegistryViewSet):
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
        self.require_write(estate=serializer.validated_data["home"].estate, message=_("您无权在该小区登记人员"))
        serializer.save()  # with the person's occupancy of the home
        forget_scopes()

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


class OccupancyViewSet(ForgetsScopes, AuditedListMixin, RegistryViewSet):
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
