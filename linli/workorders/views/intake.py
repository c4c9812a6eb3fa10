"""Intake by staff: the walk-in service desk (一站式) and patrols."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from linli.core.access import get_visible_or_404, staff_required
from linli.core.text import normalize
from linli.people import permissions as people_permissions
from linli.people.models import Occupancy, Person, Role
from linli.people.scopes import scope_for
from linli.places.filters import search_q
from linli.places.models import Building, Estate, Home
from linli.workorders import forms as f
from linli.workorders import permissions, selectors
from linli.workorders import services as s
from linli.workorders.models import (
    Channel,
)

from .base import _error_text

# -- intake by staff: the service desk and patrols ----------------------------------------------------


def _require_desk(user):
    if not permissions.can_use_desk(user):
        raise PermissionDenied(_("只有社区、街道管理员和网格员可以登记窗口、来电和微信群诉求"))


def _created(request, order):
    if order.needs_triage:
        messages.success(request, _("已受理工单 %(code)s，等待人工分拣派单") % {"code": order.code})
    else:
        messages.success(request, _("已受理工单 %(code)s，已派给 %(org)s") % {
            "code": order.code, "org": order.assignee_org})
    return redirect("workorders:order", code=order.code)


@staff_required
def desk(request):
    """一站式服务窗口: walk-in, phone and WeChat-group requests, with resident look-up."""
    user = request.user
    _require_desk(user)
    form = f.DeskForm(request.POST or None, request.FILES or None, estates=selectors.staff_estates_ordered(user),
                      persons=Person.objects.visible_to(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        place = s.resolve_place(home=data["home"]) if data["home"] else \
            s.resolve_place(building=data["building"], estate=data["estate"])
        reporter = data["reporter"]
        try:
            order = s.workorder_create(
                channel=data["channel"], kind=data["kind"], text=data["text"], actor=user, reporter=reporter,
                contact_name=data["contact_name"] or (reporter.name if reporter else ""),
                contact_phone=data["contact_phone"] or (reporter.phone if reporter else ""),
                place=place, address=data["address"], category=data["category"], urgent=data["urgent"],
                photos=data["photos"],
            )
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            return _created(request, order)
    return render(request, "workorders/desk.html", {"form": form, "picked": form.cleaned_data.get("reporter")
                                                    if form.is_bound and hasattr(form, "cleaned_data") else None})


@staff_required
def desk_people(request):
    """htmx: residents matching a name, initials or phone digits, among those the user serves (phones masked)."""
    _require_desk(request.user)
    q = normalize(request.GET.get("q", ""))
    people = []
    if len(q) >= 2 or (q.isdigit() and len(q) >= 4):
        qs = Person.objects.visible_to(request.user)
        if q.isdigit():
            # Only roles that see full numbers search by digits (the results show masked numbers).
            qs = qs.filter(phone__contains=q) if people_permissions.can_search_by_phone(request.user) else qs.none()
        else:
            qs = qs.filter(search_q(q, "name"))
        people = list(qs.order_by("name", "pk")[:10])
        homes = {}
        for occ in Occupancy.objects.current().filter(person__in=people).select_related("home__building__estate"):
            homes.setdefault(occ.person_id, []).append(occ.home)
        for p in people:
            p.homes = homes.get(p.pk, [])
    return render(request, "workorders/_people_results.html", {"people": people, "q": q})


@staff_required
def desk_pick(request, pk):
    """htmx: the chosen resident goes into the form, and their home into the place pickers."""
    _require_desk(request.user)
    person = get_visible_or_404(Person, request.user, pk=pk)
    occ = Occupancy.objects.current().filter(person=person, home__estate__in=Estate.objects.managed_by_staff_of(request.user)) \
        .select_related("home__building").first()
    data = {}
    if occ is not None:
        data = {"estate": occ.home.estate_id, "building": occ.home.building_id, "home": occ.home_id}
    form = f.DeskForm(data or None, estates=selectors.staff_estates_ordered(request.user),
                      persons=Person.objects.visible_to(request.user))
    return render(request, "workorders/_picked_person.html", {"person": person, "form": form, "oob": True})


@staff_required
def place_options(request):
    """htmx: the buildings of an estate, or the homes of a building, as <option>s (only places the user serves)."""
    estates = Estate.objects.managed_by_staff_of(request.user)
    part = request.GET.get("part")
    estate_id = f._int(request.GET.get("estate"))
    if part == "buildings":
        rows = Building.objects.filter(estate__in=estates, estate_id=estate_id).order_by("number")
        options = [("", _("不涉及具体楼栋"))] + [(b.pk, b.number) for b in rows]
    elif part == "homes":
        rows = Home.objects.filter(estate__in=estates, estate_id=estate_id,
                                   building_id=f._int(request.GET.get("building"))).select_related("building") \
            .order_by("entrance", "floor", "number")
        options = [("", _("不涉及具体房屋"))] + [(h.pk, str(h)) for h in rows]
    else:
        raise Http404
    return render(request, "workorders/_options.html", {"options": options})


@staff_required
def patrol(request):
    """巡查发现 / 网格员上报: what staff find on their rounds (channel grid for grid workers, else patrol)."""
    user = request.user
    scope = scope_for(user)
    if scope.roles <= {Role.AUDITOR, Role.RESIDENT}:
        raise PermissionDenied(_("只读角色不能上报"))
    channel = Channel.GRID if Role.GRID_WORKER in scope.roles else Channel.PATROL
    form = f.PatrolForm(request.POST or None, request.FILES or None, estates=selectors.staff_estates_ordered(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        place = s.resolve_place(home=data["home"]) if data["home"] else \
            s.resolve_place(building=data["building"], estate=data["estate"])
        try:
            order = s.workorder_create(
                channel=channel, kind="report", text=data["text"], actor=user, place=place, address=data["address"],
                category=data["category"], urgent=data["urgent"], photos=data["photos"],
                contact_name=str(user),
            )
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            return _created(request, order)
    return render(request, "workorders/patrol.html", {"form": form, "channel": Channel(channel).label})
