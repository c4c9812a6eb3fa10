"""Fees in the admin site: read-only. Money changes only through the services (pages, API, CLI)."""

from django.contrib import admin

from linli.core.admin import EventAdmin, ReadOnlyAdmin

from .models import Bill, BillingRun, FeeEvent, FeePlan, LedgerEntry, Payment, Relief


@admin.register(FeePlan)
class FeePlanAdmin(ReadOnlyAdmin):
    list_display = ["name", "estate", "cluster", "basis", "rate", "frequency", "effective_from", "decision"]
    list_filter = ["basis", "frequency"]


@admin.register(Bill)
class BillAdmin(ReadOnlyAdmin):
    list_display = ["home", "period", "amount", "relief", "paid", "outstanding"]
    list_filter = ["period"]
    raw_id_fields = ["home"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["receipt_no", "home", "amount", "method", "paid_on", "voided_at"]
    search_fields = ["receipt_no", "idempotency_key"]


@admin.register(Relief)
class ReliefAdmin(ReadOnlyAdmin):
    list_display = ["home", "kind", "value", "start", "end", "reason", "approved_by", "revoked_at"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["estate", "seq", "occurred_on", "direction", "category", "amount", "approved_by"]
    list_filter = ["direction", "category"]


@admin.register(BillingRun)
class BillingRunAdmin(ReadOnlyAdmin):
    list_display = ["period", "estate", "status", "total_homes", "bills_created", "started_at"]


@admin.register(FeeEvent)
class FeeEventAdmin(EventAdmin):
    list_display = ["at", "kind", "estate", "actor"]
