"""Helpers shared by the assembly pages."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from linli.people.scopes import scope_for
from linli.places.models import Estate
from linli.places.permissions import require_estate_writer


def _writable_estates(user):
    scope = scope_for(user)
    return Estate.objects.visible_to(user).filter(
        Q(pk__in=scope.admin_estate_ids) | _division_prefix_q("community__path", scope.admin_paths)
    ).select_related("community")


def _division_prefix_q(field, paths):
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(**{f"{field}__startswith": p})
    return q


def _require_writer(user, *, estate=None, division=None):
    scope = scope_for(user)
    if estate is not None:
        require_estate_writer(user, estate)
    elif not scope.can_write_division(division):
        raise PermissionDenied(_("您无权在该区划登记"))


def _errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _is_staff_for(user, estate) -> bool:
    return Estate.objects.managed_by_staff_of(user).filter(pk=estate.pk).exists()


def review_draft(request, *, estate, review, done_url):
    """The street's approve / return form on a committee's draft (a motion or a notice), one for both pages:
    ``(form or None, may_review, redirect or None)``. ``review(approve=, reason=)`` is the draft's service."""
    from django.contrib import messages
    from django.shortcuts import redirect

    from linli.assembly import permissions
    from linli.assembly.forms import ReviewForm

    may_review = permissions.can_review(request.user, estate)
    form = ReviewForm(request.POST or None) if may_review else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("只有本小区所在社区、街道的管理员可以审核"))
        if form.is_valid():
            try:
                review(approve=form.cleaned_data["decision"] == "approve", reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                _errors(form, exc)
            else:
                messages.success(request, _("已审核"))
                return form, may_review, redirect(done_url)
    return form, may_review, None
