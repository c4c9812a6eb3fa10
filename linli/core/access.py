"""Gatekeepers shared by pages and the API.

One answer for "forbidden" and "does not exist" when a user may not see a thing (404); 403 only
when the user may see it but not change it (a read-only role).

Core defines the mechanism, not the rule: what a user serves (their *scope*) is computed by the app that owns
roles and memberships, which hands its function to ``provide_scopes`` in its ``AppConfig.ready()``
(``linli.people`` does). Code below that app (core, places) asks ``scope_for(user)`` here; the answer has the
interface of ``linli.people.scopes.Scope`` (``is_member``, ``is_staff_member``, ``is_registry_admin``,
``can_write_estate(estate)``, ``estate_q()`` …).
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

_scope_resolver: Callable | None = None


def provide_scopes(resolver: Callable) -> None:
    """Called once, from the AppConfig of the app that computes scopes: ``resolver(user) -> Scope``."""
    global _scope_resolver
    _scope_resolver = resolver


def scope_for(user):
    """What ``user`` serves (divisions, estates, homes, roles), as computed by the providing app."""
    if _scope_resolver is None:
        raise ImproperlyConfigured("no installed app provides scopes (linli.people does, in its AppConfig.ready())")
    return _scope_resolver(user)


def require(ok: bool, message: str | None = None) -> None:
    """Raise PermissionDenied (403) unless ``ok``."""
    if not ok:
        raise PermissionDenied(message or _("您无权执行此操作"))


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
