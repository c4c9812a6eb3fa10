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


# -- owners' committees and 物业管理委员会 (issue 19): read-only; terms, seats and filings change through the services.
@admin.register(models.Committee)
class CommitteeAdmin(ReadOnlyAdmin):
    list_display = ("estate", "kind", "number", "term_starts", "term_ends", "filed_on", "dissolved_on")
    list_filter = ("kind",)


@admin.register(models.CommitteeDocument)
class CommitteeDocumentAdmin(ReadOnlyAdmin):
    list_display = ("committee", "kind", "title", "uploaded_at")


@admin.register(models.CommitteeCandidate)
class CommitteeCandidateAdmin(ReadOnlyAdmin):
    list_display = ("motion", "person", "title", "position")


admin.site.register(models.CommitteeEvent, EventAdmin)


# -- issue 19 (review): committee drafts, owners' proposals, requests for an assembly (read-only) ---------------
@admin.register(models.NoticeDraft)
class NoticeDraftAdmin(ReadOnlyAdmin):
    list_display = ("title", "estate", "status", "submitted_at", "reviewed_at")
    list_filter = ("status",)


@admin.register(models.AssemblyRequest)
class AssemblyRequestAdmin(ReadOnlyAdmin):
    list_display = ("matter", "estate", "status", "started_at", "reached_at")
    list_filter = ("status",)


# Proposals name their owner and signatures their signer: not in the admin (the pages mask or limit them).
for model in (models.NoticeDraftEvent, models.AssemblyRequestEvent):
    admin.site.register(model, EventAdmin)


# -- surveys (issue 19 item 5): shown read-only; answers are append-only rows (corrections supersede) --
@admin.register(models.Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ("title", "scope", "estate", "community", "opens_on", "closes_on", "published_at", "closed_at")
    list_filter = ("scope",)


admin.site.register(models.SurveyResponse, EventAdmin)


# -- issue 19 (helper "linkage"): the three-way series and matters passed up, read-only like the meetings ----------


@admin.register(models.MeetingSeries)
class MeetingSeriesAdmin(ReadOnlyAdmin):
    list_display = ("title", "estate", "kind", "cadence", "weekday", "next_on", "active")
    list_filter = ("kind", "cadence", "active")


@admin.register(models.Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ("text", "from_meeting", "target", "to_meeting", "joint_meeting_ref", "referred_at")
    list_filter = ("target",)

# issue 19 (reach): the committees' quarterly ratings (append-only: a correction is a new row)
@admin.register(models.ServiceRating)
class ServiceRatingAdmin(ReadOnlyAdmin):
    list_display = ("estate", "company", "year", "quarter", "overall", "rated_by", "rated_at", "supersedes")
    list_filter = ("year", "quarter")
