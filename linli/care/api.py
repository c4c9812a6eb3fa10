"""API of care under /api/v1/: subjects, plans, visits, problems (the overdue reminders are in /api/v1/notifications/).

Sensitive throughout: only care staff (community/street/district admins, grid workers) in their divisions
and the visitors assigned to a plan get anything (everyone else 404, as if nothing existed); every answer
that shows a subject is logged against the person (PIPL).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from linli.care import filters, selectors, services
from linli.care import models as m
from linli.care import serializers as s
from linli.care.permissions import is_care_user
from linli.core.api import IsMember, ScopedReadViewSet, ScopedViewSet
from linli.people.scopes import scope_for


class IsCareUser(IsMember):
    """Care staff or an assigned visitor; any other member gets 404."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if not is_care_user(request.user):
            raise Http404
        return True


class CareViewSet(ScopedViewSet):
    permission_classes = [IsCareUser]
    input_class = None

    def log(self, subjects):
        selectors.log_viewing(self.request.user, subjects, action=f"api_{self.basename}", path=self.request.path)

    def create(self, request, *args, **kwargs):
        inp = self.input_class(data=request.data, context=self.get_serializer_context())
        inp.is_valid(raise_exception=True)
        obj = self.create_service(actor=request.user, **inp.validated_data)
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)


class SubjectViewSet(CareViewSet):
    """关护对象."""

    queryset = m.CareSubject.objects.select_related("person")
    serializer_class = s.SubjectSerializer
    input_class = s.SubjectInput
    filterset_class = filters.CareSubjectFilterSet
    create_service = staticmethod(services.subject_enrol)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        self.log(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        subject = self.get_object()
        self.log([subject])
        return Response(self.get_serializer(subject).data)

    @extend_schema(request=s.SubjectInput, responses=s.SubjectSerializer)
    def create(self, request, *args, **kwargs):
        if not scope_for(request.user).sees_sensitive:  # an assigned visitor sees subjects but enrols none: 403
            raise PermissionDenied
        return super().create(request, *args, **kwargs)


class PlanViewSet(CareViewSet):
    """探访计划; ``overdue`` lists the plans past their due date."""

    queryset = m.VisitPlan.objects.select_related("subject__person").prefetch_related("visitors")
    serializer_class = s.PlanSerializer
    input_class = s.PlanInput
    filterset_class = filters.VisitPlanFilterSet
    create_service = staticmethod(services.plan_create)

    @extend_schema(request=s.PlanInput, responses=s.PlanSerializer)
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @extend_schema(responses=s.PlanSerializer(many=True))
    @action(detail=False, methods=["get"])
    def overdue(self, request):
        plans = list(selectors.overdue_plans(request.user)[:500])
        self.log([p.subject for p in plans])
        return Response(self.get_serializer(plans, many=True).data)


class VisitViewSet(CareViewSet):
    """探访记录 (append-only; a correction is a new visit)."""

    queryset = m.Visit.objects.select_related("subject__person").prefetch_related("problems")
    serializer_class = s.VisitSerializer
    input_class = s.VisitInput
    filterset_class = filters.VisitFilterSet
    create_service = staticmethod(services.visit_record)

    @extend_schema(request=s.VisitInput, responses=s.VisitSerializer)
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)


class ProblemViewSet(ScopedReadViewSet):
    """Problems found on visits; ``work-order`` will turn one into a work order when the work-order app lands."""

    permission_classes = [IsCareUser]
    queryset = m.Problem.objects.select_related("visit__subject__community")
    serializer_class = s.ProblemSerializer
    filterset_class = filters.ProblemFilterSet

    @extend_schema(request=s.ResolveInput, responses=s.ProblemSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        inp = s.ResolveInput(data=request.data)
        inp.is_valid(raise_exception=True)
        problem = services.problem_resolve(actor=request.user, problem=self.get_object(), **inp.validated_data)
        return Response(self.get_serializer(problem).data)

    @extend_schema(request=None, responses=s.ProblemSerializer)
    @action(detail=True, methods=["post"], url_path="work-order")
    def work_order(self, request, pk=None):
        problem = services.problem_to_work_order(actor=request.user, problem=self.get_object())
        return Response(self.get_serializer(problem).data)


extra_urls = []


def register(router):
    router.register("care-subjects", SubjectViewSet)
    router.register("care-plans", PlanViewSet)
    router.register("care-visits", VisitViewSet)
    router.register("care-problems", ProblemViewSet)
