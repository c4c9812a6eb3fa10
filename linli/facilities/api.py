"""API of the facility ledger under /api/v1/: facilities and their records (list, retrieve, create), a facility's
retirement and faults, a record's correction — through the same services as the pages.

Scoped like the pages: the readers of an estate's ledger (permissions.py) see its facilities, anyone else gets 404
(a resident too: residents see the public facilities on the estate's board); a reader who may not manage gets 403
and nothing changes (the service decides).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from linli.core.api import ScopedViewSet
from linli.facilities import api_rounds, filters, selectors, services
from linli.facilities import models as m
from linli.facilities import serializers as s
from linli.workorders.models import WorkOrder


class LedgerViewSet(ScopedViewSet):
    """Limited to the ledgers the caller reads (selectors.ledger_estates), not to what ``visible_to`` shows a
    resident."""

    estate_path = "estate"

    def get_queryset(self):
        return self.queryset.filter(**{f"{self.estate_path}__in": selectors.ledger_estates(self.request.user)})


class FacilityViewSet(LedgerViewSet):
    """设施设备: the ledger of the estates the caller reads; POST registers one (services.facility_register);
    ``retire`` (报废) and ``faults`` (link a work order of the same estate) are steps of one facility."""

    queryset = m.Facility.objects.select_related("estate", "building")
    serializer_class = s.FacilitySerializer
    filterset_class = filters.FacilityFilterSet

    @extend_schema(request=s.FacilityInput, responses={201: s.FacilitySerializer})
    def create(self, request, *args, **kwargs):
        inp = s.FacilityInput(data=request.data, context=self.get_serializer_context())
        inp.is_valid(raise_exception=True)
        facility = services.facility_register(actor=request.user, **inp.validated_data)
        return Response(self.get_serializer(facility).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.RetireInput, responses=s.FacilitySerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        inp = s.RetireInput(data=request.data)
        inp.is_valid(raise_exception=True)
        facility = services.facility_retire(actor=request.user, facility=self.get_object(), **inp.validated_data)
        return Response(self.get_serializer(facility).data)

    @extend_schema(request=s.ChangeInput, responses=s.FacilitySerializer)
    @action(detail=True, methods=["post"])
    def change(self, request, pk=None):
        """维保与公示信息变更: the maintenance contractor and contract, location, public flag or note, with the reason."""
        inp = s.ChangeInput(data=request.data)
        inp.is_valid(raise_exception=True)
        facility = services.facility_change(actor=request.user, facility=self.get_object(), **inp.validated_data)
        return Response(self.get_serializer(facility).data)

    @extend_schema(request=s.FaultInput, responses={201: s.FaultSerializer})
    @action(detail=True, methods=["post"])
    def faults(self, request, pk=None):
        facility = self.get_object()
        inp = s.FaultInput(data=request.data)
        inp.is_valid(raise_exception=True)
        order = WorkOrder.objects.visible_to(request.user).filter(code=inp.validated_data["order_code"]).first()
        if order is None:
            raise ValidationError({"order_code": _("找不到该工单")})
        fault = services.fault_link(actor=request.user, facility=facility, order=order,
                                    source=inp.validated_data["source"])
        return Response(s.FaultSerializer(fault).data, status=status.HTTP_201_CREATED)


class FacilityRecordViewSet(LedgerViewSet):
    """设施记录 (append-only): POST adds one (services.record_add); ``correct`` adds its correction."""

    queryset = m.FacilityRecord.objects.select_related("facility", "corrected_by")
    serializer_class = s.FacilityRecordSerializer
    filterset_class = filters.FacilityRecordFilterSet
    estate_path = "facility__estate"

    @extend_schema(request=s.RecordInput, responses={201: s.FacilityRecordSerializer})
    def create(self, request, *args, **kwargs):
        inp = s.RecordInput(data=request.data, facilities=selectors.ledger_for(request.user))
        inp.is_valid(raise_exception=True)
        record = services.record_add(actor=request.user, **inp.validated_data)
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.CorrectInput, responses={201: s.FacilityRecordSerializer})
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        inp = s.CorrectInput(data=request.data)
        inp.is_valid(raise_exception=True)
        record = services.record_correct(actor=request.user, record=self.get_object(), **inp.validated_data)
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)


def register(router):
    router.register("facilities", FacilityViewSet, basename="facility")
    router.register("facility-records", FacilityRecordViewSet, basename="facilityrecord")
    api_rounds.register(router)  # inspection rounds (巡检): routes, checkpoints, rounds
