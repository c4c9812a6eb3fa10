"""API building blocks shared by every app's ``api.py``."""

import copy

from django.http import Http404
from rest_framework import permissions

from linli.people.scopes import scope_for


class IsMember(permissions.BasePermission):
    """Signed in (session or API key) and serving or living somewhere; strangers get 404."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if not scope_for(request.user).is_member:
            raise Http404
        return True


class RegistryWrite(IsMember):
    """Reads for members in scope; writes only for registry admins (others get 403)."""

    message = "只读角色不能修改登记信息"

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return scope_for(request.user).is_registry_admin


class ScopedViewSetMixin:
    """Limits every queryset to ``Model.objects.visible_to(request.user)``."""

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)


class CachedFieldsMixin:
    """Build a serializer class's fields once per process and give each instance a copy.

    DRF builds a ModelSerializer's fields from the model on every instance; on a busy endpoint (the work-order
    intake) that costs more than the rest of the request. Only for serializers whose fields do not depend on the
    instance or the context (a field may still read the context when it runs, e.g. a scoped queryset).
    """

    def get_fields(self):
        cls = type(self)
        cached = cls.__dict__.get("_linli_fields")
        if cached is None:
            cached = super().get_fields()
            cls._linli_fields = cached
        return copy.deepcopy(cached)
