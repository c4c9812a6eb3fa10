"""Serializers of the inspection-rounds API (read-only outputs, small inputs; choice values as plain strings)."""

from rest_framework import serializers

from linli.facilities.models import Checkpoint, Round, Route, Visit
from linli.places.serializers import VisibleRelatedField


class InspectionCheckpointSerializer(serializers.ModelSerializer):
    class Meta:
        model = Checkpoint
        fields = ["id", "route", "position", "name", "building", "facility", "checklist", "token"]
        read_only_fields = fields


class InspectionRouteSerializer(serializers.ModelSerializer):
    frequency = serializers.CharField(read_only=True, help_text="daily, weekly, monthly")
    checkpoints = InspectionCheckpointSerializer(many=True, read_only=True)

    class Meta:
        model = Route
        fields = ["id", "estate", "name", "frequency", "starts_on", "retired_on", "created_at", "checkpoints"]
        read_only_fields = fields


class InspectionVisitSerializer(serializers.ModelSerializer):
    order_code = serializers.CharField(source="order.code", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Visit
        fields = ["id", "round", "checkpoint", "key", "ticked", "ok", "note", "out_of_order", "order", "order_code",
                  "visited_by", "visited_at"]
        read_only_fields = fields


class InspectionRoundSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="in_progress, done")
    visits = InspectionVisitSerializer(many=True, read_only=True)

    class Meta:
        model = Round
        fields = ["id", "route", "period_start", "status", "out_of_order", "started_by", "started_at", "finished_at",
                  "note", "visits"]
        read_only_fields = fields


class InspectionVisitInput(serializers.Serializer):
    checkpoint = VisibleRelatedField(queryset=Checkpoint.objects.all())
    key = serializers.CharField(max_length=64, help_text="由客户端为这次检查生成的唯一标识；重发同一标识只记录一次")
    ticked = serializers.ListField(child=serializers.IntegerField(min_value=0, max_value=1000), required=False,
                                   default=list, max_length=100, help_text="已勾选的检查项序号（从 0 起）")
    ok = serializers.BooleanField(required=False, default=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    visited_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None,
        help_text="检查实际完成的时间（离线保存后补发时用）；服务器取不晚于现在、不早于本次巡检开始的时间，须在本次巡检的周期内")


class InspectionFinishInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
