"""The API's permission classes (settings: DEFAULT_PERMISSION_CLASSES), kept apart from linli.core.api so that
DRF can load them while linli.core.api itself imports DRF's views."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from linli.core.access import scope_for


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

    message = _("只读角色不能修改登记信息")

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return scope_for(request.user).is_registry_admin
