"""Serializers of resident orders and parcels (API in linli/services/api.py)."""

from rest_framework import serializers

from linli.core.text import mask_name
from linli.people.models import Organization, Person
from linli.places.models import Estate
from linli.places.serializers import VisibleRelatedField
from linli.services import models as m
from linli.volunteers.serializers import INT_MAX, Out, ReasonInput  # noqa: F401  (ReasonInput: refusing an order)


class ProviderSerializer(Out):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = m.Provider
        fields = ["id", "organization", "organization_name", "estate", "active"]


class ProviderInput(serializers.Serializer):
    organization = VisibleRelatedField(queryset=Organization.objects.all())
    estate = VisibleRelatedField(queryset=Estate.objects.all())


class OfferingSerializer(Out):
    class Meta:
        model = m.Offering
        fields = ["id", "provider", "name", "kind", "price", "unit", "bulky", "active"]


class OfferingInput(serializers.Serializer):
    provider = VisibleRelatedField(queryset=m.Provider.objects.all())
    name = serializers.CharField(max_length=100)
    kind = serializers.CharField()
    price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    unit = serializers.CharField(default="次")
    bulky = serializers.BooleanField(default=False)


class OrderSerializer(Out):
    class Meta:
        model = m.ResidentOrder
        fields = ["id", "estate", "home", "person", "provider", "offering", "quantity", "amount", "note", "wanted_on",
                  "status", "placed_at", "accepted_at", "completed_at", "reason"]


class OrderInput(serializers.Serializer):
    offering = VisibleRelatedField(queryset=m.Offering.objects.all())
    quantity = serializers.IntegerField(min_value=1, default=1, max_value=INT_MAX)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    wanted_on = serializers.DateField(required=False, allow_null=True)


class CompleteInput(serializers.Serializer):
    to_station = serializers.BooleanField(default=False)


class ParcelSerializer(Out):
    """A parcel; the pick-up code is shown only to the recipient and the station staff."""

    code = serializers.SerializerMethodField()
    recipient_name = serializers.SerializerMethodField()

    class Meta:
        model = m.Parcel
        fields = ["id", "estate", "home", "recipient", "recipient_name", "description", "bulky", "order", "code",
                  "status", "arrived_at", "delivery_requested_at", "courier", "taken_at", "handed_at"]

    def get_code(self, parcel) -> str:
        show = self.context.get("show_code")
        return parcel.code if show and show(parcel) else ""

    def get_recipient_name(self, parcel) -> str:
        return mask_name(parcel.recipient.name)


class ParcelInput(serializers.Serializer):
    home = VisibleRelatedField(queryset=m.Parcel._meta.get_field("home").related_model.objects.all())
    recipient = VisibleRelatedField(queryset=Person.objects.all())
    description = serializers.CharField(max_length=100)
    bulky = serializers.BooleanField(default=False)


class CodeInput(serializers.Serializer):
    code = serializers.CharField(max_length=6)
