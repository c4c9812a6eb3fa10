"""The resident home (``/residents/``) and the pages behind its buttons that no other app has: 通知公告 (one list of
every notice, unread marked), 投票与议事 (open votes and coming meetings), 一键呼叫 (tap to call). The other buttons
lead to the pages of the apps that own them (report, 我的诉求, 物业费, 微心愿)."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from linli.people.scopes import scope_for
from linli.residents import selectors, services
from linli.residents.models import ReadMark


def resident_required(view):
    """Pages for someone who lives in a home on record: 404 for anyone else (staff see no resident's page unless
    they live somewhere themselves, and then only their own)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not scope_for(request.user).home_ids:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def buttons(data: dict) -> list[dict]:
    """The big buttons, each with an icon, a short word, a hint and a count in words (never colour alone)."""
    orders, bills, notices, votes = data["orders"], data["bills"], data["notices"], data["votes"]
    if orders["to_rate"]:
        orders_badge = ngettext("%(n)s 件待评价", "%(n)s 件待评价", orders["to_rate"]) % {"n": orders["to_rate"]}
    elif orders["open"]:
        orders_badge = ngettext("%(n)s 件在办", "%(n)s 件在办", orders["open"]) % {"n": orders["open"]}
    else:
        orders_badge = _("没有在办的")
    if bills["unpaid"]:
        fees_badge = ngettext("%(n)s 笔未缴，共 %(owed)s 元", "%(n)s 笔未缴，共 %(owed)s 元", bills["unpaid"]) % {
            "n": bills["unpaid"], "owed": bills["owed"]}
    else:
        fees_badge = _("没有欠费")
    notices_badge = (ngettext("%(n)s 条未读", "%(n)s 条未读", notices["unread"]) % {"n": notices["unread"]}
                     if notices["unread"] else _("都看过了"))
    votes_badge = (ngettext("%(n)s 项待投票", "%(n)s 项待投票", votes["open"]) % {"n": votes["open"]}
                   if votes["open"] else _("没有待投票的"))
    help_badge = (ngettext("%(n)s 个心愿等人帮", "%(n)s 个心愿等人帮", data["wishes"]) % {"n": data["wishes"]}
                  if data["wishes"] else "")
    return [
        {"id": "report", "icon": "report", "url": reverse("workorders:report_mine"), "word": _("我要反映"),
         "hint": _("拍照片、说一段话"), "badge": "", "extra": "rh-primary"},
        {"id": "orders", "icon": "orders", "url": reverse("workorders:mine"), "word": _("我的诉求"),
         "hint": _("看办到哪一步了"), "badge": orders_badge},
        {"id": "fees", "icon": "fees", "url": reverse("fees:my_bills"), "word": _("物业费"),
         "hint": _("账单和收据"), "badge": fees_badge},
        {"id": "notices", "icon": "notices", "url": reverse("residents:notices"), "word": _("通知公告"),
         "hint": _("小区和社区的通知"), "badge": notices_badge},
        {"id": "votes", "icon": "votes", "url": reverse("residents:votes"), "word": _("投票与议事"),
         "hint": _("业主投票、开会通知"), "badge": votes_badge},
        {"id": "wish", "icon": "wish", "url": reverse("volunteers:wish_new"), "word": _("微心愿"),
         "hint": _("说出您的小心愿"), "badge": ""},
        {"id": "help", "icon": "help", "url": reverse("volunteers:wish_pool"), "word": _("我能帮忙"),
         "hint": _("帮邻居实现心愿"), "badge": help_badge},
        {"id": "call", "icon": "call", "url": reverse("residents:call"), "word": _("一键呼叫"),
         "hint": _("打电话给物业、社区"), "badge": ""},
        # Issue 19: the estate's public board (三公开, views_board.py).
        {"id": "board", "icon": "board", "url": reverse("residents:my_board"), "word": _("公开栏"),
         "hint": _("物业、收费、决定、业委会"), "badge": ""},
    ]


@resident_required
def home(request):
    data = selectors.home(request.user)
    return render(request, "residents/home.html", {**data, "buttons": buttons(data)})


@resident_required
def notices(request):
    where = selectors.where(request.user)
    items = selectors.notice_items(request.user, where)
    return render(request, "residents/notices.html", {
        "items": items, "unread": selectors.unread_count(items), "where": where})


@resident_required
def notice_open(request, kind, pk):
    """Open one item of 通知公告: it is marked read, then shown on its own page."""
    item = selectors.find_item(request.user, kind, pk)
    if item is None:
        raise Http404
    services.mark_read(user=request.user, kind=kind, object_id=pk)
    if kind == ReadMark.Kind.NOTICE:
        return redirect("assembly:notice_detail", pk=pk)
    if kind == ReadMark.Kind.ACTIVITY:
        return redirect("volunteers:activity_detail", pk=pk)
    return render(request, "residents/meeting.html", {"meeting": item})


@require_POST
@resident_required
def notices_read_all(request):
    items = selectors.notice_items(request.user, selectors.where(request.user))
    count = services.mark_all_read(user=request.user, items=items)
    messages.success(request, _("已全部标为已读（%(n)s 条）") % {"n": count})
    return redirect("residents:notices")


@resident_required
def votes(request):
    where = selectors.where(request.user)
    return render(request, "residents/votes.html", {
        "votes": selectors.votes(request.user, where), "meetings": selectors.meetings(where), "where": where})


@resident_required
def call(request):
    return render(request, "residents/call.html", {"phones": selectors.phones(selectors.where(request.user))})
