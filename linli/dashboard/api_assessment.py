"""Read-only endpoints of the assessment (考核): a district's monthly scores and its weights.

``GET /api/v1/assessment-scores/?district=CODE&month=2026-11&subject=estate`` and
``GET /api/v1/assessment-weights/?district=CODE``. Who may read them is who may open the ranking page
(``assessment.ranking_reach``: street and district admins and auditors; a street's people see their street's part);
others get 404, anonymous callers 401/403. Computing and recomputing are on the ranking page (a person with a reason).
"""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from linli.core.access import scope_for
from linli.core.dbrouter import replica_reads
from linli.core.permissions import IsMember
from linli.dashboard import assessment as a
from linli.dashboard.models import AssessmentWeights, MonthlyScore, Subject

FIGURES = ("response_rate", "resolution_rate", "satisfaction_rate", "complaints_per_100", "on_time_rate",
           "repeat_rate", "fee_rate", "committee_rate", "inspection_rate", "score")


class RankingReaders(IsMember):
    """Street and district admins and auditors; other members and strangers get 404."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if not scope_for(request.user).roles & a.VIEWER_ROLES:
            raise Http404
        return True


def _district(request):
    code = request.query_params.get("district", "").strip()
    if not code:
        raise exceptions.ValidationError({"district": [_("请指定区划代码：?district=CODE")]})
    district = a.ranking_districts(request.user).filter(code=code).first()
    reach = a.ranking_reach(request.user, district) if district is not None else a.Reach()
    if not reach:
        raise Http404
    return district, reach


def _dec(value):
    return None if value is None else str(value)


def score_as_dict(r: MonthlyScore) -> dict:
    return {
        "subject": r.subject, "id": r.key[1], "name": r.name, "label": r.label,
        "organization": r.organization_id, "estate": r.estate_id, "community": r.community_id, "street": r.street_id,
        "homes": r.homes, "orders": r.orders, "hotline": r.hotline,
        **{f: _dec(getattr(r, f)) for f in FIGURES},
        "rank_district": r.rank_district, "rank_street": r.rank_street,
        "prev_rank_district": r.prev_rank_district, "prev_rank_street": r.prev_rank_street,
        "change": r.change, "counts": r.counts,
    }


class ScoresView(APIView):
    """A district's scores for a month (the current rows: those of the month's latest computation)."""

    permission_classes = [RankingReaders]

    @extend_schema(parameters=[
        OpenApiParameter("district", OpenApiTypes.STR, required=True, description="区的区划代码"),
        OpenApiParameter("month", OpenApiTypes.STR, required=False, description="2026-11；默认上月"),
        OpenApiParameter("subject", OpenApiTypes.STR, required=False, enum=Subject.values,
                         description="company | estate | community；默认全部"),
    ], responses=OpenApiTypes.OBJECT)
    @replica_reads
    def get(self, request):
        district, reach = _district(request)
        try:
            month = a.parse_month(request.query_params.get("month"))
        except ValueError as exc:
            raise exceptions.ValidationError({"month": [str(exc)]}) from None
        subject = request.query_params.get("subject", "")
        if subject and subject not in Subject.values:
            raise exceptions.ValidationError({"subject": [_("考核对象只能是 company、estate 或 community")]})
        event = a.latest_event(district, month)
        rows = []
        if event is not None:
            qs = MonthlyScore.objects.filter(event=event)
            if subject:
                qs = qs.filter(subject=subject)
            rows = [score_as_dict(r) for r in a.visible_rows(qs, reach).order_by("subject", "rank_district", "name")]
        frozen = event is not None and a.is_frozen(district, month)
        return Response({
            "district": {"code": district.code, "name": district.name},
            "month": f"{month:%Y-%m}",
            "state": "frozen" if frozen else ("provisional" if event else "none"),
            "computation": None if event is None else {
                "id": event.pk, "kind": event.kind, "at": event.at.isoformat(), "reason": event.reason,
                "weights": event.data.get("weights")},
            "scores": rows,
        })


class WeightsView(APIView):
    """A district's weights in force (this month) and every change (newest first)."""

    permission_classes = [RankingReaders]

    @extend_schema(parameters=[
        OpenApiParameter("district", OpenApiTypes.STR, required=True, description="区的区划代码")],
        responses=OpenApiTypes.OBJECT)
    def get(self, request):
        district, _reach = _district(request)
        current = a.weights_for(district, timezone.localdate())
        history = AssessmentWeights.objects.filter(district=district).order_by("-effective_from", "-id")
        return Response({
            "district": {"code": district.code, "name": district.name},
            "current": {**current.as_dict(), "effective_from": current.row.effective_from.isoformat()
                        if current.row else None},
            "defaults": a.default_weights().as_dict(),
            "history": [{"effective_from": w.effective_from.isoformat(), "complaints_cap": str(w.complaints_cap),
                         **{k: getattr(w, k) for k in a.COMPONENTS}, "reason": w.reason,
                         "created_by": w.created_by_id, "created_at": w.created_at.isoformat()} for w in history],
        })


extra_urls = [path("assessment-scores/", ScoresView.as_view(), name="api-assessment-scores"),
              path("assessment-weights/", WeightsView.as_view(), name="api-assessment-weights")]


def register(router):
    """Nothing on the router: the two endpoints are plain views (``extra_urls``)."""
