from django.contrib import admin

from linli.core.admin import EventAdmin
from linli.services import models as m

admin.site.register(m.OrderEvent, EventAdmin)

for model in (m.Provider, m.Offering, m.ResidentOrder, m.Parcel):
    admin.site.register(model, type(f"{model.__name__}Admin", (admin.ModelAdmin,), {"raw_id_fields": [
        f.name for f in model._meta.fields if f.is_relation and f.related_model.__name__ in ("Person", "Home")]}))
