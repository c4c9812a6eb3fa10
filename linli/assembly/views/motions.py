"""Motions and ballots: the staff pages, the resident's ballot, paper ballots."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.assembly import permissions, rules, services
from linli.assembly.forms import (
    MotionForm,
    PaperBallotForm,
)
from linli.assembly.models import (
    Ballot,
    Meeting,
    Motion,
    Notice,
    SelectionCase,
)
from linli.assembly.selectors import sees_choices, speaking_body
from linli.assembly.services.motions import motion_draft_revise, motion_draft_submit, motion_review
from linli.assembly.views.common import (
    _errors,
    _is_staff_for,
    _writable_estates,
    review_draft,
)
from linli.core import uploads
from linli.core.access import get_visible_or_404, member_required, staff_required
from linli.core.errors import Conflict
from linli.people.scopes import scope_for
from linli.places.models import Estate
from linli.places.permissions import require_estate_writer


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
        "can_list_committees": permissions.can_list_committees(user),  # issue 19
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
    bodies = [(e, speaking_body(e)) for e in estates]  # which body speaks for the owners (issue 19)
    return render(request, "assembly/mine.html", {"rows": rows, "notices": notices.distinct()[:20],
                                                  "estates": estates, "bodies": bodies})


@staff_required
def motion_new(request):
    estates = _writable_estates(request.user)
    if not estates.exists():
        raise PermissionDenied(_("只读角色不能发起表决"))
    initial = {"estate": request.GET.get("estate")}
    case = SelectionCase.objects.filter(pk=request.GET.get("case") or None, estate__in=estates).first() \
        if (request.GET.get("case") or "").isdigit() else None
    if case is not None:
        # A selection case offers one motion with options: a market company, self-management, the state custodian.
        initial.update({"estate": case.estate_id, "case": case.pk, "matter": "hire_manager",
                        "title": _("选定%(estate)s的管理方式和管理人") % {"estate": case.estate},
                        "option_1_mode": "market", "option_2_label": _("业主自行管理"), "option_2_mode": "self",
                        "option_3_mode": "custodian"})
    form = MotionForm(request.POST or None, estates=estates, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            motion = services.motion_create(actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("已创建表决事项草稿"))
            return redirect("assembly:motion_detail", pk=motion.pk)
    return render(request, "assembly/motion_form.html", {"form": form, "title": _("发起业主表决")})


@staff_required
def motion_detail(request, pk):
    motion = get_visible_or_404(Motion.objects.select_related("estate", "meeting"), request.user, pk=pk)
    if not _is_staff_for(request.user, motion.estate):
        raise Http404
    electors = motion.electors.annotate(home_count=Count("homes")).select_related(
        "ballot__current", "ballot__option").order_by("id")
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
        elector = form.cleaned_data["elector"]
        try:
            choice, option = form.cleaned_data["choice"]
            services.ballot_cast(motion=motion, elector=elector, choice=choice, option=option,
                                 channel="paper", sheet=form.cleaned_data["sheet"], actor=request.user,
                                 replaces=form.cleaned_data["replaces"])
            messages.success(request, _("已录入纸质票：%(who)s") % {"who": elector})
        except Conflict as exc:
            # An existing ballot is never replaced silently: show it by name and ask to confirm (the scan is
            # chosen again: a browser does not keep a file across pages).
            ballot = Ballot.objects.select_related("current").get(elector=elector)
            confirm = PaperBallotForm(motion=motion, initial={
                "elector": elector.pk, "choice": form.data.get("choice"), "replaces": ballot.current_id})
            return render(request, "assembly/paper_confirm.html", {
                "motion": motion, "elector": elector, "form": confirm, "message": "；".join(exc.messages),
                "ballot": ballot}, status=409)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, _("请选择业主、表决意见并上传扫描件"))
    return redirect("assembly:motion_detail", pk=pk)


@staff_required
def ballot_sheet(request, pk):
    """The scan of a ballot's current evidence, for the estate's staff (it shows how the owner voted): the scan
    of the paper sheet that produced the ballot as it stands; none once the owner changed it online."""
    ballot = get_object_or_404(Ballot.objects.select_related("motion__estate", "current"), pk=pk)
    if not Estate.objects.managed_by_staff_of(request.user).filter(pk=ballot.motion.estate_id).exists():
        raise Http404
    if not sees_choices(request.user, ballot.motion) or ballot.current is None or not ballot.current.sheet:
        raise Http404
    return uploads.serve(ballot.current.sheet, name=f"ballot-{ballot.pk}-{ballot.current_id}", inline=True,
                         cache="private, no-store")


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
            # The page shows the current ballot (its channel, time and choice) and each button carries its event:
            # a change confirms replacing what the owner saw; a ballot changed meanwhile is refused and shown.
            try:
                choice, option = motion.parse_ballot_choice(request.POST.get("choice", ""))
            except ValueError:
                raise ValidationError(_("请选择一个表决意见")) from None
            services.ballot_cast(motion=motion, elector=elector, choice=choice, option=option, actor=request.user,
                                 replaces=request.POST.get("replaces") or None)
            messages.success(request, _("您的表决意见已记录，截止前可以修改"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect("assembly:vote", pk=pk)
    ballots = {b.elector_id: b for b in Ballot.objects.filter(elector__in=electors)}
    for e in electors:
        e.current = ballots.get(e.pk)
        e.current_value = ((f"option:{e.current.option_id}" if e.current.option_id else e.current.choice)
                           if e.current else "")
        e.history = list(e.current.events.order_by("id")) if e.current else []
    return render(request, "assembly/vote.html", {
        "motion": motion, "electors": electors, "is_open": motion.is_open(),
        "choices": motion.ballot_choices(),
        "notice": Notice.objects.filter(motion=motion).first(),
    })


# -- issue 19 (review): a committee member drafts, the street reviews -------------------------------------------
# Committee members are not staff (member_required, then the committee's own estates); reviewers are the admins of
# the estate's community, street or district. Anyone else gets 404 (a draft is not public).


def _committee_estates(user):
    return Estate.objects.filter(pk__in=scope_for(user).committee_estate_ids).select_related("community")


def _sees_drafts_of(user, estate) -> bool:
    scope = scope_for(user)
    return scope.sits_on_committee_of(estate) or (scope.is_registry_admin and _is_staff_for(user, estate))


@member_required
def drafts(request):
    """A committee member's drafts (motions and notices of their estates) and the state of each."""
    from linli.assembly.models import NoticeDraft

    estates = _committee_estates(request.user)
    if not estates.exists():
        raise Http404
    return render(request, "assembly/drafts.html", {
        "estates": estates,
        "motions": Motion.objects.filter(estate__in=estates).exclude(review_status="").select_related("estate")
        .order_by("-submitted_at")[:50],
        "notice_drafts": NoticeDraft.objects.filter(estate__in=estates).select_related("estate", "notice")[:50],
    })


@member_required
def draft_motion_new(request):
    estates = _committee_estates(request.user)
    if not estates.exists():
        raise Http404
    # The owners hear of the vote when the street approves it (the notice period runs from then, rules.py): by
    # default the vote opens the notice period and three days for the review after today, on the hour.
    opens = (timezone.localtime() + rules.NATIONAL.notice + datetime.timedelta(days=3, hours=1)).replace(
        minute=0, second=0, microsecond=0)
    form = MotionForm(request.POST or None, estates=estates, user=request.user,
                      initial={"estate": request.GET.get("estate") or estates.first().pk, "opens_at": opens,
                               "closes_at": opens + rules.NATIONAL.min_voting})
    if request.method == "POST" and form.is_valid():
        try:
            motion = motion_draft_submit(actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("草稿已提交街道审核；审核通过后由街道开始表决"))
            return redirect("assembly:draft_motion", pk=motion.pk)
    return render(request, "assembly/motion_form.html", {"form": form, "title": _("起草表决事项（提交街道审核）")})


@member_required
def draft_motion(request, pk):
    """A committee's draft motion: its text, its state and history; the reviewer's approve / return form."""

    motion = get_object_or_404(Motion.objects.select_related("estate", "reviewed_by", "created_by")
                               .exclude(review_status=""), pk=pk)
    if not _sees_drafts_of(request.user, motion.estate):
        raise Http404
    form, can_review, done = review_draft(
        request, estate=motion.estate, done_url=reverse("assembly:draft_motion", args=[pk]),
        review=lambda **kw: motion_review(motion=motion, actor=request.user, **kw))
    if done:
        return done
    return render(request, "assembly/draft_motion.html", {
        "motion": motion, "events": motion.events.select_related("actor").order_by("id"), "review_form": form,
        "can_review": can_review and motion.review_status == Motion.Review.SUBMITTED,
        "can_revise": permissions.can_draft(request.user, motion.estate)
        and motion.review_status == Motion.Review.RETURNED and motion.status == Motion.Status.DRAFT,
        "is_reviewer": can_review,
    })


@member_required
def draft_motion_edit(request, pk):
    """Revise a returned draft and submit it again."""
    motion = get_object_or_404(Motion.objects.select_related("estate").exclude(review_status=""), pk=pk)
    if not permissions.can_draft(request.user, motion.estate):
        raise Http404
    if motion.review_status != Motion.Review.RETURNED or motion.status != Motion.Status.DRAFT:
        messages.error(request, _("只有被退回的草稿可以修改后重新提交"))
        return redirect("assembly:draft_motion", pk=pk)
    initial = {f: getattr(motion, f) for f in ("matter", "title", "body", "secret", "manager_mode",
                                               "timing_exception", "timing_exception_document")}
    initial.update({"estate": motion.estate_id, "provider": motion.provider_id,
                    "opens_at": timezone.localtime(motion.opens_at), "closes_at": timezone.localtime(motion.closes_at)})
    for i, option in enumerate(motion.options.all(), start=1):
        initial.update({f"option_{i}_label": option.label, f"option_{i}_mode": option.mode,
                        f"option_{i}_provider": option.provider_id})
    form = MotionForm(request.POST or None, estates=Estate.objects.filter(pk=motion.estate_id), user=request.user,
                      initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            motion_draft_revise(motion=motion, actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("已修改并重新提交街道审核"))
            return redirect("assembly:draft_motion", pk=pk)
    return render(request, "assembly/motion_form.html", {"form": form, "title": _("修改表决事项草稿"),
                                                         "reason": motion.review_reason})


@staff_required
def review_queue(request):
    """The drafts of the committees of an admin's area awaiting review, and the last ones reviewed."""
    from linli.assembly.models import NoticeDraft

    if not scope_for(request.user).is_registry_admin:
        raise Http404
    estates = _writable_estates(request.user)
    motions = Motion.objects.filter(estate__in=estates).exclude(review_status="").select_related("estate")
    notices = NoticeDraft.objects.filter(estate__in=estates).select_related("estate", "drafted_by")
    return render(request, "assembly/review_queue.html", {
        "motions": motions.filter(review_status=Motion.Review.SUBMITTED).order_by("submitted_at"),
        "notice_drafts": notices.filter(status=NoticeDraft.Status.SUBMITTED).order_by("submitted_at"),
        "reviewed_motions": motions.exclude(review_status=Motion.Review.SUBMITTED).order_by("-reviewed_at")[:20],
        "reviewed_notices": notices.exclude(status=NoticeDraft.Status.SUBMITTED).order_by("-reviewed_at")[:20],
    })
