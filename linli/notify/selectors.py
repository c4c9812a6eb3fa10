"""Reads of notify: a user's inbox, and the deliveries a staff member may see."""

from functools import reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.db.models import Q

from .models import Delivery, Notification
from .permissions import delivery_paths


def inbox(user, *, kind: str = "", unread: bool = False):
    qs = Notification.objects.filter(user_id=getattr(user, "pk", None) or 0)
    if kind:
        qs = qs.filter(kind=kind)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs


def unread_count(user, *, kind: str = "") -> int:
    return inbox(user, kind=kind, unread=True).count()


def users_within(paths: list[str]):
    """Users who serve or live within the divisions ``paths`` (a subquery of ids)."""
    parts = []
    for p in paths:
        parts += [Q(memberships__division__path__startswith=p),
                  Q(memberships__estate__community__path__startswith=p),
                  Q(memberships__organization__division__path__startswith=p),
                  Q(person__occupancies__home__estate__community__path__startswith=p,
                    person__occupancies__end__isnull=True)]
    return get_user_model().objects.filter(reduce(or_, parts)).values("pk")


def deliveries_visible_to(user):
    paths = delivery_paths(user)
    qs = Delivery.objects.select_related("notification__user")
    if paths is None:
        return qs
    if not paths:
        return qs.none()
    return qs.filter(notification__user_id__in=users_within(paths))
