"""Issue 19 (reach): the committee member's desk (业委会/物管会工作台) and the quarterly rating of the property company.

A member of an estate's owners' committee or 物业管理委员会 (a current seat, people.scopes) lands here after sign-in:
the bodies they sit on, what they can do, the estate's figures (work in hand, overdue, this year's fee collection)
and the rating due this quarter. Law: 北京市物业管理条例 art. 44 (the committee's duties: supervise the property service
contract (5), the common funds (4)), art. 56 (a 物业管理委员会 in its place); 物业管理条例 art. 15. 404 for everyone else.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.assembly import selectors, services
from linli.assembly.forms import RatingCorrectionForm, RatingForm
from linli.assembly.models import RATING_ITEMS, ServiceRating
from linli.assembly.services.ratings import companies_of_quarter
from linli.assembly.views.common import _errors
from linli.fees import selectors as fee_selectors
from linli.people.models import Organization, Post
from linli.people.scopes import scope_for
from linli.workorders import posters
from linli.workorders import selectors as order_selectors

# What a member can do from the desk: (label, url name, how the estate is passed: "query" ?estate=, "pk" the estate's,
# "committee" the body's term, "board" the estate's poster token, or "" nothing). The desk is the committee member's
# one menu: the top bar keeps only 业委会工作台 for them (a phone's bar of seventeen links helps no one).
DESK_LINKS = [
    (gettext_lazy("本小区工单"), "workorders:committee_orders", "query"),
    (gettext_lazy("收支与收缴"), "fees:committee_estate", "pk"),
    (gettext_lazy("起草表决事项与公示"), "assembly:drafts", ""),
    (gettext_lazy("委员会会议"), "assembly:committee_meetings", ""),
    (gettext_lazy("意见征询"), "assembly:survey_list", ""),
    (gettext_lazy("业主提议"), "assembly:proposals", ""),
    (gettext_lazy("召开业主大会的提议"), "assembly:requests", ""),
    (gettext_lazy("本届委员会"), "assembly:committee_detail", "committee"),
    (gettext_lazy("组织与任职"), "people:body_list", "query"),
    (gettext_lazy("小区公开栏"), "residents:board", "board"),
    (gettext_lazy("业主共同决定"), "assembly:index", ""),
]


def _links(estate, committee=None) -> list[dict]:
    out = []
    for label, name, how in DESK_LINKS:
        if how == "committee" and committee is None:
            continue
        args = {"pk": [estate.pk], "committee": [getattr(committee, "pk", None)],
                "board": [posters.make_token(estate=estate)]}.get(how, [])
        try:
            url = reverse(name, args=args)
        except NoReverseMatch:
            continue
        out.append({"label": label, "url": f"{url}?estate={estate.pk}" if how == "query" else url})
    return out


@login_required
def committee_desk(request):
    user = request.user
    scope = scope_for(user)
    if not scope.is_committee_member:
        raise Http404
    today = timezone.localdate()
    year_start = datetime.date(today.year, 1, 1)
    terms = {c.organization_id: c for c in selectors.committees_of(user, today)}
    # Every body the member sits on, with its term where one is recorded (a seat on a body whose term is not
    # recorded yet still gives the role: its desk shows the estate and says so).
    bodies = list(Organization.objects.filter(pk__in=scope.committee_org_ids, estate__isnull=False)
                  .select_related("estate__community").order_by("estate__name", "pk"))
    estate_ids = [b.estate_id for b in bodies]
    orders = order_selectors.estate_order_figures(estate_ids)
    posts = Post.objects.current(today).filter(organization_id__in=[b.pk for b in bodies]).select_related("person")
    order = list(Post.Title.values)
    members: dict[int, list] = {}
    for p in sorted(posts, key=lambda p: (order.index(p.title) if p.title in order else len(order), p.pk)):
        members.setdefault(p.organization_id, []).append(p)
    rows = []
    for body in bodies:
        term = terms.get(body.pk)
        rows.append({
            "body": body, "estate": body.estate, "committee": term, "members": members.get(body.pk, []),
            "mine": [p for p in members.get(body.pk, []) if p.person_id == user.person_id],
            "links": _links(body.estate, term), "orders": orders.get(body.estate_id, {}),
            "fees": fee_selectors.collection([body.estate_id], year_start, today),
            "due": selectors.ratings_due(term, today) if term else [],
            "days_left": (term.term_ends - today).days if term else None,
        })
    return render(request, "assembly/committee_desk.html", {"rows": rows, "today": today, "year": today.year})


def _my_committee(user, pk):
    committee = next((c for c in selectors.committees_of(user) if c.pk == pk), None)
    if committee is None:
        raise Http404
    return committee


def _period_companies(committee, periods):
    ids = set()
    for year, quarter in periods:
        ids |= set(companies_of_quarter(committee.estate, year, quarter).values_list("pk", flat=True))
    return Organization.objects.filter(pk__in=ids).order_by("name", "pk")


@login_required
def committee_ratings(request, pk):
    """The body's ratings (every row: corrections beside what they supersede) and the form to rate a quarter."""
    user = request.user
    committee = _my_committee(user, pk)
    today = timezone.localdate()
    periods = services.rateable_quarters(today)
    companies = _period_companies(committee, periods)
    due = selectors.ratings_due(committee, today)
    first = due[0] if due else None
    initial = {"period": request.GET.get("period") or (f"{first[0]}-{first[1]}" if first else None),
               "company": request.GET.get("company") or (first[2].pk if first else None)}
    form = RatingForm(request.POST or None, periods=periods, companies=companies, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            year, quarter = form.quarter()
            try:
                services.rating_record(committee=committee, company=form.cleaned_data["company"], year=year,
                                       quarter=quarter, scores={k: form.cleaned_data[k] for k in RATING_ITEMS},
                                       comment=form.cleaned_data["comment"], actor=user)
            except ValidationError as exc:
                _errors(form, exc)
            else:
                messages.success(request, _("已保存本季度物业服务评价"))
                return redirect("assembly:committee_ratings", pk=committee.pk)
        status = 400
    return render(request, "assembly/committee_ratings.html", {
        "committee": committee, "form": form, "ratings": list(selectors.ratings_of(committee)),
        "items": [(item, ServiceRating._meta.get_field(item).verbose_name) for item in RATING_ITEMS],
        "due": due, "show_form": bool(due) or request.method == "POST",
    }, status=status)


@login_required
def rating_correct(request, pk):
    """A correction of a standing rating: a new row that supersedes it."""
    user = request.user
    committee_ids = [c.pk for c in selectors.committees_of(user)]
    rating = get_object_or_404(ServiceRating.objects.select_related("committee__estate", "company")
                               .filter(Q(committee_id__in=committee_ids)), pk=pk)
    form = RatingCorrectionForm(request.POST or None, initial={**rating.scores, "comment": rating.comment})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.rating_correct(rating=rating, scores={k: form.cleaned_data[k] for k in RATING_ITEMS},
                                        comment=form.cleaned_data["comment"], reason=form.cleaned_data["reason"],
                                        actor=user)
            except ValidationError as exc:
                _errors(form, exc)
            else:
                messages.success(request, _("已保存更正；原评价保留备查"))
                return redirect("assembly:committee_ratings", pk=rating.committee_id)
        status = 400
    return render(request, "assembly/rating_correct.html", {"rating": rating, "form": form}, status=status)
