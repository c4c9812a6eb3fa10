"""Writing notifications: one inbox row per user, and for the user's outside channel one ``Delivery`` (the outbox),
in the caller's transaction. The deliveries are queued after the transaction commits (``transaction.on_commit``):
a step that rolls back leaves no row and sends nothing. If the broker is down when the task is queued, the
delivery stays pending and ``requeue_deliveries`` (every minute) queues it again: nothing is lost.

Producers call :func:`notify` (one message to some users) or :func:`notify_many` (many messages in one batch,
e.g. one per bill of a billing run). With a ``key`` a producer is idempotent: one inbox row per user and key.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.errors import Conflict

from .channels.base import mask_address
from .models import Channel, ChannelPreference, Delivery, Notification, WeChatBinding

log = logging.getLogger("linli.notify")


@dataclass
class Message:
    users: list
    title: str
    body: str = ""
    link: str = ""
    kind: str = ""
    key: str = ""  # one inbox row per user and key; "" = no idempotence
    extra: dict = field(default_factory=dict)


# -- channel and address -------------------------------------------------------------------------------------

def recipients(queryset):
    """``queryset`` of users with what :func:`notify` needs in the same statement (channel, phone, openid)."""
    return queryset.select_related("notify_channel", "person", "wechat_binding")


def _loaded(user, name: str) -> bool:
    """Whether the related object ``name`` of ``user`` was loaded (by ``recipients`` or an earlier access)."""
    return user._meta.get_field(name).is_cached(user)


def _related(user, name):
    try:
        return getattr(user, name)
    except ObjectDoesNotExist:
        return None


def chosen_channel(user) -> str:
    pref = _related(user, "notify_channel")
    return pref.channel if pref is not None else Channel.INBOX


def address_for(user, channel: str) -> str:
    """The address of ``user`` on ``channel`` ("" when the user has none)."""
    if channel == Channel.SMS:
        person = _related(user, "person")
        return (person.phone or "").strip() if person is not None else ""
    if channel == Channel.WECHAT:
        binding = _related(user, "wechat_binding")
        return binding.openid if binding is not None else ""
    if channel == Channel.EMAIL:
        return (user.email or "").strip()
    return ""


def _routes(users: dict) -> dict[int, tuple[str, str]]:
    """{user id: (channel, address)} for the users with an outside channel: no statement for users loaded through
    :func:`recipients`, and at most three for the whole batch otherwise (never one per user)."""
    chosen, unknown = {}, []
    for user in users.values():
        if _loaded(user, "notify_channel"):
            if (channel := chosen_channel(user)) != Channel.INBOX:
                chosen[user.pk] = channel
        else:
            unknown.append(user.pk)
    if unknown:
        chosen.update(ChannelPreference.objects.filter(user_id__in=unknown).exclude(channel=Channel.INBOX)
                      .values_list("user_id", "channel"))
    need_phone = [pk for pk, ch in chosen.items() if ch == Channel.SMS and not _loaded(users[pk], "person")]
    need_openid = [pk for pk, ch in chosen.items()
                   if ch == Channel.WECHAT and not _loaded(users[pk], "wechat_binding")]
    fetched = {}
    if need_phone:
        fetched.update(get_user_model().objects.filter(pk__in=need_phone).values_list("pk", "person__phone"))
    if need_openid:
        fetched.update({pk: "" for pk in need_openid})
        fetched.update(WeChatBinding.objects.filter(user_id__in=need_openid).values_list("user_id", "openid"))
    return {pk: (channel, (fetched[pk] or "").strip() if pk in fetched else address_for(users[pk], channel))
            for pk, channel in chosen.items()}


MISSING_ADDRESS = {
    Channel.SMS: _("您的账号没有登记手机号，短信发不出去：请到社区或物业服务中心登记手机号。"),
    Channel.WECHAT: _("您还没有绑定微信，微信消息发不出去：请先在微信中打开“绑定微信”页面。"),
    Channel.EMAIL: _("您的账号没有电子邮箱，邮件发不出去：请在账号资料中填写邮箱，或请管理员代为填写。"),
}


def missing_address_reason(user, channel: str | None = None) -> str:
    """Why the chosen (or given) channel cannot reach ``user`` ("" when it can, or for the inbox)."""
    channel = channel or chosen_channel(user)
    if channel == Channel.INBOX or address_for(user, channel):
        return ""
    return str(MISSING_ADDRESS[channel])


def masked_address(channel: str, address: str) -> str:
    """``address`` on ``channel`` as staff and the user may see it (channels.base.mask_address)."""
    return mask_address(address)


def set_channel(*, user, channel: str) -> ChannelPreference:
    """The user's own choice of outside channel (``inbox`` = the inbox alone)."""
    if channel not in Channel.values:
        raise ValueError(channel)
    pref, _created = ChannelPreference.objects.update_or_create(user=user, defaults={"channel": channel})
    return pref


def bind_wechat(*, user, openid: str) -> WeChatBinding:
    """Bind ``openid`` (from the H5 page's OAuth) to ``user``; an openid bound to another user is a Conflict."""
    refused = _("这个微信号已绑定另一个邻里账号。请先在那个账号中解除绑定，或联系社区工作人员。")
    if WeChatBinding.objects.filter(openid=openid).exclude(user=user).exists():
        raise Conflict(refused)
    try:
        with transaction.atomic():
            binding, _created = WeChatBinding.objects.update_or_create(
                user=user, defaults={"openid": openid, "bound_at": timezone.now()})
    except IntegrityError:  # bound to another user between the check and the write
        raise Conflict(refused) from None
    log.info("wechat bind: user %s bound %s", user.pk, masked_address(Channel.WECHAT, openid))
    return binding


def unbind_wechat(*, user) -> bool:
    """Remove ``user``'s WeChat binding; whether there was one."""
    deleted, _rows = WeChatBinding.objects.filter(user=user).delete()
    return bool(deleted)


# -- writing ---------------------------------------------------------------------------------------------------

def notify(*, users, title, body="", link="", kind="", key="") -> list[Notification]:
    """One inbox row per active user (one per user and ``key`` when given) and the user's outside delivery."""
    return notify_many([Message(users=list(users), title=str(title), body=str(body or ""), link=link or "",
                                kind=kind or "", key=key or "")])


def notify_many(messages: list[Message]) -> list[Notification]:
    """Write the inbox rows and deliveries of many messages with a few statements (a billing run's bills)."""
    rows: list[Notification] = []
    users_of: dict[int, object] = {}
    for msg in messages:
        seen = set()
        for user in msg.users:
            if user is None or not user.is_active or user.pk in seen:
                continue
            seen.add(user.pk)
            users_of[user.pk] = user
            rows.append(Notification(user=user, kind=msg.kind[:40], title=str(msg.title)[:120], body=str(msg.body),
                                     link=msg.link[:300], key=msg.key[:160]))
    if not rows:
        return []
    # Inside the caller's transaction (a work order's intake or step) no savepoint of its own: an error here
    # propagates and undoes the caller's writes with these, and a savepoint is two more round trips.
    with transaction.atomic(savepoint=False):
        rows = _insert_new(rows)
        routes = _routes({n.user_id: users_of[n.user_id] for n in rows})
        deliveries = []
        for note in rows:
            if note.user_id not in routes:
                continue
            channel, address = routes[note.user_id]
            if not address:
                log.info("notify: user %s chose %s but has no address there; inbox only", note.user_id, channel)
                continue
            deliveries.append(Delivery(notification=note, channel=channel, address=address,
                                       key=f"{note.pk}:{channel}"))
        if deliveries:
            deliveries = Delivery.objects.bulk_create(deliveries)
            ids = [d.pk for d in deliveries]
            transaction.on_commit(lambda: queue_deliveries(ids))
    return rows


def _insert_new(rows: list[Notification]) -> list[Notification]:
    """Insert the rows whose (user, key) is not there yet; keyless rows always. Returns the rows inserted."""
    keyed = [n for n in rows if n.key]
    if keyed:
        existing = set(Notification.objects.filter(user_id__in={n.user_id for n in keyed},
                                                   key__in={n.key for n in keyed}).values_list("user_id", "key"))
        rows = [n for n in rows if not n.key or (n.user_id, n.key) not in existing]
        if not rows:
            return []
    if not keyed:  # only a keyed row can meet another process's row (the unique user and key)
        return Notification.objects.bulk_create(rows)
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(rows)
    except IntegrityError:  # another process wrote one of these keys meanwhile: one by one
        out = []
        for note in rows:
            if not note.key:
                note.save()
                out.append(note)
                continue
            made, created = Notification.objects.get_or_create(
                user_id=note.user_id, key=note.key,
                defaults={"kind": note.kind, "title": note.title, "body": note.body, "link": note.link})
            if created:
                out.append(made)
        return out


def queue_deliveries(ids) -> int:
    """Queue ``deliver`` for each delivery id; a broker error is logged and the delivery stays for the requeue."""
    from . import tasks

    eager = getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False)
    queued = 0
    for delivery_id in ids:
        try:
            if eager:  # runs here and now (the demo, the tests): the same code a worker runs
                tasks.deliver.apply(args=[delivery_id])
            else:
                tasks.deliver.delay(delivery_id)
            queued += 1
        except Exception:  # broker down: the periodic requeue sends it later
            log.exception("notify: could not queue delivery %s; it stays pending for the requeue", delivery_id)
            break
    return queued


# -- reading the inbox -------------------------------------------------------------------------------------------

def mark_read(*, user, notification: Notification | None = None, now=None) -> int:
    """Mark one of ``user``'s notifications read, or all of them when ``notification`` is None."""
    now = now or timezone.now()
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification is not None:
        qs = qs.filter(pk=notification.pk)
    return qs.update(read_at=now)


# -- text messages to a number (people's sign-in: one-time codes, desk registration, household invitations) --------

def send_text(*, phone: str, text: str, kind: str, key: str, code: str = "") -> None:
    """Queue one SMS to ``phone`` after the caller's transaction commits, through the configured SMS channel.

    Not through the outbox: a one-time code must not be stored (only its hash is, by people), and a number that
    belongs to no account yet (an invited family member) has no inbox. The per-number limits of the SMS channels
    still apply. The people app calls this through ``linli.people.sms.send`` (plugged in by NotifyConfig)."""
    from . import tasks

    def queue():
        args = [phone, str(text), kind, key, code]
        try:
            if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
                tasks.send_text.apply(args=args)
            else:
                tasks.send_text.delay(*args)
        except Exception:  # broker down: the person asks again (a code is worth minutes, not a retry queue)
            log.exception("notify: could not queue a %s text to %s", kind, mask_address(phone))

    transaction.on_commit(queue)
