"""Writes of the resident home: read marks."""

from __future__ import annotations

from django.utils import timezone

from linli.residents.models import ReadMark


def mark_read(*, user, kind: str, object_id: int, now=None) -> ReadMark:
    """The resident has opened the item; opening it again changes nothing. The caller has checked that the user
    may see the item (selectors.find_item)."""
    mark, _created = ReadMark.objects.get_or_create(user=user, kind=kind, object_id=object_id,
                                                    defaults={"at": now or timezone.now()})
    return mark


def mark_all_read(*, user, items, now=None) -> int:
    """Every item of the list read at once (通知公告's 全部标为已读); returns how many were unread."""
    now = now or timezone.now()
    unread = [ReadMark(user=user, kind=i["kind"], object_id=i["pk"], at=now) for i in items if not i["read"]]
    ReadMark.objects.bulk_create(unread, ignore_conflicts=True)
    return len(unread)
