from django.contrib import admin

from linli.workorders.models import (
    Holiday,
    Notification,
    RoutingRule,
    TimeLimit,
    WorkOrder,
    WorkOrderEvent,
)


class EventInline(admin.TabularInline):
    model = WorkOrderEvent
    extra = 0
    can_delete = False
    fields = ["at", "type", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WorkOrder)
class WorkOrderAdmin(admin.ModelAdmin):
    list_display = ["code", "channel", "status", "category", "tier", "level", "urgent", "assignee_org", "received_at"]
    list_filter = ["status", "channel", "tier", "level", "urgent", "overdue"]
    search_fields = ["code", "external_id", "text", "title"]
    raw_id_fields = ["reporter", "estate", "building", "home", "community", "street", "assignee_org", "assignee_user",
                     "duplicate_of", "created_by"]
    readonly_fields = ["code", "status"]
    inlines = [EventInline]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["street", "priority", "category", "level", "mode", "target", "organization"]
    list_filter = ["street", "target"]


@admin.register(TimeLimit)
class TimeLimitAdmin(admin.ModelAdmin):
    list_display = ["street", "category", "urgent", "accept_hours", "reply_working_days", "reply_hours"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "is_workday"]
    list_filter = ["is_workday"]

    def save_model(self, request, obj, form, change):
        from linli.workorders.calendar import forget_holidays

        super().save_model(request, obj, form, change)
        forget_holidays()


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "title", "read_at"]
