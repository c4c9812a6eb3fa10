"""Serializers of people and organisations for /api/v1/ (personal data masked by role)."""

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import serializers

from linli.people.models import Occupancy, Organization, Person
from linli.people.scopes import scope_for
from linli.places.models import Division, Home
from linli.places.serializers import CreateOnlyFieldsMixin, VisibleRelatedField


class OrganizationSerializer(serializers.ModelSerializer):
    division = VisibleRelatedField(queryset=Division.objects.all(), allow_null=True, required=False)
    division_name = serializers.CharField(source="division.name", read_only=True, allow_null=True)

    class Meta:
        model = Organization
        fields = ["id", "name", "initials", "kind", "ownership", "field", "division", "division_name", "credit_code",
                  "phone"]
        read_only_fields = ["initials"]


class PersonSerializer(serializers.ModelSerializer):
    """A person. ``phone`` is masked (138****5678) unless the caller is a registry admin, a role that sees
    sensitive data, or the person themself. The sensitive flags appear only when a single person is read
    by such a role (and that reading is logged); list responses never carry them.

    Creating a person needs the home they live in (``home`` + ``relation``), so that the new record is
    inside someone's scope from the start.
    """

    home = VisibleRelatedField(
        queryset=Home.objects.all(), write_only=True, help_text="创建时必填：此人居住的房屋（同时登记居住关系）"
    )
    relation = serializers.ChoiceField(
        choices=Occupancy.Relation.choices, write_only=True, help_text="创建时必填：与该房屋的关系"
    )
    since = serializers.DateField(write_only=True, required=False, allow_null=True, help_text="居住关系起始日期")

    class Meta:
        model = Person
        fields = ["id", "name", "initials", "phone", *Person.SENSITIVE_FIELDS, "created_at", "home", "relation",
                  "since"]
        read_only_fields = ["initials", "created_at"]
        extra_kwargs = {
            "phone": {"help_text": "手机号；无权查看时为脱敏形式（138****5678）"},
            **{f: {"help_text": "敏感标记：仅对可查看敏感信息的角色在单人详情中返回，并记录查看日志"}
               for f in Person.SENSITIVE_FIELDS},
        }

    def get_fields(self):
        fields = super().get_fields()
        if isinstance(self.instance, Person):
            # The occupancy is given once, at creation; later changes go through /api/v1/occupancies/.
            for name in ("home", "relation", "since"):
                fields[name].read_only = True
                fields[name].required = False
        return fields

    def _viewer(self):
        request = self.context.get("request")
        return scope_for(getattr(request, "user", None))

    def to_representation(self, instance):
        data = super().to_representation(instance)
        scope = self._viewer()
        is_self = scope.person_id is not None and scope.person_id == instance.pk
        if not (scope.is_registry_admin or scope.sees_sensitive or is_self):
            data["phone"] = instance.masked_phone
        if not (self.context.get("with_sensitive") and (scope.sees_sensitive or is_self)):
            for name in Person.SENSITIVE_FIELDS:
                data.pop(name, None)
        return data

    @transaction.atomic
    def create(self, validated_data):
        home = validated_data.pop("home")
        relation = validated_data.pop("relation")
        since = validated_data.pop("since", None)
        person = Person.objects.create(**validated_data)
        Occupancy.objects.create(person=person, home=home, relation=relation, start=since)
        return person

    def update(self, instance, validated_data):
        for name in ("home", "relation", "since"):
            validated_data.pop(name, None)
        return super().update(instance, validated_data)


class OccupancySerializer(CreateOnlyFieldsMixin, serializers.ModelSerializer):
    person = VisibleRelatedField(queryset=Person.objects.all())
    person_name = serializers.CharField(source="person.name", read_only=True)
    home = VisibleRelatedField(queryset=Home.objects.all())
    home_label = serializers.CharField(source="home.__str__", read_only=True, help_text="楼栋 单元 门牌号")
    estate = serializers.IntegerField(source="home.estate_id", read_only=True)
    estate_name = serializers.CharField(source="home.estate.name", read_only=True)

    class Meta:
        model = Occupancy
        fields = ["id", "person", "person_name", "home", "home_label", "estate", "estate_name", "relation", "start",
                  "end"]
        create_only_fields = ["person", "home"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        start = attrs.get("start", getattr(self.instance, "start", None))
        end = attrs.get("end", getattr(self.instance, "end", None))
        if start and end and end < start:
            raise serializers.ValidationError({"end": _("终止日期不能早于起始日期")})
        if end is None:
            person = attrs.get("person", getattr(self.instance, "person", None))
            home = attrs.get("home", getattr(self.instance, "home", None))
            relation = attrs.get("relation", getattr(self.instance, "relation", None))
            # The database allows one open tie per person, home and relation; say so before it refuses.
            open_ties = Occupancy.objects.filter(person=person, home=home, relation=relation, end__isnull=True)
            if self.instance is not None:
                open_ties = open_ties.exclude(pk=self.instance.pk)
            if open_ties.exists():
                raise serializers.ValidationError({"relation": _("此人与该房屋已有同一关系的有效记录")})
        return attrs
