"""Rankings and assessment (考核): the ranking page, the weights and rules page, computing and recomputing a month,
and the public 红黑榜 (docs/dashboard-assessment.md)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core import ratelimit
from linli.core.access import staff_required
from linli.core.dbrouter import replica_reads
from linli.dashboard import assessment as a
from linli.dashboard.models import AssessmentWeights, MonthlyScore, ScoreEvent, Subject
from linli.places.models import Division


def change_text(change: int | None, prev: int | None) -> str:
    """The change of rank in words (not only a colour): 上升2位 / 下降1位 / 持平 / 新进入排名."""
    if change is None:
        return _("上月无排名") if prev is None else "—"
    if change > 0:
        return _("↑ 上升%(n)d位") % {"n": change}
    if change < 0:
        return _("↓ 下降%(n)d位") % {"n": -change}
    return _("— 持平")


def _month_choices(today: datetime.date, n: int = 13) -> list[datetime.date]:
    month, out = a.first_day(today), []
    for _i in range(n):
        out.append(month)
        month = a.previous_month(month)
    return out


def _orders_link(row: MonthlyScore) -> str:
    """The list behind a row: the subject's orders received that month (a community: its rates page)."""
    since, until = row.month, a.last_day(row.month)
    if row.subject == Subject.COMMUNITY:
        code = row.counts.get("code") or ""
        return (reverse("workorders:rates_division", args=[code]) + f"?period={row.month:%Y-%m}") if code else ""
    params = {"tab": "all", "since": since.isoformat(), "until": until.isoformat()}
    if row.subject == Subject.ESTATE:
        params["estate"] = row.estate_id
    else:
        params["assignee_org"] = row.organization_id
    return reverse("workorders:inbox") + "?" + urlencode(params)


def _district_or_404(user, code: str) -> tuple[Division, a.Reach]:
    district = a.ranking_districts(user).filter(code=code).first()
    if district is None:
        raise Http404
    reach = a.ranking_reach(user, district)
    if not reach:
        raise Http404
    return district, reach


def _state(district: Division, month: datetime.date, event: ScoreEvent | None, today: datetime.date) -> dict:
    frozen = a.is_frozen(district, month) if event is not None else False
    if frozen:
        key, text = "frozen", _("已冻结：月结后得分不再随数据变化，只能由区级管理员说明原因后重算")
    elif event is not None:
        key, text = "provisional", _("临时得分：本月尚未冻结，月结（次月1日）后以冻结结果为准")
    elif a.is_closed(month, today):
        key, text = "computing", _("计算中：本月已结束，得分将由每日凌晨的月结任务计算并冻结")
    else:
        key, text = "open", _("本月尚未结束，暂无得分")
    return {"key": key, "text": text}


@staff_required
def ranking_home(request):
    district = a.ranking_districts(request.user).order_by("path").first()
    if district is None:
        raise Http404
    return redirect("dashboard:assessment", code=district.code)


@staff_required
@replica_reads
def ranking(request, code):
    district, reach = _district_or_404(request.user, code)
    today = timezone.localdate()
    error = ""
    try:
        month = a.parse_month(request.GET.get("month"))
    except ValueError as exc:
        month, error = a.previous_month(today), str(exc)
    subject = request.GET.get("subject") if request.GET.get("subject") in Subject.values else Subject.COMPANY
    event = a.latest_event(district, month)
    rows = []
    if event is not None:
        qs = a.visible_rows(MonthlyScore.objects.filter(event=event, subject=subject), reach)
        rows = sorted(qs.select_related("organization", "street"),
                      key=lambda r: (r.rank_district is None, r.rank_district or 0, r.name))
        codes = dict(Division.objects.filter(pk__in={r.community_id for r in rows if r.community_id})
                     .values_list("pk", "code")) if subject == Subject.COMMUNITY else {}
        for r in rows:
            if subject == Subject.COMMUNITY:
                r.counts["code"] = codes.get(r.community_id, "")
            r.link = _orders_link(r)
            # An estate opens its page of the dashboard (its orders are one tap further), for the people who
            # may open it: the ranking's estates lie in the district or street the viewer serves.
            if subject == Subject.ESTATE and r.estate_id:
                r.link = reverse("dashboard:estate", args=[r.estate_id]) + f"?period={r.month:%Y-%m}"
            r.change_words = change_text(r.change, r.prev_rank_district)
            r.change_street_words = change_text(r.change_street, r.prev_rank_street)
    weights = (event.data.get("weights") if event is not None else None) or a.weights_for(district, month).as_dict()
    # The 30 best as an hbar (the table behind it is the chart, docs/dashboard-charts.md).
    chart = [((r.name, r.link), [(r.score, r.link)]) for r in rows if r.score is not None][:30]
    return render(request, "dashboard/assessment.html", {
        "district": district, "reach": reach, "month": month, "months": _month_choices(today),
        "subject": subject, "subjects": Subject.choices, "rows": rows, "event": event, "error": error,
        "state": _state(district, month, event, today), "weights": _weights_list(weights),
        "chart": chart, "chart_columns": [_("名称"), _("得分")], "history": ScoreEvent.objects.filter(district=district, month=month)
        .select_related("actor").order_by("-id")[:20] if reach.whole else [],
        "can_compute": a.can_recompute(request.user, district),
        "frozen": event is not None and a.is_frozen(district, month),
        "closed": a.is_closed(month, today),
        # A city's people (several districts) switch between them.
        "districts": list(a.ranking_districts(request.user).order_by("path").values_list("code", "name")),
    })


def _weights_list(weights: dict) -> list[tuple[str, str, object]]:
    return [(k, str(a.LABELS[k]), weights.get(k, 0)) for k in a.COMPONENTS]


@staff_required
@require_POST
def compute(request, code):
    district, _reach = _district_or_404(request.user, code)
    try:
        month = a.parse_month(request.POST.get("month"))
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("dashboard:assessment", code=code)
    back = reverse("dashboard:assessment", args=[code]) + f"?month={month:%Y-%m}"
    try:
        event = a.scores_compute(month=month, district=district, actor=request.user,
                                 reason=request.POST.get("reason", ""), freeze=request.POST.get("freeze") == "1")
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            label = {"reason": _("原因"), "month": _("月份")}.get(field)  # never the field's name (issue 18 item 6)
            for e in errors:
                messages.error(request, f"{label}：{e}" if label else e)
        return redirect(back)
    messages.success(request, _("已计算 %(m)s 的考核得分（%(k)s）") % {"m": f"{month:%Y-%m}",
                                                                  "k": event.get_kind_display()})
    return redirect(back)


@staff_required
def weights_page(request, code):
    district, reach = _district_or_404(request.user, code)
    can_edit = a.can_edit_weights(request.user, district)
    today = timezone.localdate()
    errors, form = {}, {}
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("只有本区的区级管理员可以调整考核权重"))
        form = request.POST
        try:
            effective = a.parse_month(request.POST.get("effective_from"), default=a.first_day(today))
        except ValueError:
            effective = None
        try:
            a.weights_change(district=district, effective_from=effective,
                             values={k: request.POST.get(k) for k in a.COMPONENTS},
                             complaints_cap=request.POST.get("complaints_cap", ""),
                             reason=request.POST.get("reason", ""), actor=request.user)
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, _("已保存新的考核权重，自 %(m)s 起生效；已冻结的月份不受影响，如需按新权重"
                                        "重算请在排名页说明原因后重算") % {"m": f"{effective:%Y-%m}"})
            return redirect("dashboard:assessment_weights", code=code)
    current = a.weights_for(district, today)
    history = AssessmentWeights.objects.filter(district=district).select_related("created_by").order_by(
        "-effective_from", "-id")[:50]
    labels = {"effective_from": _("生效月份"), "complaints_cap": _("每百户诉求量满分线"), "reason": _("调整原因"),
              **{k: str(v) for k, v in a.LABELS.items()}}
    return render(request, "dashboard/assessment_weights.html", {
        "district": district, "current": current, "weights": _weights_list(current.values),
        "defaults": a.default_weights(), "history": history, "can_edit": can_edit,
        "errors": [(labels.get(k, k), e) for k, es in errors.items() for e in es], "form": form,
        "effective_value": form.get("effective_from") if form else
        f"{a.first_day(a.last_day(today) + datetime.timedelta(days=1)):%Y-%m}",
        "components": [(k, a.LABELS[k], form.get(k, current.values[k]) if form else current.values[k])
                       for k in a.COMPONENTS],
    }, status=400 if errors else 200)


# -- the public 红黑榜 -------------------------------------------------------------------------------------------


def public_ranking(request, code):
    """红黑榜: the best and the worst companies and estates of the district's last frozen month, with the rules.
    No sign-in; names and scores only (no person, no figure about a person)."""
    if ratelimit.limited(request, "ranking"):
        return HttpResponse(str(ratelimit.MESSAGE), status=429)
    district = get_object_or_404(Division, code=code, level=Division.Level.DISTRICT)
    frozen = (ScoreEvent.objects.filter(district=district, kind=ScoreEvent.Kind.FROZEN)
              .order_by("-month", "-id").values_list("month", flat=True).first())
    n = max(1, settings.LINLI_ASSESSMENT_PUBLIC_N)
    lists, weights = [], a.weights_for(district, frozen or timezone.localdate())
    if frozen is not None:
        event = a.latest_event(district, frozen)
        weights_dict = event.data.get("weights") or weights.as_dict()
        ranked = (MonthlyScore.objects.filter(event=event, rank_district__isnull=False)
                  .order_by("rank_district", "name").values("subject", "name", "score", "rank_district"))
        for subject, title in ((Subject.COMPANY, _("物业服务企业")), (Subject.ESTATE, _("小区"))):
            rows = [r for r in ranked if r["subject"] == subject]
            red = rows[:n]
            black = [r for r in rows[-n:] if r not in red][::-1]
            lists.append({"title": title, "red": red, "black": black, "count": len(rows)})
    else:
        weights_dict = weights.as_dict()
    return render(request, "dashboard/assessment_public.html", {
        "district": district, "month": frozen, "lists": lists, "n": n,
        "weights": _weights_list(weights_dict), "cap": weights_dict.get("complaints_cap"),
    })


urlpatterns = [
    path("assessment/", ranking_home, name="assessment_home"),
    path("assessment/<str:code>/", ranking, name="assessment"),
    path("assessment/<str:code>/compute/", compute, name="assessment_compute"),
    path("assessment/<str:code>/weights/", weights_page, name="assessment_weights"),
    path("public/ranking/<str:code>/", public_ranking, name="public_ranking"),
]


def ready():
    """Registers this part's links and hooks (called from DashboardConfig.ready)."""
    from django.utils.translation import gettext_lazy

    from linli.core.nav import NavItem, register

    register(NavItem(gettext_lazy("考核排名"), "dashboard:assessment_home",
                     lambda scope, user: bool(scope.roles & a.VIEWER_ROLES and scope.paths), order=26))
