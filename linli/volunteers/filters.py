"""Filtersets of the volunteers lists, used by the API and by the pages that list the same objects."""

from django_filters import rest_framework as filters

from linli.core.filters import FilterSet
from linli.volunteers.models import (
    Activity,
    Match,
    Need,
    Offer,
    PointsEntry,
    Redemption,
    Reward,
    Skill,
    Team,
    Volunteer,
    Wish,
)


class TeamFilterSet(FilterSet):
    class Meta:
        model = Team
        fields = ["community", "kind"]


class VolunteerFilterSet(FilterSet):
    """Also what the volunteer list page filters by: ``?skill=repair`` and ``?team=<id>`` (one team)."""

    skill = filters.ChoiceFilter(choices=Skill.choices, method="filter_skill")
    team = filters.NumberFilter(field_name="teams")

    class Meta:
        model = Volunteer
        fields = ["community", "badge", "active", "teams", "skill", "team"]

    def filter_skill(self, qs, name, value):
        return qs.filter(skills__icontains=f'"{value}"') if value else qs


class ActivityFilterSet(FilterSet):
    class Meta:
        model = Activity
        fields = ["community", "estate", "kind", "status"]


class PointsEntryFilterSet(FilterSet):
    class Meta:
        model = PointsEntry
        fields = ["community", "estate", "kind", "account__person"]


class RewardFilterSet(FilterSet):
    class Meta:
        model = Reward
        fields = ["community", "kind", "active"]


class RedemptionFilterSet(FilterSet):
    class Meta:
        model = Redemption
        fields = ["reward", "person", "status"]


class OfferFilterSet(FilterSet):
    class Meta:
        model = Offer
        fields = ["list_kind", "source", "community", "estate", "skill", "active"]


class NeedFilterSet(FilterSet):
    class Meta:
        model = Need
        fields = ["community", "estate", "skill", "status"]


class MatchFilterSet(FilterSet):
    class Meta:
        model = Match
        fields = ["need", "offer", "status"]


class WishFilterSet(FilterSet):
    class Meta:
        model = Wish
        fields = ["community", "estate", "status", "category", "source"]


class PublicWishFilterSet(FilterSet):
    class Meta:
        model = Wish
        fields = ["community", "status", "category"]
