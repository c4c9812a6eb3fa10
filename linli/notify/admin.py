from django.contrib import admin

from linli.core.admin import EventAdmin, EventInline, ReadOnlyAdmin

from .models import Delivery, DeliveryAttempt, JobRun, Notification


class AttemptInline(EventInline):
    model = DeliveryAttempt
    fields = ("at", "kind", "code", "message")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "channel", "status", "attempts", "last_code", "sent_at")
    list_filter = ("channel", "status")
    exclude = ("address",)  # the phone / openid / address stays out of the admin's lists (PIPL)
    inlines = [AttemptInline]


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(EventAdmin):
    list_display = ("at", "delivery", "kind", "code")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "kind", "title", "read_at")
    list_filter = ("kind",)


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = ("name", "period_start", "started_at", "finished_at", "result")
    list_filter = ("name",)
