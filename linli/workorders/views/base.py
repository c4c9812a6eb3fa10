"""What the work-order pages share: paging, error text, which events a resident sees."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator

from linli.core.paging import Pager

PAGE_SIZE = 30
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
