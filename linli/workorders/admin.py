from django.contrib import admin

from linli.core.admin import EventInline, MemoClearingAdmin, ReadOnlyAdmin
from linli.workorders import summary
from linli.workorders.calendar import forget_holidays
from linli.workorders.models import (
    DailyFigures,
    DailyRates,
    Holiday,
    RoutingRule,
    SummaryMark,
    TimeLimit,
    WorkOrder,
    WorkOrderEvent,
)
from linli.workorders.routing import rules_memo
from linli.workorders.services import limits_memo

# The order's columns that only the services change (each change writes a WorkOrderEvent): intake, dispatch,
# acceptance, reply, callback, closing, reclassifying, merging, extensions, the sweep's reminders and overdue flags.
SERVICE_FIELDS = [
    "code", "channel", "status", "category", "subcategory", "tier", "level", "urgent", "needs_triage", "triage",
    "assignee_org", "assignee_user", "duplicate_of", "received_at", "dispatched_at", "accepted_at", "replied_at",
    "closed_at", "accept_due", "reply_due", "source_reply_due", "reminded", "overdue", "supervised",
    "extension_pending", "reopen_count", "reply_text", "reached", "solved", "satisfaction", "created_by", "created_at",
]


class WorkOrderEventInline(EventInline):
    model = WorkOrderEvent
    fields = ["at", "kind", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields


@admin.register(WorkOrder)
class WorkOrderAdmin(admin.ModelAdmin):
    """Corrections of what was reported (text, contact, place) only. Everything the services change — status,
    assignee, deadlines, triage, the callback's satisfaction — is read-only here, because a change there writes an
    event that the admin would not; orders are neither added nor deleted here (intake writes the first event)."""

    list_display = ["code", "channel", "status", "category", "tier", "level", "urgent", "assignee_org", "received_at"]
    list_filter = ["status", "channel", "tier", "level", "urgent", "overdue"]
    search_fields = ["code", "external_id", "text", "title"]
    raw_id_fields = ["reporter", "estate", "building", "home", "community", "street"]
    readonly_fields = SERVICE_FIELDS
    inlines = [WorkOrderEventInline]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        """A corrected street or community moves the order in the work-in-hand summary."""
        before = summary.key_of(WorkOrder.objects.get(pk=obj.pk)) if obj.pk else None
        super().save_model(request, obj, form, change)
        summary.moved(obj, before=before)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RoutingRule)
class RoutingRuleAdmin(MemoClearingAdmin):
    memos = (rules_memo,)
    list_display = ["street", "priority", "category", "level", "mode", "target", "organization"]
    list_filter = ["street", "target"]


@admin.register(TimeLimit)
class TimeLimitAdmin(MemoClearingAdmin):
    memos = (limits_memo,)
    list_display = ["street", "category", "urgent", "accept_hours", "reply_working_days", "reply_hours"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "is_workday"]
    list_filter = ["is_workday"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget_holidays()



@admin.register(DailyFigures, DailyRates, SummaryMark)
class SummaryAdmin(ReadOnlyAdmin):
    """The daily summary: written by its job and ``linli dashboard rebuild`` only (linli/workorders/daily.py)."""
