"""API of notify under /api/v1/: the caller's own notifications (one inbox for work orders, care, notices, bills,
wishes): list (``?kind=``, ``?unread=1``), read one, mark one or all read."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import selectors, services
from .serializers import NotificationSerializer, ReadAllResult


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("kind", str, description="workorder, care, notice, bill, wish …"),
    OpenApiParameter("unread", str, description="1 = only unread")]))
class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """The caller's own notifications; nobody sees another's (404)."""

    serializer_class = NotificationSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = selectors.inbox(None)

    def get_queryset(self):
        params = self.request.query_params
        return selectors.inbox(self.request.user, kind=params.get("kind", ""),
                               unread=params.get("unread") == "1" and self.action == "list")

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        note = self.get_object()
        services.mark_read(user=request.user, notification=note)
        note.refresh_from_db()
        return Response(self.get_serializer(note).data)

    @extend_schema(request=None, responses=ReadAllResult)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.mark_read(user=request.user)})


def register(router):
    router.register("notifications", NotificationViewSet, basename="notification")
