from django.contrib import admin

from linli.core.admin import MemoClearingAdmin, ReadOnlyAdmin
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
class TaxonomyChangeAdmin(ReadOnlyAdmin):
    list_display = ["item", "actor", "at"]


@admin.register(TriageCorrection)
class TriageCorrectionAdmin(ReadOnlyAdmin):
    """Append-only: a wrong correction is corrected by a newer one."""

    list_display = ["at", "street", "predicted_subcategory", "subcategory", "actor"]
    list_filter = ["subcategory"]
    search_fields = ["text"]
