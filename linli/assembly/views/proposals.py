"""Owners to their committee: proposals with the committee's answers, and requests for an assembly that owners sign.

Who sees what: an owner sees their own proposals and the requests of their estate; the estate's committee sees
and answers its estate's proposals (the proposer's name masked: Beijing art. 47(8), members do not disclose
owners' information) and sees its requests; the admins of the estate's community, street or district read both
(and enter paper signatures). Anyone else gets 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.assembly import permissions
from linli.assembly.forms import AnswerForm, AssemblyRequestForm, PaperSignatureForm, ProposalForm
from linli.assembly.models import AssemblyRequest, Proposal
from linli.assembly.services import proposals as svc
from linli.assembly.views.common import _errors, _is_staff_for
from linli.core import uploads
from linli.core.access import member_required
from linli.core.text import mask_name
from linli.people.models import Occupancy
from linli.people.scopes import scope_for
from linli.places.models import Estate


def _owned_estates(user):
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return Estate.objects.none()
    homes = Occupancy.objects.current().filter(person_id=person_id, relation__in=Occupancy.OWNING)
    return Estate.objects.filter(pk__in=homes.values("home__estate_id"))


def _admin_reads(user, estate) -> bool:
    return scope_for(user).is_registry_admin and _is_staff_for(user, estate)


def _proposals_for(user):
    scope = scope_for(user)
    q = Q(submitted_by=user) | Q(estate_id__in=scope.committee_estate_ids)
    if scope.is_registry_admin:
        q |= Q(estate__in=Estate.objects.managed_by_staff_of(user))
    return Proposal.objects.filter(q)


# -- proposals -----------------------------------------------------------------------------------------------


@member_required
def proposals(request):
    user = request.user
    scope = scope_for(user)
    rows = _proposals_for(user).select_related("estate", "person").annotate(n_answers=Count("answers"))
    if request.GET.get("unanswered"):
        rows = rows.filter(n_answers=0)
    rows = list(rows[:100])
    for p in rows:
        p.shown_name = p.person.name if (p.submitted_by_id == user.pk or _admin_reads(user, p.estate)) \
            else mask_name(p.person.name)
    return render(request, "assembly/proposals.html", {
        "rows": rows, "can_propose": _owned_estates(user).exists(), "is_committee": scope.is_committee_member,
        "unanswered": bool(request.GET.get("unanswered")),
    })


@member_required
def proposal_new(request):
    estates = _owned_estates(request.user)
    if not estates.exists():
        raise Http404
    form = ProposalForm(request.POST or None, request.FILES or None, estates=estates,
                        initial={"estate": estates.first().pk})
    if request.method == "POST" and form.is_valid():
        try:
            proposal = svc.proposal_submit(actor=request.user, estate=form.cleaned_data["estate"],
                                           title=form.cleaned_data["title"], text=form.cleaned_data["text"],
                                           attachment=form.cleaned_data["attachment"])
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("您的提议已送达业主委员会"))
            return redirect("assembly:proposal_detail", pk=proposal.pk)
    return render(request, "assembly/draft_form.html", {"form": form, "title": _("向业主委员会提出提议或建议"),
                                                        "multipart": True, "cancel_url": "/assembly/proposals/"})


@member_required
def proposal_detail(request, pk):
    proposal = get_object_or_404(_proposals_for(request.user).select_related("estate", "person", "body_org"), pk=pk)
    can_answer = permissions.can_answer_proposal(request.user, proposal)
    form = AnswerForm(request.POST or None) if can_answer else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("只有本小区业委会/物管会成员可以答复"))
        if form.is_valid():
            try:
                svc.proposal_answer(proposal=proposal, text=form.cleaned_data["text"], actor=request.user)
            except ValidationError as exc:
                _errors(form, exc)
            else:
                messages.success(request, _("已答复，提议人会收到通知"))
                return redirect("assembly:proposal_detail", pk=pk)
    full = proposal.submitted_by_id == request.user.pk or _admin_reads(request.user, proposal.estate)
    return render(request, "assembly/proposal_detail.html", {
        "proposal": proposal, "answers": proposal.answers.select_related("actor").order_by("id"), "form": form,
        "shown_name": proposal.person.name if full else mask_name(proposal.person.name),
    })


@member_required
def proposal_attachment(request, pk):
    proposal = get_object_or_404(_proposals_for(request.user), pk=pk)
    if not proposal.attachment:
        raise Http404
    return uploads.serve(proposal.attachment, name=proposal.attachment_name or "attachment", inline=True,
                         cache="private, no-store")


# -- requests for an assembly (Beijing art. 35) ---------------------------------------------------------------


def _requests_for(user):
    scope = scope_for(user)
    estates = set(scope.resident_estate_ids) | set(scope.committee_estate_ids)
    q = Q(estate_id__in=estates)
    if scope.is_registry_admin:
        q |= Q(estate__in=Estate.objects.managed_by_staff_of(user))
    return AssemblyRequest.objects.filter(q)


@member_required
def requests(request):
    rows = list(_requests_for(request.user).select_related("estate")[:100])
    for r in rows:
        r.figures = svc.request_figures(r)
    return render(request, "assembly/requests.html", {"rows": rows,
                                                      "can_start": _owned_estates(request.user).exists(),
                                                      "source": svc.REQUEST_SOURCE})


@member_required
def request_new(request):
    estates = _owned_estates(request.user)
    if not estates.exists():
        raise Http404
    form = AssemblyRequestForm(request.POST or None, estates=estates, initial={"estate": estates.first().pk})
    if request.method == "POST" and form.is_valid():
        try:
            req = svc.request_start(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("提议已发起，您已签名；请邀请其他业主签名"))
            return redirect("assembly:request_detail", pk=req.pk)
    return render(request, "assembly/draft_form.html", {"form": form, "title": _("提议召开业主大会临时会议"),
                                                        "cancel_url": "/assembly/requests/"})


@member_required
def request_detail(request, pk):
    req = get_object_or_404(_requests_for(request.user).select_related("estate"), pk=pk)
    user = request.user
    groups = svc.owner_groups_of(req.estate, user)
    mine = req.signatures.filter(key__in=[g["key"] for g in groups], withdrawn_at__isnull=True).first()
    is_admin = _admin_reads(user, req.estate)
    return render(request, "assembly/request_detail.html", {
        "req": req, "figures": svc.request_figures(req), "source": svc.REQUEST_SOURCE, "is_owner": bool(groups),
        "mine": mine, "is_admin": is_admin,
        # The signers' names only for the admins who run the count (like a motion's electors); others see figures.
        "signatures": req.signatures.select_related("signed_by").order_by("id") if is_admin else None,
        "paper_form": PaperSignatureForm() if permissions.can_record_paper_signature(user, req) else None,
        "events": req.events.select_related("actor").order_by("id") if is_admin else None,
        "notice_days": svc.NOTICE_DAYS_BEFORE_MEETING,
    })


@require_POST
@member_required
def request_sign(request, pk):
    req = get_object_or_404(_requests_for(request.user), pk=pk)
    try:
        svc.request_sign(request=req, actor=request.user)
        messages.success(request, _("您已签名"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("assembly:request_detail", pk=pk)


@require_POST
@member_required
def request_withdraw(request, pk):
    req = get_object_or_404(_requests_for(request.user), pk=pk)
    try:
        svc.request_withdraw(request=req, actor=request.user)
        messages.success(request, _("您的签名已撤回"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("assembly:request_detail", pk=pk)


@require_POST
@member_required
def request_paper(request, pk):
    req = get_object_or_404(_requests_for(request.user), pk=pk)
    permissions.require(permissions.can_record_paper_signature(request.user, req),
                        _("只有本小区的管理员可以录入纸质签名"))
    form = PaperSignatureForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            sig = svc.request_sign_paper(request=req, actor=request.user, **form.cleaned_data)
            messages.success(request, _("已录入纸质签名：%(who)s") % {"who": sig.label})
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, "；".join(f"{form.fields[f].label}：{'；'.join(e)}" for f, e in form.errors.items()))
    return redirect("assembly:request_detail", pk=pk)
