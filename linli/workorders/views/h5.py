"""The resident's pages: the phone page behind a QR code (H5) and their own requests."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from linli.core import ratelimit
from linli.people.models import Occupancy
from linli.people.scopes import scope_for
from linli.places.models import Building, Estate, Home
from linli.workorders import forms as f
from linli.workorders import plain, posters, selectors
from linli.workorders import services as s
from linli.workorders.models import (
    Channel,
    WorkOrder,
)

from .base import _error_text, _page
from .order import order_context

# -- the resident's phone page (H5) ---------------------------------------------------------------


def _place_from_token(token):
    found = posters.read_token(token)
    if found is None:
        raise Http404
    kind, pk = found
    if kind == "building":
        building = Building.objects.select_related("estate__community__parent").filter(pk=pk).first()
        if building is None:
            raise Http404
        return building.estate, building
    estate = Estate.objects.select_related("community__parent").filter(pk=pk).first()
    if estate is None:
        raise Http404
    return estate, None


def report(request, token):
    """Public: a resident scans the poster and writes what is wrong, with photos; no app, no account needed."""
    estate, building = _place_from_token(token)
    user = request.user if request.user.is_authenticated else None
    person = user.person if user is not None and user.person_id else None
    homes = []
    if person is not None:
        homes_qs = Home.objects.filter(
            pk__in=Occupancy.objects.current().filter(person=person).values("home_id"), estate=estate
        ).select_related("building")
        if building is not None:
            homes_qs = homes_qs.filter(building=building)
        homes = list(homes_qs)
    form = f.ResidentReportForm(request.POST or None, request.FILES or None, homes=homes,
                                phone_known=bool(person and person.phone))
    status = 200
    if request.method == "POST":
        # Every attempt counts (a wrong one too), per address, in the cache that all processes share.
        if ratelimit.limited(request, "report"):
            form.add_error(None, ratelimit.MESSAGE)
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            home = data.get("home")
            place = s.resolve_place(home=home) if home else s.resolve_place(building=building, estate=estate)
            try:
                order = s.workorder_create(
                    channel=Channel.RESIDENT, text=data["text"], actor=user, reporter=person,
                    contact_name=data["contact_name"] or (person.name if person else ""),
                    contact_phone=data["contact_phone"] or (person.phone if person else ""),
                    anonymous=data["anonymous"], place=place, category=data["category"],
                    photos=data["photos"] + ([data["voice"]] if data.get("voice") else []),
                )
            except ValidationError as exc:
                form.add_error(None, _error_text(exc))
            else:
                reported = request.session.get("workorders_reported", [])[-9:]
                request.session["workorders_reported"] = reported + [order.code]
                return redirect("workorders:reported", token=token, code=order.code)
    return render(request, "workorders/report.html", {
        "form": form, "estate": estate, "building": building, "person": person, "token": token,
    }, status=status)


def go(request, token):
    """The link of the posters' QR codes and of the estate's WeChat group (public): a signed-in resident (or any
    member) goes to their first page — for a resident, the resident home with its 我要反映 button; anyone else
    to the report page of the poster's place, as before, with no account needed."""
    _place_from_token(token)  # a forged or unknown token is a 404 either way
    if request.user.is_authenticated and scope_for(request.user).is_member:
        return redirect("home")
    return redirect("workorders:report", token=token)


@login_required
def report_mine(request):
    """我要反映 for a signed-in resident: the report page of their own building (or of their estate when their
    homes there are in several buildings); ``?estate=<id>`` picks one of their estates."""
    homes = Home.objects.filter(pk__in=scope_for(request.user).home_ids).order_by("pk")
    estate = request.GET.get("estate", "")
    if estate.isdigit():
        homes = homes.filter(estate_id=int(estate))
    homes = list(homes.values("estate_id", "building_id"))
    if not homes:
        raise Http404
    estate_id = homes[0]["estate_id"]
    buildings = {h["building_id"] for h in homes if h["estate_id"] == estate_id}
    if len(buildings) == 1:
        token = posters.make_token(building=Building(pk=buildings.pop()))
    else:
        token = posters.make_token(estate=Estate(pk=estate_id))
    return redirect("workorders:report", token=token)


def reported(request, token, code):
    """The confirmation after a report: its code, and for a signed-in resident a link to follow it."""
    estate, building = _place_from_token(token)
    if code not in request.session.get("workorders_reported", []):
        raise Http404
    order = WorkOrder.objects.select_related("assignee_org").filter(code=code).first()
    if order is None:
        raise Http404
    can_follow = request.user.is_authenticated and WorkOrder.objects.visible_to(request.user).filter(
        pk=order.pk).exists()
    return render(request, "workorders/report_done.html", {
        "order": order, "estate": estate, "building": building, "token": token, "can_follow": can_follow,
    })


# -- the resident's own requests --------------------------------------------------------------------


def _own_orders(user):
    return selectors.own_orders(user)


@login_required
def mine(request):
    """我的诉求: the orders I reported, each with its timeline and, once replied, the rating form."""
    user = request.user
    qs = _own_orders(user)
    if not scope_for(user).is_member and not qs.exists():
        raise Http404
    page = _page(request, qs.select_related("estate", "building", "home", "assignee_org").order_by(
        "-received_at", "-id"), 10)
    cards = [order_context(user, order) for order in page]
    for ctx in cards:
        ctx["plain"] = plain.plain_status(ctx["order"])
    return render(request, "workorders/mine.html", {"page": page, "cards": cards,
                                                    "can_report": bool(scope_for(user).home_ids)})
