"""Serializers of the volunteers API. Output serializers are read-only; writes go through small input
serializers and the service functions.

Choice values travel as plain strings (with a ``*_label``), so that the schema's enum names never collide with
other apps' ``kind``/``status`` fields.
"""

from rest_framework import serializers

from linli.core.api import choice_text
from linli.people.models import Organization, Person
from linli.places.models import Division, Estate
from linli.places.serializers import VisibleRelatedField
from linli.volunteers import models as m

# The largest value of an IntegerField column on PostgreSQL: a larger one was a 500 (integer out of range).
INT_MAX = 2**31 - 1


class PlainChoicesMixin:
    """Every ChoiceField becomes a read-only CharField (values listed in its help text)."""

    def get_fields(self):
        fields = super().get_fields()
        for name, field in list(fields.items()):
            if isinstance(field, serializers.ChoiceField) and not isinstance(field, serializers.MultipleChoiceField):
                kwargs = {"read_only": True, "help_text": "；".join(f"{k}={v}" for k, v in field.choices.items())}
                if field.source and field.source != name:
                    kwargs["source"] = field.source
                fields[name] = serializers.CharField(**kwargs)
        return fields


class Out(PlainChoicesMixin, serializers.ModelSerializer):
    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        meta = getattr(cls, "Meta", None)
        if meta is not None and hasattr(meta, "fields"):
            meta.read_only_fields = meta.fields


class TeamSerializer(Out):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = m.Team
        fields = ["id", "name", "kind", "kind_label", "community", "description"]


class VolunteerSerializer(Out):
    name = serializers.CharField(source="person.name", read_only=True)
    badge_label = serializers.CharField(source="get_badge_display", read_only=True)
    teams = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    skills = serializers.ListField(child=serializers.CharField(), read_only=True)
    weekdays = serializers.ListField(child=serializers.IntegerField(), read_only=True)

    class Meta:
        model = m.Volunteer
        fields = ["id", "person", "name", "community", "skills", "teams", "weekdays", "availability", "badge",
                  "badge_label", "shows_party_identity", "duty", "pledge", "active", "joined_on"]


class VolunteerInput(serializers.Serializer):
    person = VisibleRelatedField(queryset=Person.objects.all())
    community = VisibleRelatedField(queryset=Division.objects.all(), required=False, allow_null=True)
    skills = serializers.ListField(child=serializers.CharField(), required=False)
    teams = VisibleRelatedField(queryset=m.Team.objects.all(), many=True, required=False)
    weekdays = serializers.ListField(child=serializers.IntegerField(), required=False)
    availability = serializers.CharField(required=False, allow_blank=True)
    badge = serializers.CharField(required=False, allow_blank=True)
    shows_party_identity = serializers.BooleanField(required=False)
    duty = serializers.CharField(required=False, allow_blank=True)
    pledge = serializers.CharField(required=False, allow_blank=True)


class VolunteerUpdate(serializers.Serializer):
    skills = serializers.ListField(child=serializers.CharField(), required=False)
    weekdays = serializers.ListField(child=serializers.IntegerField(), required=False)
    availability = serializers.CharField(required=False, allow_blank=True)
    badge = serializers.CharField(required=False, allow_blank=True)
    shows_party_identity = serializers.BooleanField(required=False)
    duty = serializers.CharField(required=False, allow_blank=True)
    pledge = serializers.CharField(required=False, allow_blank=True)
    active = serializers.BooleanField(required=False)


class TeamInput(serializers.Serializer):
    community = VisibleRelatedField(queryset=Division.objects.all())
    name = serializers.CharField(max_length=80)
    kind = choice_text(m.Team.Kind.choices)
    description = serializers.CharField(required=False, allow_blank=True)


class ActivitySerializer(Out):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    rule = serializers.CharField(source="rule_text", read_only=True)

    class Meta:
        model = m.Activity
        fields = ["id", "title", "kind", "kind_label", "community", "estate", "team", "place", "starts_at", "ends_at",
                  "capacity", "points_fixed", "points_per_hour", "points_cap", "rule", "organiser", "status"]


class ActivityInput(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    kind = choice_text(m.Activity.Kind.choices)
    community = VisibleRelatedField(queryset=Division.objects.all())
    estate = VisibleRelatedField(queryset=Estate.objects.all(), required=False, allow_null=True)
    team = VisibleRelatedField(queryset=m.Team.objects.all(), required=False, allow_null=True)
    place = serializers.CharField(required=False, allow_blank=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    capacity = serializers.IntegerField(min_value=1, required=False, allow_null=True, max_value=INT_MAX)
    points_fixed = serializers.IntegerField(min_value=0, required=False, default=0, max_value=INT_MAX)
    points_per_hour = serializers.IntegerField(min_value=0, required=False, default=0, max_value=INT_MAX)
    points_cap = serializers.IntegerField(min_value=0, required=False, allow_null=True, max_value=INT_MAX)


class PersonRef(serializers.Serializer):
    person = VisibleRelatedField(queryset=Person.objects.all(), required=False, help_text="不填为本人")


class ParticipationSerializer(Out):
    name = serializers.CharField(source="person.name", read_only=True)
    hours = serializers.FloatField(read_only=True)

    class Meta:
        model = m.Participation
        fields = ["id", "activity", "person", "name", "status", "signed_up_at", "checked_in_at", "checked_in_via",
                  "checked_out_at", "checked_out_via", "minutes", "hours", "points"]


class QrSerializer(serializers.Serializer):
    token = serializers.CharField()
    url = serializers.CharField()


class CheckinInput(serializers.Serializer):
    token = serializers.CharField()
    action = serializers.CharField(default="in", help_text="in=签到；out=签退")


class PointsEntrySerializer(Out):
    person = serializers.IntegerField(source="account.person_id", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = m.PointsEntry
        fields = ["id", "person", "amount", "kind", "kind_label", "reason", "community", "estate", "participation",
                  "reverses", "actor", "at"]


class PointsInput(serializers.Serializer):
    person = VisibleRelatedField(queryset=Person.objects.all())
    community = VisibleRelatedField(queryset=Division.objects.all())
    estate = VisibleRelatedField(queryset=Estate.objects.all(), required=False, allow_null=True)
    amount = serializers.IntegerField(min_value=-INT_MAX, max_value=INT_MAX)
    reason = serializers.CharField(max_length=200)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class BalanceSerializer(serializers.Serializer):
    person = serializers.IntegerField()
    balance = serializers.IntegerField()


class RewardSerializer(Out):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = m.Reward
        fields = ["id", "community", "name", "kind", "kind_label", "description", "cost", "stock", "active"]


class RewardInput(serializers.Serializer):
    community = VisibleRelatedField(queryset=Division.objects.all())
    name = serializers.CharField(max_length=100)
    kind = choice_text(m.Reward.Kind.choices, default="item")
    cost = serializers.IntegerField(min_value=1, max_value=INT_MAX)
    stock = serializers.IntegerField(min_value=0, required=False, allow_null=True, max_value=INT_MAX)
    description = serializers.CharField(required=False, allow_blank=True)


class RedeemInput(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1, default=1, max_value=INT_MAX)


class RedemptionSerializer(Out):
    class Meta:
        model = m.Redemption
        fields = ["id", "reward", "person", "quantity", "points", "status", "at", "handed_over_at", "void_reason"]


class RankedSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    name = serializers.CharField(help_text="员工看到全名，居民看到脱敏姓名")
    points = serializers.IntegerField()


class BoardLineSerializer(serializers.Serializer):
    name = serializers.CharField(source="public_name")
    reason = serializers.CharField(source="public_reason")
    start = serializers.DateField()
    end = serializers.DateField(allow_null=True)


class BoardTopSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    name = serializers.CharField(source="masked_name")
    points = serializers.IntegerField()


class BoardSerializer(serializers.Serializer):
    community = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    top = BoardTopSerializer(many=True)
    red = BoardLineSerializer(many=True)
    black = BoardLineSerializer(many=True)
    rules = serializers.ListField(child=serializers.CharField())


class OfferSerializer(Out):
    provider = serializers.CharField(source="provider_public_name", read_only=True)
    weekdays = serializers.ListField(child=serializers.IntegerField(), read_only=True)

    class Meta:
        model = m.Offer
        fields = ["id", "list_kind", "source", "community", "estate", "provider", "skill", "title", "weekdays", "times",
                  "active"]


class OfferInput(serializers.Serializer):
    list_kind = choice_text(m.Offer.List.choices, help_text="supply=党员供给清单；service=志愿服务清单")
    source = choice_text(m.Offer.Source.choices)
    skill = choice_text(m.Skill.choices)
    title = serializers.CharField(max_length=100)
    community = VisibleRelatedField(queryset=Division.objects.all(), required=False, allow_null=True)
    estate = VisibleRelatedField(queryset=Estate.objects.all(), required=False, allow_null=True)
    person = VisibleRelatedField(queryset=Person.objects.all(), required=False, allow_null=True)
    organization = VisibleRelatedField(queryset=Organization.objects.all(), required=False, allow_null=True)
    weekdays = serializers.ListField(child=serializers.IntegerField(), required=False)
    times = serializers.CharField(required=False, allow_blank=True)


class NeedSerializer(Out):
    weekdays = serializers.ListField(child=serializers.IntegerField(), read_only=True)

    class Meta:
        model = m.Need
        fields = ["id", "community", "estate", "person", "skill", "title", "weekdays", "status", "created_at"]


class NeedInput(serializers.Serializer):
    person = VisibleRelatedField(queryset=Person.objects.all(), required=False, help_text="不填为本人")
    skill = choice_text(m.Skill.choices)
    title = serializers.CharField(max_length=100)
    weekdays = serializers.ListField(child=serializers.IntegerField(), required=False)


class MatchSerializer(Out):
    class Meta:
        model = m.Match
        fields = ["id", "need", "offer", "score", "reasons", "status", "proposed_at", "decided_by", "decided_at"]


def photo_url(wish) -> str:
    from django.urls import reverse

    return reverse("volunteers:wish_photo", args=[wish.pk]) if wish.photo else ""


class WishSerializer(Out):
    """The full record (sensitive): for the community's sensitive roles, the beneficiary and the claimant."""

    beneficiary_name = serializers.CharField(source="beneficiary.name", read_only=True)
    photo = serializers.SerializerMethodField()

    class Meta:
        model = m.Wish
        fields = ["id", "community", "estate", "beneficiary", "beneficiary_name", "title", "detail", "category",
                  "source", "status", "created_at", "checked_at", "reject_reason", "claimed_by_user",
                  "claimed_by_org", "claimed_at", "claim_due", "fulfilled_at", "photo", "fulfil_note", "thanks"]

    def get_photo(self, wish) -> str:
        return photo_url(wish)


class PublicWishSerializer(Out):
    """A wish on the public wall: no beneficiary, no detail, the claimant's name masked."""

    community_name = serializers.CharField(source="community.name", read_only=True)
    claimant = serializers.CharField(source="claimant_public_name", read_only=True)
    title = serializers.CharField(source="public_title", read_only=True)
    thanks = serializers.CharField(source="public_thanks", read_only=True)
    photo = serializers.SerializerMethodField()

    class Meta:
        model = m.Wish
        fields = ["id", "community", "community_name", "title", "category", "status", "claimant", "claim_due",
                  "fulfilled_at", "photo", "thanks"]

    def get_photo(self, wish) -> str:
        return photo_url(wish)


class WishInput(serializers.Serializer):
    beneficiary = VisibleRelatedField(queryset=Person.objects.all(), required=False, help_text="不填为本人")
    title = serializers.CharField(max_length=100)
    detail = serializers.CharField(required=False, allow_blank=True)
    category = choice_text(m.Wish.Category.choices, default="goods")
    source = choice_text(m.Wish.Source.choices, default="online")


class WishReviewInput(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    title = serializers.CharField(required=False, allow_blank=True)


class WishClaimInput(serializers.Serializer):
    organization = VisibleRelatedField(queryset=Organization.objects.all(), required=False, allow_null=True)


class WishFulfilInput(serializers.Serializer):
    photo = serializers.FileField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ThanksInput(serializers.Serializer):
    thanks = serializers.CharField(max_length=200)
