"""Entry points and figures: the fee home page, a resident's bills, the collection figures."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from linli.core.access import get_visible_or_404, member_required
from linli.people.scopes import scope_for
from linli.places.models import Division, Estate, Home

from .. import permissions, selectors, services
from ..charts import trend_chart
from ..models import Bill
from ..money import ZERO
from .base import _period_arg, fee_staff_required

# -- entry points -------------------------------------------------------------------------------------


@member_required
def index(request):
    if permissions.reads_fees(request.user):
        return redirect("fees:figures")
    return redirect("fees:my_bills")


@member_required
def my_bills(request):
    """A resident's homes, each with its bills and payments, and the public accounts of its estate."""
    scope = scope_for(request.user)
    homes = Home.objects.filter(pk__in=scope.home_ids).select_related("building", "estate").order_by("pk")
    if not homes:
        raise Http404
    rows = []
    for home in homes:
        bills = Bill.objects.filter(home=home).select_related("plan").order_by("-period_start")[:24]
        rows.append({"home": home, "bills": bills, "owed": sum((b.outstanding for b in bills), ZERO),
                     "link": services.public_link_for(home.estate)})
    return render(request, "fees/my_bills.html", {"rows": rows, "online": services.gateway() is not None})


# -- figures ------------------------------------------------------------------------------------------


@fee_staff_required
def figures(request, code=None):
    user = request.user
    divisions = Division.objects.visible_to(user)
    staff_estates = Estate.objects.managed_by_staff_of(user)
    if code is None:
        top = divisions.order_by("path").first()
        if top is None or not (scope_for(user).paths):
            # Property people serve estates, not divisions: their figures are per estate.
            return _estate_figures(request, staff_estates)
        return redirect("fees:figures_division", code=top.code)
    division = get_visible_or_404(Division.objects.select_related("parent"), user, code=code)
    today = timezone.localdate()
    period = _period_arg(request, str(today.year))
    start, end = selectors.period_range(period)
    estates = list(staff_estates.filter(community__path__startswith=division.path)
                   .values("pk", "name", "community__path", "community__name", "community__code", "cluster_id",
                           "cluster__name"))
    per_estate = selectors.collection_by_estate([e["pk"] for e in estates], start, end)
    total = selectors.sum_collections(per_estate.values())
    groups: dict = {}
    clusters: dict = {}
    if division.level == Division.Level.COMMUNITY:
        for e in estates:
            groups[e["pk"]] = {"name": e["name"], "url": reverse("fees:estate", args=[e["pk"]]),
                               "c": per_estate.get(e["pk"], selectors.Collection())}
    else:
        children = {c.path: c for c in divisions.filter(parent=division)}
        for e in estates:
            child = next((c for p, c in children.items() if e["community__path"].startswith(p)), None)
            if child is None:
                continue
            g = groups.setdefault(child.pk, {"name": child.name, "url": reverse("fees:figures_division",
                                                                                args=[child.code]), "items": []})
            g["items"].append(per_estate.get(e["pk"], selectors.Collection()))
            if e["cluster_id"]:
                k = clusters.setdefault(e["cluster_id"], {"name": e["cluster__name"], "items": []})
                k["items"].append(per_estate.get(e["pk"], selectors.Collection()))
        for g in list(groups.values()) + list(clusters.values()):
            g["c"] = selectors.sum_collections(g.pop("items"))
    trend = selectors.trend([e["pk"] for e in estates], 12, end)
    return render(request, "fees/figures.html", {
        "division": division, "period": period, "total": total, "groups": list(groups.values()),
        "clusters": sorted(clusters.values(), key=lambda g: g["name"]), "trend": trend,
        "chart": trend_chart(trend), "estate_count": len(estates),
    })


def _estate_figures(request, estates):
    today = timezone.localdate()
    period = _period_arg(request, str(today.year))
    start, end = selectors.period_range(period)
    rows = list(estates.order_by("community__path", "name").values("pk", "name"))
    per_estate = selectors.collection_by_estate([e["pk"] for e in rows], start, end)
    groups = [{"name": e["name"], "url": reverse("fees:estate", args=[e["pk"]]),
               "c": per_estate.get(e["pk"], selectors.Collection())} for e in rows]
    trend = selectors.trend([e["pk"] for e in rows], 12, end)
    return render(request, "fees/figures.html", {
        "division": None, "period": period, "total": selectors.sum_collections(per_estate.values()),
        "groups": groups, "clusters": [], "trend": trend, "chart": trend_chart(trend), "estate_count": len(rows),
    })
