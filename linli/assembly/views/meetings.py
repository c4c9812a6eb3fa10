"""Owners' and committee meetings, their minutes and follow-up tasks."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.assembly import services
from linli.assembly.forms import (
    MeetingForm,
    MinutesForm,
    TaskForm,
)
from linli.assembly.models import (
    FollowUpTask,
    Meeting,
)
from linli.assembly.views.common import (
    _division_prefix_q,
    _errors,
    _require_writer,
    _writable_estates,
)
from linli.core.access import get_visible_or_404, staff_required
from linli.people.scopes import scope_for
from linli.places.models import Division


@staff_required
def meeting_new(request):
    user = request.user
    estates = _writable_estates(user)
    scope = scope_for(user)
    divisions = Division.objects.filter(_division_prefix_q("path", scope.admin_paths))
    if not (estates.exists() or divisions.exists()):
        raise PermissionDenied(_("只读角色不能登记会议"))
    form = MeetingForm(request.POST or None, estates=estates, divisions=divisions)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_schedule(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("已登记会议通知"))
            return redirect("assembly:meeting_detail", pk=meeting.pk)
    return render(request, "assembly/form.html", {"form": form, "title": _("登记会议"), "multipart": False})


def _meeting_writer(user, meeting):
    _require_writer(user, estate=meeting.estate, division=meeting.division)


@staff_required
def meeting_detail(request, pk):
    meeting = get_visible_or_404(Meeting.objects.select_related("estate", "division", "building"), request.user, pk=pk)
    scope = scope_for(request.user)
    can_write = (scope.can_write_estate(meeting.estate) if meeting.estate
                 else scope.can_write_division(meeting.division))
    return render(request, "assembly/meeting_detail.html", {
        "meeting": meeting, "can_write": can_write,
        "minutes_form": MinutesForm() if can_write and meeting.status == "planned" else None,
        "task_form": TaskForm() if can_write and meeting.status == "held" else None,
        "tasks": meeting.tasks.select_related("decision"),
        "events": meeting.events.order_by("id"),
    })


@require_POST
@staff_required
def meeting_minutes(request, pk):
    meeting = get_visible_or_404(Meeting, request.user, pk=pk)
    _meeting_writer(request.user, meeting)
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_record(meeting=meeting, minutes=form.cleaned_data["minutes"],
                                    attendees=form.cleaned_attendees(),
                                    decisions=form.cleaned_data["decisions"].splitlines(), actor=request.user)
            messages.success(request, _("已登记会议纪要"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, _("请填写会议纪要和参会人员"))
    return redirect("assembly:meeting_detail", pk=pk)


@require_POST
@staff_required
def meeting_task(request, pk):
    meeting = get_visible_or_404(Meeting, request.user, pk=pk)
    _meeting_writer(request.user, meeting)
    form = TaskForm(request.POST)
    if form.is_valid():
        try:
            services.task_add(meeting=meeting, actor=request.user, **form.cleaned_data)
            messages.success(request, _("已分派跟进任务"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    return redirect("assembly:meeting_detail", pk=pk)


@require_POST
@staff_required
def task_done(request, pk):
    task = get_object_or_404(FollowUpTask, pk=pk)
    meeting = get_visible_or_404(Meeting, request.user, pk=task.meeting_id)
    _meeting_writer(request.user, meeting)
    services.task_done(task=task, actor=request.user)
    return redirect("assembly:meeting_detail", pk=meeting.pk)


@require_POST
@staff_required
def task_work_order(request, pk):
    task = get_object_or_404(FollowUpTask, pk=pk)
    meeting = get_visible_or_404(Meeting, request.user, pk=task.meeting_id)
    _meeting_writer(request.user, meeting)
    try:
        task = services.task_to_work_order(task=task, actor=request.user)
        messages.success(request, _("已转为工单 %(code)s") % {"code": task.work_order_ref})
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("assembly:meeting_detail", pk=meeting.pk)
