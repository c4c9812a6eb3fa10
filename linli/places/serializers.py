"""Serializers of the registry of places for /api/v1/.

A reference in a request body (``community``, ``building``, ``provider`` …) must name an object the
caller can see; anything else is answered like a missing id (400), so strangers learn nothing.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from linli.places.models import Building, Cluster, Division, Estate, Home, Stewardship
from linli.places.services import CORRECTABLE_FIELDS, stewardship_change, stewardship_correct

CREATE_ONLY_MESSAGE = "创建后不能修改"


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key of an object the caller may see (``Model.objects.visible_to(user)``)."""

    def get_queryset(self):
        request = self.context.get("request")
        return super().get_queryset().visible_to(getattr(request, "user", None))


class CreateOnlyFieldsMixin:
    """Fields listed in ``Meta.create_only_fields`` are set once; a later change is a 400.

    A home never changes building, a building never changes estate, a division keeps its code:
    scope and coverage queries rely on it.
    """

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None:
            errors = {
                name: CREATE_ONLY_MESSAGE
                for name in getattr(self.Meta, "create_only_fields", ())
                if name in attrs and attrs[name] != getattr(self.instance, name)
            }
            if errors:
                raise serializers.ValidationError(errors)
        return attrs


class DivisionSerializer(CreateOnlyFieldsMixin, serializers.ModelSerializer):
    # Required on create (see validate), so the schema says so; a PATCH may leave it out.
    parent = VisibleRelatedField(queryset=Division.objects.all(), allow_null=True,
                                 error_messages={"required": "请指定上级区划（区/县只能在管理后台创建）"})

    class Meta:
        model = Division
        fields = ["id", "name", "initials", "code", "level", "parent", "path"]
        read_only_fields = ["initials", "path"]
        create_only_fields = ["code", "level", "parent"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is None:
            parent = attrs.get("parent")
            if parent is None:
                raise serializers.ValidationError({"parent": _("请指定上级区划（区/县只能在管理后台创建）")})
            expected = Division.CHILD_LEVEL.get(parent.level)
            if attrs["level"] != expected:
                label = Division.Level(expected).label if expected else _("无")
                raise serializers.ValidationError({"level": _("上级为%(parent)s时层级应为：%(level)s") % {
                    "parent": parent.get_level_display(), "level": label}})
        return attrs


class DivisionBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Division
        fields = ["id", "code", "name", "level"]


class ClusterSerializer(serializers.ModelSerializer):
    street = VisibleRelatedField(queryset=Division.objects.all())
    street_name = serializers.CharField(source="street.name", read_only=True)

    class Meta:
        model = Cluster
        fields = ["id", "name", "initials", "street", "street_name"]
        read_only_fields = ["initials"]

    def validate_street(self, street):
        if street.level != Division.Level.STREET:
            raise serializers.ValidationError(_("片区必须属于一个街道"))
        return street


class EstateSerializer(serializers.ModelSerializer):
    community = VisibleRelatedField(queryset=Division.objects.all())
    community_name = serializers.CharField(source="community.name", read_only=True)
    cluster = VisibleRelatedField(queryset=Cluster.objects.all(), allow_null=True, required=False)
    # Annotations of the current stewardship (linli.places.selectors.with_current_mode); null = not registered.
    mode = serializers.ChoiceField(
        choices=Stewardship.Mode.choices, read_only=True, allow_null=True, help_text="当前管理方式（未登记为 null）"
    )
    provider = serializers.IntegerField(
        source="provider_id", read_only=True, allow_null=True, help_text="当前服务单位（组织 id）"
    )
    provider_name = serializers.CharField(read_only=True, allow_null=True, help_text="当前服务单位名称")

    class Meta:
        model = Estate
        fields = [
            "id", "name", "initials", "community", "community_name", "cluster", "kind", "governance",
            "built_year", "address", "latitude", "longitude", "mode", "provider", "provider_name",
        ]
        read_only_fields = ["initials"]

    def validate_community(self, community):
        if community.level != Division.Level.COMMUNITY:
            raise serializers.ValidationError(_("小区必须属于一个社区"))
        return community

    def validate(self, attrs):
        attrs = super().validate(attrs)
        community = attrs.get("community", getattr(self.instance, "community", None))
        cluster = attrs.get("cluster", getattr(self.instance, "cluster", None))
        if cluster is not None and community is not None and cluster.street_id != community.parent_id:
            raise serializers.ValidationError({"cluster": _("片区必须属于小区所在的街道")})
        return attrs


class BuildingSerializer(CreateOnlyFieldsMixin, serializers.ModelSerializer):
    estate = VisibleRelatedField(queryset=Estate.objects.all())
    estate_name = serializers.CharField(source="estate.name", read_only=True)

    class Meta:
        model = Building
        fields = ["id", "estate", "estate_name", "number", "floors", "built_year"]
        create_only_fields = ["estate"]


class HomeSerializer(CreateOnlyFieldsMixin, serializers.ModelSerializer):
    building = VisibleRelatedField(queryset=Building.objects.all())
    building_number = serializers.CharField(source="building.number", read_only=True)
    estate_name = serializers.CharField(source="estate.name", read_only=True)

    class Meta:
        model = Home
        # ``estate`` is copied from the building by Home.save, so it is read-only here.
        fields = ["id", "estate", "estate_name", "building", "building_number", "entrance", "floor", "number", "area"]
        read_only_fields = ["estate"]
        create_only_fields = ["building"]


class StewardshipSerializer(serializers.ModelSerializer):
    """A stewardship row; creating one records a change through ``stewardship_change``.

    Only the basis kinds a registry admin may record directly are accepted (``Stewardship.DIRECT_BASIS_KINDS``:
    emergency, existing, street); a change chosen by the owners is recorded by a selection case of linli.assembly.
    ``end`` is given only for an emergency service (six months at most, Beijing art. 77).
    """

    estate = VisibleRelatedField(queryset=Estate.objects.all())
    estate_name = serializers.CharField(source="estate.name", read_only=True)
    # A provider is an organisation of linli.people (the layer above): reached through the relation, not an import.
    provider = VisibleRelatedField(queryset=Stewardship._meta.get_field("provider").related_model.objects.all(),
                                   allow_null=True, required=False)
    provider_name = serializers.CharField(source="provider.name", read_only=True, allow_null=True)
    lead_estate = VisibleRelatedField(queryset=Estate.objects.all(), allow_null=True, required=False)
    basis_kind = serializers.ChoiceField(
        choices=[(k.value, k.label) for k in Stewardship.DIRECT_BASIS_KINDS],
        help_text="变更依据类型：emergency 应急指定、existing 登记既有管理（仅第一条记录）、street 街道安排（脱管、套管）；"
                  "业主共同决定、选聘案和托底指定由选聘案记录",
    )
    end = serializers.DateField(required=False, allow_null=True, help_text="仅应急物业服务填写，至多六个月")

    class Meta:
        model = Stewardship
        fields = [
            "id", "estate", "estate_name", "mode", "provider", "provider_name", "lead_estate", "start", "end",
            "contract_no", "contract_start", "contract_end", "basis", "basis_kind", "basis_ref", "corrected_by",
            "note", "created_at",
        ]
        read_only_fields = ["basis_ref", "corrected_by", "created_at"]

    def to_representation(self, instance):
        # Rows recorded by the governance services carry kinds this serializer does not accept: shown as stored.
        data = super().to_representation(instance)
        data["basis_kind"] = instance.basis_kind
        return data

    def create(self, validated_data):
        # The service's ValidationError is answered by linli.core.api.exception_handler (400, by field).
        request = self.context.get("request")
        return stewardship_change(actor=getattr(request, "user", None), **validated_data)


class StewardshipCorrectionSerializer(serializers.Serializer):
    """POST /api/v1/stewardships/<id>/correct/: a correction of a data-entry mistake (a new row, logged)."""

    reason = serializers.CharField(max_length=200)
    provider = VisibleRelatedField(queryset=Stewardship._meta.get_field("provider").related_model.objects.all(),
                                   allow_null=True, required=False)
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False, allow_null=True)
    contract_no = serializers.CharField(max_length=60, required=False, allow_blank=True)
    contract_start = serializers.DateField(required=False, allow_null=True)
    contract_end = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def to_internal_value(self, data):
        # Anything else (mode, basis, lead estate …) cannot be corrected: a 400 naming the field, not silence.
        extra = sorted(set(getattr(data, "keys", lambda: [])()) - set(self.fields))
        if extra:
            raise serializers.ValidationError({extra[0]: _("更正不能修改此项（管理方式、依据和牵头小区不能通过更正修改，须登记变更）")})
        return super().to_internal_value(data)

    def save(self, **kwargs):
        request = self.context.get("request")
        fields = {k: v for k, v in self.validated_data.items() if k in CORRECTABLE_FIELDS}
        return stewardship_correct(stewardship=self.instance, actor=getattr(request, "user", None),
                                   reason=self.validated_data["reason"], **fields)


# -- coverage (GET /api/v1/coverage/?division=CODE) -----------------------------------------------


def _by_mode(counts: dict) -> dict[str, int]:
    out = {m.value: counts.get(m.value, 0) for m in Stewardship.Mode}
    out["unknown"] = counts.get(None, 0)
    return out


class UnmanagedEstateSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)
    mode = serializers.ChoiceField(choices=Stewardship.Mode.choices, read_only=True, allow_null=True)
    homes = serializers.IntegerField(source="home_count", read_only=True)

    class Meta:
        model = Estate
        fields = ["id", "name", "community", "community_name", "mode", "homes"]


class ExpiringContractSerializer(serializers.ModelSerializer):
    estate_name = serializers.CharField(source="estate.name", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True, allow_null=True)
    days_left = serializers.SerializerMethodField()

    class Meta:
        model = Stewardship
        fields = ["id", "estate", "estate_name", "mode", "provider", "provider_name", "contract_no", "contract_end",
                  "days_left"]

    def get_days_left(self, obj) -> int:
        today = self.context.get("today") or timezone.localdate()
        return (obj.contract_end - today).days if isinstance(obj.contract_end, datetime.date) else 0


class CoverageSerializer(serializers.Serializer):
    """Coverage of a division: estates and homes by management mode (linli.places.selectors.coverage)."""

    division = DivisionBriefSerializer()
    estates_total = serializers.IntegerField()
    homes_total = serializers.IntegerField()
    estates_by_mode = serializers.SerializerMethodField(help_text="每种管理方式的小区数（unknown = 未登记）")
    homes_by_mode = serializers.SerializerMethodField(help_text="每种管理方式的户数（unknown = 未登记）")
    professional_estates = serializers.IntegerField()
    professional_homes = serializers.IntegerField()
    professional_share = serializers.DecimalField(
        max_digits=5, decimal_places=4, allow_null=True,
        help_text="专业化物业（市场化、国有托管、套管）覆盖的户数占比，0–1 的十进制字符串；没有房屋时为 null",
    )
    professional_estate_share = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True)
    unmanaged = UnmanagedEstateSerializer(many=True, help_text="脱管或未登记管理方式的小区")
    expiring = ExpiringContractSerializer(many=True, help_text="90 天内到期的物业服务合同")

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_estates_by_mode(self, obj) -> dict[str, int]:
        return _by_mode(obj.estates_by_mode)

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_homes_by_mode(self, obj) -> dict[str, int]:
        return _by_mode(obj.homes_by_mode)
