"""Pages of renovation projects and emergency property services.

Staff pages (the area's admins manage, the property company reads): the index with the deadline list, a project's
page (stages, comments to answer, facilities), the handover, an emergency service's page. Pages for the estate's
residents (and its committee): the project's public page with the comment form, the emergency notice, the estate's
list. Every write is a service call; the service checks the right.

A project over a cluster of estates (片区) is one project for everybody who sees one of its estates: its title,
plan, stages, facilities and the list of its estates are the project's, shown whole. What is one estate's own is
shown only to those who serve that estate: its handover (manager, fee plan) and, on the staff page, the names of
its commenters (masked otherwise, as on the public page).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.access import get_visible_or_404, member_required, staff_required
from linli.core.text import mask_name, redact
from linli.people.scopes import scope_for
from linli.places.models import Estate

from . import filters, forms, permissions, services
from .models import Comment, EmergencyService, Project, ProjectEstate

REMIND_DAYS = services.REMIND_DAYS


def _errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _staff_estates(user):
    return Estate.objects.managed_by_staff_of(user)


def _staff_project(request, pk):
    project = get_visible_or_404(Project.objects.select_related("estate__community", "survey").prefetch_related(
        "estate_rows__estate"), request.user, pk=pk)
    if not project.estate_rows.filter(estate__in=_staff_estates(request.user)).exists():
        raise Http404
    return project


def _projects_of(estates):
    """Projects covering any of ``estates`` (a queryset of estates)."""
    return Project.objects.filter(pk__in=ProjectEstate.objects.filter(estate__in=estates).values("project_id"))


def _estate_rows(project, user) -> list[dict]:
    """The project's estates with their handover: the manager and fee plan only of the estates the user sees (a
    community admin of one estate of a street's cluster does not see the other communities' arrangements)."""
    seen = set(Estate.objects.visible_to(user).filter(
        pk__in=[row.estate_id for row in project.estate_rows.all()]).values_list("pk", flat=True))
    rows = project.estate_rows.select_related("estate", "stewardship__provider", "fee_plan")
    return [{"estate": row.estate, "lead": row.estate_id == project.estate_id, "handed_over": row.handed_over,
             "row": row if row.estate_id in seen else None} for row in rows]


def _staff_service(request, pk):
    service = get_visible_or_404(EmergencyService.objects.select_related(
        "estate__community", "stewardship__provider", "selection_case", "notice"), request.user, pk=pk)
    if not _staff_estates(request.user).filter(pk=service.estate_id).exists():
        raise Http404
    return service


@staff_required
def index(request):
    """The staff's list: projects by stage, emergency services, those ending within 30 days (art. 77)."""
    estates = _staff_estates(request.user)
    project_filter = filters.ProjectFilterSet(request.GET or None, queryset=_projects_of(estates).prefetch_related(
        "estate_rows__estate"))
    projects = project_filter.qs
    emergencies = EmergencyService.objects.filter(estate__in=estates).select_related("estate", "stewardship__provider",
                                                                                     "selection_case")
    scope = scope_for(request.user)
    return render(request, "renovation/index.html", {
        "projects": projects, "emergencies": emergencies, "stages": Project.Stage.choices,
        "stage": request.GET.get("stage", ""),
        "ending": emergencies.ending_within(REMIND_DAYS).order_by("stewardship__end"),
        "remind_days": REMIND_DAYS, "can_create": scope.is_registry_admin, "today": timezone.localdate(),
    })


@staff_required
def project_new(request):
    """Register a project: its lead estate and, for a cluster (片区), the other estates, among those the admin
    manages (a cluster across communities is the street's)."""
    estates = Estate.objects.filter(pk__in=[e.pk for e in _staff_estates(request.user).select_related("community")
                                            if permissions.can_manage_estates(request.user, [e])])
    if not estates:
        raise PermissionDenied(_("只读角色不能登记改造项目"))
    form = forms.ProjectForm(request.POST or None, estates=estates, user=request.user,
                             initial={"estate": request.GET.get("estate")})
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            return redirect("renovation:project_detail", pk=project.pk)
    return render(request, "renovation/form.html", {"form": form, "title": _("登记老旧小区改造项目")})


@staff_required
def project_detail(request, pk):
    """A project for staff: stages and their history, the plan, the comments (names as given) with answer forms,
    the facilities; the managers move the stage, answer and link facilities here (a POST with ``step``)."""
    project = _staff_project(request, pk)
    can_manage = permissions.can_manage(request.user, project)
    step = request.POST.get("step") if request.method == "POST" else None
    stage_form = forms.StageForm(request.POST if step == "stage" else None)
    answer_form = forms.AnswerForm(request.POST if step == "answer" else None)
    link_form = forms.FacilityLinkForm(request.POST if step == "link" else None, project=project)
    create_form = forms.FacilityCreateForm(request.POST if step == "create" else None, project=project)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied(_("您无权管理该小区的改造项目"))
        form = {"stage": stage_form, "answer": answer_form, "link": link_form, "create": create_form}.get(step)
        if form is None:
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            try:
                if step == "stage" and d["direction"] == "advance":
                    services.project_advance(project=project, actor=request.user, note=d["note"], plan=d["plan"])
                elif step == "stage":
                    services.project_step_back(project=project, actor=request.user, reason=d["note"])
                elif step == "answer":
                    comment = get_object_or_404(Comment, pk=d["comment"], project=project)
                    services.answer_add(comment=comment, actor=request.user, body=d["body"])
                elif step == "link":
                    services.facility_link(project=project, actor=request.user, **d)
                else:
                    services.facility_create(project=project, actor=request.user, **d)
            except ValidationError as exc:
                _errors(form, exc)
            else:
                messages.success(request, _("已记录"))
                return redirect("renovation:project_detail", pk=pk)
    served = set(_staff_estates(request.user).values_list("pk", flat=True))
    comments = [{"c": c, "who": c.author_name if (c.estate_id or project.estate_id) in served
                 else mask_name(c.author_name), "body": c.body if (c.estate_id or project.estate_id) in served
                 else redact(c.body, names=[c.author_name])}
                for c in project.comments.select_related("estate").prefetch_related("answers")]
    rows = _estate_rows(project, request.user)
    return render(request, "renovation/project_detail.html", {
        "project": project, "can_manage": can_manage, "stage_form": stage_form, "answer_form": answer_form,
        "link_form": link_form, "create_form": create_form, "rows": rows,
        "partial": not can_manage and scope_for(request.user).is_registry_admin,
        "handed_count": sum(1 for r in rows if r["handed_over"]),
        "events": project.events.select_related("actor"),
        "comments": comments,
        "links": project.facility_links.select_related("facility__estate"),
    })


@staff_required
def project_handover(request, pk):
    """The handover, estate by estate: the estates to hand over now (all those still waiting, ticked), the manager
    with each estate's basis and the fee plan with its grace period (先服务后收费); the estates done are listed."""
    project = _staff_project(request, pk)
    if not permissions.can_manage(request.user, project):
        raise PermissionDenied(_("您无权管理该改造项目：片区项目须由管辖其全部小区的社区或街道管理"))
    form = forms.HandoverForm(request.POST or None, project=project, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_handover(project=project, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("已移交管理"))
            return redirect("renovation:project_detail", pk=pk)
    return render(request, "renovation/handover.html", {"form": form, "project": project,
                                                        "rows": _estate_rows(project, request.user)})


@member_required
def project_public(request, pk):
    """The project's public page for the estate's residents: stages, the plan, comments and answers with names
    masked, and the comment form while the plan is published."""
    project = get_visible_or_404(Project.objects.select_related("estate").prefetch_related("estate_rows__estate"),
                                 request.user, pk=pk)
    may_comment = permissions.can_comment(request.user, project)
    can_comment = may_comment and project.stage == Project.Stage.PLAN
    form = forms.CommentForm(request.POST or None)
    if request.method == "POST":
        if not may_comment:
            raise PermissionDenied(_("只有改造范围内小区的居民可以对改造方案提出意见"))
        if form.is_valid():
            try:
                services.comment_add(project=project, actor=request.user, body=form.cleaned_data["body"])
            except ValidationError as exc:
                _errors(form, exc)
            else:
                messages.success(request, _("意见已提交，工作人员将在本页答复"))
                return redirect("renovation:project_public", pk=pk)
    comments = [{"who": mask_name(c.author_name), "body": redact(c.body, names=[c.author_name]), "at": c.at,
                 "estate": c.estate, "mine": c.author_id == request.user.pk,
                 "answers": [{"body": redact(a.body), "at": a.at} for a in c.answers.all()]}
                for c in project.comments.select_related("estate").prefetch_related("answers")]
    return render(request, "renovation/project_public.html", {
        "project": project, "comments": comments, "form": form, "can_comment": can_comment,
        "estates": [row.estate for row in project.estate_rows.all()],
        "links": project.facility_links.select_related("facility__estate"),
    })


@member_required
def estate_page(request, pk):
    """An estate's renovation projects (its own and the clusters' that include it) and emergency services, linked
    from the estate page: staff go to the staff pages, residents to the public ones."""
    estate = get_visible_or_404(Estate, request.user, pk=pk)
    is_staff = _staff_estates(request.user).filter(pk=estate.pk).exists()
    return render(request, "renovation/estate.html", {
        "estate": estate, "is_staff": is_staff,
        "projects": Project.objects.covering(estate).prefetch_related("estate_rows__estate"),
        "emergencies": EmergencyService.objects.filter(estate=estate).select_related("stewardship__provider"),
        "can_create": permissions.can_manage_estates(request.user, [estate]),
        "can_appoint": permissions.can_appoint_emergency(request.user, estate),
    })


@staff_required
def emergency_new(request):
    """The street appoints an emergency provider (北京市物业管理条例 art. 77)."""
    estates = Estate.objects.filter(pk__in=[e.pk for e in _staff_estates(request.user).select_related(
        "community__parent") if permissions.can_appoint_emergency(request.user, e)])
    if not estates:
        raise PermissionDenied(_("应急物业服务人由街道办事处确定（《北京市物业管理条例》第七十七条）"))
    form = forms.EmergencyForm(request.POST or None, estates=estates, user=request.user,
                               initial={"estate": request.GET.get("estate")})
    if request.method == "POST" and form.is_valid():
        try:
            service = services.emergency_appoint(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            return redirect("renovation:emergency_detail", pk=service.pk)
    return render(request, "renovation/form.html", {
        "form": form, "title": _("确定应急物业服务人"),
        "intro": _("《北京市物业管理条例》第七十七条：物业管理区域突发失管状态时，街道办事处组织确定应急物业服务人；"
                   "服务内容、期限、费用在小区显著位置公示；期限不超过六个月，期间组织业主共同决定选聘新物业服务人。")})


@staff_required
def emergency_detail(request, pk):
    service = _staff_service(request, pk)
    can_appoint = permissions.can_appoint_emergency(request.user, service.estate)
    form = forms.CaseLinkForm(request.POST or None, service=service)
    if request.method == "POST":
        if not can_appoint:
            raise PermissionDenied(_("应急物业服务人由街道办事处确定（《北京市物业管理条例》第七十七条）"))
        if form.is_valid():
            try:
                services.emergency_link_case(service=service, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _errors(form, exc)
            else:
                messages.success(request, _("已关联选聘案"))
                return redirect("renovation:emergency_detail", pk=pk)
    today = timezone.localdate()
    return render(request, "renovation/emergency_detail.html", {
        "service": service, "can_appoint": can_appoint, "form": form,
        "days_left": (service.end - today).days if service.end else None,
    })


@member_required
def emergency_notice(request, pk):
    """The public notice of an emergency service for the estate's residents: provider, services, period, costs."""
    service = get_visible_or_404(EmergencyService.objects.select_related("estate", "stewardship__provider"),
                                 request.user, pk=pk)
    return render(request, "renovation/emergency_notice.html", {"service": service})
