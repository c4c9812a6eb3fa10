"""Pages of inspection rounds (巡检): the staff's list of routes, an estate's routes and flags, a route (checkpoints,
schedule, QR sheet), a round, and the checkpoint page behind each QR code (phone first, works offline with
static/facilities/rounds.js). The rules are in rounds_services.py; docs/inspection-rounds.md."""

import datetime
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.access import get_visible_or_404, require, scope_for, staff_required
from linli.facilities import rounds_forms as f
from linli.facilities import rounds_permissions as perms
from linli.facilities import rounds_selectors as sel
from linli.facilities import rounds_services as s
from linli.facilities.models import Checkpoint, Round, Route
from linli.places.models import Estate


def _error_text(exc: ValidationError) -> str:
    return "；".join(str(m) for m in exc.messages)


def _previous_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


@staff_required
def index(request):
    """巡检: the routes of the estates the user serves, with today's round of each and the month's coverage."""
    user = request.user
    routes = list(Route.objects.visible_to(user).active().select_related("estate").order_by("estate__name", "name"))
    today = timezone.localdate()
    coverage = sel.estate_coverage({r.estate_id for r in routes}, today, today)
    estates = {}
    for route in routes:
        route.current = s.current_round(route, today)
        route.can_walk = perms.can_walk(user, route.estate)
        entry = estates.setdefault(route.estate_id, {"estate": route.estate, "routes": [],
                                                     "coverage": coverage.get(route.estate_id)})
        entry["routes"].append(route)
    return render(request, "facilities/rounds/index.html", {"estates": list(estates.values()), "today": today})


@staff_required
def estate(request, pk):
    """An estate's routes, the flags of the last five weeks (missed, out of order), coverage this and last month."""
    estate = get_visible_or_404(Estate.objects.filter(scope_for(request.user).estate_q(staff_only=True)),
                                request.user, pk=pk)
    today = timezone.localdate()
    routes = list(Route.objects.filter(estate=estate).order_by("retired_on", "name"))
    for route in routes:
        route.recent = sel.recent_periods(route, today=today)
        route.n_checkpoints = route.checkpoints.count()
    months = [today.replace(day=1), _previous_month(today)]
    coverage = [(m, sel.estate_coverage([estate.pk], m, today).get(estate.pk)) for m in months]
    can_plan = perms.can_plan(request.user, estate)
    form = f.RouteForm(request.POST or None)
    if request.method == "POST":
        require(can_plan, _("只有本小区的物业项目经理或社区、街道管理员可以设置巡检路线"))
        if form.is_valid():
            try:
                route = s.route_create(estate=estate, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, _error_text(exc))
            else:
                messages.success(request, _("已创建巡检路线：%(name)s") % {"name": route.name})
                return redirect("facilities:rounds_route", pk=route.pk)
    return render(request, "facilities/rounds/estate.html", {
        "estate": estate, "routes": routes, "coverage": coverage, "form": form if can_plan else None,
        "today": today})


@staff_required
def route(request, pk):
    """A route: its checkpoints (each with a link to its page and its QR in the sheet), schedule, recent rounds."""
    route = get_visible_or_404(Route.objects.select_related("estate"), request.user, pk=pk)
    checkpoints = list(route.checkpoints.select_related("building", "facility"))
    can_plan = perms.can_plan(request.user, route.estate)
    today = timezone.localdate()
    return render(request, "facilities/rounds/route.html", {
        "route": route, "checkpoints": checkpoints, "can_plan": can_plan and route.retired_on is None,
        "can_walk": perms.can_walk(request.user, route.estate) and route.retired_on is None,
        "current": s.current_round(route, today), "recent": sel.recent_periods(route, today=today),
        "checkpoint_form": f.CheckpointForm(estate=route.estate),
        "schedule_form": f.ScheduleForm(initial={"frequency": route.frequency}),
        "floor": s.most_spaced_allowed({c.facility.kind for c in checkpoints if c.facility_id}),
    })


def _back_to_route(request, route, call):
    try:
        call()
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("已保存"))
    return redirect("facilities:rounds_route", pk=route.pk)


@require_POST
@staff_required
def route_schedule(request, pk):
    route = get_visible_or_404(Route, request.user, pk=pk)
    form = f.ScheduleForm(request.POST)
    frequency = form.cleaned_data["frequency"] if form.is_valid() else request.POST.get("frequency", "")
    return _back_to_route(request, route, lambda: s.route_schedule(route=route, frequency=frequency,
                                                                   actor=request.user))


@require_POST
@staff_required
def checkpoint_new(request, pk):
    route = get_visible_or_404(Route.objects.select_related("estate"), request.user, pk=pk)
    form = f.CheckpointForm(request.POST, estate=route.estate)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("facilities:rounds_route", pk=route.pk)
    return _back_to_route(request, route, lambda: s.checkpoint_add(route=route, actor=request.user,
                                                                   **form.cleaned_data))


@staff_required
def route_sheet(request, pk):
    """The A4 sheet of the route's checkpoint QR codes (PDF download)."""
    from linli.facilities.rounds_sheet import route_sheet_pdf

    route = get_visible_or_404(Route.objects.select_related("estate"), request.user, pk=pk)
    response = HttpResponse(route_sheet_pdf(request, route), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="route-{route.pk}-qr.pdf"'
    return response


@require_POST
@staff_required
def round_start(request, pk):
    route = get_visible_or_404(Route.objects.select_related("estate"), request.user, pk=pk)
    try:
        rnd = s.round_start(route=route, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("facilities:rounds_route", pk=route.pk)
    nxt = request.POST.get("next", "")
    checkpoint = route.checkpoints.filter(token=nxt).first() if nxt else None
    if checkpoint is not None:
        return redirect("facilities:rounds_checkpoint", token=checkpoint.token)
    return redirect("facilities:rounds_round", pk=rnd.pk)


@staff_required
def round_detail(request, pk):
    """A round: each checkpoint, visited or not (in order or not), the problems found and their work orders."""
    rnd = get_visible_or_404(Round.objects.select_related("route__estate", "started_by"), request.user, pk=pk)
    visits = {v.checkpoint_id: v for v in rnd.visits.select_related("order", "visited_by")}
    rows = [(cp, visits.get(cp.pk)) for cp in rnd.route.checkpoints.select_related("facility", "building")]
    return render(request, "facilities/rounds/round.html", {
        "round": rnd, "rows": rows, "period_end": s.period_end(rnd.route.frequency, rnd.period_start),
        "can_walk": perms.can_walk(request.user, rnd.route.estate) and rnd.status == Round.Status.IN_PROGRESS,
        "all_visited": all(v for _cp, v in rows)})


@require_POST
@staff_required
def round_finish(request, pk):
    rnd = get_visible_or_404(Round.objects.select_related("route__estate"), request.user, pk=pk)
    try:
        s.round_finish(round=rnd, actor=request.user, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("本次巡检已完成"))
    return redirect("facilities:rounds_round", pk=rnd.pk)


def _round_posted(request, route):
    """The round a checkpoint's form was made for (its hidden ``round``), else the round of the current period: a
    visit kept on the phone past midnight still goes to the round it was made on."""
    posted = request.POST.get("round", "")
    if request.method == "POST" and posted:
        return get_visible_or_404(Round.objects.filter(route=route), request.user, pk=posted)
    return s.current_round(route)


def _wants_json(request) -> bool:
    # rounds.js sends the visits kept on the phone with fetch and reads a JSON answer.
    return request.method == "POST" and "application/json" in request.headers.get("Accept", "")


def _visit_from_phone(request, token):
    """A visit posted by rounds.js (at once, or later from the phone's queue): JSON in, JSON out, so that the phone
    knows whether to keep it. ``{"visit", "order", "next"}`` when recorded (or already recorded under its key: the
    same answer again); ``{"error"}`` with 400/403/404 when refused for good (the phone drops it and says why)."""
    cp = Checkpoint.objects.visible_to(request.user).select_related("route__estate", "facility", "building") \
        .filter(token=token).first()
    if cp is None:
        return JsonResponse({"error": _("找不到这个检查点，或您已不在本小区巡检")}, status=404)
    try:
        rnd = _round_posted(request, cp.route)
    except Http404:
        return JsonResponse({"error": _("找不到这次巡检")}, status=404)
    if not perms.can_walk(request.user, cp.route.estate):
        return JsonResponse({"error": _("只有本小区的物业服务人员可以巡检")}, status=403)
    if rnd is None:
        return JsonResponse({"error": _("本周期的巡检还没有开始。")}, status=400)
    form = f.VisitForm(request.POST, request.FILES, checkpoint=cp)
    if not form.is_valid():
        return JsonResponse({"error": "；".join(str(e) for errors in form.errors.values() for e in errors)},
                            status=400)
    data = form.cleaned_data
    try:
        visit = s.visit_record(round=rnd, checkpoint=cp, actor=request.user, key=data["key"], ticked=data["ticked"],
                               ok=data["ok"], note=data["note"], photos=data["photos"], visited_at=data["made_at"])
    except ValidationError as exc:
        return JsonResponse({"error": _error_text(exc)}, status=400)
    code = visit.order.code if visit.order_id else None
    if request.POST.get("shown") == "1":
        # Sent from the page the staff member is looking at: the next page says what happened, as the form does.
        messages.success(request, _("已记录问题并生成工单 %(code)s") % {"code": code} if code
                         else _("已记录：%(name)s 正常") % {"name": cp.name})
    return JsonResponse({"visit": visit.pk, "order": code, "checkpoint": cp.name,
                         "next": reverse("facilities:rounds_round", args=[visit.round_id])})


@staff_required
def checkpoint(request, token):
    """The page behind a checkpoint's QR code: tick the checklist, fine or a problem (description, photo)."""
    if _wants_json(request):
        return _visit_from_phone(request, token)
    cp = get_visible_or_404(Checkpoint.objects.select_related("route__estate", "facility", "building"),
                            request.user, token=token)
    route = cp.route
    rnd = _round_posted(request, route)
    visit = rnd.visits.filter(checkpoint=cp).select_related("order").first() if rnd else None
    can_walk = perms.can_walk(request.user, route.estate) and route.retired_on is None
    form = None
    if rnd is not None and rnd.status == Round.Status.IN_PROGRESS and visit is None and can_walk:
        form = f.VisitForm(request.POST or None, request.FILES or None, checkpoint=cp,
                           initial={"key": uuid.uuid4().hex})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                visit = s.visit_record(round=rnd, checkpoint=cp, actor=request.user, key=data["key"],
                                       ticked=data["ticked"], ok=data["ok"], note=data["note"],
                                       photos=data["photos"], visited_at=data["made_at"])
            except ValidationError as exc:
                form.add_error(None, _error_text(exc))
            else:
                if visit.order_id:
                    messages.success(request, _("已记录问题并生成工单 %(code)s") % {"code": visit.order.code})
                else:
                    messages.success(request, _("已记录：%(name)s 正常") % {"name": cp.name})
                return redirect("facilities:rounds_round", pk=rnd.pk)
    elif request.method == "POST":
        if rnd is not None and request.POST.get("key"):
            # A resend of a visit already recorded (a lost connection): the same key is the same visit.
            try:
                visit = s.visit_record(round=rnd, checkpoint=cp, actor=request.user, key=request.POST["key"])
            except ValidationError as exc:
                messages.error(request, _error_text(exc))
            else:
                return redirect("facilities:rounds_round", pk=rnd.pk)
        return redirect("facilities:rounds_checkpoint", token=cp.token)
    return render(request, "facilities/rounds/checkpoint.html", {
        "cp": cp, "route": route, "round": rnd, "visit": visit, "form": form, "can_walk": can_walk})
