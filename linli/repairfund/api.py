"""API of the repair fund under /api/v1/ — the same services and the same answers as the pages.

* reads: the estate's staff and committee members (``visible_to``); a resident lists their own home's movements;
  strangers get 404, anonymous callers 401;
* writes call the service functions, which check the rights (street or district admin; a committee member may
  file an application): any other member gets 403 and nothing changes;
* nothing is replaced or deleted: a movement is append-only and hash-chained.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from linli.core.api import ScopedViewSet

from . import filters, permissions, serializers, services
from .models import Account, Application, Movement


class AccountViewSet(ScopedViewSet):
    """专项维修资金账户: POST opens an estate's account (one share per home, art. 81; ``shares`` names the sold public
    and non-residential homes); ``public-income`` puts public income into the fund (art. 74); ``first-deposits``
    records the first deposits not yet recorded; ``change`` changes the holder or rate with a reason (art. 84);
    ``share`` a home's kind and selling unit (art. 86(2)); ``interest`` posts interest by balance."""

    queryset = Account.objects.select_related("estate")
    serializer_class = serializers.AccountSerializer
    filterset_class = filters.AccountFilterSet

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data["shares"] = {row["home"].pk: {k: v for k, v in row.items() if k != "home"}
                          for row in data.pop("shares", [])}
        serializer.instance = services.account_open(actor=self.request.user, **data)

    def _answer(self, account):
        return Response(self.get_serializer(Account.objects.get(pk=account.pk)).data)

    @extend_schema(request=serializers.AccountChangeSerializer, responses=serializers.AccountSerializer)
    @action(detail=True, methods=["post"])
    def change(self, request, pk=None):
        account = self.get_object()
        body = serializers.AccountChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.account_change(account=account, actor=request.user, **body.validated_data)
        return self._answer(account)

    @extend_schema(request=serializers.ShareChangeSerializer, responses=serializers.AccountSerializer)
    @action(detail=True, methods=["post"])
    def share(self, request, pk=None):
        account = self.get_object()
        permissions.require_run(request.user, account.estate)
        body = serializers.ShareChangeSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        share = account.shares.filter(home=data.pop("home")).first()
        if share is None:
            raise ValidationError({"home": _("该房屋不在本账户")})
        services.share_change(share=share, actor=request.user, **data)
        return self._answer(account)

    @extend_schema(request=serializers.InterestSerializer, responses=serializers.AccountSerializer)
    @action(detail=True, methods=["post"])
    def interest(self, request, pk=None):
        account = self.get_object()
        body = serializers.InterestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.deposit_interest(account=account, actor=request.user, **body.validated_data)
        return self._answer(account)

    @extend_schema(request=serializers.PublicIncomeSerializer, responses=serializers.AccountSerializer)
    @action(detail=True, methods=["post"], url_path="public-income")
    def public_income(self, request, pk=None):
        account = self.get_object()
        body = serializers.PublicIncomeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.deposit_public_income(account=account, actor=request.user, **body.validated_data)
        return Response(self.get_serializer(account).data)

    @extend_schema(request=None, responses=serializers.AccountSerializer)
    @action(detail=True, methods=["post"], url_path="first-deposits")
    def first_deposits(self, request, pk=None):
        account = self.get_object()
        services.deposit_first(account=account, actor=request.user)
        return Response(self.get_serializer(account).data)


class ApplicationViewSet(ScopedViewSet):
    """使用申请: POST files one (apportioned by area at once, art. 86); ``vote`` puts it to the homes concerned,
    ``vote-result`` takes the closed vote's result, ``approve`` sets the stages, ``accept`` and ``pay`` a stage,
    ``report`` the report after an emergency use."""

    queryset = Application.objects.select_related("account").prefetch_related("apportionments", "stages",
                                                                              "buildings")
    serializer_class = serializers.ApplicationSerializer
    filterset_class = filters.ApplicationFilterSet

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.application_create(actor=self.request.user, **data)

    def _answer(self, app):
        return Response(self.get_serializer(Application.objects.get(pk=app.pk)).data)

    @extend_schema(request=serializers.VoteSerializer, responses=serializers.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def vote(self, request, pk=None):
        app = self.get_object()
        body = serializers.VoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.application_to_vote(application=app, actor=request.user, **body.validated_data)
        return self._answer(app)

    @extend_schema(request=None, responses=serializers.ApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="vote-result")
    def vote_result(self, request, pk=None):
        app = self.get_object()
        services.application_record_vote(application=app, actor=request.user)
        return self._answer(app)

    @extend_schema(request=serializers.ApproveSerializer, responses=serializers.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        app = self.get_object()
        body = serializers.ApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.application_approve(application=app, actor=request.user,
                                     stages=[dict(s) for s in body.validated_data["stages"]])
        return self._answer(app)

    def _stage(self, app, number):
        from rest_framework.exceptions import NotFound

        stage = app.stages.filter(number=number).first()
        if stage is None:
            raise NotFound()
        return stage

    @extend_schema(request=serializers.StageStepSerializer, responses=serializers.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        app = self.get_object()
        body = serializers.StageStepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.stage_accept(stage=self._stage(app, body.validated_data["number"]), note=body.validated_data["note"],
                              actor=request.user)
        return self._answer(app)

    @extend_schema(request=serializers.StageStepSerializer, responses=serializers.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        app = self.get_object()
        body = serializers.StageStepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.stage_pay(stage=self._stage(app, body.validated_data["number"]), actor=request.user)
        return self._answer(app)

    @extend_schema(request=serializers.ReportSerializer, responses=serializers.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        app = self.get_object()
        body = serializers.ReportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.emergency_report(application=app, actor=request.user, **body.validated_data)
        return self._answer(app)


class MovementViewSet(ScopedViewSet):
    """维修资金流水 (append-only, hash-chained per account): POST records a home's top-up (art. 83)."""

    queryset = Movement.objects.all()
    serializer_class = serializers.MovementSerializer
    filterset_class = filters.MovementFilterSet

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        row = services.deposit_top_up(account=data["account"], home=data["home"], amount=data["amount"],
                                      occurred_on=data.get("occurred_on"), actor=request.user)
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)


def register(router):
    router.register("repair-fund-accounts", AccountViewSet)
    router.register("repair-fund-applications", ApplicationViewSet)
    router.register("repair-fund-movements", MovementViewSet)
