"""The staff inbox with its tabs and bulk dispatch, and the dispatch and overdue boards."""

from html import escape

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.access import staff_required
from linli.core.choices import labels
from linli.core.dbrouter import replica_reads
from linli.core.htmx import is_htmx
from linli.core.rows import reverser
from linli.people.models import Organization, Role
from linli.people.scopes import ADMIN_ROLES, scope_for
from linli.workorders import forms as f
from linli.workorders import permissions, selectors
from linli.workorders import services as s
from linli.workorders.filters import PAGE_FILTERS, page_filters
from linli.workorders.models import (
    Channel,
    Status,
    WorkOrder,
)

from .base import _error_text, _page

ANY_CODE = "00000000-0000"  # the shape of an order's number, to cut the order page's address around
# Inbox tabs count their orders up to this many and show more as "99+" (the board has the exact figures).
TAB_COUNT_CAP = 99


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
    default = "all" if selectors.watches_only(user) else "to_sign"
    tab = request.GET.get("tab") if request.GET.get("tab") in keys else default
    htmx_rows = is_htmx(request) and request.htmx.target == "rows"
    # the tabs are not part of the rows
    counts = {} if htmx_rows else selectors.inbox_counts(user, tabs, TAB_COUNT_CAP)
    filterset, qs = selectors.inbox_orders(user, dict((k, q) for k, _label, q in tabs)[tab], request.GET)
    page = _page(request, qs, count=False)
    # Labels from a dict (linli.core.choices): get_FOO_display() rebuilds and translates the choice list per call.
    status_labels, channel_labels = labels(Status), labels(Channel)
    admin = bool(scope.roles & ADMIN_ROLES)
    # A row's cells are written here (``_row_html``, every value escaped): through the template language they were
    # 0.12 ms a row, a sixth of the page's time at 30 rows (its url tag and date filter before that, a fifth).
    order_url = _order_url()
    tags = _row_tags()
    for order in page:
        order.url = order_url(order.code)
        order.row = _row_html(order, bulk=admin, tags=tags, status=status_labels.get(order.status, order.status),
                              channel=channel_labels.get(order.channel, order.channel))
    context = {
        "tabs": [(k, label, counts.get(k)) for k, label, _q in tabs], "tab": tab, "tab_cap": TAB_COUNT_CAP,
        "filters": filterset.form, "page": page,
        "filter_fields": [] if htmx_rows else page_filters(
            filterset, estates=selectors.inbox_estate_choices(user), categories=f.CATEGORIES),
        "bulk": admin, "orgs": selectors.assignable_org_choices(user) if admin else [],
        "now": timezone.now(),
        "categories": f.CATEGORY_NAMES, "can_desk": permissions.can_use_desk(user),
        "can_routing": not htmx_rows and permissions.can_view_routing(user),
        "can_patrol": not scope.roles <= {Role.AUDITOR, Role.RESIDENT},
        "filters_active": any(request.GET.get(k) for k in PAGE_FILTERS),
    }
    template = "workorders/_inbox_rows.html" if htmx_rows else "workorders/inbox.html"
    return render(request, template, context)


def _order_url():
    """``code → the order page's address``, reversed once for a page of rows (a url tag per row cost a fifth of it)."""
    return reverser("workorders:order", ANY_CODE)


def _row_tags() -> dict:
    """The tags a row may carry, escaped once for the page."""
    return {"urgent": format_html('<span class="tag urgent">{}</span> ', _("紧急")),
            "overdue": format_html(' <span class="tag overdue">{}</span>', _("超期")),
            "triage": format_html(' <span class="tag">{}</span>', _("待分拣"))}


def _row_html(order, *, bulk: bool, tags: dict, status: str, channel: str) -> SafeString:
    """The cells of an inbox row (``_inbox_rows.html`` writes the table around them). Every value is escaped with
    ``html.escape``, as Django's ``escape`` does; through ``format_html`` the lazy-string wrapper around each value
    cost as much again as the rest of the row (0.9 ms a page of 30)."""
    due = (timezone.localtime(order.reply_due).strftime("%m-%d %H:%M")
           if order.reply_due and order.is_open else "—")
    org = order.assignee_org_name
    code = escape(order.code)
    box = f'<td><input type="checkbox" name="codes" value="{code}" aria-label="{code}"></td>' if bulk else ""
    return SafeString(
        f'{box}<td class="nowrap"><a href="{escape(order.url)}">{code}</a><br><span class="muted">{escape(channel)}'
        f'</span></td><td>{tags["urgent"] if order.urgent else ""}{escape(Truncator(order.title or order.text).chars(40))}'
        f'</td><td><span class="tag status-{escape(order.status)}">{escape(status)}</span>'
        f'{tags["overdue"] if order.overdue else ""}{tags["triage"] if order.needs_triage else ""}</td>'
        f'<td class="hide-sm">{escape(order.place_label)}</td>'
        f'<td class="hide-sm">{escape(org) if org is not None else "—"}</td><td class="hide-sm nowrap">{due}</td>')


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


# -- boards ------------------------------------------------------------------------------------------


@staff_required
@replica_reads
def board(request):
    """The street's dispatch board: what waits for dispatch, and what each organisation holds."""
    figures = selectors.dispatch_board(request.user)
    kinds = dict(Organization.Kind.choices)
    for row in figures["rows"]:
        row["kind"] = kinds.get(row["assignee_org__kind"], "")
    for order in figures["recent"]:
        order.category_name = f.CATEGORY_NAMES.get(order.category, order.category)
    return render(request, "workorders/board.html", {**figures, "categories": f.CATEGORY_NAMES,
                                                     **_board_rows(figures)})


def _board_rows(figures: dict) -> dict:
    """The board's two tables' rows, every value escaped (as ``_row_html``): through the template language, with a
    url tag and a truncatechars filter per waiting order, they were half the page's time."""
    order_url = _order_url()
    org_rows = "".join(
        f'<tr><td>{escape(r["assignee_org__name"])}<br><span class="muted">{escape(str(r["kind"]))}</span></td>'
        f'<td>{r["to_sign"]}</td><td>{r["working"]}</td><td>{r["replied"]}</td><td>'
        + (f'<span class="tag overdue">{r["overdue"]}</span>' if r["overdue"] else "0") + "</td></tr>"
        for r in figures["rows"])
    waiting = "".join(
        f'<tr><td class="nowrap"><a href="{escape(order_url(o.code))}">{escape(o.code)}</a></td>'
        f'<td>{escape(Truncator(o.text).chars(40))}</td><td class="hide-sm">{escape(str(o.estate or "—"))}</td>'
        f'<td class="hide-sm">{escape(str(o.category_name or "—"))}</td></tr>' for o in figures["recent"])
    return {"org_rows": SafeString(org_rows), "waiting_rows": SafeString(waiting)}


@staff_required
@replica_reads
def overdue_board(request):
    """超期督办: overdue orders, longest overdue first, with counts per organisation."""
    qs, per_org = selectors.overdue_board(request.user)
    page = _page(request, qs, count=False)
    now = timezone.now()
    status_labels = labels(Status)
    order_url = _order_url()
    for order in page:
        due = order.reply_due or order.accept_due
        order.late_hours = int((now - due).total_seconds() // 3600) if due and due < now else 0
        order.row = _overdue_row_html(order, url=order_url(order.code),
                                      status=status_labels.get(order.status, order.status))
    return render(request, "workorders/overdue.html", {"page": page, "per_org": per_org})


def _overdue_row_html(order, *, url: str, status: str) -> SafeString:
    """The cells of an overdue board's row, every value escaped (as ``_row_html``): through the template language,
    with a url tag and a blocktrans per row, they cost twice the rest of the page."""
    org = order.assignee_org
    return SafeString(
        f'<td class="nowrap"><a href="{escape(url)}">{escape(order.code)}</a><br>'
        f'<span class="tag status-{escape(order.status)}">{escape(status)}</span></td>'
        f'<td>{escape(Truncator(order.text).chars(40))}</td>'
        f'<td class="nowrap">{escape(_("%(h)s 小时") % {"h": order.late_hours})}</td>'
        f'<td class="hide-sm">{escape(org.name) if org is not None else "—"}</td>'
        f'<td class="hide-sm">{escape(_("已督办")) if order.supervised else "—"}</td>')
