"""Filtersets of the inspection-round lists (routes, checkpoints, rounds), for the API."""

from linli.core.filters import FilterSet
from linli.facilities.models import Checkpoint, Round, Route


class RouteFilterSet(FilterSet):
    class Meta:
        model = Route
        fields = ["estate", "frequency"]


class CheckpointFilterSet(FilterSet):
    class Meta:
        model = Checkpoint
        fields = ["route", "facility"]


class RoundFilterSet(FilterSet):
    class Meta:
        model = Round
        fields = ["route", "status", "out_of_order"]
