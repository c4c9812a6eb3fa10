"""Joint meetings (吹哨报到) in the admin: read-mostly, every step goes through linli/meetings/services.py so that the
orders get their events; the admin may only correct the place and the topic."""

from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.core.admin import ReadOnlyInline
from linli.meetings.models import JointMeeting, JointMeetingInvite, JointMeetingOrder, JointMeetingTask


class MeetingInviteInline(ReadOnlyInline):
    model = JointMeetingInvite
    fields = ["department", "invited_at", "reported_at", "late_label", "reported_by", "attendees"]
    readonly_fields = fields

    @admin.display(description=_("到会"))
    def late_label(self, obj):
        if obj.reported_at is None:
            return _("未报到")
        return _("迟到") if obj.late else _("准时")


class MeetingOrderInline(ReadOnlyInline):
    model = JointMeetingOrder
    verbose_name_plural = _("关联工单")
    fields = ["order", "order_status", "added_by", "added_at"]
    readonly_fields = fields

    @admin.display(description=_("工单状态"))
    def order_status(self, obj):
        return obj.order.get_status_display()


class MeetingTaskInline(ReadOnlyInline):
    model = JointMeetingTask
    fields = ["order", "department", "deadline", "order_status", "created_by", "created_at"]
    readonly_fields = fields

    @admin.display(description=_("任务状态"))
    def order_status(self, obj):
        return obj.order.get_status_display() + (_("（超期）") if obj.order.overdue else "")


@admin.register(JointMeeting)
class JointMeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "street", "scheduled_at", "status", "reports", "task_count", "convened_by"]
    list_filter = ["status", "street"]
    list_select_related = ["street", "convened_by"]
    search_fields = ["title", "topic", "minutes", "decisions"]
    date_hierarchy = "scheduled_at"
    fields = ["street", "title", "status", "scheduled_at", "place", "topic", "convened_by", "convened_at",
              "minutes", "decisions", "held_at", "closed_at"]
    readonly_fields = ["street", "title", "status", "scheduled_at", "convened_by", "convened_at", "minutes",
                       "decisions", "held_at", "closed_at"]
    inlines = [MeetingInviteInline, MeetingOrderInline, MeetingTaskInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            n_invites=Count("invites", distinct=True),
            n_reported=Count("invites", filter=Q(invites__reported_at__isnull=False), distinct=True),
            n_tasks=Count("tasks", distinct=True),
        )

    @admin.display(description=_("部门报到"))
    def reports(self, obj):
        return f"{obj.n_reported}/{obj.n_invites}"

    @admin.display(description=_("交办任务"), ordering="n_tasks")
    def task_count(self, obj):
        return obj.n_tasks

    def view_on_site(self, obj):
        return reverse("meetings:meeting_detail", args=[obj.pk])

    def has_add_permission(self, request):
        return False  # convened on the page, which invites and notifies the departments

    def has_delete_permission(self, request, obj=None):
        return False
