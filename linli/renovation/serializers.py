"""Serializers of the renovation API. Comments are shown as on the public page: the name masked, personal data in
the text redacted (the API serves residents too)."""

from rest_framework import serializers

from linli.assembly.models import Motion, SelectionCase, Survey
from linli.core.text import mask_name, redact
from linli.people.models import Organization
from linli.places.models import Estate
from linli.places.serializers import VisibleRelatedField

from .models import EmergencyService, Project


class ProjectSerializer(serializers.ModelSerializer):
    estate = VisibleRelatedField(queryset=Estate.objects.all())
    survey = VisibleRelatedField(queryset=Survey.objects.all(), required=False, allow_null=True)
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    comments = serializers.SerializerMethodField()
    facilities = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = ["id", "estate", "title", "summary", "plan", "budget", "stage", "stage_label", "survey",
                  "stewardship", "fee_plan", "comments", "facilities", "created_at"]
        read_only_fields = ["id", "plan", "stage", "stewardship", "fee_plan", "created_at"]

    def get_comments(self, obj) -> list[dict]:
        return [{"id": c.pk, "author": mask_name(c.author_name), "body": redact(c.body, names=[c.author_name]),
                 "at": c.at.isoformat(),
                 "answers": [{"body": redact(a.body), "at": a.at.isoformat()} for a in c.answers.all()]}
                for c in obj.comments.all()]

    def get_facilities(self, obj) -> list[dict]:
        return [{"facility": link.facility_id, "name": link.facility.name, "action": link.action}
                for link in obj.facility_links.all()]


class AdvanceSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    plan = serializers.CharField(required=False, allow_blank=True, max_length=20000, default="")


class StepBackSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class CommentSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=2000)


class AnswerSerializer(serializers.Serializer):
    comment = serializers.IntegerField(min_value=1)
    body = serializers.CharField(max_length=2000)


class HandoverSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=["market", "custodian", "bundled", "self"])
    provider = VisibleRelatedField(queryset=Organization.objects.all(), required=False, allow_null=True,
                                   default=None)
    motion = VisibleRelatedField(queryset=Motion.objects.all(), required=False, allow_null=True, default=None)
    lead_estate = VisibleRelatedField(queryset=Estate.objects.all(), required=False, allow_null=True, default=None)
    start = serializers.DateField()
    contract_no = serializers.CharField(required=False, allow_blank=True, max_length=60, default="")
    contract_end = serializers.DateField(required=False, allow_null=True, default=None)
    fee_name = serializers.CharField(required=False, max_length=50, default="物业服务费")
    fee_basis = serializers.ChoiceField(choices=["per_home", "per_area"], required=False, default="per_home")
    fee_rate = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    grace_months = serializers.IntegerField(min_value=0, max_value=24)
    fee_decision = serializers.CharField(max_length=200)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class EmergencyServiceSerializer(serializers.ModelSerializer):
    estate = VisibleRelatedField(queryset=Estate.objects.all())
    provider = VisibleRelatedField(queryset=Organization.objects.all(), write_only=True)
    provider_name = serializers.CharField(source="stewardship.provider.name", read_only=True, default="")
    mode = serializers.ChoiceField(choices=["market", "custodian"], write_only=True, required=False,
                                   default="market")
    start = serializers.DateField(source="stewardship.start")
    end = serializers.DateField(source="stewardship.end")
    document = serializers.CharField(source="stewardship.basis", max_length=200)
    selection_case = VisibleRelatedField(queryset=SelectionCase.objects.all(), required=False, allow_null=True)

    class Meta:
        model = EmergencyService
        fields = ["id", "estate", "provider", "provider_name", "mode", "start", "end", "document", "services",
                  "costs", "monthly_cost", "selection_case", "notice", "stewardship", "reminded_at", "created_at"]
        read_only_fields = ["id", "notice", "stewardship", "reminded_at", "created_at"]
