"""Gatekeepers shared by pages and the API.

One answer for "forbidden" and "does not exist" when a user may not see a thing (404); 403 only
when the user may see it but not change it (a read-only role).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from linli.people.scopes import scope_for


def get_visible_or_404(queryset_or_model, user, **lookup):
    """The object if ``user`` may see it, else 404 — strangers learn nothing."""
    qs = getattr(queryset_or_model, "objects", queryset_or_model)
    try:
        return qs.visible_to(user).get(**lookup)
    except (qs.model.DoesNotExist, ValueError):
        raise Http404 from None


def member_required(view):
    """A signed-in user with at least one role or home; anyone else gets 404."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not scope_for(request.user).is_member:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def staff_required(view):
    """Pages for people who serve estates (not for residents or strangers): 404 otherwise."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not scope_for(request.user).is_staff_member:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def require_registry_admin(user) -> None:
    """Raise 403 unless the user may change the registry somewhere."""
    if not scope_for(user).is_registry_admin:
        raise PermissionDenied(_("只读角色不能修改登记信息"))


def require_estate_writer(user, estate) -> None:
    if not scope_for(user).can_write_estate(estate):
        raise PermissionDenied(_("您无权修改该小区的登记信息"))


def require_division_writer(user, division) -> None:
    if not scope_for(user).can_write_division(division):
        raise PermissionDenied(_("您无权修改该区划的登记信息"))
