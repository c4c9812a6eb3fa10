"""Notices (公示), their attachments and acknowledgements."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.places.models import Division

from .meetings import Meeting, _estates_visible
from .motions import Motion

# -- notices (公示) -----------------------------------------------------------------------------------------


class NoticeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Anyone who sees the estate, or the community for a community-wide notice."""
        return self.filter(
            Q(estate__in=_estates_visible(user))
            | Q(estate__isnull=True, community__in=Division.objects.visible_to(user))
        )

    def public_for(self, estate, on=None):
        """Notices shown on an estate's public page: its own, its buildings', its community's; now posted."""
        on = on or timezone.localdate()
        return self.filter(
            Q(estate=estate) | Q(estate__isnull=True, community_id=estate.community_id),
            withdrawn_at__isnull=True, posted_on__lte=on,
        )


class Notice(models.Model):
    """A public notice (公示) with a notice period, for a building, an estate or a community."""

    class Scope(models.TextChoices):
        BUILDING = "building", _("楼栋")
        ESTATE = "estate", _("小区")
        COMMUNITY = "community", _("社区")

    # A decision of the owners is posted within 3 days of being taken.
    DECISION_POSTING_DAYS = 3
    DEFAULT_PERIOD_DAYS = 7

    title = models.CharField(_("标题"), max_length=150)
    body = models.TextField(_("正文"))
    scope = models.CharField(_("公示范围"), max_length=16, choices=Scope.choices)
    community = models.ForeignKey(
        "places.Division", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    estate = models.ForeignKey(
        "places.Estate", verbose_name=_("小区"), null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    building = models.ForeignKey(
        "places.Building", verbose_name=_("楼栋"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    posted_on = models.DateField(_("公示开始"), db_index=True)
    ends_on = models.DateField(_("公示结束"))
    motion = models.OneToOneField(
        Motion, verbose_name=_("表决事项"), null=True, blank=True, on_delete=models.PROTECT, related_name="notice"
    )
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("会议"), null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("撤回原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("发布时间"), default=timezone.now)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["-posted_on", "-id"]

    def __str__(self):
        return self.title

    def is_current(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.withdrawn_at is None and self.posted_on <= on <= self.ends_on


def _attachment_path(instance, filename):
    return f"assembly/notices/{instance.notice_id}/{filename}"


class NoticeAttachment(models.Model):
    """A file attached to a notice (a scanned decision, a contract, a budget …)."""

    notice = models.ForeignKey(Notice, verbose_name=_("公示"), on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("附件"), upload_to=_attachment_path)
    name = models.CharField(_("名称"), max_length=120)

    class Meta:
        verbose_name = _("公示附件")
        verbose_name_plural = _("公示附件")
        ordering = ["notice_id", "id"]

    def __str__(self):
        return self.name


class Acknowledgement(models.Model):
    """A resident has read a notice (已阅)."""

    notice = models.ForeignKey(Notice, verbose_name=_("公示"), on_delete=models.PROTECT, related_name="acks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("已阅")
        verbose_name_plural = _("已阅")
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="ack_once_per_user")]

    def __str__(self):
        return f"{self.notice_id} · {self.user_id}"
