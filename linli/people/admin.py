from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from linli.core.admin import EventAdmin, ReadOnlyAdmin
from linli.people import permissions
from linli.people.actors import SYSTEM_USERNAME, system_memo
from linli.people.api_auth import forget_api_keys
from linli.people.models import (
    AccessLog,
    ApiKey,
    AuditEvent,
    HouseholdInvitation,
    Membership,
    Occupancy,
    Organization,
    Person,
    Post,
    User,
)
from linli.people.scopes import forget_scopes
from linli.people.services import log_sensitive_access


class ForgetsScopes:
    """The admin of rows a user's scope is made of (linli/people/scopes.py): each write makes every cached scope
    be built afresh at its next use."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget_scopes()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # the account's memberships (inline)
        forget_scopes()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        forget_scopes()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        forget_scopes()


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["division", "estate", "cluster", "organization"]


@admin.register(User)
class UserAdmin(ForgetsScopes, BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (("邻里", {"fields": ("display_name", "person")}),)
    list_display = ["username", "display_name", "is_active", "is_staff", "last_login"]
    autocomplete_fields = ["person"]
    inlines = [MembershipInline]

    # The API keys of an account are cached with the account (linli/people/api_auth.py): a deactivated account,
    # a changed superuser flag or person is seen by the next request.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget_api_keys(user=obj)
        if obj.username == SYSTEM_USERNAME:
            system_memo.clear()  # system_actor() keeps the account per process (linli/people/actors.py)

    def delete_model(self, request, obj):
        forget_api_keys(user=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            forget_api_keys(user=user)
        super().delete_queryset(request, queryset)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "phone"]
    search_fields = ["name", "initials", "phone"]

    def get_search_fields(self, request):
        # Phone digits are searched only by those who may see full numbers (linli/people/permissions.py).
        fields = super().get_search_fields(request)
        return fields if permissions.can_search_by_phone(request.user) else [f for f in fields if f != "phone"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The admin form shows the sensitive flags: log the viewing as the pages do (PIPL).
        person = self.get_object(request, object_id)
        if person is not None and person.has_sensitive_flags:
            log_sensitive_access(user=request.user, person=person, action="admin_view", path=request.path)
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Occupancy)
class OccupancyAdmin(ForgetsScopes, admin.ModelAdmin):
    list_display = ["person", "home", "relation", "start", "end"]
    list_filter = ["relation"]
    autocomplete_fields = ["person", "home"]
    list_select_related = ["person", "home__building"]


@admin.register(Organization)
class OrganizationAdmin(ForgetsScopes, admin.ModelAdmin):
    list_display = ["name", "kind", "ownership", "field", "division", "estate"]
    list_filter = ["kind", "ownership", "field"]
    search_fields = ["name", "initials"]
    autocomplete_fields = ["division", "estate"]


@admin.register(Post)
class PostAdmin(ForgetsScopes, admin.ModelAdmin):
    list_display = ["person", "organization", "title", "capacity", "starts_on", "ends_on"]
    list_filter = ["title", "capacity", "organization__kind"]
    search_fields = ["person__name", "organization__name"]
    autocomplete_fields = ["person", "organization"]


@admin.register(Membership)
class MembershipAdmin(ForgetsScopes, admin.ModelAdmin):
    list_display = ["user", "role", "division", "estate", "cluster", "organization"]
    list_filter = ["role"]
    autocomplete_fields = ["user", "division", "estate", "cluster", "organization"]


@admin.register(AccessLog)
class AccessLogAdmin(EventAdmin):
    list_display = ["at", "actor", "person", "kind", "path"]


@admin.register(AuditEvent)
class AuditEventAdmin(EventAdmin):
    list_display = ["at", "username", "kind", "target", "count", "ip", "path"]
    search_fields = ["username", "target"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "read_only", "expires_at", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False  # keys are created with `linli apikey create`, which shows the key once

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget_api_keys(keys=[obj])  # a revoked, expired or read-only key counts from the next request

    def delete_model(self, request, obj):
        forget_api_keys(keys=[obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        forget_api_keys(keys=list(queryset))
        super().delete_queryset(request, queryset)


@admin.register(HouseholdInvitation)
class HouseholdInvitationAdmin(ReadOnlyAdmin):
    """Invitations change through the household page (linli/people/household.py), which audits them."""

    list_display = ("home", "name", "masked_phone", "invited_by", "created_at", "expires_at", "accepted_at",
                    "revoked_at")
    fields = ("home", "name", "invited_by", "created_at", "expires_at", "accepted_at", "person", "revoked_at")
    list_select_related = ("home__building", "invited_by")
    raw_id_fields = ("home", "person", "invited_by")
