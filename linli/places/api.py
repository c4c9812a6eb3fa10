"""API of the registry of places: divisions, clusters, estates, buildings, homes, stewardships, coverage.

Who may do what (the same answers as the pages):

* reads: any member, limited to ``Model.objects.visible_to(user)``; strangers get 404 everywhere;
* writes (POST, PATCH): registry admins only (others 403), and only inside their write scope:
  an object outside it that they can see → 403; a reference in the body they cannot see → 400,
  exactly like an id that does not exist;
* PUT and DELETE: never (405) — the registry keeps its history; stewardships are append-only (POST only).
"""

import copy

from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from linli.core.access import scope_for
from linli.core.api import IsMember, RegistryWrite, ScopedViewSet
from linli.core.dbrouter import replica_reads
from linli.places import serializers
from linli.places.filters import (
    BuildingFilterSet,
    ClusterFilterSet,
    DivisionFilterSet,
    EstateFilterSet,
    HomeFilterSet,
    StewardshipFilterSet,
)
from linli.places.models import Building, Cluster, Division, Estate, Home, Stewardship
from linli.places.selectors import coverage, with_current_mode


class RegistryViewSet(mixins.UpdateModelMixin, ScopedViewSet):
    """Scoped reads, scoped writes, no deletes. Subclasses say what "may write this object" means."""

    permission_classes = [RegistryWrite]
    # No PUT: a partial update (PATCH) is the only edit; no DELETE at all.
    http_method_names = ["get", "post", "patch", "head", "options"]

    def writable(self, scope, obj) -> bool:
        raise NotImplementedError

    def check_permissions(self, request):
        if request.method.upper() not in self.allowed_methods:
            # Nothing is ever deleted: 405 for every member (strangers still get their 404 first).
            if not IsMember().has_permission(request, self):
                self.permission_denied(request)
            raise exceptions.MethodNotAllowed(request.method)
        super().check_permissions(request)

    def check_object_permissions(self, request, obj):
        super().check_object_permissions(request, obj)
        if request.method not in ("GET", "HEAD", "OPTIONS") and not self.writable(scope_for(request.user), obj):
            raise exceptions.PermissionDenied(_("您无权修改这条登记信息"))

    def proposed(self, serializer):
        """The object as it would be after this write (unsaved), for the write-scope check."""
        names = {f.name for f in self.queryset.model._meta.concrete_fields}
        data = {k: v for k, v in serializer.validated_data.items() if k in names}
        if serializer.instance is None:
            return self.queryset.model(**data)
        obj = copy.copy(serializer.instance)
        for key, value in data.items():
            setattr(obj, key, value)
        return obj

    def check_write_scope(self, serializer):
        if not self.writable(scope_for(self.request.user), self.proposed(serializer)):
            raise exceptions.PermissionDenied(_("您无权在该区划或小区登记"))

    def refetch(self, serializer):
        # Answer with the object as a read returns it (annotations, related names).
        fresh = self.get_queryset().filter(pk=serializer.instance.pk).first()
        if fresh is not None:
            serializer.instance = fresh

    def perform_create(self, serializer):
        self.check_write_scope(serializer)
        serializer.save()
        self.refetch(serializer)

    def perform_update(self, serializer):
        self.check_write_scope(serializer)
        serializer.save()
        self.refetch(serializer)


class DivisionViewSet(RegistryViewSet):
    """行政区划: districts, streets and communities. Only a division's name can change after creation."""

    queryset = Division.objects.all()
    serializer_class = serializers.DivisionSerializer
    filterset_class = DivisionFilterSet

    def writable(self, scope, obj):
        if obj.pk is None:
            obj.path = Division.make_path(obj.parent, obj.code)
        return scope.can_write_division(obj)


class ClusterViewSet(RegistryViewSet):
    """片区/组团 of a street."""

    queryset = Cluster.objects.select_related("street")
    serializer_class = serializers.ClusterSerializer
    filterset_class = ClusterFilterSet

    def writable(self, scope, obj):
        return scope.can_write_division(obj.street)


def current_provider_name():
    current = Stewardship.objects.current().filter(estate_id=OuterRef("pk")).order_by("-start")
    return Subquery(current.values("provider__name")[:1])


class EstateViewSet(RegistryViewSet):
    """小区: each with its current stewardship mode and provider."""

    queryset = Estate.objects.select_related("community", "cluster")
    serializer_class = serializers.EstateSerializer
    filterset_class = EstateFilterSet

    def get_queryset(self):
        return with_current_mode(super().get_queryset()).annotate(provider_name=current_provider_name())

    def writable(self, scope, obj):
        return scope.can_write_estate(obj)


class BuildingViewSet(RegistryViewSet):
    """楼栋."""

    queryset = Building.objects.select_related("estate")
    serializer_class = serializers.BuildingSerializer
    filterset_class = BuildingFilterSet

    def writable(self, scope, obj):
        return scope.can_write_estate(obj.estate)


class HomeViewSet(RegistryViewSet):
    """户: a dwelling with its exclusive area. A resident sees only their own homes."""

    queryset = Home.objects.select_related("building", "estate")
    serializer_class = serializers.HomeSerializer
    filterset_class = HomeFilterSet

    def writable(self, scope, obj):
        return scope.can_write_estate(obj.building.estate)


class StewardshipViewSet(RegistryViewSet):
    """物业管理方式, append-only: POST records a change (the open row is ended the day before); no edits.

    A change needs a basis (``Stewardship.BASIS_FOR_MODE``); a data-entry mistake is corrected by
    ``POST /stewardships/<id>/correct/`` (a new row and a logged event), never by an edit."""

    queryset = Stewardship.objects.select_related("estate", "provider", "lead_estate")
    serializer_class = serializers.StewardshipSerializer
    filterset_class = StewardshipFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def writable(self, scope, obj):
        return scope.can_write_estate(obj.estate)

    @extend_schema(request=serializers.StewardshipCorrectionSerializer, responses=serializers.StewardshipSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """Correct a data-entry mistake: a new row replaces this one (kept, marked), and the correction is logged."""
        row = self.get_object()  # 404 for what the caller cannot see, 403 outside its write scope
        body = serializers.StewardshipCorrectionSerializer(row, data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        new = body.save()
        return Response(serializers.StewardshipSerializer(self.get_queryset().get(pk=new.pk),
                                                          context={"request": request}).data, status=201)


class CoverageView(APIView):
    """Coverage of one division by management mode, counting only the estates the caller can see."""

    permission_classes = [IsMember]

    @extend_schema(
        parameters=[OpenApiParameter("division", OpenApiTypes.STR, required=True, description="区划代码")],
        responses=serializers.CoverageSerializer,
    )
    @replica_reads
    def get(self, request):
        code = request.query_params.get("division", "").strip()
        if not code:
            raise exceptions.ValidationError({"division": _("请指定区划代码：?division=CODE")})
        division = Division.objects.visible_to(request.user).filter(code=code).first()
        if division is None:
            raise Http404
        figures = coverage(division, estates=Estate.objects.visible_to(request.user))
        context = {"request": request, "today": timezone.localdate()}
        return Response(serializers.CoverageSerializer(figures, context=context).data)


extra_urls = [path("coverage/", CoverageView.as_view(), name="api-coverage")]


def register(router):
    router.register("divisions", DivisionViewSet)
    router.register("clusters", ClusterViewSet)
    router.register("estates", EstateViewSet)
    router.register("buildings", BuildingViewSet)
    router.register("homes", HomeViewSet)
    router.register("stewardships", StewardshipViewSet)

