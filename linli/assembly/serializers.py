"""Serializers of owners' decisions for /api/v1/assembly/. References must name objects the caller can see."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from linli.assembly import tally
from linli.assembly.models import (
    MANAGER_MODES,
    Attendance,
    Decision,
    FollowUpTask,
    Level,
    Meeting,
    Motion,
    MotionOption,
    Notice,
    NoticeAttachment,
    SelectionCase,
    SelectionEvent,
)
from linli.core import uploads
from linli.core.api import choice_text, key_field
from linli.people.models import Organization
from linli.places.models import Building, Division, Estate
from linli.places.serializers import VisibleRelatedField


class AssemblyMotionOptionSerializer(serializers.ModelSerializer):
    """One option of a motion with options (三选一); its count once the vote is closed."""

    provider = VisibleRelatedField(queryset=Organization.objects.all(), required=False, allow_null=True)
    mode = serializers.ChoiceField(choices=MANAGER_MODES)

    class Meta:
        model = MotionOption
        fields = ["id", "position", "label", "mode", "provider", "area", "owners"]
        read_only_fields = ["position", "area", "owners"]


class AssemblyMotionSerializer(serializers.ModelSerializer):
    estate = VisibleRelatedField(queryset=Estate.objects.all())
    estate_name = serializers.CharField(source="estate.name", read_only=True)
    threshold = serializers.SerializerMethodField()
    matter_label = serializers.CharField(source="get_matter_display", read_only=True)
    manager_mode = serializers.ChoiceField(choices=MANAGER_MODES, required=False, allow_blank=True,
                                           help_text="hire_manager: the chosen way of management (market, self, "
                                                     "custodian); not with options")
    provider = VisibleRelatedField(queryset=Organization.objects.all(), required=False, allow_null=True,
                                   help_text="hire_manager: the chosen company (market or custodian)")
    case = VisibleRelatedField(queryset=SelectionCase.objects.all(), required=False, allow_null=True)
    options = AssemblyMotionOptionSerializer(many=True, required=False,
                                             help_text="hire_manager: two or more options the owners choose one of")
    ballot_choices = serializers.SerializerMethodField()

    class Meta:
        model = Motion
        fields = ["id", "estate", "estate_name", "matter", "matter_label", "title", "body", "opens_at", "closes_at",
                  "secret", "manager_mode", "provider", "case", "options", "timing_exception",
                  "timing_exception_document", "ballot_choices", "status", "threshold", "quorum_met", "approved",
                  "winning_option", "total_area", "total_owners", "voting_area", "voting_owners", "for_area",
                  "for_owners", "against_area", "against_owners", "abstain_area", "abstain_owners", "explanation",
                  "closed_at"]
        read_only_fields = ["status", "quorum_met", "approved", "winning_option", "total_area", "total_owners",
                            "voting_area", "voting_owners", "for_area", "for_owners", "against_area",
                            "against_owners", "abstain_area", "abstain_owners", "explanation", "closed_at"]

    def get_ballot_choices(self, obj) -> list[dict]:
        return [{"value": v, "label": str(label)} for v, label in obj.ballot_choices()]

    def get_threshold(self, obj) -> str:
        return tally.MATTERS[obj.matter].threshold


class AssemblyOpenSerializer(serializers.Serializer):
    developer_home_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class AssemblyVoteSerializer(serializers.Serializer):
    elector = key_field()
    choice = serializers.CharField(help_text="one of the motion's ballot_choices: for, against, abstain, or "
                                             "option:<id> on a motion with options")
    replaces = serializers.IntegerField(
        required=False, allow_null=True, min_value=1,
        help_text="the id of the current event of the elector's existing ballot (`event` in ballots/ and mine/): "
                  "needed to replace it; without it a second ballot is refused with 409 `ballot_exists`, and with "
                  "an event that is no longer current with 409 `ballot_changed`")


class AssemblyPaperBallotSerializer(AssemblyVoteSerializer):
    sheet = serializers.FileField()

    def validate_sheet(self, value):
        return uploads.document(value, label=_("纸质票扫描件"))


class AssemblyBallotRowSerializer(serializers.Serializer):
    elector = serializers.IntegerField(source="pk")
    label = serializers.CharField()
    area = serializers.DecimalField(max_digits=12, decimal_places=2)
    is_developer = serializers.BooleanField()
    voted = serializers.BooleanField()
    channel = serializers.CharField(allow_null=True)
    choice = serializers.CharField(allow_null=True, help_text="null on secret ballots")
    ballot = serializers.IntegerField(source="ballot_id", allow_null=True, help_text="the ballot's id, null before a vote")
    event = serializers.IntegerField(allow_null=True, help_text="the ballot's current event: send it as `replaces`")
    at = serializers.DateTimeField(allow_null=True, help_text="when the current event was written")


class AssemblyMyElectorSerializer(serializers.Serializer):
    elector = serializers.IntegerField(source="pk")
    area = serializers.DecimalField(max_digits=12, decimal_places=2)
    homes = serializers.ListField(child=serializers.CharField())
    choice = serializers.CharField(allow_null=True)
    channel = serializers.CharField(allow_null=True)
    event = serializers.IntegerField(allow_null=True, help_text="the ballot's current event: send it as `replaces`")


class AssemblyAttendanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attendance
        fields = ["name", "capacity"]


class AssemblyDecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["id", "text", "created_at"]


class AssemblyTaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUpTask
        fields = ["id", "title", "assignee", "due", "status", "done_at", "decision", "work_order_ref"]
        read_only_fields = ["status", "done_at", "work_order_ref"]


class AssemblyMeetingSerializer(serializers.ModelSerializer):
    estate = VisibleRelatedField(queryset=Estate.objects.all(), required=False, allow_null=True)
    building = VisibleRelatedField(queryset=Building.objects.all(), required=False, allow_null=True)
    division = VisibleRelatedField(queryset=Division.objects.all(), required=False, allow_null=True)
    # Its enum is named in settings (ENUM_NAME_OVERRIDES), apart from Division.level's.
    level = serializers.ChoiceField(choices=Level.choices)
    attendance = AssemblyAttendanceSerializer(many=True, read_only=True)
    decisions = AssemblyDecisionSerializer(many=True, read_only=True)
    tasks = AssemblyTaskSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "kind", "level", "title", "division", "estate", "building", "notified_on", "held_on", "place",
                  "agenda", "minutes", "status", "attendance", "decisions", "tasks"]
        read_only_fields = ["minutes", "status"]

    # Where each level meets (the service's own messages). Checked here because the API checks the caller's right
    # to write *there* before the service runs: with no place at all that check had nothing to look at (a 500).
    PLACE_REQUIRED = {
        "building": ("building", "楼栋层级的会议必须指定楼栋"),
        "estate": ("estate", "小区层级的会议必须指定小区"),
        "community": ("division", "社区层级的会议必须指定社区"),
        "street": ("division", "街道层级的会议必须指定街道"),
    }

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if not any(attrs.get(name) for name in ("estate", "building", "division")):
            field, message = self.PLACE_REQUIRED.get(attrs.get("level"), ("level", "未知的层级"))
            raise serializers.ValidationError({field: _(message)})
        return attrs


class AssemblyMinutesSerializer(serializers.Serializer):
    minutes = serializers.CharField()
    attendees = AssemblyAttendanceSerializer(many=True)
    decisions = serializers.ListField(child=serializers.CharField(), required=False, default=list)


class AssemblyAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = NoticeAttachment
        fields = ["id", "name"]


class AssemblyNoticeSerializer(serializers.ModelSerializer):
    estate = VisibleRelatedField(queryset=Estate.objects.all(), required=False, allow_null=True)
    building = VisibleRelatedField(queryset=Building.objects.all(), required=False, allow_null=True)
    community = VisibleRelatedField(queryset=Division.objects.all(), required=False, allow_null=True)
    attachments = AssemblyAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Notice
        fields = ["id", "title", "body", "scope", "community", "estate", "building", "posted_on", "ends_on", "motion",
                  "attachments", "withdrawn_at"]
        read_only_fields = ["motion", "withdrawn_at"]

    # As for meetings: the API checks the right to post *there* before the service runs, so a place is needed first.
    PLACE_REQUIRED = {
        "building": ("building", "楼栋公示必须指定楼栋"),
        "estate": ("estate", "小区公示必须指定小区"),
        "community": ("community", "社区公示必须指定社区"),
    }

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if not any(attrs.get(name) for name in ("estate", "building", "community")):
            field, message = self.PLACE_REQUIRED.get(attrs.get("scope"), ("scope", "未知的公示范围"))
            raise serializers.ValidationError({field: _(message)})
        return attrs


class AssemblyWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=150)


class AssemblyPublicNoticeSerializer(serializers.ModelSerializer):
    """A notice of the public board: title and body as selectors.public_notices masks them."""

    attachments = AssemblyAttachmentSerializer(many=True, read_only=True)
    title = serializers.CharField(source="public_title", read_only=True)
    body = serializers.CharField(source="public_body", read_only=True)

    class Meta:
        model = Notice
        fields = ["id", "title", "body", "scope", "posted_on", "ends_on", "attachments"]


class AssemblySelectionEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = SelectionEvent
        fields = ["kind", "data", "motion", "at"]


class AssemblySelectionCaseSerializer(serializers.ModelSerializer):
    estate = VisibleRelatedField(queryset=Estate.objects.all())
    mode = serializers.CharField(read_only=True, help_text="hire | self | ''")
    events = AssemblySelectionEventSerializer(many=True, read_only=True)

    class Meta:
        model = SelectionCase
        fields = ["id", "estate", "kind", "status", "mode", "deadline", "outcome", "opened_at", "closed_at", "events"]
        read_only_fields = ["kind", "status", "mode", "outcome", "opened_at", "closed_at"]


class AssemblyCaseStepSerializer(serializers.Serializer):
    mode = serializers.CharField(required=False, help_text="hire | self")
    motion = key_field(required=False, allow_null=True)
    committee_meeting = key_field(required=False, allow_null=True)
    provider = key_field(required=False, allow_null=True)
    start = serializers.DateField(required=False, allow_null=True)
    contract_end = serializers.DateField(required=False, allow_null=True)
    contract_no = serializers.CharField(required=False, default="", allow_blank=True)


class AssemblyTallyHomeSerializer(serializers.Serializer):
    id = serializers.CharField()
    owner = serializers.CharField()
    area = serializers.CharField()


class AssemblyTallyVoteSerializer(serializers.Serializer):
    owner = serializers.CharField()
    choice = serializers.CharField()


class AssemblyTallySerializer(serializers.Serializer):
    matter = choice_text([(code, code) for code in tally.MATTERS])
    homes = AssemblyTallyHomeSerializer(many=True)
    ballots = AssemblyTallyVoteSerializer(many=True)


class AssemblyTallyResultSerializer(serializers.Serializer):
    quorum_met = serializers.BooleanField()
    approved = serializers.BooleanField()
    threshold = serializers.CharField()
    total_area = serializers.CharField()
    total_owners = serializers.IntegerField()
    voting_area = serializers.CharField()
    voting_owners = serializers.IntegerField()
    for_area = serializers.CharField()
    for_owners = serializers.IntegerField()
    explanation = serializers.CharField()
