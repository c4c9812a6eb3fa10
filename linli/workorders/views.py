"""Work-order pages: the resident's phone page behind the poster QR code, the service desk, patrol reports,
the staff inbox, the work order with its steps, the resident's own requests, boards, notifications, posters,
the routing table and the assessment rates (响应率/解决率/满意率). Every step calls the one function in services.py
that the API and the CLI call too.
"""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core import ratelimit, uploads
from linli.core.access import get_visible_or_404, staff_required
from linli.core.choices import labels
from linli.core.htmx import is_htmx
from linli.core.paging import Pager
from linli.core.text import normalize
from linli.people import permissions as people_permissions
from linli.people.models import Occupancy, Organization, Person, Role
from linli.people.scopes import ADMIN_ROLES, scope_for
from linli.places.filters import search_q
from linli.places.models import Building, Division, Estate, Home, Stewardship
from linli.triage import labels as taxonomy_labels
from linli.workorders import forms as f
from linli.workorders import permissions, posters, selectors
from linli.workorders import rates as rates_mod
from linli.workorders import services as s
from linli.workorders.filters import PAGE_FILTERS, page_filters
from linli.workorders.models import (
    Attachment,
    Channel,
    Notification,
    RoutingRule,
    Satisfaction,
    Status,
    WorkOrder,
)
from linli.workorders.routing import ensure_default_rules, rules_memo

PAGE_SIZE = 30
# Inbox tabs count their orders up to this many and show more as "99+" (the board has the exact figures).
TAB_COUNT_CAP = 99
# What a resident sees of the timeline (internal steps such as reminders stay with the staff).
PUBLIC_EVENTS = {"create", "dispatch", "accept", "start", "reply", "visit", "close", "reopen", "merge", "cancel",
                 "escalate", "joint_meeting"}
NOTE_FOR_RESIDENT = {"reply", "visit", "merge", "cancel", "joint_meeting"}


def _page(request, qs, size=PAGE_SIZE, *, count=True):
    """A page of ``qs``; ``count=False`` for lists that may be long (no COUNT, a "next page" link instead)."""
    paginator = Paginator(qs, size) if count else Pager(qs, size)
    return paginator.get_page(request.GET.get("page"))


def _error_text(exc: ValidationError) -> str:
    return "；".join(str(m) for m in exc.messages)


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
                    anonymous=data["anonymous"], place=place, category=data["category"], photos=data["photos"],
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


# -- posters -----------------------------------------------------------------------------------------


@staff_required
def poster_list(request):
    estates = Estate.objects.visible_to(request.user).filter(scope_for(request.user).estate_q(staff_only=True))
    q = request.GET.get("q", "").strip()
    if q:
        estates = estates.filter(search_q(q, "name"))
    page = _page(request, estates.select_related("community").prefetch_related(
        Prefetch("buildings", queryset=Building.objects.order_by("number"))).order_by("community__path", "name"), 20)
    return render(request, "workorders/posters.html", {"page": page, "q": q})


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _staff_estates(user):
    return Estate.objects.filter(scope_for(user).estate_q(staff_only=True))


@staff_required
def poster_estate(request, pk):
    estate = get_visible_or_404(_staff_estates(request.user).select_related("community"), request.user, pk=pk)
    return _pdf(posters.estate_poster(request, estate), f"poster-estate-{estate.pk}.pdf")


@staff_required
def poster_building(request, pk):
    estates = _staff_estates(request.user)
    building = get_visible_or_404(Building.objects.filter(estate__in=estates).select_related("estate__community"),
                                  request.user, pk=pk)
    return _pdf(posters.building_poster(request, building), f"poster-building-{building.pk}.pdf")


# -- intake by staff: the service desk and patrols ----------------------------------------------------


def _estates_for(user):
    return _staff_estates(user).select_related("community").order_by("community__path", "name")


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
    form = f.DeskForm(request.POST or None, request.FILES or None, estates=_estates_for(user),
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
    occ = Occupancy.objects.current().filter(person=person, home__estate__in=_staff_estates(request.user)) \
        .select_related("home__building").first()
    data = {}
    if occ is not None:
        data = {"estate": occ.home.estate_id, "building": occ.home.building_id, "home": occ.home_id}
    form = f.DeskForm(data or None, estates=_estates_for(request.user), persons=Person.objects.visible_to(request.user))
    return render(request, "workorders/_picked_person.html", {"person": person, "form": form, "oob": True})


@staff_required
def place_options(request):
    """htmx: the buildings of an estate, or the homes of a building, as <option>s (only places the user serves)."""
    estates = _staff_estates(request.user)
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
    form = f.PatrolForm(request.POST or None, request.FILES or None, estates=_estates_for(user))
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


# -- the staff inbox -----------------------------------------------------------------------------------


def _tab_labels() -> dict:
    return {"to_sign": _("待签收"), "in_progress": _("办理中"), "overdue": _("已超期"), "to_visit": _("待回访"),
            "to_triage": _("待分拣"), "all": _("全部")}


@staff_required
def inbox(request):
    user = request.user
    scope = scope_for(user)
    tabs = selectors.inbox_tabs(user, _tab_labels())
    keys = [t[0] for t in tabs]
    default = "to_sign" if (scope.own_org_ids or scope.admin_paths) else "all"
    tab = request.GET.get("tab") if request.GET.get("tab") in keys else default
    htmx_rows = is_htmx(request) and request.htmx.target == "rows"
    # the tabs are not part of the rows
    counts = {} if htmx_rows else selectors.inbox_counts(WorkOrder.objects.visible_to(user), tabs, TAB_COUNT_CAP)
    filterset, qs = selectors.inbox_orders(user, dict((k, q) for k, _label, q in tabs)[tab], request.GET)
    page = _page(request, qs, count=False)
    # Labels from a dict (linli.core.choices): get_FOO_display() rebuilds and translates the choice list per call.
    status_labels, channel_labels = labels(Status), labels(Channel)
    for order in page:
        order.status_label = status_labels.get(order.status, order.status)
        order.channel_label = channel_labels.get(order.channel, order.channel)
    admin = bool(scope.roles & ADMIN_ROLES)
    context = {
        "tabs": [(k, label, counts.get(k)) for k, label, _q in tabs], "tab": tab, "tab_cap": TAB_COUNT_CAP,
        "filters": filterset.form, "page": page,
        "filter_fields": [] if htmx_rows else page_filters(
            filterset, estates=_estates_for(user).values_list("pk", "name"), categories=f.CATEGORIES),
        "bulk": admin, "orgs": list(f.assignable_orgs(user).values_list("pk", "name")) if admin else [],
        "now": timezone.now(),
        "categories": f.CATEGORY_NAMES, "can_desk": permissions.can_use_desk(user),
        "can_patrol": not scope.roles <= {Role.AUDITOR, Role.RESIDENT},
        "filters_active": any(request.GET.get(k) for k in PAGE_FILTERS),
    }
    template = "workorders/_inbox_rows.html" if htmx_rows else "workorders/inbox.html"
    return render(request, template, context)


@staff_required
@require_POST
def bulk_dispatch(request):
    """Dispatch several orders to one organisation; each order is one call of workorder_dispatch."""
    user = request.user
    if not scope_for(user).roles & ADMIN_ROLES:
        raise PermissionDenied(_("只有管理员可以批量派单"))
    to = f.assignable_orgs(user).filter(pk=f._int(request.POST.get("to"))).first()
    codes = request.POST.getlist("codes")
    if to is None or not codes:
        messages.error(request, _("请选择工单和承办单位"))
        return redirect(request.POST.get("next") or reverse("workorders:inbox"))
    done, failed = [], []
    for order in WorkOrder.objects.visible_to(user).filter(code__in=codes).order_by("pk"):
        try:
            s.workorder_dispatch(order=order, to=to, actor=user, note=_("批量派单"))
            done.append(order.code)
        except (ValidationError, PermissionDenied) as exc:
            text = _error_text(exc) if isinstance(exc, ValidationError) else str(exc)
            failed.append(f"{order.code}（{text}）")
    if done:
        messages.success(request, _("已派给 %(org)s：%(codes)s") % {"org": to, "codes": "、".join(done)})
    if failed:
        messages.error(request, _("未能派单：%(rows)s") % {"rows": "；".join(failed)})
    return redirect(request.POST.get("next") or reverse("workorders:inbox"))


# -- one work order -----------------------------------------------------------------------------------


def _order_qs():
    return WorkOrder.objects.select_related(
        "estate", "building", "home", "community", "street", "assignee_org", "assignee_org__division",
        "assignee_user", "reporter", "duplicate_of", "created_by",
    )


def _get_order(user, code):
    return get_visible_or_404(_order_qs(), user, code=code)


def _subcategory_name(code: str) -> str:
    return taxonomy_labels.subcategory_label(code)


def _triage_view(order) -> dict | None:
    """What the intake's triage proposed, for staff: the category it read, how sure, the words that decided it,
    and the open orders it may repeat."""
    t = order.triage or {}
    if t.get("source") != "engine" and not t.get("repeats") and not t.get("repeated_caller"):
        return None
    return {
        "engine": t.get("source") == "engine",
        "category": f.CATEGORY_NAMES.get(t.get("category"), t.get("category") or ""),
        "subcategory": taxonomy_labels.subcategory_label(t.get("subcategory")),
        "confidence": round((t.get("confidence") or 0) * 100), "keywords": t.get("keywords") or [],
        "uncertain": t.get("uncertain"), "urgent": t.get("urgent"), "urgency": t.get("urgency") or [],
        "repeats": t.get("repeats") or [], "repeated_caller": t.get("repeated_caller") or [],
    }


def order_context(user, order, *, errors=None, forms_with_errors=None) -> dict:
    scope = scope_for(user)
    staff = scope.is_staff_member
    manages = s.can_manage(user, order)
    events = list(order.events.select_related("actor").prefetch_related("attachments").order_by("at", "id"))
    if not staff:
        events = [e for e in events if e.kind in PUBLIC_EVENTS]
        for e in events:
            if e.kind not in NOTE_FOR_RESIDENT:
                e.note = ""
            e.actor = None
    satisfaction = dict(Satisfaction.choices)
    for e in events:
        if e.kind == "visit":
            e.satisfaction_label = satisfaction.get(e.data.get("satisfaction"), "")
    photos = [a for a in order.attachments.all() if a.event_id is None or (events and a.event_id == events[0].pk)]
    actions = []
    forms_with_errors = forms_with_errors or {}
    for action in s.allowed_actions(user, order):
        form_class = f.ACTION_FORMS[action]
        if action in forms_with_errors:
            form = forms_with_errors[action]
        elif form_class is f.DispatchForm:
            form = form_class(user=user, prefix=action)
        elif form_class is f.ReclassifyForm:
            initial = {k: getattr(order, k) for k in form_class.base_fields}
            proposal = order.triage or {}
            if not order.category and proposal.get("category"):  # start from the engine's guess
                initial.update({k: proposal.get(k) or initial.get(k) for k in ("category", "subcategory", "tier",
                                                                              "level")})
            form = form_class(prefix=action, initial=initial)
        elif form_class is f.MergeForm and (order.triage or {}).get("repeats"):
            form = form_class(prefix=action, initial={"into": order.triage["repeats"][0]["code"]})
        else:
            form = form_class(prefix=action)
        if action == "visit" and not manages:
            del form.fields["reached"]
        actions.append({"name": action, "label": s.ACTION_LABELS[action], "form": form,
                        "multipart": action == "reply"})
    contact_name, contact_phone = selectors.reporter_contact(user, order, manages=manages)
    if order.anonymous and not manages:
        contact_name = _("匿名")
    return {
        "triage": _triage_view(order) if staff else None,
        "order": order, "events": events, "photos": photos, "actions": actions, "errors": errors or [],
        "staff_view": staff, "manages": manages, "contact_name": contact_name, "contact_phone": contact_phone,
        "can_convene": staff and permissions.can_convene_meeting(user, order.street),
        "category_name": f.CATEGORY_NAMES.get(order.category, order.category), "now": timezone.now(),
        "subcategory_name": _subcategory_name(order.subcategory),
    }


@login_required
def order_detail(request, code):
    order = _get_order(request.user, code)
    return render(request, "workorders/order.html", order_context(request.user, order))


def _run_action(action, order, user, data):
    d = data
    if action == "dispatch":
        return s.workorder_dispatch(order=order, to=d["to"], actor=user, note=d["note"])
    if action in ("accept", "start", "close"):
        fn = {"accept": s.workorder_accept, "start": s.workorder_start, "close": s.workorder_close}[action]
        return fn(order=order, actor=user, note=d["note"])
    if action in ("return", "reopen", "escalate", "cancel"):
        fn = {"return": s.workorder_return, "reopen": s.workorder_reopen, "escalate": s.workorder_escalate,
              "cancel": s.workorder_cancel}[action]
        return fn(order=order, actor=user, reason=d["reason"])
    if action == "reply":
        return s.workorder_reply(order=order, actor=user, text=d["text"], files=d["photos"])
    if action == "visit":
        reached = d.get("reached", True)
        return s.workorder_visit(order=order, actor=user, solved=d["solved"], satisfaction=d["satisfaction"],
                                 reached=True if reached is None else reached, note=d["note"])
    if action == "request_extension":
        return s.workorder_request_extension(order=order, actor=user, days=d["days"], reason=d["reason"])
    if action == "decide_extension":
        return s.workorder_decide_extension(order=order, actor=user, approve=d["approve"], note=d["note"])
    if action == "supervise":
        return s.workorder_supervise(order=order, actor=user, note=d["note"])
    if action == "merge":
        into = WorkOrder.objects.visible_to(user).filter(code=d["into"].strip()).first()
        if into is None:
            raise ValidationError({"into": _("找不到工单 %(c)s") % {"c": d["into"]}})
        return s.workorder_merge(order=order, into=into, actor=user, note=d["note"])
    if action == "reclassify":
        return s.workorder_reclassify(order=order, actor=user, category=d["category"], subcategory=d["subcategory"],
                                      tier=d["tier"], level=d["level"], urgent=d["urgent"])
    raise Http404


@login_required
@require_POST
def order_act(request, code, action):
    """One step on one order. IllegalStep and validation errors come back as a message; PermissionDenied → 403."""
    if action not in f.ACTION_FORMS:
        raise Http404
    user = request.user
    order = _get_order(user, code)
    form_class = f.ACTION_FORMS[action]
    kwargs = {"user": user} if form_class is f.DispatchForm else {}
    form = form_class(request.POST, request.FILES, prefix=action, **kwargs)
    view = request.POST.get("view", "detail")
    errors, bad_forms = [], {}
    if action not in _actions_in_status(user, order):
        raise PermissionDenied(_("您无权对该工单执行此操作"))
    if action not in s.allowed_actions(user, order):
        # Say why: a status that does not allow it (IllegalStep), or a pending request.
        try:
            s._check_status(order, action)
        except s.IllegalStep as exc:
            errors.append(_error_text(exc))
        else:
            errors.append(_("当前不能%(a)s") % {"a": s.ACTION_LABELS[action]})
    elif not form.is_valid():
        bad_forms[action] = form
        errors.append(_("请检查填写的内容"))
    else:
        try:
            order = _run_action(action, order, user, form.cleaned_data)
        except ValidationError as exc:
            errors.append(_error_text(exc))
    done = "" if errors else _("已%(a)s：%(code)s") % {"a": s.ACTION_LABELS[action], "code": order.code}
    if not is_htmx(request):
        for e in errors:
            messages.error(request, e)
        if done:
            messages.success(request, done)
        return redirect("workorders:mine" if view == "mine" else "workorders:order", **(
            {} if view == "mine" else {"code": order.code}))
    # The order may have left the user's sight (e.g. returned by its handler): show what they last saw.
    order = _order_qs().filter(pk=order.pk).first() or order
    context = order_context(user, order, errors=errors, forms_with_errors=bad_forms)
    context["done"] = done
    if view == "mine":
        return render(request, "workorders/_mine_card.html", context)
    return render(request, "workorders/_order.html", context)


def _actions_in_status(user, order):
    """Actions the user has the right to in principle (ignoring status), to tell 403 from an illegal step."""
    out = set()
    if s.can_manage(user, order):
        out |= {"dispatch", "close", "reopen", "decide_extension", "supervise", "escalate", "merge", "cancel",
                "reclassify"}
    if s.can_handle(user, order):
        out |= {"accept", "start", "return", "reply", "request_extension"}
    if s.can_rate(user, order):
        out.add("visit")
    return out


@login_required
def order_file(request, code, pk):
    """A photo of an order, to those who may see the order (files are not public under MEDIA_URL)."""
    order = _get_order(request.user, code)
    attachment = Attachment.objects.filter(order=order, pk=pk).first()
    if attachment is None or not attachment.file:
        raise Http404
    # Type from the bytes, never the name; anything but a photo is a sandboxed download.
    return uploads.serve(attachment.file, name=f"{order.code}-{attachment.pk}", inline=True)


# -- the resident's own requests --------------------------------------------------------------------


def _own_orders(user):
    q = Q(created_by_id=user.pk, channel=Channel.RESIDENT)
    if user.person_id:
        q |= Q(reporter_id=user.person_id)
    return WorkOrder.objects.filter(q)


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
    return render(request, "workorders/mine.html", {"page": page, "cards": cards})


# -- boards ------------------------------------------------------------------------------------------


@staff_required
def board(request):
    """The street's dispatch board: what waits for dispatch, and what each organisation holds."""
    figures = selectors.dispatch_board(request.user)
    kinds = dict(Organization.Kind.choices)
    for row in figures["rows"]:
        row["kind"] = kinds.get(row["assignee_org__kind"], "")
    for order in figures["recent"]:
        order.category_name = f.CATEGORY_NAMES.get(order.category, order.category)
    return render(request, "workorders/board.html", {**figures, "categories": f.CATEGORY_NAMES})


@staff_required
def overdue_board(request):
    """超期督办: overdue orders, longest overdue first, with counts per organisation."""
    qs, per_org = selectors.overdue_board(request.user)
    page = _page(request, qs, count=False)
    now = timezone.now()
    for order in page:
        due = order.reply_due or order.accept_due
        order.late_hours = int((now - due).total_seconds() // 3600) if due and due < now else 0
    return render(request, "workorders/overdue.html", {"page": page, "per_org": per_org})


# -- notifications -----------------------------------------------------------------------------------


@login_required
def notifications(request):
    qs = Notification.objects.filter(user=request.user).select_related("order")
    unread = qs.filter(read_at__isnull=True).count()
    only_unread = request.GET.get("unread") == "1"
    page = _page(request, qs.filter(read_at__isnull=True) if only_unread else qs)
    return render(request, "workorders/notifications.html", {"page": page, "unread": unread,
                                                             "only_unread": only_unread})


@login_required
@require_POST
def notification_read(request, pk):
    note = Notification.objects.filter(user=request.user, pk=pk).first()
    if note is None:
        raise Http404
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    if is_htmx(request):
        return render(request, "workorders/_notification.html", {"n": note})
    if note.order_id and request.POST.get("open"):
        return redirect("workorders:order", code=note.order.code)
    return redirect("workorders:notifications")


@login_required
@require_POST
def notifications_read_all(request):
    n = Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, _("已将 %(n)s 条通知标为已读") % {"n": n})
    return redirect("workorders:notifications")


# -- the routing table ------------------------------------------------------------------------------


def _streets(user):
    return Division.objects.visible_to(user).filter(level=Division.Level.STREET).order_by("path")


def _street_or_404(request):
    streets = _streets(request.user)
    code = request.GET.get("street") or request.POST.get("street")
    street = streets.filter(code=code).first() if code else streets.first()
    if street is None:
        raise Http404
    return street, streets


def _require_street_writer(user, street):
    if not scope_for(user).can_write_division(street):
        raise PermissionDenied(_("只有街道（或区级）管理员可以修改派单规则"))


@staff_required
def routing_rules(request):
    street, streets = _street_or_404(request)
    rules = list(RoutingRule.objects.filter(street=street).select_related("organization").order_by("priority", "id"))
    modes = dict(Stewardship.Mode.choices)
    for rule in rules:
        rule.category_name = f.CATEGORY_NAMES.get(rule.category, rule.category)
        rule.mode_name = modes.get(rule.mode, rule.mode)
    return render(request, "workorders/routing.html", {
        "street": street, "streets": streets, "rules": rules, "can_write": scope_for(request.user).can_write_division(
            street), "categories": f.CATEGORY_NAMES,
    })


@staff_required
@require_POST
def routing_defaults(request):
    street, _streets_ = _street_or_404(request)
    _require_street_writer(request.user, street)
    n = ensure_default_rules(street)
    if n:
        messages.success(request, _("已为 %(s)s 载入 %(n)s 条默认派单规则") % {"s": street, "n": n})
    else:
        messages.error(request, _("%(s)s 已有派单规则，未做修改") % {"s": street})
    return redirect(f"{reverse('workorders:routing')}?street={street.code}")


@staff_required
def routing_edit(request, pk=None):
    if pk is None:
        street, _streets_ = _street_or_404(request)
        rule = RoutingRule(street=street)
    else:
        rule = RoutingRule.objects.filter(pk=pk, street__in=_streets(request.user)).select_related("street").first()
        if rule is None:
            raise Http404
        street = rule.street
    if request.method == "POST":
        _require_street_writer(request.user, street)
    form = f.RoutingRuleForm(request.POST or None, instance=rule, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        rules_memo.clear()  # the intake reads the table from the cache (linli/core/memo.py)
        messages.success(request, _("已保存派单规则 #%(p)s") % {"p": form.instance.priority})
        return redirect(f"{reverse('workorders:routing')}?street={street.code}")
    return render(request, "workorders/routing_form.html", {"form": form, "street": street, "rule": rule,
                                                            "can_write": scope_for(request.user).can_write_division(
                                                                street)})


# -- rates ---------------------------------------------------------------------------------------------------


def division_prefixes(path: str) -> list[str]:
    """The paths of a division and of every division above it ("11/", "11/05/", "11/05/03/")."""
    parts = [p for p in path.split("/") if p]
    return ["".join(f"{c}/" for c in parts[: i + 1]) for i in range(len(parts))]


BAR_COLOURS = {"response": "#3b78c4", "resolution": "#2e9a56", "satisfaction": "#d9a21b", "score": "#8a5cc7"}


def rate_bars(rows, *, width: int = 460, label_width: int = 96) -> str:
    """Grouped horizontal bars (response, resolution, satisfaction per row) as inline SVG, 0–100 %."""
    keys = [("response", _("响应率")), ("resolution", _("解决率")), ("satisfaction", _("满意率"))]
    bar, gap = 8, 12
    block = bar * len(keys) + gap
    height = max(block * len(rows), block)
    plot = width - label_width - 52
    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" role="img">']
    for i, row in enumerate(rows):
        y = i * block
        out.append(f'<text x="0" y="{y + bar * 2:.0f}" font-size="12">{escape(row.name[:7])}</text>')
        for j, (key, label) in enumerate(keys):
            value = getattr(row.tally, f"{key}_rate")
            yy = y + j * bar
            if value is None:
                out.append(f'<text x="{label_width}" y="{yy + bar - 1}" font-size="8" fill="#777">—</text>')
                continue
            w = float(Decimal(plot) * value)
            out.append(f'<rect x="{label_width}" y="{yy}" width="{w:.1f}" height="{bar - 1}" '
                       f'fill="{BAR_COLOURS[key]}"><title>{escape(label)}: {value * 100:.2f}%</title></rect>')
            out.append(f'<text x="{label_width + w + 3:.1f}" y="{yy + bar - 1}" font-size="8">{value * 100:.1f}%</text>')
    out.append("</svg>")
    out.append('<p class="legend">')
    for key, label in keys:
        out.append(f'<span><i class="sw-{key}"></i>{escape(label)}</span>')
    out.append("</p>")
    return mark_safe("".join(out))


@staff_required
def rates_page(request, code=None):
    divisions = permissions.rates_divisions(request.user)
    if code is None:
        top = divisions.order_by("path").first()
        if top is None:
            raise Http404
        return redirect("workorders:rates_division", code=top.code)
    division = divisions.filter(code=code).first()
    if division is None:
        raise Http404
    try:
        period = rates_mod.parse_period(request.GET.get("period"))
        error = ""
    except ValueError as exc:
        period, error = rates_mod.parse_period(None), str(exc)
    figures = rates_mod.compute(division, period)
    children = list(divisions.filter(parent=division).order_by("path"))
    ancestors = list(divisions.filter(path__in=division_prefixes(division.path)).exclude(pk=division.pk)
                     .order_by("path"))
    today = timezone.localdate()
    shortcuts = [(f"{today:%Y-%m}", _("本月")),
                 (f"{(today.replace(day=1) - datetime.timedelta(days=1)):%Y-%m}", _("上月")),
                 (f"{today.year}-Q{(today.month - 1) // 3 + 1}", _("本季度")), (str(today.year), _("本年"))]
    chart_rows = figures.by_community if division.level != Division.Level.COMMUNITY else figures.by_org
    return render(request, "workorders/rates.html", {
        "division": division, "period": period, "figures": figures, "error": error, "children": children,
        "ancestors": ancestors, "shortcuts": shortcuts, "chart": rate_bars(chart_rows),
        "org_chart": rate_bars(figures.by_org) if figures.by_org else "",
        "weights": rates_mod.score_weights(),
    })
