"""Serializers of the repair fund's API. Writes validate here and then call the service functions."""

from decimal import Decimal

from rest_framework import serializers

from linli.places.models import Building, Estate, Home
from linli.places.serializers import VisibleRelatedField

from .models import Account, Application, Apportionment, Emergency, Movement, PropertyKind, Stage

AMOUNT = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0.01"), "max_value": Decimal("999999999999.99")}


class ShareKindSerializer(serializers.Serializer):
    """A home that is not commercial housing: sold public housing (售后公房) with its selling unit and what that unit
    deposited for it (Beijing arts. 82, 86(2)), or non-residential property."""

    home = VisibleRelatedField(queryset=Home.objects.all())
    kind = serializers.ChoiceField(choices=PropertyKind.choices)
    seller = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    seller_deposit = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0"),
                                              max_value=AMOUNT["max_value"], required=False, default=Decimal("0"))


class ShareChangeSerializer(ShareKindSerializer):
    reason = serializers.CharField(max_length=200)


class AccountChangeSerializer(serializers.Serializer):
    """Any of holder, rate, bank_account, with the reason (Beijing art. 84)."""

    holder = serializers.ChoiceField(choices=Account.Holder.choices, required=False)
    rate = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"), required=False)
    bank_account = serializers.CharField(max_length=100, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=200)


class InterestSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**AMOUNT)
    source = serializers.CharField(max_length=100)
    occurred_on = serializers.DateField(required=False)


class AccountSerializer(serializers.ModelSerializer):
    estate = VisibleRelatedField(queryset=Estate.objects.all())
    shares = ShareKindSerializer(many=True, write_only=True, required=False,
                                 help_text="the homes that are not commercial housing (the rest are)")
    holder = serializers.ChoiceField(choices=Account.Holder.choices)
    rate = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    balance = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    top_up_threshold = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    top_up_due = serializers.SerializerMethodField()

    class Meta:
        model = Account
        fields = ["id", "estate", "holder", "bank_account", "rate", "first_amount", "opened_on", "balance",
                  "top_up_threshold", "top_up_due", "seq", "hash", "shares"]
        read_only_fields = ["id", "first_amount", "seq", "hash"]
        extra_kwargs = {"opened_on": {"required": False}}

    def get_top_up_due(self, obj) -> bool:
        """Beijing art. 83: the balance is under 30% of the first collection."""
        return obj.is_low()


class PublicIncomeSerializer(serializers.Serializer):
    income = serializers.DecimalField(**AMOUNT)
    amount = serializers.DecimalField(required=False, allow_null=True, **AMOUNT)
    source = serializers.CharField(max_length=100)


class ApportionmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Apportionment
        fields = ["home", "area", "amount", "kind", "owner_amount", "seller", "seller_amount"]


class StageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Stage
        fields = ["number", "description", "amount", "accepted_at", "acceptance_note", "paid_at"]


class ApplicationSerializer(serializers.ModelSerializer):
    account = VisibleRelatedField(queryset=Account.objects.all())
    buildings = VisibleRelatedField(queryset=Building.objects.all(), many=True, required=False)
    estimate = serializers.DecimalField(**AMOUNT)
    emergency = serializers.ChoiceField(choices=Emergency.choices, required=False, allow_blank=True)
    apportionments = ApportionmentSerializer(many=True, read_only=True)
    stages = StageSerializer(many=True, read_only=True)

    class Meta:
        model = Application
        fields = ["id", "account", "title", "description", "parts", "buildings", "estimate", "emergency",
                  "emergency_confirmation", "motion", "status", "approved_at", "report", "reported_at",
                  "created_by", "created_at", "apportionments", "stages"]
        read_only_fields = ["id", "motion", "status", "approved_at", "report", "reported_at", "created_by",
                            "created_at"]


class VoteSerializer(serializers.Serializer):
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()


class StageInputSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=200)
    amount = serializers.DecimalField(**AMOUNT)


class ApproveSerializer(serializers.Serializer):
    stages = StageInputSerializer(many=True)


class StageStepSerializer(serializers.Serializer):
    number = serializers.IntegerField(min_value=1, max_value=32767)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReportSerializer(serializers.Serializer):
    report = serializers.CharField(max_length=5000)


class MovementSerializer(serializers.ModelSerializer):
    """A movement; POST records a home's top-up (续筹补足, Beijing art. 83) — the only movement made by hand."""

    account = VisibleRelatedField(queryset=Account.objects.all())
    home = VisibleRelatedField(queryset=Home.objects.all())
    amount = serializers.DecimalField(**AMOUNT)

    class Meta:
        model = Movement
        fields = ["id", "account", "seq", "home", "kind", "amount", "occurred_on", "description", "application",
                  "stage", "recorded_by", "created_at", "prev_hash", "row_hash"]
        read_only_fields = ["id", "seq", "kind", "description", "application", "stage", "recorded_by", "created_at",
                            "prev_hash", "row_hash"]
        extra_kwargs = {"occurred_on": {"required": False}}
