"""API of fees and funds under /api/v1/ — the same services and the same answers as the pages.

* reads: members in scope (``visible_to``): fee staff see their estates, a resident their own homes;
  strangers get 404 everywhere, anonymous callers 401;
* writes call the service functions: a role that may read but not write gets 403 and nothing changes;
* nothing is deleted (no PUT, PATCH or DELETE): payments are voided, reliefs revoked, ledger entries
  reversed — each by an action with a reason;
* ``fees/public/<token>/`` (the public accounts) and the payment gateways' callbacks need no sign-in (the sandbox
  gateway is off unless ``LINLI_PAYMENT_SANDBOX`` is on).
"""

from django.db.models import Q
from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from linli.core import ratelimit
from linli.core.api import IsMember, ScopedReadViewSet, ScopedViewSet
from linli.places.models import Division, Estate

from . import filters, selectors, serializers, services
from .models import (
    Bill,
    BillingRun,
    FeePlan,
    LedgerEntry,
    Payment,
    PaymentIntent,
    PublicLink,
    Relief,
    staff_estate_q,
)


class FeesViewSet(ScopedViewSet):
    """Scoped reads; create through a service (its refusals: linli.core.api.exception_handler); nothing else."""


class FeePlanViewSet(FeesViewSet):
    """收费标准 of the estates (and clusters) in scope; residents see their estate's standards."""

    queryset = FeePlan.objects.select_related("estate", "cluster")
    serializer_class = serializers.FeePlanSerializer
    filterset_class = filters.FeePlanFilterSet

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.fee_plan_create(actor=self.request.user, **data)


class BillViewSet(ScopedReadViewSet):
    """账单: read-only; made by billing runs."""

    queryset = Bill.objects.select_related("home__building")
    serializer_class = serializers.BillSerializer
    filterset_class = filters.BillFilterSet

    def get_queryset(self):
        return super().get_queryset().order_by("home_id", "period_start", "pk")


class PaymentViewSet(FeesViewSet):
    """收款: POST records a payment (idempotent by ``idempotency_key``: a repeat answers 200 with the same
    payment); ``void`` voids it with a reason."""

    queryset = Payment.objects.all()
    serializer_class = serializers.PaymentSerializer
    filterset_class = filters.PaymentFilterSet

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        existed = Payment.objects.filter(idempotency_key=data["idempotency_key"]).exists()
        payment = services.payment_record(actor=request.user, **data)
        return Response(self.get_serializer(payment).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(request=serializers.ReasonSerializer, responses=serializers.PaymentSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        payment = self.get_object()
        body = serializers.ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        payment = services.payment_void(payment=payment, reason=body.validated_data["reason"], actor=request.user)
        return Response(self.get_serializer(payment).data)


class ReliefViewSet(FeesViewSet):
    """减免: POST grants one (community/street/district admins); ``revoke`` withdraws it with a reason."""

    queryset = Relief.objects.all()
    serializer_class = serializers.ReliefSerializer
    filterset_class = filters.ReliefFilterSet

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.relief_grant(actor=self.request.user, **data)

    @extend_schema(request=serializers.ReasonSerializer, responses=serializers.ReliefSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        relief = self.get_object()
        body = serializers.ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        relief = services.relief_revoke(relief=relief, reason=body.validated_data["reason"], actor=request.user)
        return Response(self.get_serializer(relief).data)


# Its evidence is a file: only a multipart body can carry it.
@extend_schema_view(create=extend_schema(request={"multipart/form-data": serializers.LedgerEntrySerializer}))
class LedgerEntryViewSet(FeesViewSet):
    """收支台账 (fee staff only): POST (multipart, with ``evidence``) appends an entry; ``reverse`` corrects one."""

    queryset = LedgerEntry.objects.all()
    serializer_class = serializers.LedgerEntrySerializer
    filterset_class = filters.LedgerEntryFilterSet
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        return super().get_queryset().order_by("estate_id", "seq")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.ledger_record(actor=self.request.user, **data)

    @extend_schema(request=serializers.ReasonSerializer, responses=serializers.LedgerEntrySerializer)
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        entry = self.get_object()
        body = serializers.ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rev = services.ledger_reverse(entry=entry, reason=body.validated_data["reason"], actor=request.user)
        return Response(self.get_serializer(rev).data, status=status.HTTP_201_CREATED)


class BillingRunQuerySetMixin:
    def get_queryset(self):
        return BillingRun.objects.filter(staff_estate_q(self.request.user)).select_related("estate")


class BillingRunViewSet(BillingRunQuerySetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """开账: POST starts (or resumes) a run for an estate and period; ``step`` bills the next chunk."""

    permission_classes = [IsMember]
    http_method_names = ["get", "post", "head", "options"]
    queryset = BillingRun.objects.all()
    serializer_class = serializers.BillingRunSerializer

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.billing_run_start(period=data["period"], estate=data["estate"],
                                                         actor=self.request.user)

    @extend_schema(request=None, parameters=[OpenApiParameter("chunk", OpenApiTypes.INT)],
                   responses=serializers.BillingRunSerializer)
    @action(detail=True, methods=["post"])
    def step(self, request, pk=None):
        run = self.get_object()
        from . import permissions as fee_permissions

        fee_permissions.require_manager(request.user, run.estate)
        try:
            chunk = max(1, min(int(request.query_params.get("chunk", 2000)), 20000))
        except ValueError:
            chunk = 2000
        run = services.billing_run_step(run=run, chunk=chunk)
        return Response(self.get_serializer(run).data)


class PaymentIntentViewSet(mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """在线缴费 (sandbox): a resident (for their home) or the provider's staff create an intent."""

    permission_classes = [IsMember]
    queryset = PaymentIntent.objects.all()
    serializer_class = serializers.PaymentIntentSerializer

    def get_queryset(self):
        user = self.request.user
        return PaymentIntent.objects.filter(Q(created_by=user) | staff_estate_q(user, "home__estate_id"))

    def perform_create(self, serializer):
        data = serializer.validated_data
        gateway = services.gateway()
        if gateway is None:  # no online channel is turned on (the sandbox is off outside the demo)
            raise Http404
        serializer.instance = gateway.create_intent(home=data["home"], amount=data["amount"], actor=self.request.user)


class GatewayCallbackView(APIView):
    """A payment gateway's callback (the sandbox's when it is on): confirms an intent once; repeats answer with
    the same payment. The gateway's signature is the only credential; a gateway that is off answers 404."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_classes = [ratelimit.throttle("callback")]  # an anonymous write: every attempt counts per address

    @extend_schema(request=serializers.CallbackSerializer, responses=serializers.PaymentSerializer)
    def post(self, request, name):
        gateway = services.gateway(name)
        if gateway is None:
            raise Http404
        payment = gateway.confirm(payload=gateway.parse_callback(request))
        return Response({"receipt_no": payment.receipt_no, "amount": str(payment.amount)})


class CollectionView(APIView):
    """Collection figures of a division (``?division=CODE``) or an estate (``?estate=ID``) for a period."""

    permission_classes = [IsMember]

    @extend_schema(parameters=[OpenApiParameter("division", OpenApiTypes.STR),
                               OpenApiParameter("estate", OpenApiTypes.INT),
                               OpenApiParameter("period", OpenApiTypes.STR, description="2026, 2026-Q4 or 2026-12")],
                   responses=serializers.CollectionSerializer)
    def get(self, request):
        from . import permissions as fee_permissions

        if not fee_permissions.reads_fees(request.user):
            raise Http404
        estates = Estate.objects.managed_by_staff_of(request.user)
        code, estate_id = request.query_params.get("division"), request.query_params.get("estate")
        if code:
            division = Division.objects.visible_to(request.user).filter(code=code).first()
            if division is None:
                raise Http404
            estates = estates.filter(community__path__startswith=division.path)
        elif estate_id:
            if not (estate_id.isascii() and estate_id.isdigit()):
                # Not a key at all ("null", "1.5"): a 400 naming the parameter, never a query that raises.
                raise exceptions.ValidationError({"estate": _("小区应为编号（整数），如 ?estate=12")})
            estates = estates.filter(pk=int(estate_id))
            if not estates.exists():
                raise Http404
        else:
            raise exceptions.ValidationError({"division": _("请指定 ?division=CODE 或 ?estate=ID")})
        try:
            start, end = selectors.period_range(request.query_params.get("period") or str(timezone.localdate().year))
        except ValueError as exc:  # parse_period's refusal of the text it was given, not a bug
            raise exceptions.ValidationError({"period": str(exc)}, code="invalid_period") from exc
        figures = selectors.collection(estates.values("pk"), start, end)
        return Response(serializers.CollectionSerializer(figures).data)


class PublicAccountsView(APIView):
    """收支公开 of one estate (no sign-in, no personal data)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(parameters=[OpenApiParameter("year", OpenApiTypes.INT)], responses=OpenApiTypes.OBJECT)
    def get(self, request, token):
        link = PublicLink.objects.select_related("estate").filter(token=token).first()
        if link is None:
            raise Http404
        today = timezone.localdate()
        try:
            year = min(int(request.query_params.get("year", today.year)), today.year)
        except ValueError:
            year = today.year
        data = selectors.public_accounts(link.estate, year, today=today)
        c = data["collection"]
        return Response({
            "estate": link.estate.name,
            "year": year,
            "provider": data["provider"].name if data["provider"] else None,
            "plans": [{"name": p.name, "standard": p.describe(), **p.public,
                       "billing_starts_on": p.billing.on, "billing_start": str(p.billing),
                       "billing_ends_on": p.billing.until} for p in data["plans"]],
            "prepaid": {"as_of": data["prepaid"].as_of, "amount": str(data["prepaid"].amount),
                        "households": data["prepaid"].households},
            "income": {key: str(amount) for key, _label, amount in data["income_rows"]},
            "expense": {key: str(amount) for key, _label, amount in data["expense_rows"]},
            "common_parts_income": str(data["common_income"]),
            "repair_fund_used": str(data["repair_fund"]),
            "collection_rate": c.rate,
            "household_collection_rate": c.household_rate,
            "relieved_households": data["relieved_households"],
            "months": [{"month": m.month, "income": str(m.income_total), "expense": str(m.expense_total)}
                       for m in data["months"]],
        })


extra_urls = [
    path("fees/collection/", CollectionView.as_view(), name="api-fees-collection"),
    path("fees/public/<str:token>/", PublicAccountsView.as_view(), name="api-fees-public"),
    path("fees/gateway/<slug:name>/callback/", GatewayCallbackView.as_view(), name="api-fees-gateway-callback"),
]


def register(router):
    router.register("fee-plans", FeePlanViewSet)
    router.register("bills", BillViewSet)
    router.register("payments", PaymentViewSet)
    router.register("reliefs", ReliefViewSet)
    router.register("ledger-entries", LedgerEntryViewSet)
    router.register("billing-runs", BillingRunViewSet)
    router.register("payment-intents", PaymentIntentViewSet)
