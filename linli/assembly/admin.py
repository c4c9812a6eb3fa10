"""Admin: read-only views of the append-only rows; state changes go through the pages and services."""

from django.contrib import admin

from linli.assembly import models
from linli.core.admin import EventAdmin, ReadOnlyAdmin


@admin.register(models.Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "level", "division", "estate", "held_on", "status")
    list_filter = ("kind", "level", "status")


@admin.register(models.Motion)
class MotionAdmin(ReadOnlyAdmin):
    list_display = ("title", "estate", "matter", "status", "approved", "closes_at")
    list_filter = ("matter", "status")


@admin.register(models.Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ("title", "scope", "estate", "community", "posted_on", "ends_on")


@admin.register(models.SelectionCase)
class SelectionCaseAdmin(ReadOnlyAdmin):
    list_display = ("estate", "kind", "status", "deadline")


# Ballots and their history are not in the admin at all: on a secret vote nobody but the count sees a choice.
for model in (models.MotionEvent, models.MeetingEvent, models.SelectionEvent):
    admin.site.register(model, EventAdmin)
