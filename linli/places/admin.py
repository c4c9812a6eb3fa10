from django.contrib import admin

from linli.core.admin import EventAdmin
from linli.places.models import Building, Cluster, Division, Estate, Home, Stewardship, StewardshipEvent


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code", "initials"]
    autocomplete_fields = ["parent"]


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["name", "street"]
    search_fields = ["name", "initials"]
    autocomplete_fields = ["street"]


class StewardshipInline(admin.TabularInline):
    model = Stewardship
    fk_name = "estate"
    extra = 0
    can_delete = False
    fields = ["mode", "provider", "lead_estate", "start", "end", "contract_no", "contract_end", "basis_kind",
              "basis_ref", "basis", "corrected_by"]
    readonly_fields = fields  # history is changed only through stewardship_change (the estate page)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Estate)
class EstateAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "cluster", "kind", "governance", "built_year"]
    list_filter = ["kind", "governance"]
    search_fields = ["name", "initials", "address"]
    autocomplete_fields = ["community", "cluster"]
    inlines = [StewardshipInline]


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ["number", "estate", "floors", "built_year"]
    search_fields = ["number", "estate__name"]
    autocomplete_fields = ["estate"]


@admin.register(Home)
class HomeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "estate", "entrance", "floor", "number", "area"]
    search_fields = ["number", "estate__name"]
    autocomplete_fields = ["building"]
    list_select_related = ["building", "estate"]


@admin.register(Stewardship)
class StewardshipAdmin(admin.ModelAdmin):
    list_display = ["estate", "mode", "provider", "start", "end", "contract_end", "basis_kind", "corrected_by"]
    list_filter = ["mode", "basis_kind"]
    search_fields = ["estate__name", "provider__name"]
    list_select_related = ["estate", "provider"]

    def has_change_permission(self, request, obj=None):
        return False  # append-only: a change is a new row through stewardship_change

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StewardshipEvent)
class StewardshipEventAdmin(EventAdmin):
    list_display = ["at", "kind", "actor", "stewardship"]
    list_select_related = ["actor", "stewardship__estate"]
