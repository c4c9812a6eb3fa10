"""Owners' committees and 物业管理委员会: the street's list, a term's page, forming a 物管会, the filing, the term
report, a seat ending, the slate of an election (Beijing 物业管理条例 arts. 39–59).

Who sees what: the list is for those who serve the area's divisions (404 for everyone else); a term's page for
everyone who sees the estate — its residents, its staff, its committee members (the names and titles of the members
are posted in the estate by law, arts. 42 and 54; never their phones); the filing papers and the history for the
area's staff and the members. Writes are decided by linli/assembly/permissions.py through the services (403).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from linli.assembly import permissions, services
from linli.assembly.forms import (
    CandidateForm,
    CommitteeDocumentForm,
    ExistingCommitteeForm,
    FilingForm,
    ManagementCommitteeForm,
    SeatEndForm,
    TermReportForm,
    find_person,
)
from linli.assembly.models import Committee, CommitteeCandidate, CommitteeDocument, Motion
from linli.assembly.selectors import below_half, committee_members, committee_overview
from linli.assembly.services.committees import check_owners_slate
from linli.assembly.views.common import _division_prefix_q, _errors, _is_staff_for
from linli.core import uploads
from linli.core.access import get_visible_or_404, member_required, staff_required
from linli.people.models import Organization, Person, Post
from linli.people.scopes import scope_for
from linli.people.services import cross_posts
from linli.places.models import Estate

ART_47 = [  # Beijing art. 47: what members and alternates may not do (shown to them on their committee's page)
    gettext_lazy("阻挠、妨碍业主大会行使职权或者不执行业主大会决定"),
    gettext_lazy("虚构、篡改、隐匿、毁弃物业管理活动中形成的文件资料"),
    gettext_lazy("拒绝、拖延提供物业管理有关的文件资料，妨碍业主委员会换届交接工作"),
    gettext_lazy("擅自使用业主大会、业主委员会印章"),
    gettext_lazy("违反业主大会议事规则或者未经业主大会授权与物业服务人签订、修改物业服务合同"),
    gettext_lazy("将业主共有财产借给他人或者设定担保等挪用、侵占业主共有财产"),
    gettext_lazy("与物业服务人有可能影响其公正履行职务的经济往来或者利益交换"),
    gettext_lazy("泄露业主信息"),
    gettext_lazy("侵害业主合法权益的其他行为"),
]


def _overseen_estates(user):
    """Estates whose street or district the user administers (forming a 物管会, receiving filings)."""
    scope = scope_for(user)
    paths = [p for p in scope.admin_paths if p.count("/") <= 2]
    return Estate.objects.filter(_division_prefix_q("community__path", paths)).select_related("community")


@staff_required
def committee_list(request):
    """Every owners' committee and 物管会 of the user's area: term ends (within six months flagged), filing and
    report status, and the estates with neither."""
    if not permissions.can_list_committees(request.user):
        raise Http404
    scope = scope_for(request.user)
    estates = Estate.objects.filter(_division_prefix_q("community__path", scope.paths))
    today = timezone.localdate()
    return render(request, "assembly/committee_list.html", {
        **committee_overview(estates, today), "today": today,
        "can_form": _overseen_estates(request.user).exists(),
    })


def _detail_context(request, committee):
    user = request.user
    today = timezone.localdate()
    members = committee_members(committee, today)
    others = cross_posts([p.person_id for p in members], today)
    for post in members:
        post.others = [o for o in others.get(post.person_id, []) if o.organization_id != committee.organization_id]
    papers = permissions.sees_committee_papers(user, committee)
    can_end = permissions.can_end_seat(user, committee)
    posts = Post.objects.current(today).filter(organization=committee.organization).select_related("person")
    return {
        "committee": committee, "members": members, "today": today, "papers": papers,
        "documents": committee.documents.order_by("-uploaded_at", "-id") if papers else [],
        "events": committee.events.select_related("actor").order_by("at", "id") if papers else [],
        "is_member": permissions.sits_on(user, committee),
        "art47": ART_47,
        "can_file": permissions.can_oversee_committees(user, committee.estate) and not committee.filed_on,
        "can_report": (committee.kind == Committee.Kind.OWNERS and not committee.term_report_on
                       and permissions.can_record_term_report(user, committee)),
        "can_add_document": permissions.can_record_term_report(user, committee),
        "can_end": can_end and bool(members),
        "filing_form": FilingForm(prefix="filing"),
        "report_form": TermReportForm(prefix="report"),
        "document_form": CommitteeDocumentForm(prefix="doc"),
        "seat_form": SeatEndForm(prefix="seat", posts=posts) if can_end else None,
        "serving": committee.is_serving(today),
        "below_half": committee.is_serving(today) and below_half(committee, today),
        "earlier": Committee.objects.filter(estate=committee.estate).exclude(pk=committee.pk).order_by("-term_starts"),
    }


@member_required
def committee_detail(request, pk):
    committee = get_visible_or_404(Committee.objects.select_related("estate__community", "organization"),
                                   request.user, pk=pk)
    return render(request, "assembly/committee_detail.html", _detail_context(request, committee))


def _post_action(request, pk, form_class, prefix, act, done: str, **form_kwargs):
    """A POST from a committee page's form: the service decides who may (403); errors are shown on the page."""
    committee = get_visible_or_404(Committee.objects.select_related("estate__community", "organization"),
                                   request.user, pk=pk)
    form = form_class(request.POST, request.FILES, prefix=prefix, **form_kwargs)
    if form.is_valid():
        try:
            act(committee, form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("assembly:committee_detail", pk=pk)
    context = _detail_context(request, committee)
    context[f"{prefix}_form" if prefix != "doc" else "document_form"] = form
    context["failed"] = prefix
    return render(request, "assembly/committee_detail.html", context, status=400)


@require_POST
@staff_required
def committee_filing(request, pk):
    def act(committee, d):
        services.committee_record_filing(committee=committee, filed_on=d["filed_on"], actor=request.user,
                                         documents=[(CommitteeDocument.Kind.FILING, d["title"], d["file"])])
    return _post_action(request, pk, FilingForm, "filing", act, _("已记录备案"))


@require_POST
@member_required
def committee_report(request, pk):

    def act(committee, d):
        services.committee_record_term_report(committee=committee, reported_on=d["reported_on"], file=d["file"],
                                              actor=request.user)
    return _post_action(request, pk, TermReportForm, "report", act, _("已记录届满前书面报告"))


@require_POST
@member_required
def committee_document(request, pk):

    def act(committee, d):
        services.committee_add_document(committee=committee, kind=d["kind"], title=d["title"], file=d["file"],
                                        actor=request.user)
    return _post_action(request, pk, CommitteeDocumentForm, "doc", act, _("已上传文件"))


@require_POST
@member_required
def committee_seat_end(request, pk):
    committee = get_visible_or_404(Committee, request.user, pk=pk)
    permissions.require(permissions.can_end_seat(request.user, committee))
    posts = Post.objects.current().filter(organization=committee.organization).select_related("person")

    def act(committee, d):
        services.seat_end(post=d["post"], reason=d["reason"], on=d["on"], note=d["note"], alternate=d["alternate"],
                          actor=request.user)
    return _post_action(request, pk, SeatEndForm, "seat", act, _("已记录委员资格终止"), posts=posts)


def committee_file(request, pk):
    """A document of a body: for the area's staff and the body's members (404 otherwise)."""
    doc = get_object_or_404(CommitteeDocument.objects.select_related("committee__estate__community"), pk=pk)
    if not request.user.is_authenticated or not doc.file:
        raise Http404
    if not Committee.objects.visible_to(request.user).filter(pk=doc.committee_id).exists():
        raise Http404
    if not permissions.sees_committee_papers(request.user, doc.committee):
        raise Http404
    return uploads.serve(doc.file, name=f"committee-{doc.committee_id}-{doc.pk}", inline=True,
                         cache="private, no-store")


@staff_required
def committee_new(request):
    """The street forms a 物业管理委员会 (Beijing arts. 52–54, 58)."""
    estates = _overseen_estates(request.user)
    if not estates.exists():
        raise PermissionDenied(_("物业管理委员会由街道办事处、乡镇人民政府组建（北京市物业管理条例第五十二条）"))
    form = ManagementCommitteeForm(request.POST or None, request.FILES or None, estates=estates,
                                   initial={"estate": request.GET.get("estate")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            # Those the user sees, and those holding a post in a body the user sees (the residents' committee's).
            posted = Post.objects.current().filter(organization__in=Organization.objects.visible_to(request.user))
            persons = Person.objects.filter(Q(pk__in=Person.objects.visible_to(request.user).values("pk"))
                                            | Q(pk__in=posted.values("person_id")))
            members = form.members(persons)
            committee = services.management_committee_form(
                estate=d["estate"], members=members, term_starts=d["term_starts"], term_ends=d["term_ends"],
                basis=d["basis"], phone=d["phone"], document=d["document"], actor=request.user)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("已组建物业管理委员会"))
            return redirect("assembly:committee_detail", pk=committee.pk)
    return render(request, "assembly/committee_form.html", {"form": form})


@staff_required
def committee_register(request):
    """The street records an owners' committee elected before the estate used Linli (arts. 39, 41)."""
    estates = _overseen_estates(request.user)
    if not estates.exists():
        raise PermissionDenied(_("备案由街道办事处、乡镇人民政府办理（北京市物业管理条例第四十三条）"))
    form = ExistingCommitteeForm(request.POST or None, estates=estates, initial={"estate": request.GET.get("estate")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            owners = Person.objects.filter(occupancies__home__estate=d["estate"]).distinct()
            committee = services.committee_register_existing(
                estate=d["estate"], seats=form.seats(owners), elected_on=d["elected_on"], term_ends=d["term_ends"],
                basis=d["basis"], phone=d["phone"], actor=request.user)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("已登记业主委员会"))
            return redirect("assembly:committee_detail", pk=committee.pk)
    return render(request, "assembly/committee_register.html", {"form": form})


@staff_required
def motion_candidates(request, pk):
    """The slate of an ``elect_committee`` motion: entered while it is a draft, fixed once the vote opens."""
    motion = get_visible_or_404(Motion.objects.select_related("estate__community"), request.user, pk=pk)
    if not _is_staff_for(request.user, motion.estate) or motion.matter != "elect_committee":
        raise Http404
    can_write = permissions.can_write_motion(request.user, motion) and motion.status == Motion.Status.DRAFT
    form = CandidateForm(request.POST or None)
    if request.method == "POST":
        permissions.require(permissions.can_write_motion(request.user, motion))
        try:
            if request.POST.get("remove"):
                candidate = get_object_or_404(CommitteeCandidate, pk=request.POST["remove"], motion=motion)
                services.candidate_remove(candidate=candidate, actor=request.user)
                messages.success(request, _("已移出候选人名单"))
                return redirect("assembly:motion_candidates", pk=pk)
            if form.is_valid():
                d = form.cleaned_data
                owners = Person.objects.filter(Q(occupancies__home__estate=motion.estate)).distinct()
                person = find_person(owners, name=d["name"], phone=d["phone"], field="name")
                services.candidate_add(motion=motion, person=person, title=d["title"], actor=request.user)
                messages.success(request, _("已加入候选人名单"))
                return redirect("assembly:motion_candidates", pk=pk)
        except ValidationError as exc:
            _errors(form, exc)
    candidates = list(motion.candidates.select_related("person"))
    slate_error = ""
    if candidates:
        try:
            check_owners_slate(motion.estate, [(c.person, c.title) for c in candidates])
        except ValidationError as exc:
            slate_error = "；".join(exc.messages)
    return render(request, "assembly/committee_candidates.html", {
        "motion": motion, "candidates": candidates, "form": form, "can_write": can_write,
        "slate_error": slate_error}, status=400 if form.errors else 200)
