"""Serializers of the facility ledger API (read-only outputs, small inputs; choice values as plain strings)."""

from django.core.exceptions import ObjectDoesNotExist
from rest_framework import serializers

from linli.core.api import choice_text
from linli.facilities import models as m
from linli.places.models import Building, Estate
from linli.places.serializers import VisibleRelatedField
from linli.volunteers.serializers import Out


class FacilitySerializer(Out):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = m.Facility
        fields = ["id", "estate", "building", "kind", "kind_label", "name", "code", "location", "installed_on",
                  "warranty_until", "contractor", "contract_no", "contract_end", "inspection_due", "is_public",
                  "status", "status_label", "note", "created_at"]


class FacilityInput(serializers.Serializer):
    estate = VisibleRelatedField(queryset=Estate.objects.all())
    building = VisibleRelatedField(queryset=Building.objects.all(), required=False, allow_null=True, default=None)
    kind = choice_text(m.Facility.Kind.choices)
    name = serializers.CharField(max_length=100)
    code = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    installed_on = serializers.DateField(required=False, allow_null=True, default=None)
    warranty_until = serializers.DateField(required=False, allow_null=True, default=None)
    contractor = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    contract_no = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    contract_end = serializers.DateField(required=False, allow_null=True, default=None)
    inspection_due = serializers.DateField(required=False, allow_null=True, default=None)
    is_public = serializers.BooleanField(required=False, default=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RetireInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class ChangeInput(serializers.Serializer):
    """维保与公示信息变更 (services.facility_change): any of the changeable fields, and the reason."""

    reason = serializers.CharField(max_length=100)
    contractor = serializers.CharField(max_length=100, required=False, allow_blank=True)
    contract_no = serializers.CharField(max_length=60, required=False, allow_blank=True)
    contract_end = serializers.DateField(required=False, allow_null=True)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_public = serializers.BooleanField(required=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class FacilityRecordSerializer(Out):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    corrected_by = serializers.SerializerMethodField()

    class Meta:
        model = m.FacilityRecord
        fields = ["id", "facility", "kind", "kind_label", "done_on", "result", "note", "certificate_no", "next_due",
                  "corrects", "corrected_by", "recorded_by", "recorded_at"]

    def get_corrected_by(self, obj) -> int | None:
        try:
            return obj.corrected_by.pk
        except ObjectDoesNotExist:
            return None


class RecordInput(serializers.Serializer):
    facility = serializers.PrimaryKeyRelatedField(queryset=m.Facility.objects.all())
    kind = choice_text(m.FacilityRecord.Kind.choices)
    done_on = serializers.DateField()
    result = choice_text(m.FacilityRecord.Result.choices, required=False, default="ok")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    certificate_no = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    next_due = serializers.DateField(required=False, allow_null=True, default=None)

    def __init__(self, *args, facilities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if facilities is not None:
            self.fields["facility"].queryset = facilities


class CorrectInput(serializers.Serializer):
    reason = serializers.CharField(max_length=100)
    done_on = serializers.DateField()
    result = choice_text(m.FacilityRecord.Result.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    certificate_no = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    next_due = serializers.DateField(required=False, allow_null=True, default=None)


class FaultSerializer(Out):
    order_code = serializers.CharField(source="order.code", read_only=True)

    class Meta:
        model = m.FacilityFault
        fields = ["id", "facility", "order", "order_code", "source", "linked_by", "linked_at"]


class FaultInput(serializers.Serializer):
    order_code = serializers.CharField(max_length=24)
    source = choice_text(m.FacilityFault.Source.choices, required=False, default="report")
