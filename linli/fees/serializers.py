"""Serializers of the fees API. Writes validate here and then call the service functions."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from linli.core import uploads
from linli.core.api import described_text
from linli.places.models import Estate, Home
from linli.places.serializers import VisibleRelatedField

from .models import (
    EXPENSE_CATEGORIES,
    INCOME_CATEGORIES,
    Bill,
    BillingRun,
    FeePlan,
    LedgerEntry,
    Payment,
    PaymentIntent,
    Relief,
)


class FeePlanSerializer(serializers.ModelSerializer):
    estate = VisibleRelatedField(queryset=Estate.objects.all(), required=False, allow_null=True)
    description = serializers.CharField(source="describe", read_only=True)

    class Meta:
        model = FeePlan
        fields = ["id", "name", "estate", "cluster", "basis", "rate", "type_rates", "frequency", "effective_from",
                  "effective_to", "grace_months", "billing_starts_on", "provider", "decision", "services", "quality",
                  "responsible", "description", "created_at"]
        read_only_fields = ["id", "created_at", "cluster"]


class BillSerializer(serializers.ModelSerializer):
    home_label = serializers.CharField(source="home.__str__", read_only=True)

    class Meta:
        model = Bill
        fields = ["id", "home", "home_label", "estate", "plan", "period", "period_start", "period_end", "days",
                  "monthly", "amount", "relief", "paid", "outstanding", "created_at"]


class PaymentSerializer(serializers.ModelSerializer):
    home = VisibleRelatedField(queryset=Home.objects.all())
    allocations = serializers.SerializerMethodField()

    class Meta:
        model = Payment
        fields = ["id", "home", "estate", "amount", "method", "paid_on", "receipt_no", "idempotency_key", "payer",
                  "note", "unallocated", "recorded_by", "recorded_at", "voided_at", "voided_by", "void_reason",
                  "allocations"]
        read_only_fields = ["id", "estate", "receipt_no", "unallocated", "recorded_by", "recorded_at", "voided_at",
                            "voided_by", "void_reason", "allocations"]
        extra_kwargs = {"paid_on": {"required": False}, "idempotency_key": {"validators": []}, "method": {"choices": [
            c for c in Payment.Method.choices if c[0] != "online"]}}

    def get_allocations(self, obj) -> list[dict]:
        return [{"bill": a.bill_id, "amount": str(a.amount)} for a in obj.allocations.order_by("pk")]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class ReliefSerializer(serializers.ModelSerializer):
    home = VisibleRelatedField(queryset=Home.objects.all())

    class Meta:
        model = Relief
        fields = ["id", "home", "estate", "kind", "value", "start", "end", "reason", "note", "approved_by",
                  "approver_role", "approved_at", "revoked_at", "revoked_by", "revoke_reason"]
        read_only_fields = ["id", "estate", "approved_by", "approver_role", "approved_at", "revoked_at", "revoked_by",
                            "revoke_reason"]
        # The model has a default, the service does not: without this the schema says optional and a body
        # without it was a 500.
        extra_kwargs = {"kind": {"required": True}}


class LedgerEntrySerializer(serializers.ModelSerializer):
    estate = VisibleRelatedField(queryset=Estate.objects.all())
    category = serializers.ChoiceField(choices=[(c.value, c.label) for c in INCOME_CATEGORIES + EXPENSE_CATEGORIES])
    evidence = serializers.FileField(write_only=True)
    has_evidence = serializers.SerializerMethodField()

    class Meta:
        model = LedgerEntry
        fields = ["id", "estate", "seq", "direction", "category", "amount", "occurred_on", "description", "evidence",
                  "has_evidence", "evidence_sha256", "approved_by", "approver_role", "payment", "reverses",
                  "created_at", "prev_hash", "row_hash"]
        read_only_fields = ["id", "seq", "evidence_sha256", "approved_by", "approver_role", "payment", "reverses",
                            "created_at", "prev_hash", "row_hash"]

    def validate_evidence(self, value):
        return uploads.document(value, label=_("凭证"))

    def get_has_evidence(self, obj) -> bool:
        return bool(obj.evidence)


class BillingRunSerializer(serializers.ModelSerializer):
    estate = VisibleRelatedField(queryset=Estate.objects.all())
    # The forms parse_period reads (a month 01–12, a quarter, a year).
    period = described_text({"pattern": r"^\d{4}(?:-(?:0[1-9]|1[0-2])|-Q[1-4])?$"}, max_length=10)
    progress = serializers.FloatField(read_only=True)
    # Why an estate's plan billed nothing (先服务后收费, no plan, already billed …), once the run is done.
    reasons = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = BillingRun
        fields = ["id", "period", "estate", "status", "total_homes", "done_homes", "bills_created", "amount_billed",
                  "progress", "reasons", "started_by", "started_at", "finished_at"]
        read_only_fields = ["id", "status", "total_homes", "done_homes", "bills_created", "amount_billed",
                            "started_by", "started_at", "finished_at"]


class PaymentIntentSerializer(serializers.ModelSerializer):
    home = VisibleRelatedField(queryset=Home.objects.all())

    class Meta:
        model = PaymentIntent
        fields = ["id", "gateway", "reference", "home", "amount", "status", "payment", "created_at"]
        read_only_fields = ["id", "gateway", "reference", "status", "payment", "created_at"]


class CallbackSerializer(serializers.Serializer):
    reference = serializers.CharField()
    amount = serializers.CharField()
    signature = serializers.CharField()


class CollectionSerializer(serializers.Serializer):
    billed = serializers.DecimalField(max_digits=16, decimal_places=2)
    relief = serializers.DecimalField(max_digits=16, decimal_places=2)
    paid = serializers.DecimalField(max_digits=16, decimal_places=2)
    outstanding = serializers.DecimalField(max_digits=16, decimal_places=2)
    homes = serializers.IntegerField()
    homes_settled = serializers.IntegerField()
    homes_relieved = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    household_rate = serializers.FloatField(allow_null=True)
