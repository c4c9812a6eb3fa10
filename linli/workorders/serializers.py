"""Serializers of work orders for /api/v1/: the order, its timeline, and one request body per step."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from linli.core.api import CachedFieldsMixin
from linli.core.choices import label
from linli.core.memo import Memo
from linli.people.models import Organization, User
from linli.people.scopes import scope_for
from linli.places.models import Building, Division, Estate, Home
from linli.places.serializers import VisibleRelatedField
from linli.workorders import selectors, services
from linli.workorders.forms import MAX_PHOTOS, resize_photo
from linli.workorders.models import (
    Channel,
    Kind,
    Level,
    Satisfaction,
    Status,
    Tier,
    WorkOrder,
    WorkOrderEvent,
)

# Channels a member may choose when recording an order through the API (the others have their own adapters).
API_CHANNELS = [Channel.WALK_IN, Channel.PHONE, Channel.WECHAT, Channel.PATROL, Channel.GRID, Channel.API]


_DATETIME = serializers.DateTimeField()


def _when(value):
    """A datetime as the declared DateTimeFields give it (ISO 8601 in the current time zone), without the field's
    generic path (a list page formats 250 of them)."""
    if value is None or timezone.is_naive(value):
        return None if value is None else _DATETIME.to_representation(value)
    text = value.astimezone(timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _user_name(user) -> str:
    if user is None:
        return ""
    return user.display_name or user.username


class EventSerializer(CachedFieldsMixin, serializers.ModelSerializer):
    # The API keeps the name "type" for the event's kind (the model's column is linli.core.events' ``kind``).
    type = serializers.CharField(source="kind", read_only=True)
    type_display = serializers.CharField(source="get_kind_display", read_only=True)
    actor = serializers.SerializerMethodField()

    class Meta:
        model = WorkOrderEvent
        fields = ["id", "type", "type_display", "from_status", "to_status", "actor", "at", "note", "data"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_actor(self, event) -> str:
        return _user_name(event.actor) or str(_("系统"))

    def to_representation(self, event):
        # The same dict as the declared fields give (tests/test_api_representation.py checks), without building
        # the fields: timelines are long and the intake answers with one.
        return {
            "id": event.pk, "type": event.kind, "type_display": label(WorkOrderEvent.Type, event.kind),
            "from_status": event.from_status, "to_status": event.to_status, "actor": self.get_actor(event),
            "at": _when(event.at), "note": event.note, "data": event.data,
        }


class WorkOrderSerializer(CachedFieldsMixin, serializers.ModelSerializer):
    """An order as a list shows it; the reporter's name and phone as ``selectors.reporter_contact`` lets the caller
    read them (the same rule as the order's page)."""

    status_display = serializers.CharField(source="get_status_display", read_only=True)
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)
    estate_name = serializers.CharField(source="estate.name", read_only=True, default="")
    community_name = serializers.CharField(source="community.name", read_only=True, default="")
    street_name = serializers.CharField(source="street.name", read_only=True, default="")
    assignee_org_name = serializers.CharField(source="assignee_org.name", read_only=True, default="")
    place_label = serializers.CharField(read_only=True)
    # Plain strings in the schema (the *_display fields carry the labels), so that the enums of the request bodies
    # are the only work-order enums and their names do not collide with other apps' "status" or "level".
    channel = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    tier = serializers.CharField(read_only=True)
    level = serializers.CharField(read_only=True)
    satisfaction = serializers.CharField(read_only=True)

    class Meta:
        model = WorkOrder
        fields = [
            "code", "channel", "channel_display", "external_id", "kind", "title", "text", "status", "status_display",
            "category", "subcategory", "tier", "level", "urgent", "needs_triage", "overdue", "supervised",
            "street", "street_name", "community", "community_name", "estate", "estate_name", "building", "home",
            "address", "place_label", "contact_name", "contact_phone", "anonymous",
            "assignee_org", "assignee_org_name", "received_at", "accept_due", "reply_due", "replied_at", "closed_at",
            "satisfaction",
        ]
        read_only_fields = fields

    def _manages(self, order) -> bool:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        cache = self.context.setdefault("_manages", {})
        if order.pk not in cache:
            cache[order.pk] = services.can_manage(user, order)
        return cache[order.pk]

    def to_representation(self, order):
        # The same dict as the declared fields give (tests/test_api_representation.py checks), without building
        # the fields for every order: on the intake that cost more than the rest of the request.
        data = self._fields_of(order)
        request = self.context.get("request")
        data["contact_name"], data["contact_phone"] = selectors.reporter_contact(
            getattr(request, "user", None), order, manages=self._manages(order))
        return data


    @staticmethod
    def _fields_of(order) -> dict:
        def name(related):
            return related.name if related is not None else ""

        return {
            "code": order.code, "channel": order.channel, "channel_display": label(Channel, order.channel),
            "external_id": order.external_id, "kind": order.kind, "title": order.title, "text": order.text,
            "status": order.status, "status_display": label(Status, order.status), "category": order.category,
            "subcategory": order.subcategory, "tier": order.tier, "level": order.level, "urgent": order.urgent,
            "needs_triage": order.needs_triage, "overdue": order.overdue, "supervised": order.supervised,
            "street": order.street_id, "street_name": name(order.street) if order.street_id else "",
            "community": order.community_id, "community_name": name(order.community) if order.community_id else "",
            "estate": order.estate_id, "estate_name": name(order.estate) if order.estate_id else "",
            "building": order.building_id, "home": order.home_id, "address": order.address,
            "place_label": order.place_label, "contact_name": order.contact_name,
            "contact_phone": order.contact_phone, "anonymous": order.anonymous, "assignee_org": order.assignee_org_id,
            "assignee_org_name": name(order.assignee_org) if order.assignee_org_id else "",
            "received_at": _when(order.received_at), "accept_due": _when(order.accept_due),
            "reply_due": _when(order.reply_due), "replied_at": _when(order.replied_at),
            "closed_at": _when(order.closed_at), "satisfaction": order.satisfaction,
        }


class WorkOrderDetailSerializer(WorkOrderSerializer):
    """One order with its timeline and the steps the caller may take now."""

    events = EventSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()
    duplicate_of = serializers.SlugRelatedField(slug_field="code", read_only=True)
    photos = serializers.SerializerMethodField()

    class Meta(WorkOrderSerializer.Meta):
        fields = WorkOrderSerializer.Meta.fields + [
            "reply_text", "reached", "solved", "reopen_count", "extension_pending", "duplicate_of", "dispatched_at",
            "accepted_at", "photos", "allowed_actions", "events",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, order) -> list[str]:
        request = self.context.get("request")
        return [a.replace("_", "-") for a in services.allowed_actions(request.user, order)] if request else []

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_photos(self, order) -> list[str]:
        return [a.file.url for a in order.attachments.all()]

    def _fields_of(self, order) -> dict:
        data = super()._fields_of(order)
        event = EventSerializer(context=self.context)
        data.update({
            "reply_text": order.reply_text, "reached": order.reached, "solved": order.solved,
            "reopen_count": order.reopen_count, "extension_pending": order.extension_pending,
            "duplicate_of": order.duplicate_of.code if order.duplicate_of_id else None,
            "dispatched_at": _when(order.dispatched_at), "accepted_at": _when(order.accepted_at),
            "photos": self.get_photos(order), "allowed_actions": self.get_allowed_actions(order),
            "events": [event.to_representation(e) for e in order.events.all()],
        })
        return data


# An estate with its community and street, as the intake reads it (one per request). Saving an estate or a division
# clears it in the process that saved; other processes see the change within 10 s (linli/core/memo.py).
estates_memo = Memo("intake estates", ttl=10, watch=["places.Estate", "places.Division"])


def _estate_with_street(pk: int) -> Estate | None:
    return Estate.objects.select_related("community__parent").filter(pk=pk).first()


class IntakeEstateField(VisibleRelatedField):
    """The estate of a new order: an estate the caller may see (``Estate.objects.visible_to``), decided from the
    caller's scope and the remembered estate without a query, except for property staff whose reach is their
    company's current estates, who are checked with the same query as before."""

    def to_internal_value(self, data):
        plain = (type(data) is int) or (isinstance(data, str) and data.isascii() and data.isdigit())
        if not plain or not 0 < int(data) < 2**63:
            return super().to_internal_value(data)  # odd input: the general field's answers, as before
        pk = int(data)
        estate = estates_memo.get(pk, lambda: _estate_with_street(pk) or False)
        if estate is False or not self._visible(estate):
            self.fail("does_not_exist", pk_value=data)
        return estate

    def _visible(self, estate) -> bool:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        scope = scope_for(user)
        path = estate.community.path
        if (estate.pk in scope.estate_ids or estate.pk in scope.resident_estate_ids
                or (estate.cluster_id is not None and estate.cluster_id in scope.cluster_ids)
                or any(path.startswith(p) for p in scope.paths)):
            return True
        return bool(scope.org_ids) and Estate.objects.visible_to(user).filter(pk=estate.pk).exists()


class WorkOrderCreateSerializer(CachedFieldsMixin, serializers.Serializer):
    """A new order. Give the most precise place you know: a home, a building, an estate, or a community."""

    text = serializers.CharField(max_length=4000)
    title = serializers.CharField(max_length=120, required=False, default="")
    kind = serializers.ChoiceField(Kind.choices, default=Kind.HELP)
    channel = serializers.ChoiceField(API_CHANNELS, default=Channel.API,
                                      help_text="residents always report as 居民扫码 (resident)")
    category = serializers.CharField(max_length=32, required=False, default="", allow_blank=True)
    subcategory = serializers.CharField(max_length=48, required=False, default="", allow_blank=True)
    urgent = serializers.BooleanField(default=False)
    # select_related: the intake walks up from the place to its street without further queries.
    estate = IntakeEstateField(queryset=Estate.objects.select_related("community__parent"), required=False,
                               allow_null=True)
    building = VisibleRelatedField(queryset=Building.objects.select_related("estate__community__parent"),
                                   required=False, allow_null=True)
    home = VisibleRelatedField(queryset=Home.objects.select_related("building__estate__community__parent"),
                               required=False, allow_null=True)
    community = VisibleRelatedField(queryset=Division.objects.filter(level=Division.Level.COMMUNITY)
                                    .select_related("parent"), required=False, allow_null=True)
    address = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    contact_name = serializers.CharField(max_length=60, required=False, default="", allow_blank=True)
    contact_phone = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
    anonymous = serializers.BooleanField(default=False)

    def validate(self, attrs):
        if not any(attrs.get(k) for k in ("home", "building", "estate", "community")):
            raise serializers.ValidationError({"estate": _("请指定小区、楼栋、房屋或社区")})
        return attrs


# -- one body per step ----------------------------------------------------------------------------------


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, default="", allow_blank=True)


class DispatchSerializer(NoteSerializer):
    to = VisibleRelatedField(queryset=Organization.objects.all(), help_text="承办单位 id")
    person = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), required=False,
                                                allow_null=True, help_text="承办人（账号 id），可不填")


@extend_schema_serializer(component_name="WorkOrderReason")
class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class ReplySerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list, write_only=True)

    def validate_photos(self, files):
        # The same gate as the pages: type from the bytes, pixels checked before decoding, re-encoded without EXIF.
        if len(files) > MAX_PHOTOS:
            raise serializers.ValidationError(_("最多上传 %(n)s 张照片") % {"n": MAX_PHOTOS})
        return [resize_photo(f, i) for i, f in enumerate(files, start=1)]


@extend_schema_serializer(component_name="WorkOrderVisit")
class VisitSerializer(NoteSerializer):
    solved = serializers.BooleanField()
    satisfaction = serializers.ChoiceField(Satisfaction.choices)
    reached = serializers.BooleanField(default=True)


class ExtensionRequestSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    reason = serializers.CharField(allow_blank=True)


class ExtensionDecisionSerializer(NoteSerializer):
    approve = serializers.BooleanField()


class MergeSerializer(NoteSerializer):
    into = serializers.CharField(help_text="合并到的工单编号")


class ReclassifySerializer(serializers.Serializer):
    category = serializers.CharField(max_length=32, allow_blank=True)
    subcategory = serializers.CharField(max_length=48, required=False, default="", allow_blank=True)
    tier = serializers.ChoiceField(Tier.choices, required=False, allow_null=True)
    level = serializers.ChoiceField(Level.choices, required=False, allow_null=True)
    urgent = serializers.BooleanField(required=False, allow_null=True, default=None)


# -- 12345 push ----------------------------------------------------------------------------------------


class HotlineItemSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    external_id = serializers.CharField()
    status = serializers.CharField(help_text="created, duplicate or rejected")
    reason = serializers.CharField()
    code = serializers.CharField()
    needs_triage = serializers.BooleanField()


class HotlineResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    created = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    rejected = serializers.IntegerField()
    items = HotlineItemSerializer(many=True)
