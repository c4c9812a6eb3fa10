"""API of resident orders (群众点单) and the parcel station under /api/v1/ (same rules as the pages, and as the rest
of the volunteers' API whose base viewset it uses): ``order-providers``, ``order-offerings``, ``resident-orders``,
``parcels``.
"""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from linli.people.scopes import scope_for
from linli.services import filters, permissions
from linli.services import models as m
from linli.services import serializers as s
from linli.services import services as svc
from linli.volunteers.api import ServiceViewSet


class ProviderViewSet(ServiceViewSet):
    """接单单位 of an estate (registered by the community)."""

    queryset = m.Provider.objects.select_related("organization")
    serializer_class = s.ProviderSerializer
    input_class = s.ProviderInput
    filterset_class = filters.ProviderFilterSet
    create_service = staticmethod(svc.provider_add)

    @extend_schema(request=s.ProviderInput, responses=s.ProviderSerializer)
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)


class OfferingViewSet(ServiceViewSet):
    """点单项目: services and goods of a provider, with prices (recorded only)."""

    queryset = m.Offering.objects.all()
    serializer_class = s.OfferingSerializer
    input_class = s.OfferingInput
    filterset_class = filters.OfferingFilterSet
    create_service = staticmethod(svc.offering_add)

    @extend_schema(request=s.OfferingInput, responses=s.OfferingSerializer)
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)


class OrderViewSet(ServiceViewSet):
    """居民点单: the resident places, the provider accepts and completes. No payment here."""

    queryset = m.ResidentOrder.objects.select_related("provider")
    serializer_class = s.OrderSerializer
    input_class = s.OrderInput
    filterset_class = filters.ResidentOrderFilterSet
    create_service = staticmethod(svc.order_place)

    @extend_schema(request=s.OrderInput, responses=s.OrderSerializer)
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @extend_schema(request=None, responses=s.OrderSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self.do(svc.order_accept, order=self.get_object())

    @extend_schema(request=s.ReasonInput, responses=s.OrderSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        return self.do(svc.order_refuse, input_class=s.ReasonInput, order=self.get_object())

    @extend_schema(request=s.CompleteInput, responses=s.OrderSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self.do(svc.order_complete, input_class=s.CompleteInput, order=self.get_object())

    @extend_schema(request=None, responses=s.OrderSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self.do(svc.order_cancel, order=self.get_object())


class ParcelViewSet(ServiceViewSet):
    """驿站包裹: registered by the station, picked up with the code, or carried home by a volunteer."""

    queryset = m.Parcel.objects.select_related("estate", "recipient")
    serializer_class = s.ParcelSerializer
    input_class = s.ParcelInput
    filterset_class = filters.ParcelFilterSet
    create_service = staticmethod(svc.parcel_register)

    def get_queryset(self):
        if self.action in ("take", "pool"):
            return m.Parcel.objects.delivery_pool(self.request.user).select_related("estate", "recipient")
        return super().get_queryset()

    def get_serializer_context(self):
        user = self.request.user
        pid = scope_for(user).person_id

        def show(parcel):
            return parcel.recipient_id == pid or permissions.station_staff(user, parcel.estate)

        return {**super().get_serializer_context(), "show_code": show}

    @extend_schema(request=s.ParcelInput, responses=s.ParcelSerializer)
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @extend_schema(responses=s.ParcelSerializer(many=True))
    @action(detail=False, methods=["get"])
    def pool(self, request):
        """Parcels waiting for a volunteer in the communities where the caller volunteers."""
        return Response(self.get_serializer(self.get_queryset()[:200], many=True).data)

    @extend_schema(request=s.CodeInput, responses=s.ParcelSerializer)
    @action(detail=True, methods=["post"], url_path="pick-up")
    def pick_up(self, request, pk=None):
        return self.do(svc.parcel_pick_up, input_class=s.CodeInput, parcel=self.get_object())

    @extend_schema(request=None, responses=s.ParcelSerializer)
    @action(detail=True, methods=["post"], url_path="request-delivery")
    def request_delivery(self, request, pk=None):
        return self.do(svc.parcel_request_delivery, parcel=self.get_object())

    @extend_schema(request=None, responses=s.ParcelSerializer)
    @action(detail=True, methods=["post"])
    def take(self, request, pk=None):
        return self.do(svc.parcel_take, parcel=self.get_object())

    @extend_schema(request=s.CodeInput, responses=s.ParcelSerializer)
    @action(detail=True, methods=["post"])
    def deliver(self, request, pk=None):
        return self.do(svc.parcel_deliver, input_class=s.CodeInput, parcel=self.get_object())


def register(router):
    router.register("order-providers", ProviderViewSet)
    router.register("order-offerings", OfferingViewSet)
    router.register("resident-orders", OrderViewSet)
    router.register("parcels", ParcelViewSet)
