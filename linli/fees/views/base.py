"""What the fee pages share: the staff gate, the estate and home lookups, form errors."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404

from linli.core.access import get_visible_or_404
from linli.people.scopes import scope_for
from linli.places.models import Estate, Home

from .. import permissions
from ..money import parse_period

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def fee_staff_required(view):
    """Pages for roles that read fees (admins, property people, auditors); 404 for everyone else."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not permissions.reads_fees(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _staff_estate(user, pk) -> Estate:
    """An estate the user serves in a fee-reading role; 404 otherwise (residents included)."""
    return get_visible_or_404(Estate.objects.managed_by_staff_of(user).select_related("community", "cluster"), user,
                              pk=pk)


def _account_home(user, pk) -> tuple[Home, bool]:
    """A home whose account the user may read, and whether they read it as staff."""
    home = get_visible_or_404(Home.objects.select_related("building", "estate"), user, pk=pk)
    if permissions.reads_fees(user) and Estate.objects.managed_by_staff_of(user).filter(pk=home.estate_id).exists():
        return home, True
    if home.pk in scope_for(user).home_ids:
        return home, False
    raise Http404


def _period_arg(request, default: str) -> str:
    code = request.GET.get("period") or default
    try:
        return parse_period(code).code
    except ValueError:
        return default


def _errors_into(form, exc: ValidationError):
    if hasattr(exc, "message_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
