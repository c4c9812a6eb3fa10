"""Issue 19 (reach): a committee member's view of their estate's money — the public accounts (收支公开) and the fee
collection figures (收缴率 by amount and by households, per building) — aggregated, no household named.

Law: 北京市物业管理条例 art. 44(4)(5)(7) (the committee supervises the property service and the common funds, urges
owners to pay, keeps the accounts), art. 56 (a 物业管理委员会 in its place), art. 70(4)(5) (the company publishes its
accounts), art. 47(8) (members may not disclose owners' information). 404 for everyone else: staff read the staff
pages, residents the public accounts of their estate.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from linli.people.scopes import scope_for
from linli.places.models import Estate

from .. import permissions, selectors, services
from ..charts import trend_chart


@login_required
def committee_home(request):
    """The first of the member's estates (the top bar's link)."""
    ids = sorted(scope_for(request.user).committee_estate_ids)
    if not ids:
        raise Http404
    first = Estate.objects.filter(pk__in=ids).order_by("name", "pk").first()
    return redirect("fees:committee_estate", pk=first.pk)


@login_required
def committee_estate(request, pk):
    if not permissions.can_read_as_committee(request.user, pk):
        raise Http404
    estate = get_object_or_404(Estate.objects.select_related("community"), pk=pk)
    today = timezone.localdate()
    start = datetime.date(today.year, 1, 1)
    trend = selectors.trend([estate.pk], 12, today)
    accounts = selectors.public_accounts(estate, today.year, today=today)
    link = services.public_link_for(estate)
    return render(request, "fees/committee.html", {
        "estate": estate, "year": today.year,
        "total": selectors.collection([estate.pk], start, today),
        "buildings": selectors.collection_by_building(estate.pk, start, today),
        "chart": trend_chart(trend), "accounts": accounts,
        "public_url": reverse("fees:public", args=[link.token]),
    })
