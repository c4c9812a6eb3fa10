"""API of inspection rounds under /api/v1/ (docs/inspection-rounds.md, docs/api.md): routes with their checkpoints,
checkpoints, rounds with their visits; starting a round, checking a checkpoint and finishing a round call the same
services as the pages (rounds_services.py), which check who may. Readable by those who serve the estate as staff
(``visible_to``); residents and strangers see nothing."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from linli.core.api import ScopedReadViewSet
from linli.facilities import rounds_filters as filters
from linli.facilities import rounds_serializers as s
from linli.facilities import rounds_services as services
from linli.facilities.models import Checkpoint, Round, Route


class RouteViewSet(ScopedReadViewSet):
    """巡检路线 and their checkpoints; ``start`` starts (or returns) the round of the current period."""

    queryset = Route.objects.prefetch_related("checkpoints")
    serializer_class = s.InspectionRouteSerializer
    filterset_class = filters.RouteFilterSet

    @extend_schema(request=None, responses={201: s.InspectionRoundSerializer})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        rnd = services.round_start(route=self.get_object(), actor=request.user)
        return Response(s.InspectionRoundSerializer(rnd, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


class CheckpointViewSet(ScopedReadViewSet):
    """巡检点 (each with the token of its QR code)."""

    queryset = Checkpoint.objects.all()
    serializer_class = s.InspectionCheckpointSerializer
    filterset_class = filters.CheckpointFilterSet


class RoundViewSet(ScopedReadViewSet):
    """巡检记录 with their visits; ``visit`` records a checkpoint (idempotent on ``key``), ``finish`` ends the round."""

    queryset = Round.objects.prefetch_related("visits__order")
    serializer_class = s.InspectionRoundSerializer
    filterset_class = filters.RoundFilterSet

    @extend_schema(request=s.InspectionVisitInput, responses={201: s.InspectionVisitSerializer})
    @action(detail=True, methods=["post"])
    def visit(self, request, pk=None):
        rnd = self.get_object()
        inp = s.InspectionVisitInput(data=request.data, context=self.get_serializer_context())
        inp.is_valid(raise_exception=True)
        visit = services.visit_record(round=rnd, actor=request.user, **inp.validated_data)
        return Response(s.InspectionVisitSerializer(visit).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.InspectionFinishInput, responses=s.InspectionRoundSerializer)
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        rnd = self.get_object()
        inp = s.InspectionFinishInput(data=request.data)
        inp.is_valid(raise_exception=True)
        rnd = services.round_finish(round=rnd, actor=request.user, **inp.validated_data)
        return Response(self.get_serializer(rnd).data)


def register(router):
    router.register("inspection-routes", RouteViewSet)
    router.register("inspection-checkpoints", CheckpointViewSet)
    router.register("inspection-rounds", RoundViewSet)
