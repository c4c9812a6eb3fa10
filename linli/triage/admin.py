from django.contrib import admin

from linli.core.admin import MemoClearingAdmin
from linli.triage.models import StreetSubcategory, TaxonomyChange, TriageCorrection
from linli.triage.services import overrides_memo


@admin.register(StreetSubcategory)
class StreetSubcategoryAdmin(MemoClearingAdmin):
    memos = (overrides_memo,)
    list_display = ["street", "code", "name", "tier", "level", "limit_hours"]
    list_filter = ["tier", "level"]
    search_fields = ["code", "name", "street__name"]
    readonly_fields = ["street", "code", "category", "category_name", "updated_by", "updated_at"]


@admin.register(TaxonomyChange)
class TaxonomyChangeAdmin(admin.ModelAdmin):
    list_display = ["item", "actor", "at"]

    def has_change_permission(self, request, obj=None):
        return False  # append-only

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TriageCorrection)
class TriageCorrectionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "street", "predicted_subcategory", "subcategory", "created_by"]
    list_filter = ["subcategory"]
    search_fields = ["text"]

    def has_change_permission(self, request, obj=None):
        return False  # append-only: a wrong correction is corrected by a newer one

    def has_delete_permission(self, request, obj=None):
        return False
