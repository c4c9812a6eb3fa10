"""Filtersets of the repair fund's lists (API)."""

from linli.core.filters import FilterSet

from .models import Account, Application, Movement


class AccountFilterSet(FilterSet):
    class Meta:
        model = Account
        fields = ["estate", "holder"]


class ApplicationFilterSet(FilterSet):
    class Meta:
        model = Application
        fields = ["account", "status", "emergency"]


class MovementFilterSet(FilterSet):
    class Meta:
        model = Movement
        fields = ["account", "home", "kind", "application"]
