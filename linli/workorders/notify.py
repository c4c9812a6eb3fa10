"""Notifications through pluggable backends (settings.LINLI_NOTIFICATION_BACKENDS).

The default is the in-app inbox. SMS and WeChat template messages are adapters whose transport is a
logger until a deployment plugs in its gateway (no network call is made by Linli itself).
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string

from linli.core.text import mask_phone
from linli.people.models import User
from linli.workorders.models import Notification

log = logging.getLogger("linli.notify")

DEFAULT_BACKENDS = ["linli.workorders.notify.InboxBackend"]


@dataclass
class Message:
    title: str
    body: str = ""
    order: object = None
    users: list = field(default_factory=list)


class InboxBackend:
    """Writes a Notification row per recipient."""

    def send(self, message: Message) -> None:
        Notification.objects.bulk_create(
            [Notification(user=u, order=message.order, title=message.title[:120], body=message.body) for u in message.users]
        )


class LoggingBackend:
    """Logs every message; useful in development and as an audit trail."""

    def send(self, message: Message) -> None:
        for user in message.users:
            log.info("notify %s: %s", user, message.title)


class SmsBackend:
    """Formats an SMS for recipients with a phone number and hands it to ``transport`` (logs by default)."""

    def __init__(self, transport=None):
        self.transport = transport or (lambda phone, text: log.info("sms %s: %s", mask_phone(phone), text))

    def send(self, message: Message) -> None:
        for user in message.users:
            phone = getattr(getattr(user, "person", None), "phone", "")
            if phone:
                self.transport(phone, f"【邻里】{message.title}")


class WeChatTemplateBackend:
    """Formats a WeChat template message ({"first", "keyword1", …}) and hands it to ``transport`` (logs by default)."""

    def __init__(self, transport=None):
        self.transport = transport or (lambda user, payload: log.info("wechat %s: %s", user, payload))

    def send(self, message: Message) -> None:
        order = message.order
        for user in message.users:
            self.transport(user, {
                "first": message.title,
                "keyword1": getattr(order, "code", ""),
                "keyword2": getattr(order, "get_status_display", lambda: "")(),
                "remark": message.body[:100],
            })


def backends():
    return [import_string(path)() for path in getattr(settings, "LINLI_NOTIFICATION_BACKENDS", DEFAULT_BACKENDS)]


def notify(*, users, title: str, body: str = "", order=None) -> None:
    users = [u for u in dict.fromkeys(users) if u is not None and u.is_active]
    if not users:
        return
    message = Message(title=title, body=body, order=order, users=users)
    for backend in backends():
        backend.send(message)


def org_users(organization):
    """Accounts that act for ``organization`` (its memberships)."""
    if organization is None:
        return []
    return list(User.objects.filter(memberships__organization=organization, is_active=True).distinct())
