"""Volunteers (志愿者/红管家), activities and points (积分制), rewards, rankings and the 红黑榜."""

from .activities import Activity, ActivityQuerySet, Participation, ParticipationQuerySet
from .lists import Match, MatchQuerySet, Need, NeedQuerySet, Offer, OfferQuerySet
from .points import (
    BoardEntry,
    BoardEntryQuerySet,
    PointsAccount,
    PointsEntry,
    PointsEntryQuerySet,
    Redemption,
    RedemptionQuerySet,
    Reward,
    RewardQuerySet,
)
from .teams import WEEKDAYS, Skill, Team, TeamQuerySet, Volunteer, VolunteerQuerySet
from .wishes import Wish, WishEvent, WishQuerySet

__all__ = [
    "Skill",
    "WEEKDAYS",
    "TeamQuerySet",
    "Team",
    "VolunteerQuerySet",
    "Volunteer",
    "ActivityQuerySet",
    "Activity",
    "ParticipationQuerySet",
    "Participation",
    "PointsAccount",
    "PointsEntryQuerySet",
    "PointsEntry",
    "RewardQuerySet",
    "Reward",
    "RedemptionQuerySet",
    "Redemption",
    "BoardEntryQuerySet",
    "BoardEntry",
    "OfferQuerySet",
    "Offer",
    "NeedQuerySet",
    "Need",
    "MatchQuerySet",
    "Match",
    "WishQuerySet",
    "Wish",
    "WishEvent",
]
