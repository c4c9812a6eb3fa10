"""One work order: its page, its steps and its files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core import uploads
from linli.core.access import get_visible_or_404
from linli.core.htmx import is_htmx
from linli.people.scopes import scope_for
from linli.triage import labels as taxonomy_labels
from linli.workorders import forms as f
from linli.workorders import links, permissions, plain, selectors
from linli.workorders import services as s
from linli.workorders.models import (
    Attachment,
    Satisfaction,
    WorkOrder,
)

from .base import NOTE_FOR_RESIDENT, PUBLIC_EVENTS, _error_text

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


def _meeting_model():
    """JointMeeting, reached through the relation the meetings app adds to WorkOrder (layers: no import upward)."""
    link = WorkOrder._meta.get_field("meeting_links").related_model
    return link._meta.get_field("meeting").related_model


def _meeting_refs(user, order, events) -> dict:
    """Links between an order, the joint meetings (吹哨报到) about it and their task orders, read from the meetings'
    ``joint_meeting`` events: each such event gets ``meeting_url`` / ``task_ref`` / ``about_ref`` (the order) where the
    user may see the target; the order gets its origin (a task order: the meeting and the order it is about) and its tasks
    (an order the meetings were about). Staff only: a resident's timeline links no staff page."""
    jm = [e for e in events if e.kind == "joint_meeting"]
    if not jm:
        return {}
    meeting_ids = {e.data.get("meeting") for e in jm} - {None}
    order_ids = ({e.data.get("task") for e in jm} | {e.data.get("about") for e in jm}) - {None}
    meetings = {m.pk: m for m in _meeting_model().objects.visible_to(user).filter(pk__in=meeting_ids)}
    orders = {o.pk: o for o in WorkOrder.objects.visible_to(user).filter(pk__in=order_ids).select_related(
        "assignee_org")}
    for e in jm:
        mid, tid, aid = e.data.get("meeting"), e.data.get("task"), e.data.get("about")
        e.meeting_url = reverse("meetings:meeting_detail", args=[mid]) if mid in meetings else ""
        e.task_ref = orders.get(tid) if tid != order.pk else None
        e.about_ref = orders.get(aid) if aid != order.pk else None
    origin = next((e for e in jm if e.data.get("step") == "task" and "about" in e.data), None)
    tasks, seen = [], set()
    for e in jm:
        if e.data.get("step") == "task" and e.task_ref is not None and e.task_ref.pk not in seen:
            seen.add(e.task_ref.pk)
            tasks.append({"order": e.task_ref, "meeting_url": e.meeting_url})
    return {"task_origin": origin, "meeting_tasks": tasks}


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
    refs = _meeting_refs(user, order, events) if staff else {}
    task_order = s.is_task_order(order)
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
        if action == "visit" and (not manages or task_order) and "reached" in form.fields:
            del form.fields["reached"]  # a task order has no reporter to reach: the street checks the work
        label = _("验收") if action == "visit" and task_order else s.ACTION_LABELS[action]
        if action == "visit" and not staff:
            label = _("评价处理结果")  # a resident rates the reply; 回访 is the staff's word for it
        actions.append({"name": action, "label": label, "form": form, "multipart": action == "reply"})
    contact_name, contact_phone = selectors.reporter_contact(user, order, manages=manages)
    if order.anonymous and not manages:
        contact_name = _("匿名")
    return {
        "triage": _triage_view(order) if staff else None,
        # Where it stands in plain words, for the resident (staff read the status and the timeline).
        "plain": None if staff else plain.plain_status(order),
        "order": order, "events": events, "photos": photos, "actions": actions, "errors": errors or [],
        "staff_view": staff, "manages": manages, "contact_name": contact_name, "contact_phone": contact_phone,
        "can_convene": staff and permissions.can_convene_meeting(user, order.street),
        "category_name": f.CATEGORY_NAMES.get(order.category, order.category), "now": timezone.now(),
        "subcategory_name": _subcategory_name(order.subcategory), "task_order": task_order, **refs,
        "linked": links.links_for(user, order),  # links from the apps above, each shown to whom it allows
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
        context["plain"] = plain.plain_status(order)
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
