from django.contrib import admin

from linli.core.admin import EventAdmin
from linli.services import models as m

admin.site.register(m.OrderEvent, EventAdmin)



@admin.register(m.ResidentOrder)
class ResidentOrderAdmin(admin.ModelAdmin):
    """Shown, not changed: an order moves (accepted, done, cancelled) only through the services, which write its
    OrderEvent; the amount is what the resident was told."""

    list_display = ["offering", "estate", "status", "placed_at"]
    list_filter = ["status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model in (m.Provider, m.Offering, m.Parcel):
    admin.site.register(model, type(f"{model.__name__}Admin", (admin.ModelAdmin,), {"raw_id_fields": [
        f.name for f in model._meta.fields if f.is_relation and f.related_model.__name__ in ("Person", "Home")]}))
