"""Work-order notifications: a thin wrapper over :func:`linli.notify.services.notify` (kind "workorder", a link to
the order's page), in the caller's transaction; outside channels are sent after it commits (docs/notifications.md).
"""

from django.urls import reverse

from linli.notify import services as notify_services
from linli.people.models import User


def order_link(order) -> str:
    return reverse("workorders:order", kwargs={"code": order.code}) if order is not None and order.code else ""


def notify(*, users, title: str, body: str = "", order=None, key: str = "") -> list:
    return notify_services.notify(users=users, title=title, body=body, link=order_link(order), kind="workorder",
                                  key=key)


def org_users(organization):
    """Accounts that act for ``organization`` (its memberships), with their notification channel."""
    if organization is None:
        return []
    return list(notify_services.recipients(
        User.objects.filter(memberships__organization=organization, is_active=True).distinct()))
