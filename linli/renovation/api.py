"""API of renovation projects and emergency property services under /api/v1/renovation/ — the same services and
the same answers as the pages (docs/renovation.md).

* reads: members, limited to ``visible_to`` (the estate's staff and residents; strangers 404, anonymous 401);
* writes call the services, which check the right: a role that may read but not write gets 403, nothing changed;
* nothing is replaced or deleted (no PUT, PATCH or DELETE).
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from linli.core.api import ScopedViewSet

from . import filters, serializers, services
from .models import Comment, EmergencyService, Project


class ProjectViewSet(ScopedViewSet):
    """老旧小区改造项目: stages in order, comments and answers, the handover (先服务后收费)."""

    queryset = Project.objects.select_related("estate").prefetch_related("estate_rows__estate", "comments__answers",
                                                                         "facility_links__facility")
    serializer_class = serializers.ProjectSerializer
    filterset_class = filters.ProjectFilterSet
    may_conflict = False

    def perform_create(self, serializer):
        """Register a project of one estate or a cluster (``estates``); the admin must cover every estate."""
        serializer.instance = services.project_create(actor=self.request.user, **serializer.validated_data)

    def _done(self, project):
        return Response(self.get_serializer(self.get_queryset().get(pk=project.pk)).data)

    @extend_schema(request=serializers.AdvanceSerializer, responses=serializers.ProjectSerializer)
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        """Move to the next stage (entering the plan stage publishes ``plan``); the handover is ``handover/``."""
        project = self.get_object()
        s = serializers.AdvanceSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._done(services.project_advance(project=project, actor=request.user, **s.validated_data))

    @extend_schema(request=serializers.StepBackSerializer, responses=serializers.ProjectSerializer)
    @action(detail=True, methods=["post"])
    def back(self, request, pk=None):
        """Return to the previous stage, with the reason."""
        project = self.get_object()
        s = serializers.StepBackSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._done(services.project_step_back(project=project, actor=request.user, **s.validated_data))

    @extend_schema(request=serializers.CommentSerializer, responses=serializers.ProjectSerializer)
    @action(detail=True, methods=["post"])
    def comment(self, request, pk=None):
        """A resident of the estate comments on the published plan."""
        project = self.get_object()
        s = serializers.CommentSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.comment_add(project=project, actor=request.user, **s.validated_data)
        return self._done(project)

    @extend_schema(request=serializers.AnswerSerializer, responses=serializers.ProjectSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """Staff answer a comment of this project."""
        project = self.get_object()
        s = serializers.AnswerSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        comment = get_object_or_404(Comment, pk=s.validated_data["comment"], project=project)
        services.answer_add(comment=comment, actor=request.user, body=s.validated_data["body"])
        return self._done(project)

    @extend_schema(request=serializers.HandoverSerializer, responses=serializers.ProjectSerializer)
    @action(detail=True, methods=["post"])
    def handover(self, request, pk=None):
        """Hand over to the manager and start the fee plan after its grace period (先服务后收费)."""
        project = self.get_object()
        s = serializers.HandoverSerializer(data=request.data, context=self.get_serializer_context())
        s.is_valid(raise_exception=True)
        return self._done(services.project_handover(project=project, actor=request.user, **s.validated_data))


class EmergencyServiceViewSet(ScopedViewSet):
    """应急物业服务 (北京市物业管理条例 art. 77): the street appoints; ``?ending_within=30`` lists those ending soon."""

    queryset = EmergencyService.objects.select_related("estate", "stewardship__provider")
    serializer_class = serializers.EmergencyServiceSerializer
    filterset_class = filters.EmergencyServiceFilterSet

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        row = d.pop("stewardship")
        serializer.instance = services.emergency_appoint(
            actor=self.request.user, start=row["start"], end=row["end"], document=row["basis"], **d)


def register(router):
    router.register("renovation/projects", ProjectViewSet, basename="renovation-project")
    router.register("renovation/emergency-services", EmergencyServiceViewSet, basename="renovation-emergency")
