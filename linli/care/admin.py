from django.contrib import admin
from django.contrib.admin.utils import unquote

from linli.care import models as m
from linli.care.selectors import log_viewing
from linli.core.admin import ReadOnlyAdmin


class LoggedViewingAdmin(admin.ModelAdmin):
    """Opening a care record in the admin is a viewing like on the care pages, logged against its person (PIPL)."""

    def subject_of(self, obj) -> m.CareSubject:
        raise NotImplementedError

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        # 200 is a rendered record (opened, or a save that failed validation); a saved edit redirects
        # after its GET was logged, and a missing or forbidden object is a redirect or 403.
        if response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                log_viewing(request.user, [self.subject_of(obj)], action="admin_view", path=request.path)
        return response


@admin.register(m.CareSubject)
class CareSubjectAdmin(LoggedViewingAdmin):
    """Sensitive: listed without names; opening one is a viewing like any other (see people's admin log)."""

    list_display = ["pk", "community", "active"]
    raw_id_fields = ["person", "home"]

    def subject_of(self, obj):
        return obj


@admin.register(m.VisitPlan)
class VisitPlanAdmin(LoggedViewingAdmin):
    list_display = ["pk", "frequency", "next_due", "active"]

    def subject_of(self, obj):
        return obj.subject


@admin.register(m.Visit)
class VisitAdmin(ReadOnlyAdmin, LoggedViewingAdmin):
    """Append-only (linli.core.events): a correction is a new visit, recorded on the care pages."""

    list_display = ["pk", "visited_at", "condition"]

    def subject_of(self, obj):
        return obj.subject


@admin.register(m.VisitLink)
class VisitLinkAdmin(ReadOnlyAdmin, LoggedViewingAdmin):
    """Personal visit links: issued and revoked on the care pages (the token itself is never stored)."""

    list_display = ["pk", "expires_at", "revoked_at"]
    exclude = ["token_hash"]

    def subject_of(self, obj):
        return obj.plan.subject
