from django.contrib import admin

from linli.core.admin import EventAdmin

from .models import Answer, Comment, EmergencyService, Project, ProjectEstate, ProjectEvent, ProjectFacility


class ProjectEstateInline(admin.TabularInline):
    model = ProjectEstate
    extra = 0
    raw_id_fields = ("estate", "stewardship", "fee_plan")


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("title", "estate", "stage", "created_at")
    list_filter = ("stage",)
    raw_id_fields = ("estate", "survey", "created_by")
    inlines = [ProjectEstateInline]


@admin.register(ProjectEvent)
class ProjectEventAdmin(EventAdmin):
    list_display = ("project", "kind", "at", "actor")


@admin.register(ProjectFacility)
class ProjectFacilityAdmin(admin.ModelAdmin):
    list_display = ("project", "facility", "action", "created_at")
    raw_id_fields = ("project", "facility", "created_by")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("project", "estate", "at")
    raw_id_fields = ("project", "estate", "author")


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ("comment", "at")
    raw_id_fields = ("comment", "author")


@admin.register(EmergencyService)
class EmergencyServiceAdmin(admin.ModelAdmin):
    list_display = ("estate", "stewardship", "reminded_at")
    raw_id_fields = ("estate", "stewardship", "selection_case", "notice", "created_by")
