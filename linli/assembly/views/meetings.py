"""Owners' and committee meetings, their minutes and follow-up tasks; committee meetings convened by committee
members, the recurring three-way meeting of an estate, matters passed up a level (issue 19, docs/linkage.md)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.assembly import permissions, services
from linli.assembly.forms import (
    MeetingForm,
    MinutesForm,
    TaskForm,
)
from linli.assembly.meeting_forms import (
    CommitteeMeetingForm,
    CommitteeMinutesForm,
    DecisionForm,
    ReferralForm,
    SeriesForm,
    ThreeWayMinutesForm,
)
from linli.assembly.models import (
    FollowUpTask,
    Meeting,
    MeetingSeries,
)
from linli.assembly.views.common import (
    _division_prefix_q,
    _errors,
    _require_writer,
    _writable_estates,
)
from linli.core.access import get_visible_or_404, staff_required
from linli.people.models import Organization
from linli.people.scopes import scope_for
from linli.places.models import Division, Estate
from linli.workorders.permissions import can_convene_meeting


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
    if not permissions.can_write_meeting(user, meeting):
        _require_writer(user, estate=meeting.estate, division=meeting.division)


def _minutes_form(meeting, data=None):
    """The minutes form that fits the meeting: a committee's names its members, a series' attendance by body."""
    if meeting.kind == Meeting.Kind.COMMITTEE and meeting.body_id:
        return CommitteeMinutesForm(data, members=services.committee_members(meeting.body, on=meeting.held_on))
    if meeting.series_id:
        return ThreeWayMinutesForm(data, bodies=meeting.series.bodies.order_by("kind", "pk"))
    return MinutesForm(data)


def _minutes_kwargs(form) -> dict:
    if isinstance(form, MinutesForm):
        return {"minutes": form.cleaned_data["minutes"], "attendees": form.cleaned_attendees(),
                "decisions": form.cleaned_data["decisions"].splitlines()}
    return form.service_kwargs()


def _committee_members(meeting):
    if meeting.kind == Meeting.Kind.COMMITTEE and meeting.body_id:
        return [p for p in services.committee_members(meeting.body, on=meeting.held_on) if p.title != "alternate"]
    return []


@login_required
def meeting_detail(request, pk):
    user = request.user
    meeting = get_visible_or_404(Meeting.objects.select_related("estate", "division", "building", "body", "series"),
                                 user, pk=pk)
    can_write = permissions.can_write_meeting(user, meeting)
    held = meeting.status == Meeting.Status.HELD
    attendance = list(meeting.attendance.select_related("organization"))
    absent_bodies = []
    if meeting.series_id and held:
        came = {a.organization_id for a in attendance}
        absent_bodies = [b for b in meeting.series.bodies.all() if b.pk not in came]
    street = services.street_of(meeting)
    return render(request, "assembly/meeting_detail.html", {
        "meeting": meeting, "can_write": can_write, "attendance": attendance, "absent_bodies": absent_bodies,
        "minutes_form": _minutes_form(meeting) if can_write and meeting.status == "planned" else None,
        "task_form": TaskForm() if can_write and held else None,
        "decision_form": DecisionForm(members=_committee_members(meeting)) if can_write and held else None,
        "decisions": meeting.decisions.prefetch_related("signatories"),
        "tasks": meeting.tasks.select_related("decision"),
        "events": meeting.events.order_by("id"),
        "posting_due": services.meetings.posting_due(meeting),
        "can_refer": can_write and held and services.next_level(meeting) is not None,
        "can_whistle": held and can_convene_meeting(user, street),
        "referrals_out": meeting.referrals_out.select_related("to_meeting"),
        "referrals_in": meeting.referrals_in.select_related("from_meeting"),
    })


@require_POST
@login_required
def meeting_minutes(request, pk):
    meeting = get_visible_or_404(Meeting.objects.select_related("body", "series"), request.user, pk=pk)
    _meeting_writer(request.user, meeting)
    form = _minutes_form(meeting, request.POST)
    if form.is_valid():
        try:
            services.meeting_record(meeting=meeting, actor=request.user, **_minutes_kwargs(form))
            messages.success(request, _("已登记会议纪要"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, "；".join(f"{form.fields[f].label if f in form.fields else ''}：{'；'.join(e)}"
                                         for f, e in form.errors.items()) or _("请填写会议纪要和参会人员"))
    return redirect("assembly:meeting_detail", pk=pk)


@require_POST
@login_required
def meeting_decision(request, pk):
    meeting = get_visible_or_404(Meeting.objects.select_related("body"), request.user, pk=pk)
    _meeting_writer(request.user, meeting)
    form = DecisionForm(request.POST, members=_committee_members(meeting))
    if form.is_valid():
        try:
            services.meeting_decide(meeting=meeting, text=form.cleaned_data["text"], actor=request.user,
                                    signatories=list(form.cleaned_data.get("signatories") or []))
            messages.success(request, _("已登记会议决定"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, _("请填写决定内容"))
    return redirect("assembly:meeting_detail", pk=pk)


@require_POST
@login_required
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
@login_required
def task_done(request, pk):
    task = get_object_or_404(FollowUpTask, pk=pk)
    meeting = get_visible_or_404(Meeting, request.user, pk=task.meeting_id)
    _meeting_writer(request.user, meeting)
    services.task_done(task=task, actor=request.user)
    return redirect("assembly:meeting_detail", pk=meeting.pk)


@require_POST
@login_required
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


# -- committee meetings, the three-way series, matters passed up (issue 19: helper "linkage") -------------------------


def _committee_estates(user):
    """Estates whose committee meetings ``user`` may convene: those whose committee they sit on, and the ones
    they administer (the residents' committee or street convenes when the chair does not, Beijing art. 45(5))."""
    scope = scope_for(user)
    return Estate.objects.filter(Q(pk__in=scope.committee_estate_ids) | Q(pk__in=_writable_estates(user).values("pk")))


@login_required
def committee_meetings(request):
    """Committee and three-way meetings, and the three-way series, that the user sees (a committee member: their
    estate's; staff: their area's)."""
    user = request.user
    scope = scope_for(user)
    if not (scope.is_staff_member or scope.is_committee_member):
        raise Http404
    meetings = (Meeting.objects.visible_to(user).filter(kind__in=Meeting.COMMITTEE_SEES)
                .select_related("estate", "body")[:100])
    return render(request, "assembly/committee_meetings.html", {
        "meetings": meetings, "series": MeetingSeries.objects.visible_to(user).select_related("estate")[:50],
        "can_convene": _committee_estates(user).exists(),
        "can_series": _writable_estates(user).exists(),
    })


@login_required
def committee_meeting_new(request):
    user = request.user
    scope = scope_for(user)
    if not (scope.is_staff_member or scope.is_committee_member):
        raise Http404
    estates = _committee_estates(user)
    if not estates.exists():
        raise PermissionDenied(_("只有业主委员会/物业管理委员会委员或本区域管理员可以召集委员会会议"))
    form = CommitteeMeetingForm(request.POST or None, estates=estates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_schedule(kind=Meeting.Kind.COMMITTEE, level="estate", actor=user, **data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("已通知委员会会议"))
            return redirect("assembly:meeting_detail", pk=meeting.pk)
    return render(request, "assembly/meeting_form.html", {"form": form, "title": _("召开委员会会议")})


@staff_required
def series_new(request):
    user = request.user
    estates = _writable_estates(user)
    if not estates.exists():
        raise PermissionDenied(_("只有社区、街道管理员可以设立三方联席会议"))
    from linli.people.bodies import BODY_KINDS, bodies_of_estate

    chosen = request.POST.get("estate") or request.GET.get("estate")
    estate = estates.filter(pk=chosen).first() if (chosen or "").isdigit() else None
    bodies = bodies_of_estate(estate) if estate else Organization.objects.filter(
        pk__in=[b.pk for e in estates[:20] for b in bodies_of_estate(e)], kind__in=BODY_KINDS)
    form = SeriesForm(request.POST or None, estates=estates, bodies=bodies,
                      initial={"estate": estate} if estate else None)
    if request.method == "POST" and form.is_valid():
        try:
            series = services.series_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("已设立三方联席会议，第一次会议已通知"))
            return redirect("assembly:series_detail", pk=series.pk)
    return render(request, "assembly/meeting_form.html", {"form": form, "title": _("设立三方联席会议"),
                                                          "choose_estate": True})


@login_required
def series_detail(request, pk):
    user = request.user
    series = get_visible_or_404(MeetingSeries.objects.select_related("estate"), user, pk=pk)
    bodies = list(series.bodies.order_by("kind", "pk"))
    return render(request, "assembly/series_detail.html", {
        "series": series, "bodies": bodies, "missing": services.meetings.missing_sides(bodies),
        "meetings": series.meetings.order_by("-held_on", "-pk").prefetch_related("tasks"),
        "can_manage": permissions.can_manage_series(user, series.estate),
    })


@require_POST
@login_required
def series_stop(request, pk):
    series = get_visible_or_404(MeetingSeries.objects.select_related("estate"), request.user, pk=pk)
    services.series_stop(series=series, actor=request.user)
    messages.success(request, _("已停止安排后续会议"))
    return redirect("assembly:series_detail", pk=pk)


@login_required
def meeting_refer(request, pk):
    """Pass a matter the meeting cannot settle to the next level's meeting (微事不出楼栋、小事不出小区、大事不出社区)."""
    user = request.user
    meeting = get_visible_or_404(Meeting.objects.select_related("estate__community", "division__parent"), user, pk=pk)
    _meeting_writer(user, meeting)
    target = services.next_level(meeting)
    if target is None:
        messages.error(request, _("街道层级的事项请提交吹哨报到会议"))
        return redirect("assembly:meeting_detail", pk=pk)
    level, division, estate = target
    targets = Meeting.objects.filter(status=Meeting.Status.PLANNED, level=level, division=division)
    if estate is not None:
        targets = targets.filter(estate=estate)
    form = ReferralForm(request.POST or None, meeting=meeting, targets=targets)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.matter_refer_up(meeting=meeting, actor=user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("已提交上一级：%(m)s") % {"m": referral.to_meeting.title})
            return redirect("assembly:meeting_detail", pk=pk)
    return render(request, "assembly/meeting_form.html", {
        "form": form, "title": _("上报事项：%(t)s") % {"t": meeting.title},
        "intro": _("提交至%(level)s：%(place)s") % {"level": Meeting(level=level).get_level_display(),
                                                 "place": estate or division}})
