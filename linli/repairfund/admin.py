"""The repair fund in the admin site: read-only. Money changes only through the services (pages, API)."""

from django.contrib import admin

from linli.core.admin import EventAdmin, ReadOnlyAdmin

from .models import Account, Application, FundEvent, Movement, SellerCharge, Share, Stage


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["estate", "holder", "rate", "first_amount", "opened_on", "seq"]


@admin.register(Movement)
class MovementAdmin(ReadOnlyAdmin):
    list_display = ["account", "seq", "home", "kind", "amount", "occurred_on"]
    list_filter = ["kind"]
    raw_id_fields = ["home"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["title", "account", "estimate", "status", "emergency", "created_at"]
    list_filter = ["status"]


@admin.register(Stage)
class StageAdmin(ReadOnlyAdmin):
    list_display = ["application", "number", "amount", "accepted_at", "paid_at"]


@admin.register(Share)
class ShareAdmin(ReadOnlyAdmin):
    list_display = ["account", "home", "area", "due", "kind", "seller", "seller_deposit"]
    list_filter = ["kind"]
    raw_id_fields = ["home"]


admin.site.register(FundEvent, EventAdmin)


@admin.register(SellerCharge)
class SellerChargeAdmin(ReadOnlyAdmin):
    list_display = ["application", "stage", "home", "seller", "amount", "occurred_on"]
    raw_id_fields = ["home"]
