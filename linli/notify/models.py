"""Notifications: the in-app inbox, the deliveries through outside channels (an outbox), each person's channel, the
WeChat openid bound from the H5 page, and the record of the periodic jobs' runs.

A notification is one row in a user's inbox. For each outside channel it must reach (SMS, WeChat, e-mail) a
``Delivery`` row is written in the same transaction; the delivery is sent by a task queued after the
transaction commits, retried with back-off, and its every attempt is kept (``DeliveryAttempt``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.events import Event


class Channel(models.TextChoices):
    INBOX = "inbox", _("站内通知")
    SMS = "sms", _("短信")
    WECHAT = "wechat", _("微信")
    EMAIL = "email", _("电子邮件")


class Notification(models.Model):
    """One message in one user's inbox. ``key`` (optional) makes a producer idempotent: one row per user and key."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE,
                             related_name="inbox")
    kind = models.CharField(_("类别"), max_length=40, blank=True)  # "workorder", "care", "notice", "bill", "wish" …
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)  # a path in Linli, e.g. /workorders/12/
    key = models.CharField(_("去重键"), max_length=160, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notify_inbox_user_read")]
        constraints = [models.UniqueConstraint(fields=["user", "key"], condition=~Q(key=""),
                                               name="notify_once_per_user_key")]

    def __str__(self):
        return self.title


class Delivery(models.Model):
    """A notification on its way through one outside channel (the outbox row)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("失败待重试")
        GIVEN_UP = "given_up", _("已放弃")

    notification = models.ForeignKey(Notification, verbose_name=_("通知"), on_delete=models.CASCADE,
                                     related_name="deliveries")
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("发送地址"), max_length=200)  # phone, openid or e-mail address
    key = models.CharField(_("幂等键"), max_length=200, unique=True)  # sent as the provider's out-id
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_try_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    claimed_until = models.DateTimeField(_("占用至"), null=True, blank=True)  # a worker's lease while sending
    provider_id = models.CharField(_("服务商回执"), max_length=100, blank=True)
    last_code = models.CharField(_("最近错误码"), max_length=80, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("外发通知")
        verbose_name_plural = _("外发通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_try_at"], name="notify_delivery_due")]

    def __str__(self):
        return f"{self.get_channel_display()} {self.get_status_display()}"


class DeliveryAttempt(Event):
    """One try to send a delivery: ``kind`` is sent, failed or given_up, with the provider's code and message."""

    delivery = models.ForeignKey(Delivery, verbose_name=_("外发通知"), on_delete=models.CASCADE,
                                 related_name="attempt_log")
    code = models.CharField(_("错误码"), max_length=80, blank=True)
    message = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        ordering = ["-at", "-id"]


class ChannelPreference(models.Model):
    """The outside channel a user chose besides the inbox (inbox alone when there is no row)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                                related_name="notify_channel")
    channel = models.CharField(_("通知渠道"), max_length=10, choices=Channel.choices, default=Channel.INBOX)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("通知渠道")
        verbose_name_plural = _("通知渠道")

    def __str__(self):
        return self.get_channel_display()


class WeChatBinding(models.Model):
    """The openid of a user in the Official Account, bound through the H5 page (OAuth snsapi_base)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                                related_name="wechat_binding")
    openid = models.CharField(_("OpenID"), max_length=64, unique=True)
    bound_at = models.DateTimeField(_("绑定时间"), default=timezone.now)

    class Meta:
        verbose_name = _("微信绑定")
        verbose_name_plural = _("微信绑定")

    def __str__(self):
        return self.openid[:6] + "…"


class JobRun(models.Model):
    """One run of a periodic job for one period: the unique row makes a second scheduler's run a no-op."""

    name = models.CharField(_("任务"), max_length=100)
    period_start = models.DateTimeField(_("周期开始"))
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    result = models.CharField(_("结果"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("定时任务运行")
        verbose_name_plural = _("定时任务运行")
        ordering = ["-period_start", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "period_start"], name="notify_job_once_per_period")]

    def __str__(self):
        return f"{self.name} {self.period_start:%Y-%m-%d %H:%M}"
