"""Issue 19 (reach): a committee member's read-only view of their estate's work orders.

A member of an estate's owners' committee or 物业管理委员会 reads the estate's orders to supervise the property
service (北京市物业管理条例 art. 44(5); 物业管理条例 art. 15(3)): the list with the figures, and one order with its
public steps. The reporter's name and phone are masked, an anonymous report names nobody, numbers and names written
in the texts are masked (Beijing art. 47(8): members may not disclose owners' information); no staff step, no
contact reveal, no staff names. Everyone else gets 404 (strangers, residents, staff — staff use the inbox).
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from linli.core.choices import labels
from linli.places.models import Estate
from linli.workorders import forms as f
from linli.workorders import permissions, selectors
from linli.workorders.models import Status, WorkOrder

from .base import NOTE_FOR_RESIDENT, PUBLIC_EVENTS, _page


def _committee_estates(user):
    ids = permissions.committee_estate_ids(user)
    if not ids:
        raise Http404
    return list(Estate.objects.filter(pk__in=ids).order_by("name", "pk"))


@login_required
def committee_orders(request):
    """本小区工单 for a committee member: ``?estate=`` picks one of their estates (the first by default)."""
    estates = _committee_estates(request.user)
    wanted = request.GET.get("estate")
    estate = next((e for e in estates if str(e.pk) == wanted), estates[0])
    qs = selectors.committee_orders(request.user, estate)
    if request.GET.get("state") == "open":
        qs = qs.active()
    elif request.GET.get("state") == "overdue":
        qs = qs.overdue()
    page = _page(request, qs, count=False)
    status_labels = labels(Status)
    for order in page:
        order.status_label = status_labels.get(order.status, order.status)
        order.category_name = f.CATEGORY_NAMES.get(order.category, order.category)
        order.public_title = selectors.committee_text(order, order.title or order.text[:40])
    figures = selectors.estate_order_figures([estate.pk])[estate.pk]
    return render(request, "workorders/committee_orders.html", {
        "estates": estates, "estate": estate, "page": page, "figures": figures,
        "state": request.GET.get("state", ""),
    })


@login_required
def committee_order(request, code):
    """One order of the member's estate, read-only and masked; 404 for an order of another estate."""
    estates = _committee_estates(request.user)
    order = (WorkOrder.objects.select_related("estate", "building", "assignee_org", "reporter")
             .filter(code=code, estate_id__in=[e.pk for e in estates]).first())
    if order is None or not permissions.can_read_as_committee(request.user, order.estate_id):
        raise Http404
    events = [e for e in order.events.order_by("at", "id") if e.kind in PUBLIC_EVENTS]
    for e in events:
        e.public_note = selectors.committee_text(order, e.note) if e.kind in NOTE_FOR_RESIDENT else ""
    name, phone = selectors.committee_contact(order)
    return render(request, "workorders/committee_order.html", {
        "order": order, "events": events, "contact_name": name if not order.anonymous else _("匿名"),
        "contact_phone": phone, "text": selectors.committee_text(order, order.text),
        "reply": selectors.committee_text(order, order.reply_text),
        "category_name": f.CATEGORY_NAMES.get(order.category, order.category),
        "status_label": labels(Status).get(order.status, order.status),
    })
