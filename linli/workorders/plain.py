"""Plain words for residents (issue 18): what a resident reads about their own request, without the trade's words.

Staff keep the words of 接诉即办 (受理, 派单, 签收, 办结, 回访, 结案: the model's choices, the rates, the 12345
exchange); a resident, often elderly, reads what happened to their request and what comes next. The model's
choices do not change: these maps sit beside them and the resident pages use them through the ``workorders_plain``
template filters. The glossary is docs/residents-plain-words.md.
"""

from django.utils.translation import gettext_lazy as _

from linli.workorders.models import Status, WorkOrderEvent

E = WorkOrderEvent.Type

# What the request's status says to the resident who made it.
STATUS = {
    Status.RECEIVED: _("已收到"),
    Status.DISPATCHED: _("已派人处理"),
    Status.ACCEPTED: _("处理人已接手"),
    Status.IN_PROGRESS: _("正在处理"),
    Status.REPLIED: _("已处理完，请您评价"),
    Status.VISITED: _("您已评价"),
    Status.CLOSED: _("已结束"),
    Status.MERGED: _("已和同一件事一起处理"),
    Status.CANCELLED: _("已取消"),
}

# What comes next, in the resident's words (nothing once it is over).
NEXT_STEP = {
    Status.RECEIVED: _("我们会尽快安排人处理。"),
    Status.DISPATCHED: _("处理人会尽快接手。"),
    Status.ACCEPTED: _("处理人会尽快上门或开始处理。"),
    Status.IN_PROGRESS: _("处理完后会告诉您结果。"),
    Status.REPLIED: _("请看处理结果，告诉我们问题解决了没有、您是否满意。"),
    Status.VISITED: _("谢谢您的评价。没解决的，我们会重新处理。"),
}

# The steps of the request's timeline that a resident sees (workorders.views.base.PUBLIC_EVENTS).
EVENT = {
    E.CREATE: _("已收到"),
    E.DISPATCH: _("已派人处理"),
    E.ACCEPT: _("处理人已接手"),
    E.START: _("开始处理"),
    E.REPLY: _("已处理完"),
    E.VISIT: _("评价"),
    E.CLOSE: _("已结束"),
    E.REOPEN: _("重新处理"),
    E.MERGE: _("和同一件事一起处理"),
    E.CANCEL: _("已取消"),
    E.ESCALATE: _("转给上一级处理"),
    E.JOINT_MEETING: _("请相关部门一起商量解决"),
}


def status_label(status: str) -> str:
    """The resident's word for a status (the trade word if a status has no plain one yet)."""
    label = STATUS.get(status)
    return str(label) if label is not None else str(Status(status).label)


def next_step(status: str) -> str:
    return str(NEXT_STEP.get(status, ""))


def event_label(kind: str) -> str:
    label = EVENT.get(kind)
    return str(label) if label is not None else str(dict(E.choices).get(kind, kind))


def plain_status(order) -> dict:
    """Where a resident's request stands, naming who has it, and what comes next: the one sentence of 我的诉求, the
    request's page and the resident home. ``rate``: the resident is asked to rate the reply. Reads
    ``order.assignee_org`` (select it with the order)."""
    from django.utils.translation import gettext

    org = str(order.assignee_org) if order.assignee_org_id else gettext("处理单位")
    status = order.status
    if status == Status.DISPATCHED:
        text = gettext("已派给%(org)s") % {"org": org}
    elif status in (Status.ACCEPTED, Status.IN_PROGRESS):
        text = gettext("%(org)s正在处理") % {"org": org}
    else:
        text = status_label(status)
    return {"text": text, "next": next_step(status), "rate": status == Status.REPLIED}
