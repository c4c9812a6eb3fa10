from django.contrib import admin

from linli.core.admin import ReadOnlyAdmin
from linli.volunteers import models as m


@admin.register(m.Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "community"]
    list_filter = ["kind"]


@admin.register(m.Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    list_display = ["person", "community", "badge", "active"]
    list_filter = ["badge", "active"]
    raw_id_fields = ["person"]


@admin.register(m.Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "community", "starts_at", "status"]
    list_filter = ["kind", "status"]


@admin.register(m.Reward)
class RewardAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "community", "cost", "stock", "active"]


for model in (m.PointsEntry, m.Redemption, m.Participation, m.WishEvent, m.Match):
    admin.site.register(model, ReadOnlyAdmin)

@admin.register(m.Wish)
class WishAdmin(admin.ModelAdmin):
    """Corrections of what was written (title, detail, category) only: every step of a wish — checked, claimed,
    fulfilled — is a service that writes a WishEvent, so the admin shows those columns read-only and adds or deletes
    no wish."""

    list_display = ["title", "community", "status", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["community", "estate", "beneficiary", "source", "status", "entered_by", "created_at",
                       "checked_by", "checked_at", "reject_reason", "claimed_by_user", "claimed_by_org", "claimed_at",
                       "claim_due", "fulfilled_at", "photo", "fulfil_note", "thanks"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model in (m.BoardEntry, m.Offer, m.Need):
    admin.site.register(model, type(f"{model.__name__}Admin", (admin.ModelAdmin,), {"raw_id_fields": [
        f.name for f in model._meta.fields if f.is_relation and f.related_model.__name__ in ("Person", "Home")]}))
