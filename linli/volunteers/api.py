"""API of the volunteers app under /api/v1/ (same rules as the pages).

* reads: members, limited to ``Model.objects.visible_to(user)``; strangers get 404 everywhere; the public
  wish wall and the 红黑榜 are open to anyone (no personal details);
* writes: POST to a list creates through the service function, POST to ``/<id>/<action>/`` changes state;
  who may do it is decided by the service (403 for a role that may see but not act, 400 for a broken rule);
* nothing is deleted (405): the ledger is append-only, state changes leave their events.
"""

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from linli.core.api import IsMember, ScopedReadViewSet, ScopedViewSet
from linli.core.dbrouter import replica_reads
from linli.people.models import Person
from linli.people.scopes import scope_for
from linli.people.services import log_sensitive_access
from linli.places.models import Division, Estate
from linli.volunteers import filters, lists, selectors, services, wishes
from linli.volunteers import models as m
from linli.volunteers import serializers as s


def _self_person(request):
    person_id = scope_for(request.user).person_id
    if not person_id:
        raise ValidationError({"person": ValidationError("请指定人员（您的账号没有关联居民信息）", code="required")})
    return Person.objects.get(pk=person_id)


class ServiceViewSet(ScopedViewSet):
    """Scoped reads; ``create`` validates ``input_class`` and calls ``create_service`` (its refusals are answered by
    linli.core.api.exception_handler: 400, 403 …)."""

    input_class = None

    def create_kwargs(self, data) -> dict:
        return data

    def create_service(self, **kwargs):
        raise NotImplementedError

    def create(self, request, *args, **kwargs):
        inp = self.input_class(data=request.data, context=self.get_serializer_context())
        inp.is_valid(raise_exception=True)
        obj = self.create_service(actor=request.user, **self.create_kwargs(dict(inp.validated_data)))
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)

    def do(self, fn, obj=None, input_class=None, **kwargs):
        """Run a state change on the object of the URL and answer with the object."""
        obj = obj if obj is not None else self.get_object()
        if input_class is not None:
            inp = input_class(data=self.request.data, context=self.get_serializer_context())
            inp.is_valid(raise_exception=True)
            kwargs.update(inp.validated_data)
        result = fn(actor=self.request.user, **kwargs)
        return Response(self.get_serializer(result).data)


# -- volunteers, teams, activities ---------------------------------------------------------------------------


class TeamViewSet(ServiceViewSet):
    """志愿服务队."""

    queryset = m.Team.objects.select_related("community")
    serializer_class = s.TeamSerializer
    input_class = s.TeamInput
    filterset_class = filters.TeamFilterSet
    create_service = staticmethod(services.team_create)

    @extend_schema(request=s.TeamInput, responses=s.TeamSerializer)
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)


class VolunteerViewSet(ServiceViewSet):
    """志愿者 profiles; PATCH changes a profile (the person: skills, times, pledge; the community: the rest)."""

    queryset = m.Volunteer.objects.select_related("person").prefetch_related("teams")
    serializer_class = s.VolunteerSerializer
    input_class = s.VolunteerInput
    filterset_class = filters.VolunteerFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
    create_service = staticmethod(services.volunteer_enrol)

    @extend_schema(request=s.VolunteerInput, responses=s.VolunteerSerializer)
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @extend_schema(request=s.VolunteerUpdate, responses=s.VolunteerSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.do(services.volunteer_update, input_class=s.VolunteerUpdate, volunteer=self.get_object())


class ActivityViewSet(ServiceViewSet):
    """志愿活动 with their points rules; sign-up, check-in and check-out (organiser, or QR for oneself)."""

    queryset = m.Activity.objects.select_related("community", "estate")
    serializer_class = s.ActivitySerializer
    input_class = s.ActivityInput
    filterset_class = filters.ActivityFilterSet
    create_service = staticmethod(services.activity_create)

    @extend_schema(request=s.ActivityInput, responses=s.ActivitySerializer)
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def _participation(self, fn, **extra):
        activity = self.get_object()
        inp = s.PersonRef(data=self.request.data, context=self.get_serializer_context())
        inp.is_valid(raise_exception=True)
        person = inp.validated_data.get("person") or _self_person(self.request)
        part = fn(actor=self.request.user, activity=activity, person=person, **extra)
        return Response(s.ParticipationSerializer(part).data)

    @extend_schema(request=s.PersonRef, responses=s.ParticipationSerializer)
    @action(detail=True, methods=["post"], url_path="sign-up")
    def sign_up(self, request, pk=None):
        return self._participation(services.activity_sign_up)

    @extend_schema(request=s.PersonRef, responses=s.ParticipationSerializer)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        return self._participation(services.activity_check_in)

    @extend_schema(request=s.PersonRef, responses=s.ParticipationSerializer)
    @action(detail=True, methods=["post"], url_path="check-out")
    def check_out(self, request, pk=None):
        return self._participation(services.activity_check_out)

    @extend_schema(responses=s.ParticipationSerializer(many=True))
    @action(detail=True, methods=["get"])
    def participations(self, request, pk=None):
        activity = self.get_object()
        qs = m.Participation.objects.visible_to(request.user).filter(activity=activity).select_related("person")
        return Response(s.ParticipationSerializer(qs, many=True).data)

    @extend_schema(responses=s.QrSerializer)
    @action(detail=True, methods=["get"])
    def qr(self, request, pk=None):
        activity = self.get_object()
        if not services.can_run(request.user, activity):
            raise services.PermissionDenied(_("只有组织者或社区管理员可以获取签到二维码"))
        token = services.qr_token(activity)
        from django.urls import reverse

        return Response({"token": token, "url": request.build_absolute_uri(reverse("volunteers:checkin", args=[token]))})


class CheckinView(APIView):
    """Check in or out of an activity with the token of its QR code, for oneself."""

    permission_classes = [IsMember]

    @extend_schema(request=s.CheckinInput, responses=s.ParticipationSerializer)
    def post(self, request):
        inp = s.CheckinInput(data=request.data)
        inp.is_valid(raise_exception=True)
        activity = services.activity_for_token(inp.validated_data["token"])
        if activity is None:
            raise Http404
        fn = services.activity_check_out if inp.validated_data["action"] == "out" else services.activity_check_in
        part = fn(actor=request.user, activity=activity, person=_self_person(request), via=m.Participation.Via.QR)
        return Response(s.ParticipationSerializer(part).data)


# -- points, rewards, rankings, board --------------------------------------------------------------------------


class PointsEntryViewSet(ServiceViewSet):
    """积分流水 (append-only). POST grants or deducts by hand with a reason; ``reverse`` cancels an entry."""

    queryset = m.PointsEntry.objects.select_related("account")
    serializer_class = s.PointsEntrySerializer
    input_class = s.PointsInput
    filterset_class = filters.PointsEntryFilterSet
    create_service = staticmethod(services.points_adjust)

    @extend_schema(request=s.PointsInput, responses=s.PointsEntrySerializer)
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @extend_schema(request=s.ReasonInput, responses=s.PointsEntrySerializer)
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        return self.do(services.points_reverse, input_class=s.ReasonInput, entry=self.get_object())


class BalanceView(APIView):
    """A person's points balance (the sum of their entries); without ``person``, one's own."""

    permission_classes = [IsMember]

    @extend_schema(parameters=[OpenApiParameter("person", OpenApiTypes.INT)], responses=s.BalanceSerializer)
    def get(self, request):
        pid = request.query_params.get("person", "")
        if pid:
            person = Person.objects.visible_to(request.user).filter(pk=pid if pid.isdigit() else 0).first()
            if person is None:
                raise Http404
            if person.pk != scope_for(request.user).person_id and not scope_for(request.user).is_staff_member:
                raise Http404
        else:
            person = _self_person(request)
        return Response({"person": person.pk, "balance": services.balance(person)})


class RewardViewSet(ServiceViewSet):
    """兑换奖励; ``redeem`` takes points and stock in one transaction (never below zero)."""

    queryset = m.Reward.objects.all()
    serializer_class = s.RewardSerializer
    input_class = s.RewardInput
    filterset_class = filters.RewardFilterSet
    create_service = staticmethod(services.reward_create)

    @extend_schema(request=s.RewardInput, responses=s.RewardSerializer)
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @extend_schema(request=s.RedeemInput, responses={201: s.RedemptionSerializer})
    @action(detail=True, methods=["post"])
    def redeem(self, request, pk=None):
        reward = self.get_object()
        inp = s.RedeemInput(data=request.data)
        inp.is_valid(raise_exception=True)
        r = services.redeem(actor=request.user, reward=reward, person=_self_person(request),
                quantity=inp.validated_data["quantity"])
        return Response(s.RedemptionSerializer(r).data, status=status.HTTP_201_CREATED)


class RedemptionViewSet(ScopedReadViewSet):
    """积分兑换 records; the community hands them over or voids them (points and stock come back)."""

    queryset = m.Redemption.objects.select_related("reward__community")
    serializer_class = s.RedemptionSerializer
    filterset_class = filters.RedemptionFilterSet

    @extend_schema(request=None, responses=s.RedemptionSerializer)
    @action(detail=True, methods=["post"], url_path="hand-over")
    def hand_over(self, request, pk=None):
        r = services.redemption_hand_over(actor=request.user, redemption=self.get_object())
        return Response(self.get_serializer(r).data)

    @extend_schema(request=s.ReasonInput, responses=s.RedemptionSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        inp = s.ReasonInput(data=request.data)
        inp.is_valid(raise_exception=True)
        r = services.redemption_void(actor=request.user, redemption=self.get_object(), **inp.validated_data)
        return Response(self.get_serializer(r).data)


def _date(value, default):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return default


class RankingView(APIView):
    """People by points earned in a period, in a community (``community``) or an estate (``estate``)."""

    permission_classes = [IsMember]

    @extend_schema(parameters=[
        OpenApiParameter("community", OpenApiTypes.INT), OpenApiParameter("estate", OpenApiTypes.INT),
        OpenApiParameter("start", OpenApiTypes.DATE), OpenApiParameter("end", OpenApiTypes.DATE),
    ], responses=s.RankedSerializer(many=True))
    def get(self, request):
        today = timezone.localdate()
        start = _date(request.query_params.get("start"), today.replace(day=1))
        end = _date(request.query_params.get("end"), today)
        c, e = request.query_params.get("community", ""), request.query_params.get("estate", "")
        community = Division.objects.visible_to(request.user).filter(pk=c, level="community").first() if c.isdigit() else None
        estate = Estate.objects.visible_to(request.user).filter(pk=e).first() if e.isdigit() else None
        if (c and community is None) or (e and estate is None) or not (community or estate):
            raise Http404
        rows = selectors.ranking(start=start, end=end, community=community, estate=estate, limit=100)
        full = scope_for(request.user).is_staff_member
        return Response([{"rank": r.rank, "name": r.name if full else r.masked_name, "points": r.points}
                         for r in rows])


class BoardView(APIView):
    """The public 红黑榜 of a community (by its code), with its rules; names are masked."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(responses=s.BoardSerializer)
    @replica_reads
    def get(self, request, code):
        community = Division.objects.filter(code=code, level="community").first()
        if community is None:
            raise Http404
        b = selectors.board(community=community)
        return Response(s.BoardSerializer({**b, "community": community.name}).data)


# -- the three lists --------------------------------------------------------------------------------------------


class OfferViewSet(ServiceViewSet):
    """党员供给清单 and 志愿服务清单."""

    queryset = m.Offer.objects.select_related("person", "organization")
    serializer_class = s.OfferSerializer
    input_class = s.OfferInput
    filterset_class = filters.OfferFilterSet
    create_service = staticmethod(lists.offer_add)

    @extend_schema(request=s.OfferInput, responses=s.OfferSerializer)
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @extend_schema(request=None, responses=s.OfferSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self.do(lists.offer_withdraw, offer=self.get_object())


class NeedViewSet(ServiceViewSet):
    """居民需求清单; a new need is matched at once; ``propose`` runs the matching again."""

    queryset = m.Need.objects.all()
    serializer_class = s.NeedSerializer
    input_class = s.NeedInput
    filterset_class = filters.NeedFilterSet

    def create_service(self, *, actor, person=None, **data):
        need = lists.need_add(actor=actor, person=person or _self_person(self.request), **data)
        lists.match_propose(need=need)
        return need

    @extend_schema(request=s.NeedInput, responses=s.NeedSerializer)
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @extend_schema(request=None, responses=s.MatchSerializer(many=True))
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        need = self.get_object()
        services.require_manager(request.user, need.community)
        return Response(s.MatchSerializer(lists.match_propose(need=need), many=True).data)

    @extend_schema(request=None, responses=s.NeedSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self.do(lists.need_close, need=self.get_object(), done=request.data.get("done", True) in (True, "1", 1))


class MatchViewSet(ScopedReadViewSet):
    """供需匹配 proposals; the community admin confirms one or rejects it."""

    queryset = m.Match.objects.select_related("need__community")
    serializer_class = s.MatchSerializer
    filterset_class = filters.MatchFilterSet

    @extend_schema(request=None, responses=s.MatchSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return Response(self.get_serializer(lists.match_confirm(actor=request.user, match=self.get_object())).data)

    @extend_schema(request=None, responses=s.MatchSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return Response(self.get_serializer(lists.match_reject(actor=request.user, match=self.get_object())).data)


# -- wishes ----------------------------------------------------------------------------------------------------


class WishViewSet(ServiceViewSet):
    """微心愿, full records (sensitive: the community's sensitive roles, the beneficiary, the claimant; each
    reading of one record by someone else is logged). ``claim`` works on any wish of the public wall."""

    queryset = m.Wish.objects.select_related("beneficiary", "community")
    serializer_class = s.WishSerializer
    input_class = s.WishInput
    filterset_class = filters.WishFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        if self.action == "claim":
            return m.Wish.objects.public()
        return super().get_queryset()

    def create_service(self, *, actor, beneficiary=None, **data):
        return wishes.wish_post(actor=actor, beneficiary=beneficiary or _self_person(self.request), **data)

    @extend_schema(request=s.WishInput, responses=s.WishSerializer)
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        wish = self.get_object()
        if wish.beneficiary_id != scope_for(request.user).person_id:
            log_sensitive_access(user=request.user, person=wish.beneficiary, action="api_wish_view", path=request.path)
        return Response(self.get_serializer(wish).data)

    @extend_schema(request=s.WishReviewInput, responses=s.WishSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self.do(wishes.wish_review, input_class=s.WishReviewInput, wish=self.get_object())

    @extend_schema(request=s.WishClaimInput, responses=s.PublicWishSerializer)
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        inp = s.WishClaimInput(data=request.data, context=self.get_serializer_context())
        inp.is_valid(raise_exception=True)
        wish = wishes.wish_claim(actor=request.user, wish=self.get_object(), **inp.validated_data)
        return Response(s.PublicWishSerializer(wish).data)

    @extend_schema(request={"multipart/form-data": s.WishFulfilInput}, responses=s.WishSerializer)
    @action(detail=True, methods=["post"])
    def fulfil(self, request, pk=None):
        return self.do(wishes.wish_fulfil, input_class=s.WishFulfilInput, wish=self.get_object())

    @extend_schema(request=s.ThanksInput, responses=s.WishSerializer)
    @action(detail=True, methods=["post"])
    def thank(self, request, pk=None):
        return self.do(wishes.wish_thank, input_class=s.ThanksInput, wish=self.get_object())

    @extend_schema(request=None, responses=s.WishSerializer)
    @action(detail=True, methods=["post"], url_path="give-up")
    def give_up(self, request, pk=None):
        return self.do(wishes.wish_give_up, wish=self.get_object())

    @extend_schema(request=None, responses=s.WishSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self.do(wishes.wish_withdraw, wish=self.get_object())


class WishPoolViewSet(viewsets.ReadOnlyModelViewSet):
    """The public wish wall: checked wishes without personal details, open to anyone."""

    permission_classes = [permissions.AllowAny]
    queryset = m.Wish.objects.public().select_related("community", "claimed_by_org", "claimed_by_user__person",
                                                      "beneficiary")
    serializer_class = s.PublicWishSerializer
    filterset_class = filters.PublicWishFilterSet


extra_urls = [
    path("volunteer-checkin/", CheckinView.as_view(), name="api-volunteer-checkin"),
    path("points-balance/", BalanceView.as_view(), name="api-points-balance"),
    path("volunteer-rankings/", RankingView.as_view(), name="api-volunteer-rankings"),
    path("volunteer-board/<str:code>/", BoardView.as_view(), name="api-volunteer-board"),
]


def register(router):
    router.register("volunteer-teams", TeamViewSet)
    router.register("volunteers", VolunteerViewSet)
    router.register("volunteer-activities", ActivityViewSet)
    router.register("points-entries", PointsEntryViewSet)
    router.register("rewards", RewardViewSet)
    router.register("redemptions", RedemptionViewSet)
    router.register("volunteer-offers", OfferViewSet)
    router.register("volunteer-needs", NeedViewSet)
    router.register("volunteer-matches", MatchViewSet)
    router.register("wishes", WishViewSet)
    router.register("wish-pool", WishPoolViewSet, basename="wish-pool")
