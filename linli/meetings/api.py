"""API of joint meetings (吹哨报到); registered by linli/api_urls.py.

    GET  /api/v1/joint-meetings/                    meetings the caller sees
    POST /api/v1/joint-meetings/                    convene (street admins of that street)
    GET  /api/v1/joint-meetings/{id}/               one meeting with invites, orders, tasks
    POST /api/v1/joint-meetings/{id}/invite/        {"departments": [id, …]}
    POST /api/v1/joint-meetings/{id}/orders/        {"orders": [code, …]}
    POST /api/v1/joint-meetings/{id}/report/        {"department": id, "attendees": "…"}  (the department's people)
    POST /api/v1/joint-meetings/{id}/minutes/       {"minutes": "…", "decisions": "…"}
    POST /api/v1/joint-meetings/{id}/tasks/         {"department": id, "text": "…", "deadline": "2026-12-01", "about": code}
    POST /api/v1/joint-meetings/{id}/close/         {"note": "…"}

The same service functions as the pages (linli.meetings.services); stranger 404, read-only roles 403.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from linli.core.api import ScopedViewSet, key_field
from linli.meetings import permissions
from linli.meetings import services as svc
from linli.meetings.models import JointMeeting, JointMeetingInvite
from linli.people.models import Organization
from linli.places.models import Division
from linli.workorders.api import StaffOnly
from linli.workorders.models import Tier, WorkOrder

# -- serializers ---------------------------------------------------------------------------------------------


class InviteSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)
    absent = serializers.BooleanField(read_only=True, help_text="缺席: not reported when the minutes were recorded")

    class Meta:
        model = JointMeetingInvite
        fields = ["id", "department", "department_name", "invited_at", "reported_at", "attendees", "absent"]


class MeetingOrderSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="order.id")
    code = serializers.CharField(source="order.code")
    status = serializers.CharField(source="order.status")


class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField(source="order.id")
    code = serializers.CharField(source="order.code")
    status = serializers.CharField(source="order.status")
    department = serializers.IntegerField(source="department_id")
    deadline = serializers.DateField()


class MeetingSerializer(serializers.ModelSerializer):
    street = serializers.SlugRelatedField(slug_field="code", queryset=Division.objects.filter(level="street"))
    orders = serializers.ListField(child=serializers.CharField(), write_only=True, required=False)
    departments = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.filter(kind="department"), many=True, write_only=True, required=False)
    invites = InviteSerializer(many=True, read_only=True)
    linked_orders = MeetingOrderSerializer(source="links", many=True, read_only=True)
    tasks = TaskSerializer(many=True, read_only=True)
    flags = serializers.ListField(child=serializers.CharField(), read_only=True,
                                  help_text="minutes_early, closed_early, absent (docs/workorders-meetings-and-rates.md)")

    class Meta:
        model = JointMeeting
        fields = ["id", "street", "title", "topic", "scheduled_at", "place", "status", "convened_at", "minutes",
                  "decisions", "held_at", "closed_at", "flags", "orders", "departments", "invites", "linked_orders",
                  "tasks"]
        read_only_fields = ["status", "convened_at", "minutes", "decisions", "held_at", "closed_at"]


class InviteInput(serializers.Serializer):
    departments = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.filter(kind="department"),
                                                     many=True)


class OrdersInput(serializers.Serializer):
    orders = serializers.ListField(child=serializers.CharField(), min_length=1)


class ReportInput(serializers.Serializer):
    department = key_field()
    attendees = serializers.CharField(required=False, allow_blank=True, default="")


class MinutesInput(serializers.Serializer):
    minutes = serializers.CharField()
    decisions = serializers.CharField(required=False, allow_blank=True, default="")


class TaskInput(serializers.Serializer):
    department = key_field()
    text = serializers.CharField()
    deadline = serializers.DateField()
    title = serializers.CharField(required=False, allow_blank=True, default="")
    about = serializers.CharField(required=False, allow_blank=True, default="", help_text="关联工单编号")
    tier = serializers.ChoiceField(choices=Tier.choices, default=Tier.HARD)


class CloseInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


# -- views ---------------------------------------------------------------------------------------------------


def _orders(user, codes) -> list[WorkOrder]:
    found = {o.code: o for o in WorkOrder.objects.visible_to(user).filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise exceptions.ValidationError({"orders": [_("找不到工单：%(codes)s") % {"codes": "、".join(missing)}]})
    return [found[c] for c in codes]


class JointMeetingViewSet(ScopedViewSet):
    """吹哨报到 joint meetings: convene, invite, report, minutes, tasks, close. The services' refusals are answered
    by linli.core.api.exception_handler (400 invalid, 403 not allowed, 409 a step the meeting's status refuses)."""

    queryset = JointMeeting.objects.select_related("street").prefetch_related(
        "invites__department", "links__order", "tasks__order")
    serializer_class = MeetingSerializer
    permission_classes = [StaffOnly]
    filterset_fields = ["status", "street"]
    may_conflict = True

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not permissions.can_convene(request.user, data["street"]):
            raise exceptions.PermissionDenied(_("只有本街道的管理员可以召集吹哨报到会议"))
        meeting = svc.meeting_convene(street=data["street"], title=data["title"], topic=data.get("topic", ""),
                                      scheduled_at=data["scheduled_at"], place=data.get("place", ""),
                                      orders=_orders(request.user, data.get("orders", [])),
                                      departments=data.get("departments", []), actor=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=meeting.pk)).data,
                        status=status.HTTP_201_CREATED)

    def _answer(self, meeting):
        return Response(self.get_serializer(self.get_queryset().get(pk=meeting.pk)).data)

    def _managed(self):
        meeting = self.get_object()
        if not permissions.can_manage_meeting(self.request.user, meeting):
            raise exceptions.PermissionDenied(_("您无权对该会议执行此操作"))
        return meeting

    @extend_schema(request=InviteInput, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        meeting = self._managed()
        data = InviteInput(data=request.data)
        data.is_valid(raise_exception=True)
        svc.meeting_invite(meeting=meeting, departments=data.validated_data["departments"], actor=request.user)
        return self._answer(meeting)

    @extend_schema(request=OrdersInput, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def orders(self, request, pk=None):
        meeting = self._managed()
        data = OrdersInput(data=request.data)
        data.is_valid(raise_exception=True)
        svc.meeting_link_orders(meeting=meeting, orders=_orders(request.user, data.validated_data["orders"]),
                                actor=request.user)
        return self._answer(meeting)

    @extend_schema(request=ReportInput, responses=InviteSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        meeting = self.get_object()
        data = ReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        invite = meeting.invites.filter(department_id=data.validated_data["department"]).first()
        if invite is None:
            raise exceptions.ValidationError({"department": [_("该部门未被邀请")]})
        if not permissions.can_report(request.user, invite):
            raise exceptions.PermissionDenied(_("只有被邀请部门的人员可以报到"))
        invite = svc.meeting_report(invite=invite, actor=request.user, attendees=data.validated_data["attendees"])
        return Response(InviteSerializer(invite).data)

    @extend_schema(request=MinutesInput, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def minutes(self, request, pk=None):
        meeting = self._managed()
        data = MinutesInput(data=request.data)
        data.is_valid(raise_exception=True)
        svc.meeting_record_minutes(meeting=meeting, actor=request.user, **data.validated_data)
        return self._answer(meeting)

    @extend_schema(request=TaskInput, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def tasks(self, request, pk=None):
        meeting = self._managed()
        data = TaskInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        department = Organization.objects.filter(pk=v["department"], kind="department").first()
        if department is None:
            raise exceptions.ValidationError({"department": [_("未知的部门")]})
        about = _orders(request.user, [v["about"]])[0] if v["about"] else None
        task = svc.meeting_add_task(meeting=meeting, department=department, text=v["text"],
                                    deadline=v["deadline"], title=v["title"], about=about, tier=v["tier"],
                                    actor=request.user)
        return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CloseInput, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        meeting = self._managed()
        data = CloseInput(data=request.data)
        data.is_valid(raise_exception=True)
        svc.meeting_close(meeting=meeting, actor=request.user, note=data.validated_data["note"])
        return self._answer(meeting)


def register(router):
    router.register("joint-meetings", JointMeetingViewSet, basename="joint-meeting")
