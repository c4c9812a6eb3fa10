"""What a resident has opened in 通知公告 (the resident home's one list of notices)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReadMark(models.Model):
    """A resident has opened one item of 通知公告: a notice (公示), a meeting's notice or a community activity."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("公示")
        MEETING = "meeting", _("会议通知")
        ACTIVITY = "activity", _("社区活动")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE,
                             related_name="+")
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("编号"))
    at = models.DateTimeField(_("阅读时间"), default=timezone.now)

    class Meta:
        verbose_name = _("已读记录")
        verbose_name_plural = _("已读记录")
        constraints = [models.UniqueConstraint(fields=["user", "kind", "object_id"], name="readmark_once")]

    def __str__(self):
        return f"{self.user_id} {self.kind} {self.object_id}"
