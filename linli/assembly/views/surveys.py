"""Surveys that ask every household (逐户征求意见): the list, drafting, the survey's page with progress and results,
a resident's answer for their home, the door-to-door paper entry and the export.

Who sees what: a survey is visible (``Survey.objects.visible_to``) to the staff who serve its place, to the estate's
committee members, and once published to the residents of its homes and the volunteers of its community; 404 for
everyone else. Staff see which home answered what and which homes have not answered; the committee sees counts and
text answers without homes; a resident sees their own home's answer. Writes are decided by the services
(permissions.py: 403).
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.assembly import permissions, selectors, services
from linli.assembly.forms import SurveyAnswerForm, SurveyForm
from linli.assembly.models import Survey
from linli.assembly.models.surveys import _volunteer_community_ids
from linli.assembly.services.surveys import current_response
from linli.assembly.survey_excel import survey_workbook
from linli.assembly.views.common import _division_prefix_q, _errors, _writable_estates
from linli.core.access import get_visible_or_404
from linli.people.scopes import scope_for
from linli.places.models import Division, Estate, Home


def _manages(user, survey) -> bool:
    """Staff of the place or a committee member of its estate: the survey's own page (not the resident's)."""
    scope = scope_for(user)
    return permissions.sees_survey_homes(user, survey) or (
        survey.estate_id is not None and scope.sits_on_committee_of(survey.estate_id))


def _draft_places(user):
    scope = scope_for(user)
    estates = Estate.objects.filter(Q(pk__in=_writable_estates(user).values("pk"))
                                    | Q(pk__in=scope.committee_estate_ids)).select_related("community")
    communities = Division.objects.filter(_division_prefix_q("path", scope.admin_paths),
                                          level=Division.Level.COMMUNITY)
    return estates, communities


@login_required
def survey_list(request):
    user = request.user
    if not (scope_for(user).is_member or _volunteer_community_ids(scope_for(user).person_id)):
        raise Http404  # a volunteer with no home on record enters paper forms too
    visible = Survey.objects.visible_to(user).select_related("estate", "building", "community", "committee")
    managed = [s for s in visible[:100] if _manages(user, s)]
    for s in managed:
        s.progress = selectors.survey_progress(s)
    mine = selectors.surveys_for_resident(user)
    enterable = [s for s in visible.filter(published_at__isnull=False, closed_at__isnull=True)[:50]
                 if s.is_open() and permissions.can_enter_survey_paper(user, s)]
    estates, communities = _draft_places(user)
    return render(request, "assembly/survey_list.html", {
        "managed": managed, "mine": mine, "enterable": enterable,
        "can_draft": estates.exists() or communities.exists(),
    })


@login_required
def survey_new(request):
    estates, communities = _draft_places(request.user)
    if not (estates.exists() or communities.exists()):
        raise Http404
    initial = {"estate": request.GET.get("estate"), "opens_on": timezone.localdate(),
               "closes_on": timezone.localdate() + datetime.timedelta(days=14)}
    for i in range(1, 7):
        initial[f"q{i}_required"] = True
    form = SurveyForm(request.POST or None, estates=estates, communities=communities, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("已保存征询草稿，检查无误后发布"))
            return redirect("assembly:survey_detail", pk=survey.pk)
    return render(request, "assembly/survey_form.html", {"form": form, "title": _("发起意见征询")})


def _get_survey(request, pk):
    return get_visible_or_404(Survey.objects.select_related("estate", "building", "community", "committee",
                                                            "created_by", "closed_by"), request.user, pk=pk)


@login_required
def survey_detail(request, pk):
    survey = _get_survey(request, pk)
    user = request.user
    if not _manages(user, survey):
        if permissions.can_enter_survey_paper(user, survey):
            return redirect("assembly:survey_paper", pk=pk)
        return redirect("assembly:survey_answer", pk=pk)
    staff = permissions.sees_survey_homes(user, survey)
    building_id = request.GET.get("building") if (request.GET.get("building") or "").isdigit() else None
    return render(request, "assembly/survey_detail.html", {
        "survey": survey, "staff": staff,
        "questions": survey.questions.prefetch_related("options"),
        "progress": selectors.survey_progress(survey, unanswered=staff, building_id=building_id),
        "results": selectors.survey_results(survey, with_homes=staff),
        "by_building": selectors.survey_results_by_building(survey, with_homes=staff),
        "can_run": permissions.can_run_survey(user, survey),
        "can_enter": survey.is_open() and permissions.can_enter_survey_paper(user, survey),
    })


@require_POST
@login_required
def survey_publish(request, pk):
    survey = _get_survey(request, pk)
    try:
        services.survey_publish(survey=survey, actor=request.user)
        messages.success(request, _("征询已发布"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("assembly:survey_detail", pk=pk)


@require_POST
@login_required
def survey_close(request, pk):
    survey = _get_survey(request, pk)
    try:
        services.survey_close(survey=survey, reason=request.POST.get("reason", ""), actor=request.user)
        messages.success(request, _("征询已关闭"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("assembly:survey_detail", pk=pk)


@login_required
def survey_answer(request, pk):
    """A resident answers for a home they live in (逐户): the first answer counts, a later one corrects it."""
    survey = _get_survey(request, pk)
    scope = scope_for(request.user)
    homes = [h for h in Home.objects.filter(pk__in=scope.home_ids).select_related("building") if survey.covers(h)]
    if not homes:
        raise Http404
    home = homes[0]
    if (request.POST.get("home") or request.GET.get("home") or "").isdigit():
        home = next((h for h in homes if h.pk == int(request.POST.get("home") or request.GET.get("home"))), None)
        if home is None:
            raise Http404
    before = current_response(survey, home)
    initial = _initial(survey, before)
    form = SurveyAnswerForm(request.POST or None, survey=survey, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer(survey=survey, home=home, answers=form.answers(), actor=request.user)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("已提交，谢谢您的意见"))
            return redirect(f"{request.path}?home={home.pk}")
    return render(request, "assembly/survey_answer.html", {
        "survey": survey, "form": form, "home": home, "homes": homes, "before": before,
        "is_open": survey.is_open(),
    })


def _initial(survey, response) -> dict:
    """The form filled with the home's current answer (to correct it)."""
    out = {}
    for q in survey.questions.all() if response is not None else ():
        value = response.answers.get(str(q.pk))
        if value in (None, "", []):
            continue
        if q.kind == "single":
            out[f"q{q.pk}"] = str(value[0])
        elif q.kind == "multiple":
            out[f"q{q.pk}"] = [str(v) for v in value]
        else:
            out[f"q{q.pk}"] = value
    return out


@login_required
def survey_paper(request, pk):
    """Door-to-door paper forms, entered by staff or a volunteer: pick the home, copy the answers, give the form's
    number. The homes not yet answered are listed (numbers only) for the next visit."""
    survey = _get_survey(request, pk)
    if not permissions.can_enter_survey_paper(request.user, survey):
        raise PermissionDenied(_("只有工作人员或志愿者可以录入纸质表"))
    home = None
    raw = request.POST.get("home") or request.GET.get("home") or ""
    if raw.isdigit():
        home = get_object_or_404(survey.homes().select_related("building"), pk=int(raw))
    building, room = (request.GET.get("building") or "").strip(), (request.GET.get("room") or "").strip()
    if home is None and room:
        found = survey.homes().filter(number=room).select_related("building")
        if building:
            found = found.filter(building__number__in=[building, f"{building}栋", f"{building.removesuffix('栋')}"])
        if found.count() == 1:
            home = found.first()
        else:
            messages.error(request, _("没有找到唯一的房屋，请同时填写楼栋和门牌号"))
    form = None
    before = None
    if home is not None:
        before = current_response(survey, home)
        form = SurveyAnswerForm(request.POST or None, survey=survey, paper=True)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.survey_answer(survey=survey, home=home, answers=form.answers(), actor=request.user,
                                       channel="paper", paper_no=data["paper_no"], replace=data["replace"])
            except ValidationError as exc:
                _errors(form, exc)
            else:
                messages.success(request, _("已录入 %(home)s 的纸质表") % {"home": home})
                return redirect("assembly:survey_paper", pk=pk)
    progress = selectors.survey_progress(survey, unanswered=True,
                                         building_id=request.GET.get("b") if (request.GET.get("b") or "").isdigit()
                                         else None)
    return render(request, "assembly/survey_paper.html", {
        "survey": survey, "home": home, "form": form, "before": before, "progress": progress,
        "is_open": survey.is_open(),
    })


@login_required
def survey_export(request, pk):
    """The results and every home's answer as .xlsx: staff of the place only; each export is in the audit log."""
    survey = _get_survey(request, pk)
    if not permissions.sees_survey_homes(request.user, survey):
        raise Http404
    try:
        data = survey_workbook(survey=survey, user=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("assembly:survey_detail", pk=pk)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.xlsx"'
    return response
