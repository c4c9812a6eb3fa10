"""Notices, their attachments and the public estate page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.assembly import services
from linli.assembly.forms import (
    NoticeForm,
)
from linli.assembly.models import (
    Notice,
    NoticeAttachment,
)
from linli.assembly.selectors import public_notices
from linli.assembly.views.common import (
    _division_prefix_q,
    _errors,
    _require_writer,
    _writable_estates,
)
from linli.core import uploads
from linli.core.access import get_visible_or_404, member_required, staff_required
from linli.people.scopes import scope_for
from linli.places.models import Division, Estate


@staff_required
def notice_new(request):
    user = request.user
    scope = scope_for(user)
    estates = _writable_estates(user)
    divisions = Division.objects.filter(_division_prefix_q("path", scope.admin_paths))
    if not estates.exists():
        raise PermissionDenied(_("只读角色不能发布公示"))
    form = NoticeForm(request.POST or None, request.FILES or None, estates=estates, divisions=divisions)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        file = data.pop("attachment")
        try:
            notice = services.notice_post(actor=user, attachments=[file] if file else [], **data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("已发布公示"))
            return redirect("assembly:notice_detail", pk=notice.pk)
    return render(request, "assembly/form.html", {"form": form, "title": _("发布公示"), "multipart": True})


@member_required
def notice_detail(request, pk):
    notice = get_visible_or_404(Notice.objects.select_related("estate", "community", "building"), request.user, pk=pk)
    acked = notice.acks.filter(user=request.user).exists()
    scope = scope_for(request.user)
    can_write = scope.can_write_estate(notice.estate) if notice.estate else scope.can_write_division(notice.community)
    return render(request, "assembly/notice_detail.html", {
        "notice": notice, "acked": acked, "ack_count": notice.acks.count(),
        "is_resident": bool(scope.home_ids),
        "can_withdraw": can_write and notice.withdrawn_at is None and notice.motion_id is None,
    })


@require_POST
@staff_required
def notice_withdraw(request, pk):
    notice = get_visible_or_404(Notice, request.user, pk=pk)
    _require_writer(request.user, estate=notice.estate, division=notice.community)
    try:
        services.notice_withdraw(notice=notice, reason=request.POST.get("reason", ""), actor=request.user)
        messages.success(request, _("公示已撤回"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("assembly:notice_detail", pk=pk)


@require_POST
@member_required
def notice_ack(request, pk):
    notice = get_visible_or_404(Notice, request.user, pk=pk)
    if not scope_for(request.user).home_ids:
        raise PermissionDenied(_("只有居民可以确认已阅"))
    services.notice_acknowledge(notice=notice, user=request.user)
    messages.success(request, _("已确认阅读"))
    return redirect("assembly:notice_detail", pk=pk)


def attachment(request, pk):
    """A notice's attachment: public while the notice is posted (a notice is public), else for members in scope."""
    att = get_object_or_404(NoticeAttachment.objects.select_related("notice"), pk=pk)
    notice = att.notice
    if not notice.is_current() and not Notice.objects.visible_to(request.user).filter(pk=notice.pk).exists():
        raise Http404
    # Type from the bytes, never the name: an .html or .svg stored here is a sandboxed download, never a page.
    return uploads.serve(att.file, name=att.name, inline=True)


def public_estate(request, pk):
    """The estate's public notice board (公示栏) for a phone: no sign-in, no personal data."""
    estate = get_object_or_404(Estate.objects.select_related("community"), pk=pk)
    today = timezone.localdate()
    notices = public_notices(estate, today)
    return render(request, "assembly/public_estate.html", {
        "estate": estate, "notices": notices, "current": estate.current_stewardship(today),
    })
