from django.contrib import admin

from linli.core.admin import EventAdmin, ReadOnlyAdmin
from linli.facilities import models as m


@admin.register(m.Facility)
class FacilityAdmin(ReadOnlyAdmin):
    """Shown only: facilities are registered, recorded and retired through the services (their events)."""

    list_display = ["name", "estate", "kind", "status", "inspection_due"]
    list_filter = ["kind", "status"]


admin.site.register(m.FacilityRecord, ReadOnlyAdmin)
admin.site.register(m.FacilityFault, ReadOnlyAdmin)
admin.site.register(m.FacilityEvent, EventAdmin)
