"""Notices, their attachments and the public estate page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
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
from linli.assembly.selectors import public_notices, speaking_body
from linli.assembly.services.notices import notice_draft_review, notice_draft_revise, notice_draft_submit
from linli.assembly.views.common import (
    _division_prefix_q,
    _errors,
    _require_writer,
    _writable_estates,
    review_draft,
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
    estate = get_object_or_404(Estate.objects.select_related("community__parent__parent"), pk=pk)
    today = timezone.localdate()
    notices = public_notices(estate, today)
    return render(request, "assembly/public_estate.html", {
        "estate": estate, "notices": notices, "current": estate.current_stewardship(today),
        # Which body speaks for the owners now (issue 19); names masked on this page without sign-in.
        "body": speaking_body(estate, today),
    })


# -- issue 19 (review): a committee member drafts a notice, the street reviews and posts it ---------------------


def _draft_notice_or_404(user, pk):
    from linli.assembly.models import NoticeDraft

    return get_visible_or_404(NoticeDraft.objects.select_related("estate", "building", "notice", "drafted_by",
                                                                 "reviewed_by"), user, pk=pk)


@member_required
def draft_notice_new(request):
    from linli.assembly.forms import NoticeDraftForm

    estates = Estate.objects.filter(pk__in=scope_for(request.user).committee_estate_ids)
    if not estates.exists():
        raise Http404
    form = NoticeDraftForm(request.POST or None, request.FILES or None, estates=estates,
                           initial={"estate": estates.first().pk})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            draft = notice_draft_submit(actor=request.user, **data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("公示草稿已提交街道审核；审核通过后发布"))
            return redirect("assembly:draft_notice", pk=draft.pk)
    return render(request, "assembly/draft_form.html", {"form": form, "title": _("起草公示（提交街道审核）"),
                                                  "multipart": True})


@member_required
def draft_notice(request, pk):
    from linli.assembly import permissions

    draft = _draft_notice_or_404(request.user, pk)
    form, can_review, done = review_draft(
        request, estate=draft.estate, done_url=reverse("assembly:draft_notice", args=[pk]),
        review=lambda **kw: notice_draft_review(draft=draft, actor=request.user, **kw))
    if done:
        return done
    return render(request, "assembly/draft_notice.html", {
        "draft": draft, "events": draft.events.select_related("actor").order_by("id"), "review_form": form,
        "can_review": can_review and draft.status == "submitted",
        "can_revise": permissions.can_draft(request.user, draft.estate) and draft.status == "returned",
    })


@member_required
def draft_notice_edit(request, pk):
    from linli.assembly import permissions
    from linli.assembly.forms import NoticeDraftForm

    draft = _draft_notice_or_404(request.user, pk)
    if not permissions.can_draft(request.user, draft.estate):
        raise Http404
    if draft.status != "returned":
        messages.error(request, _("只有被退回的草稿可以修改后重新提交"))
        return redirect("assembly:draft_notice", pk=pk)
    initial = {"estate": draft.estate_id, "title": draft.title, "body": draft.body, "scope": draft.scope,
               "building": draft.building_id, "posted_on": draft.posted_on, "ends_on": draft.ends_on}
    form = NoticeDraftForm(request.POST or None, request.FILES or None,
                           estates=Estate.objects.filter(pk=draft.estate_id), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("estate")
        try:
            notice_draft_revise(draft=draft, actor=request.user, **data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("已修改并重新提交街道审核"))
            return redirect("assembly:draft_notice", pk=pk)
    return render(request, "assembly/draft_form.html", {"form": form, "title": _("修改公示草稿"), "multipart": True,
                                                  "reason": draft.review_reason})
