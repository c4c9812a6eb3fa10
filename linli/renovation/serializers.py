"""Serializers of the renovation API. Comments are shown as on the public page: the name masked, personal data in
the text redacted (the API serves residents too). A project's ``estates`` are all its estates (a cluster, 片区);
``handovers`` gives each estate's handover, with the manager and fee plan only for the estates the caller sees."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from linli.assembly.models import Motion, SelectionCase, Survey
from linli.core.text import mask_name, redact
from linli.people.models import Organization
from linli.places.models import Estate
from linli.places.serializers import VisibleRelatedField

from .models import EmergencyService, Project


class ProjectSerializer(serializers.ModelSerializer):
    estate = VisibleRelatedField(queryset=Estate.objects.all(), required=False,
                                 help_text="The lead estate (牵头小区); the first of ``estates`` when left out.")
    estates = VisibleRelatedField(queryset=Estate.objects.all(), many=True, required=False,
                                  help_text="Every estate the project covers (a cluster, 片区); the lead is added.")
    handovers = serializers.SerializerMethodField()
    survey = VisibleRelatedField(queryset=Survey.objects.all(), required=False, allow_null=True)
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    comments = serializers.SerializerMethodField()
    facilities = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = ["id", "estate", "estates", "title", "summary", "plan", "budget", "stage", "stage_label", "survey",
                  "handovers", "comments", "facilities", "created_at"]
        read_only_fields = ["id", "plan", "stage", "created_at"]

    def validate(self, attrs):
        if attrs.get("estate") is None and not attrs.get("estates"):
            raise serializers.ValidationError({"estates": _("请选择改造范围内的小区")})
        return attrs

    def _seen(self, obj) -> set[int]:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        cache = self.context.setdefault("_seen_estates", {})
        if obj.pk not in cache:
            cache[obj.pk] = set(Estate.objects.visible_to(user).filter(
                pk__in=[row.estate_id for row in obj.estate_rows.all()]).values_list("pk", flat=True))
        return cache[obj.pk]

    def get_handovers(self, obj) -> list[dict]:
        seen = self._seen(obj)
        return [{"estate": row.estate_id, "name": row.estate.name, "handed_over": row.handed_over,
                 "handed_over_at": row.handed_over_at.isoformat() if row.handed_over_at else None,
                 "stewardship": row.stewardship_id if row.estate_id in seen else None,
                 "fee_plan": row.fee_plan_id if row.estate_id in seen else None}
                for row in obj.estate_rows.all()]

    def get_comments(self, obj) -> list[dict]:
        return [{"id": c.pk, "author": mask_name(c.author_name), "body": redact(c.body, names=[c.author_name]),
                 "estate": c.estate_id, "at": c.at.isoformat(),
                 "answers": [{"body": redact(a.body), "at": a.at.isoformat()} for a in c.answers.all()]}
                for c in obj.comments.all()]

    def get_facilities(self, obj) -> list[dict]:
        return [{"facility": link.facility_id, "estate": link.facility.estate_id, "name": link.facility.name,
                 "action": link.action}
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
    estates = VisibleRelatedField(queryset=Estate.objects.all(), many=True, required=False,
                                  help_text="The estates handed over now; all those still waiting when left out.")
    motion = VisibleRelatedField(queryset=Motion.objects.all(), required=False, allow_null=True, default=None)
    motions = VisibleRelatedField(queryset=Motion.objects.all(), many=True, required=False,
                                  help_text="One passed hire_manager motion per estate handed over.")
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
