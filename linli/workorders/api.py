"""API of work orders under /api/v1/: the orders, one POST action per step, and the 12345 push endpoint.

Who may do what (the same answers as the pages, because every step calls the same service function):

* reads: members, limited to ``WorkOrder.objects.visible_to(user)``; strangers get 404, anonymous callers 401;
* create: admins, grid workers and property staff for a place they serve, residents for their own estate/home;
  read-only roles (auditor, department handler) 403;
* rates: ``GET /api/v1/workorders-rates/?division=CODE&period=2026-11``, staff of the division (others 404);
* steps: ``POST /api/v1/workorders/{code}/{step}/``; a step the caller may not take is 403 and changes nothing,
  a step the order's status does not allow is 409 (code ``illegal_step``), bad fields 400 — all in the one error
  shape of linli.core.api.exception_handler (docs/api.md).
"""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from linli.core.api import IsMember, ScopedViewSet
from linli.core.dbrouter import replica_reads
from linli.core.filters import FilterBackend
from linli.core.paging import NextLinkPagination
from linli.people.registry_io import FileError
from linli.people.scopes import scope_for
from linli.places.models import Estate
from linli.workorders import daily, hotline, permissions, rates, selectors, services
from linli.workorders import serializers as s
from linli.workorders.filters import WorkOrderFilterSet
from linli.workorders.models import Channel, WorkOrder, WorkOrderEvent
from linli.workorders.permissions import CREATOR_ROLES  # who may record an order for a place they serve


class StaffOnly(IsMember):
    """Members who serve as staff; residents and strangers get 404."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if not scope_for(request.user).is_staff_member:
            raise Http404
        return True


def step(name: str, body, url_path: str | None = None, description: str = ""):
    """Declare one step action: validated body → ``run(order, data, request)`` → the order as the detail answers."""

    def decorate(run):
        def view(self, request, code=None):
            order = self.get_object()
            serializer = body(data=request.data, context=self.get_serializer_context())
            serializer.is_valid(raise_exception=True)
            run(self, order, serializer.validated_data, request)  # refusals: linli.core.api.exception_handler
            fresh = self.get_queryset().get(pk=order.pk)
            return Response(s.WorkOrderDetailSerializer(fresh, context=self.get_serializer_context()).data)

        view.__name__ = run.__name__  # DRF finds the handler by this name: it must be the attribute's name
        view.__doc__ = description or run.__doc__
        schema = extend_schema(request=body, responses=s.WorkOrderDetailSerializer, summary=description or run.__doc__)
        slug = url_path or name.replace("_", "-")
        # extend_schema goes on the action, not under it: @action replaces the function's ``kwargs``, where
        # extend_schema keeps its annotation, so the schema used to show the list serializer as every step's body.
        return schema(action(detail=True, methods=["post"], url_path=slug, url_name=slug)(view))

    return decorate


class KeepFilterset(FilterBackend):
    """The API's filter backend, which leaves the filterset it built on the view (``view.filterset``)."""

    def get_filterset(self, request, queryset, view):
        view.filterset = super().get_filterset(request, queryset, view)
        return view.filterset


class WorkOrderViewSet(ScopedViewSet):
    """工单: list and read the orders you may see, record a new one, and take one step at a time."""

    queryset = WorkOrder.objects.select_related("street", "community", "estate", "assignee_org")
    serializer_class = s.WorkOrderSerializer
    filterset_class = WorkOrderFilterSet
    pagination_class = NextLinkPagination  # no COUNT over everything the caller sees: follow "next"
    lookup_field = "code"
    lookup_value_regex = r"[\w-]+"
    may_conflict = True  # a step the order's status does not allow: 409

    filter_backends = [KeepFilterset]

    def get_queryset(self):
        if self.action == "list":
            return selectors.order_list(self.request.user)
        qs = super().get_queryset()
        events = WorkOrderEvent.objects.select_related("actor")
        return qs.prefetch_related(Prefetch("events", queryset=events), "attachments")

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.action == "list":
            # a search by status read per part of what the caller sees, as the inbox's (selectors.by_parts)
            rows = selectors.list_rows(WorkOrder.objects.all())
            return selectors.by_parts(self.request.user, self.filterset, Q(), rows) or queryset
        return queryset

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.WorkOrderDetailSerializer
        if self.action == "create":
            return s.WorkOrderCreateSerializer
        return s.WorkOrderSerializer

    @extend_schema(request=s.WorkOrderCreateSerializer, responses={201: s.WorkOrderDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = s.WorkOrderCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        user = request.user
        scope = scope_for(user)
        place = services.resolve_place(home=data.pop("home", None), building=data.pop("building", None),
                                       estate=data.pop("estate", None), community=data.pop("community", None))
        reporter = None
        if scope.roles & CREATOR_ROLES:
            if not self._serves(scope, user, place):
                raise exceptions.PermissionDenied(_("您无权在该地点登记工单"))
            channel = data.pop("channel")
        elif scope.home_ids:
            data.pop("channel")
            if place.estate is None or place.estate.pk not in scope.resident_estate_ids:
                raise exceptions.PermissionDenied(_("居民只能反映本人所住小区的问题"))
            if place.home is not None and place.home.pk not in scope.home_ids:
                raise exceptions.PermissionDenied(_("居民只能反映本人所住小区的问题"))
            channel, reporter = Channel.RESIDENT, user.person
        else:
            raise exceptions.PermissionDenied(_("只读角色不能登记工单"))
        order = services.workorder_create(channel=channel, actor=user, reporter=reporter, place=place, **data)
        # Answer from what the intake just wrote (its timeline and photos are in memory): no read-back.
        order._prefetched_objects_cache = {"events": order._created_events,
                                           "attachments": order._created_attachments}
        return Response(s.WorkOrderDetailSerializer(order, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @staticmethod
    def _serves(scope, user, place) -> bool:
        if place.estate is not None:
            path = place.estate.community.path
            if place.estate.pk in scope.estate_ids or any(path.startswith(p) for p in scope.paths):
                return True  # the estate is theirs or lies in a division they serve: no query needed
            return Estate.objects.managed_by_staff_of(user).filter(pk=place.estate.pk).exists()
        division = place.community or place.street
        return division is not None and any(division.path.startswith(p) for p in scope.paths)

    # -- the steps ------------------------------------------------------------------------------------------

    @step("dispatch", s.DispatchSerializer, description="派单：交给一个单位（可指定承办人）")
    def dispatch_(self, order, data, request):
        services.workorder_dispatch(order=order, to=data["to"], person=data.get("person"), note=data["note"],
                                    actor=request.user)

    @step("accept", s.NoteSerializer, description="签收")
    def accept(self, order, data, request):
        services.workorder_accept(order=order, actor=request.user, note=data["note"])

    @step("start", s.NoteSerializer, description="开始办理")
    def start(self, order, data, request):
        services.workorder_start(order=order, actor=request.user, note=data["note"])

    @step("return_", s.ReasonSerializer, url_path="return", description="退单（须说明理由）")
    def return_(self, order, data, request):
        services.workorder_return(order=order, actor=request.user, reason=data["reason"])

    @step("reply", s.ReplySerializer, description="办结反馈（可附照片，multipart 字段 photos）")
    def reply(self, order, data, request):
        services.workorder_reply(order=order, actor=request.user, text=data["text"], files=data.get("photos", []))

    @step("visit", s.VisitSerializer, description="回访：是否联系上、是否解决、满意度")
    def visit(self, order, data, request):
        services.workorder_visit(order=order, actor=request.user, solved=data["solved"],
                                 satisfaction=data["satisfaction"], reached=data["reached"], note=data["note"])

    @step("close", s.NoteSerializer, description="结案")
    def close(self, order, data, request):
        services.workorder_close(order=order, actor=request.user, note=data["note"])

    @step("reopen", s.ReasonSerializer, description="重办（须说明理由）")
    def reopen(self, order, data, request):
        services.workorder_reopen(order=order, actor=request.user, reason=data["reason"])

    @step("request_extension", s.ExtensionRequestSerializer, description="申请延期（1–30 个工作日）")
    def request_extension(self, order, data, request):
        services.workorder_request_extension(order=order, actor=request.user, days=data["days"],
                                             reason=data["reason"])

    @step("decide_extension", s.ExtensionDecisionSerializer, description="审批延期")
    def decide_extension(self, order, data, request):
        services.workorder_decide_extension(order=order, actor=request.user, approve=data["approve"],
                                            note=data["note"])

    @step("supervise", s.NoteSerializer, description="督办")
    def supervise(self, order, data, request):
        services.workorder_supervise(order=order, actor=request.user, note=data["note"])

    @step("escalate", s.ReasonSerializer, description="升级一层（楼栋 → 小区 → 社区 → 街道）")
    def escalate(self, order, data, request):
        services.workorder_escalate(order=order, actor=request.user, reason=data["reason"])

    @step("merge", s.MergeSerializer, description="合并到另一张工单（重复诉求）")
    def merge(self, order, data, request):
        into = WorkOrder.objects.visible_to(request.user).filter(code=data["into"]).first()
        if into is None:
            raise exceptions.ValidationError({"into": [_("找不到该工单")]})
        services.workorder_merge(order=order, into=into, actor=request.user, note=data["note"])

    @step("cancel", s.ReasonSerializer, description="撤销（须说明理由）")
    def cancel(self, order, data, request):
        services.workorder_cancel(order=order, actor=request.user, reason=data["reason"])

    @step("reclassify", s.ReclassifySerializer, description="分拣：确认或更正类别、难易、层级、紧急")
    def reclassify(self, order, data, request):
        services.workorder_reclassify(order=order, actor=request.user, category=data["category"],
                                      subcategory=data["subcategory"], tier=data.get("tier"),
                                      level=data.get("level"), urgent=data.get("urgent"))


HOTLINE_ORDER = inline_serializer("HotlineOrder", fields={
    header: serializers.CharField(required=header in ("工单编号", "主要内容", "被反映区/街乡镇"))
    for header in ("工单编号", "标题", "主要内容", "问题分类", "来电时间", "被反映区/街乡镇", "社区", "小区点位", "联系人",
                   "联系电话", "办理时限")
})


class HotlinePushView(APIView):
    """12345 推送：one order object or a list of them; each is answered created, duplicate or rejected (with reason).

    For admins of a district or street (e.g. an API key acting as the street's hotline account); orders can only be
    filed in streets of the caller's area; everyone else who is a member gets 403. ``?dry_run=1`` checks without writing."""

    permission_classes = [IsMember]

    @extend_schema(request=HOTLINE_ORDER, responses=s.HotlineResultSerializer)
    def post(self, request):
        if not hotline.allowed_streets(request.user):
            raise exceptions.PermissionDenied(_("只有区、街道管理员账号可以推送 12345 工单"))
        try:
            records = hotline.records_from_json(request.data)
        except FileError as exc:
            raise ValidationError(str(exc), code="invalid_document") from exc
        dry_run = request.query_params.get("dry_run", "") in ("1", "true", "yes")
        result = hotline.import_orders(records, actor=request.user, dry_run=dry_run)
        return Response(result.as_dict())


class RatesView(APIView):
    """Response, resolution and satisfaction rates, score and counts of one division for one period."""

    permission_classes = [StaffOnly]

    @extend_schema(
        parameters=[
            OpenApiParameter("division", OpenApiTypes.STR, required=True, description="区划代码（区、街道或社区）"),
            OpenApiParameter("period", OpenApiTypes.STR, required=False,
                             description="2026-11 | 2026-Q4 | 2026 | 2026-11-01..2026-11-15；默认本月"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    @replica_reads
    def get(self, request):
        code = request.query_params.get("division", "").strip()
        if not code:
            raise exceptions.ValidationError({"division": [_("请指定区划代码：?division=CODE")]})
        division = permissions.rates_divisions(request.user).filter(code=code).first()
        if division is None:
            raise Http404
        try:
            period = rates.parse_period(request.query_params.get("period"))
        except ValueError as exc:
            raise exceptions.ValidationError({"period": [str(exc)]}) from None
        return Response(rates.rates_as_dict(daily.current_rates(division, period)))


extra_urls = [path("hotline/orders/", HotlinePushView.as_view(), name="api-hotline-orders"),
              path("workorders-rates/", RatesView.as_view(), name="api-workorders-rates")]


def register(router):
    router.register("workorders", WorkOrderViewSet)

