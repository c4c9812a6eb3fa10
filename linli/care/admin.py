from django.contrib import admin

from linli.care import models as m


@admin.register(m.CareSubject)
class CareSubjectAdmin(admin.ModelAdmin):
    """Sensitive: listed without names; opening one is a viewing like any other (see people's admin log)."""

    list_display = ["pk", "community", "active"]
    raw_id_fields = ["person", "home"]


@admin.register(m.VisitPlan)
class VisitPlanAdmin(admin.ModelAdmin):
    list_display = ["pk", "frequency", "next_due", "active"]


@admin.register(m.Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["pk", "visited_at", "condition"]

    def has_delete_permission(self, request, obj=None):
        return False
