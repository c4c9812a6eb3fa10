"""Pages of owners' decisions: motions and the resident's ballot, meetings, notices, selection cases.

Who may do what: staff who see an estate read its motions, meetings and cases; admins of its community, street
or district (``can_write_estate``) change them; read-only roles get 403; a resident votes for the homes they own
and reads notices; everyone else gets 404. The public estate page needs no sign-in and shows no personal data.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.assembly import permissions, services, tally
from linli.assembly.forms import (
    CaseForm,
    CaseStepForm,
    MeetingForm,
    MinutesForm,
    MotionForm,
    NoticeForm,
    PaperBallotForm,
    TaskForm,
)
from linli.assembly.models import (
    Ballot,
    FollowUpTask,
    Meeting,
    Motion,
    Notice,
    NoticeAttachment,
    SelectionCase,
)
from linli.assembly.selectors import public_notices, sees_choices
from linli.core import uploads
from linli.core.access import get_visible_or_404, member_required, staff_required
from linli.people.scopes import scope_for
from linli.places.models import Division, Estate
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



# -- index ---------------------------------------------------------------------------------------------------


@member_required
def index(request):
    user = request.user
    scope = scope_for(user)
    if not scope.is_staff_member:
        return redirect("assembly:mine")
    motions = Motion.objects.visible_to(user).select_related("estate").order_by("-opens_at")[:50]
    return render(request, "assembly/index.html", {
        "motions": motions,
        "meetings": Meeting.objects.visible_to(user).select_related("estate", "division")[:20],
        "cases": SelectionCase.objects.visible_to(user).select_related("estate")[:20],
        "notices": Notice.objects.visible_to(user).select_related("estate", "community")[:20],
        "can_write": bool(scope.admin_paths or scope.admin_estate_ids),
    })


@member_required
def mine(request):
    """A resident's page: the open votes of their estates and the current notices."""
    user = request.user
    scope = scope_for(user)
    estates = Estate.objects.filter(pk__in=scope.resident_estate_ids)
    motions = Motion.objects.filter(estate__in=estates).exclude(status=Motion.Status.DRAFT).select_related("estate")
    rows = []
    for motion in motions.order_by("-opens_at")[:20]:
        electors = list(services.electors_of(motion, user))
        voted = Ballot.objects.filter(elector__in=electors).exists()
        rows.append({"motion": motion, "can_vote": bool(electors) and motion.is_open(), "voted": voted})
    notices = Notice.objects.none()
    for estate in estates:
        notices = notices | Notice.objects.public_for(estate)
    return render(request, "assembly/mine.html", {"rows": rows, "notices": notices.distinct()[:20],
                                                  "estates": estates})


# -- motions -------------------------------------------------------------------------------------------------


@staff_required
def motion_new(request):
    estates = _writable_estates(request.user)
    if not estates.exists():
        raise PermissionDenied(_("只读角色不能发起表决"))
    form = MotionForm(request.POST or None, estates=estates, initial={"estate": request.GET.get("estate")})
    if request.method == "POST" and form.is_valid():
        try:
            motion = services.motion_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("已创建表决事项草稿"))
            return redirect("assembly:motion_detail", pk=motion.pk)
    return render(request, "assembly/form.html", {"form": form, "title": _("发起业主表决"), "multipart": False})


@staff_required
def motion_detail(request, pk):
    motion = get_visible_or_404(Motion.objects.select_related("estate", "meeting"), request.user, pk=pk)
    if not _is_staff_for(request.user, motion.estate):
        raise Http404
    electors = motion.electors.annotate(home_count=Count("homes")).select_related("ballot").order_by("id")
    voted = sum(1 for e in electors if hasattr(e, "ballot"))
    can_write = scope_for(request.user).can_write_estate(motion.estate)
    return render(request, "assembly/motion_detail.html", {
        "motion": motion, "electors": electors, "voted": voted, "can_write": can_write,
        "show_choices": sees_choices(request.user, motion),
        "paper_form": PaperBallotForm(motion=motion) if can_write and motion.status == "open" else None,
        "can_close": motion.status == "open" and timezone.now() >= motion.closes_at,
        "events": motion.events.order_by("id"),
    })


@require_POST
@staff_required
def motion_open(request, pk):
    motion = get_visible_or_404(Motion, request.user, pk=pk)
    require_estate_writer(request.user, motion.estate)
    try:
        services.motion_open(motion=motion, actor=request.user)
        messages.success(request, _("表决已开始，业主名册已按登记信息生成"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("assembly:motion_detail", pk=pk)


@require_POST
@staff_required
def motion_close(request, pk):
    motion = get_visible_or_404(Motion, request.user, pk=pk)
    require_estate_writer(request.user, motion.estate)
    try:
        services.motion_close(motion=motion, actor=request.user)
        messages.success(request, _("已计票，结果已公示"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("assembly:motion_detail", pk=pk)


@require_POST
@staff_required
def paper_ballot(request, pk):
    motion = get_visible_or_404(Motion, request.user, pk=pk)
    # Refused before the form is read; the service decides the same (linli/assembly/permissions.py).
    permissions.require(permissions.can_record_paper_ballot(request.user, motion))
    form = PaperBallotForm(request.POST, request.FILES, motion=motion)
    if form.is_valid():
        try:
            services.ballot_cast(motion=motion, elector=form.cleaned_data["elector"], choice=form.cleaned_data["choice"],
                                 channel="paper", sheet=form.cleaned_data["sheet"], actor=request.user)
            messages.success(request, _("已录入纸质票：%(who)s") % {"who": form.cleaned_data["elector"]})
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, _("请选择业主、表决意见并上传扫描件"))
    return redirect("assembly:motion_detail", pk=pk)


@staff_required
def ballot_sheet(request, pk):
    """The scanned paper ballot, for the estate's staff (it shows how the owner voted)."""
    ballot = get_object_or_404(Ballot.objects.select_related("motion__estate"), pk=pk)
    if not Estate.objects.managed_by_staff_of(request.user).filter(pk=ballot.motion.estate_id).exists():
        raise Http404
    if not sees_choices(request.user, ballot.motion) or not ballot.sheet:
        raise Http404
    return uploads.serve(ballot.sheet, name=f"ballot-{ballot.pk}", inline=True, cache="private, no-store")


@member_required
def vote(request, pk):
    """The resident's ballot page: the matter, the threshold, their homes and area, three big buttons."""
    motion = get_visible_or_404(Motion.objects.select_related("estate"), request.user, pk=pk)
    if motion.status == Motion.Status.DRAFT:
        raise Http404
    electors = list(services.electors_of(motion, request.user).prefetch_related("homes__home__building"))
    if request.method == "POST":
        elector = next((e for e in electors if str(e.pk) == request.POST.get("elector")), None)
        if elector is None:
            raise Http404
        try:
            services.ballot_cast(motion=motion, elector=elector, choice=request.POST.get("choice", ""),
                                 actor=request.user)
            messages.success(request, _("您的表决意见已记录，截止前可以修改"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect("assembly:vote", pk=pk)
    ballots = {b.elector_id: b for b in Ballot.objects.filter(elector__in=electors)}
    for e in electors:
        e.current = ballots.get(e.pk)
        e.history = list(e.current.events.order_by("id")) if e.current else []
    return render(request, "assembly/vote.html", {
        "motion": motion, "electors": electors, "is_open": motion.is_open(),
        "choices": [(c, _(tally.CHOICE_LABELS[c])) for c in tally.CHOICES],
        "notice": Notice.objects.filter(motion=motion).first(),
    })


# -- meetings ------------------------------------------------------------------------------------------------


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


# -- notices -------------------------------------------------------------------------------------------------


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


# -- selection cases -------------------------------------------------------------------------------------------


@staff_required
def case_new(request):
    estates = _writable_estates(request.user)
    if not estates.exists():
        raise PermissionDenied(_("只读角色不能立案"))
    form = CaseForm(request.POST or None, estates=estates, initial={"estate": request.GET.get("estate")})
    if request.method == "POST" and form.is_valid():
        try:
            case = services.selection_open(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            return redirect("assembly:case_detail", pk=case.pk)
    return render(request, "assembly/form.html", {"form": form, "title": _("无人管理小区选聘立案"), "multipart": False})


@staff_required
def case_detail(request, pk):
    case = get_visible_or_404(SelectionCase.objects.select_related("estate", "outcome__provider"), request.user, pk=pk)
    if not _is_staff_for(request.user, case.estate):
        raise Http404
    can_write = scope_for(request.user).can_write_estate(case.estate)
    form = CaseStepForm(request.POST or None, case=case, user=request.user)
    if request.method == "POST":
        require_estate_writer(request.user, case.estate)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if d["step"] == "decide":
                    services.selection_decide_mode(case=case, mode=d["mode"], motion=d["motion"], actor=request.user,
                                                   start=d["start"])
                elif d["step"] == "hire":
                    services.selection_hire(case=case, provider=d["provider"], motion=d["motion"],
                                            committee_meeting=d["committee_meeting"], start=d["start"],
                                            contract_end=d["contract_end"], contract_no=d["contract_no"],
                                            actor=request.user)
                else:
                    services.selection_appoint_custodian(case=case, provider=d["provider"], consent=d["motion"],
                                                         start=d["start"], contract_end=d["contract_end"],
                                                         actor=request.user)
            except ValidationError as exc:
                _errors(form, exc)
            else:
                messages.success(request, _("已记录"))
                return redirect("assembly:case_detail", pk=pk)
    return render(request, "assembly/case_detail.html", {
        "case": case, "form": form, "can_write": can_write, "events": case.events.select_related("motion", "actor"),
        "past_deadline": case.deadline is not None and timezone.localdate() > case.deadline,
    })
