"""Relief (减免) granted to a home."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .plans import fee_q


class ReliefQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(fee_q(user))

    def active(self):
        return self.filter(revoked_at__isnull=True)


class Relief(models.Model):
    """An exemption or reduction (减免) for a home over a period, approved by a named role."""

    class Kind(models.TextChoices):
        EXEMPT = "exempt", _("全额免除")
        PERCENT = "percent", _("按比例减免")
        FIXED = "fixed", _("每月定额减免")

    class Reason(models.TextChoices):
        HARDSHIP = "hardship", _("困难家庭")
        LOW_INCOME = "low_income", _("低收入")
        DISABILITY = "disability", _("残疾")
        OTHER = "other", _("其他")

    home = models.ForeignKey("places.Home", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="reliefs")
    estate = models.ForeignKey("places.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("方式"), max_length=16, choices=Kind.choices, default=Kind.EXEMPT)
    value = models.DecimalField(_("比例(%)或每月金额"), max_digits=10, decimal_places=2, default=0)
    start = models.DateField(_("起始日期"))
    end = models.DateField(_("终止日期"))
    reason = models.CharField(_("原因"), max_length=16, choices=Reason.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("批准人"), on_delete=models.PROTECT, related_name="+"
    )
    approver_role = models.CharField(_("批准角色"), max_length=24)
    approved_at = models.DateTimeField(_("批准时间"), default=timezone.now)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("撤销人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    revoke_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)

    objects = ReliefQuerySet.as_manager()

    class Meta:
        verbose_name = _("减免")
        verbose_name_plural = _("减免")
        ordering = ["-start", "pk"]

    def __str__(self):
        return f"{self.home_id} {self.get_kind_display()} {self.start}—{self.end}"
