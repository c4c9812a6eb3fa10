"""Admin building blocks shared by the apps."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown in the admin, never added, changed or deleted there: logs, ledgers and events change only through the
    services (pages, API, commands), which write their own events."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventAdmin(ReadOnlyAdmin):
    """An append-only model (linli.core.events) in the admin: its rows listed newest first, never edited."""

    list_display = ["at", "kind", "actor"]
    list_filter = ["kind"]
    list_select_related = ["actor"]
    date_hierarchy = "at"


class ReadOnlyInline(admin.TabularInline):
    """Rows shown under an object in the admin, never added, changed or deleted there (they change through the
    services)."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    """The events of an object, under it in the admin."""


class MemoClearingAdmin(admin.ModelAdmin):
    """The admin of rows kept in a shared memo (linli/core/memo.py): saving or deleting one clears ``memos``, as the
    services that write such rows do (no signals)."""

    memos: tuple = ()

    def _forget(self) -> None:
        for memo in self.memos:
            memo.clear()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._forget()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._forget()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self._forget()
