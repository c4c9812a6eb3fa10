"""Filtersets of resident orders and the parcel station, used by the API."""

from linli.core.filters import FilterSet
from linli.services.models import Offering, Parcel, Provider, ResidentOrder


class ProviderFilterSet(FilterSet):
    class Meta:
        model = Provider
        fields = ["estate", "organization", "active"]


class OfferingFilterSet(FilterSet):
    class Meta:
        model = Offering
        fields = ["provider", "kind", "active"]


class ResidentOrderFilterSet(FilterSet):
    class Meta:
        model = ResidentOrder
        fields = ["estate", "provider", "status"]


class ParcelFilterSet(FilterSet):
    class Meta:
        model = Parcel
        fields = ["estate", "status", "bulky"]
