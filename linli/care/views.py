"""Care pages: subjects, overdue visits, a subject's record, visits, problems (reminders are in /notify/).

Only care staff (sensitive roles) and assigned visitors get these pages (everyone else 404); every page that
shows a subject logs the viewing against the person (PIPL).
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from linli.care import filters, selectors, services
from linli.care.forms import (
    ConvertForm,
    IssueLinkForm,
    PlanForm,
    SubjectForm,
    VisitForm,
    community_volunteers,
    enrollable,
)
from linli.care.models import CareSubject, Problem, VisitLink, VisitPlan
from linli.care.permissions import is_care_user
from linli.core.access import get_visible_or_404
from linli.notify.selectors import unread_count
from linli.people import pickers
from linli.people.scopes import scope_for


def care_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_care_user(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _apply(request, fn, **kwargs):
    try:
        return fn(actor=request.user, **kwargs)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
        return None


@care_required
def subject_list(request):
    qs = CareSubject.objects.visible_to(request.user).filter(active=True).select_related("person", "estate")
    kind = request.GET.get("kind", "")
    qs = filters.CareSubjectFilterSet(request.GET, queryset=qs).qs  # the API's filters; a bad value is ignored here
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    selectors.log_viewing(request.user, page, action="care_list", path=request.path)
    today = timezone.localdate()
    due = {}
    for subject in page:
        plans = [p for p in subject.plans.all() if p.active]
        due[subject.pk] = min((p.next_due for p in plans), default=None)
    rows = [(s, due[s.pk], due[s.pk] is not None and due[s.pk] < today) for s in page]
    return render(request, "care/subject_list.html", {
        "page": page, "rows": rows, "kinds": CareSubject.Kind.choices, "kind": kind,
        "staff": scope_for(request.user).sees_sensitive,
        "unread": unread_count(request.user, kind="care"),
    })


@care_required
def overdue(request):
    plans = list(selectors.overdue_plans(request.user))
    selectors.log_viewing(request.user, [p.subject for p in plans], action="care_overdue", path=request.path)
    today = timezone.localdate()
    return render(request, "care/overdue.html", {"rows": [(p, (today - p.next_due).days) for p in plans]})


@care_required
def subject_new(request):
    if not scope_for(request.user).sees_sensitive:
        raise services.PermissionDenied
    form = SubjectForm(request.POST or None, user=request.user)
    pickers.take_query(form, request)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["kinds"] = data["kinds"] or None
        subject = _apply(request, services.subject_enrol, **data)
        if subject:
            messages.success(request, _("已登记关护对象"))
            return redirect("care:subject_detail", pk=subject.pk)
    return render(request, "care/subject_form.html", {"form": form})


@care_required
def subject_detail(request, pk):
    subject = get_visible_or_404(CareSubject.objects.select_related("person", "estate", "home__building", "community"),
                                 request.user, pk=pk)
    selectors.log_viewing(request.user, [subject], action="care_view", path=request.path)
    staff = services.is_care_staff(request.user, subject.community)
    plan_form = PlanForm(subject=subject) if staff else None
    if plan_form is not None:
        pickers.take_query(plan_form, request)
    visits = (subject.visits.select_related("visitor", "visitor_person", "recorded_by")
              .prefetch_related("problems")[:30])
    now = timezone.localtime().replace(second=0, microsecond=0)
    return render(request, "care/subject_detail.html", {
        "s": subject, "plans": subject.plans.prefetch_related("visitors", "visitor_people"), "visits": visits,
        "staff": staff, "plan_form": plan_form, "links": selectors.live_links(subject) if staff else [],
        "visit_form": VisitForm(subject=subject, staff=staff, initial={"visited_at": now}),
        "places": Problem.Place.choices,
    })


@require_POST
@care_required
def plan_new(request, pk):
    subject = get_visible_or_404(CareSubject.objects.select_related("community"), request.user, pk=pk)
    if not services.is_care_staff(request.user, subject.community):
        raise services.PermissionDenied
    form = PlanForm(request.POST, subject=subject)
    if form.is_valid() and _apply(request, services.plan_create, subject=subject, **form.cleaned_data):
        messages.success(request, _("已制定探访计划"))
    elif not form.is_valid():
        messages.error(request, _("请选择频次和探访人"))
    return redirect("care:subject_detail", pk=pk)


@require_POST
@care_required
def visit_new(request, pk):
    subject = get_visible_or_404(CareSubject.objects.select_related("community"), request.user, pk=pk)
    form = VisitForm(request.POST, subject=subject, staff=services.is_care_staff(request.user, subject.community))
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["problems"] = data["problems"].splitlines()
        data["urgent_problems"] = data["urgent_problems"].splitlines()
        data["problem_place"] = data["problem_place"] or Problem.Place.HOME
        if _apply(request, services.visit_record, subject=subject, **data):
            messages.success(request, _("已登记探访"))
    else:
        messages.error(request, _("请填写探访时间和状况"))
    return redirect("care:subject_detail", pk=pk)


@require_POST
@care_required
def problem_action(request, pk, action):
    problem = get_visible_or_404(Problem.objects.select_related("visit__subject__community"), request.user, pk=pk)
    if action == "resolve":
        done = _apply(request, services.problem_resolve, problem=problem, resolution=request.POST.get("resolution", ""))
    elif action == "work_order":
        form = ConvertForm(request.POST, initial={"text": problem.description, "place": problem.place})
        if not form.is_valid():
            for field, errors in form.errors.items():
                messages.error(request, f"{form.fields[field].label}：{errors[0]}")
            return redirect(_problem_url(problem))
        done = _apply(request, services.problem_to_work_order, problem=problem,
                      text=form.cleaned_data["text"] or None, place=form.cleaned_data["place"] or None)
        if done:
            # The page after conversion links the new order (issue 15 item 7).
            messages.success(request, format_html(
                '{} <a href="{}">{}</a>', _("已转为工单"), reverse("workorders:order", args=[done.work_order_ref]),
                done.work_order_ref))
            return redirect(_problem_url(problem))
    else:
        raise Http404
    if done:
        messages.success(request, _("已更新"))
    return redirect(_problem_url(problem))


def _problem_url(problem) -> str:
    return reverse("care:subject_detail", args=[problem.visit.subject_id]) + f"#problem-{problem.pk}"


@care_required
def subject_people(request):
    """htmx: the person picker of the enrolment form (care staff only; people they see, not yet under care)."""
    if not scope_for(request.user).sees_sensitive:
        raise Http404
    return pickers.picker_results(request, enrollable(request.user), name="person")


@care_required
def plan_people(request, pk):
    """htmx: the volunteer picker of a subject's plan form (care staff of the subject's community only)."""
    subject = get_visible_or_404(CareSubject.objects.select_related("community"), request.user, pk=pk)
    if not services.is_care_staff(request.user, subject.community):
        raise Http404
    return pickers.picker_results(request, community_volunteers(subject.community), name="volunteers", multiple=True)


@never_cache
@require_POST
@care_required
def link_new(request, pk):
    """Issue a personal visit link to a volunteer without a login; the link is shown once, on the next page."""
    plan = get_visible_or_404(VisitPlan.objects.select_related("subject__community"), request.user, pk=pk)
    if not services.is_care_staff(request.user, plan.subject.community):
        raise Http404
    form = IssueLinkForm(request.POST, plan=plan)
    if not form.is_valid():
        messages.error(request, _("请选择志愿者和有效天数"))
        return redirect("care:subject_detail", pk=plan.subject_id)
    issued = _apply(request, services.link_issue, plan=plan, **form.cleaned_data)
    if not issued:
        return redirect("care:subject_detail", pk=plan.subject_id)
    link, token = issued
    url = request.build_absolute_uri(reverse("care:visit_link", args=[token]))
    return render(request, "care/link_issued.html", {"link": link, "url": url, "subject": plan.subject})


@require_POST
@care_required
def link_revoke(request, pk):
    link = get_visible_or_404(VisitLink.objects.select_related("plan__subject__community"), request.user, pk=pk)
    if not services.is_care_staff(request.user, link.plan.subject.community):
        raise Http404
    services.link_revoke(actor=request.user, link=link)
    messages.success(request, _("链接已作废"))
    return redirect("care:subject_detail", pk=link.plan.subject_id)
