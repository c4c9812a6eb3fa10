"""``GET /api/v1/dashboard/?division=CODE&period=2026-11``: the overview's figures as JSON (the same selectors as
the page, docs/dashboard-overview.md). Staff who serve a division; a division outside what they serve is 404."""

from django.http import Http404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from linli.dashboard import selectors as sel
from linli.dashboard import store
from linli.workorders.api import StaffOnly


class OverviewView(APIView):
    """The figures of one area (a district, street or community; without ``division``: all the user serves) for
    one period: work orders, backlog, 12345 per 100 homes, coverage, fees, decisions, volunteers, wishes, care."""

    permission_classes = [StaffOnly]

    @extend_schema(
        parameters=[
            OpenApiParameter("division", OpenApiTypes.STR, required=False,
                             description="区划代码；省略则为本人服务的全部范围"),
            OpenApiParameter("period", OpenApiTypes.STR, required=False,
                             description="2026-11 | 2026-W48 | 2026-11-05 | 2026-Q4 | 2026 | 2026-11-01..2026-11-15；默认本月"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        area = sel.area_for(request.user, request.query_params.get("division", "").strip() or None)
        if area is None:
            raise Http404
        try:
            period = sel.parse_period(request.query_params.get("period"))
        except ValueError as exc:
            raise exceptions.ValidationError({"period": [str(exc)]}) from None
        figures = store.overview(request.user, area, period, period_text=request.query_params.get("period", ""))
        return Response({**sel.as_dict(figures), "as_of": figures.as_of.isoformat() if figures.as_of else None})


extra_urls = [path("dashboard/", OverviewView.as_view(), name="api-dashboard")]


def register(router):
    """No viewsets: the one endpoint is in ``extra_urls``."""
