"""Bills and billing runs."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.deferred import translated

from .plans import MONEY, FeePlan, fee_q


class BillQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(fee_q(user))

    def open(self):
        return self.filter(outstanding__gt=0)


class Bill(models.Model):
    """What one home owes under one plan for one period (月/季/年); one row per home, plan and period."""

    home = models.ForeignKey("places.Home", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="bills")
    estate = models.ForeignKey("places.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(FeePlan, verbose_name=_("收费标准"), on_delete=models.PROTECT, related_name="bills")
    period = models.CharField(_("账期"), max_length=10)  # 2026-12, 2026-Q4, 2026
    period_start = models.DateField(_("账期开始"))
    period_end = models.DateField(_("账期结束"))
    days = models.PositiveSmallIntegerField(_("计费天数"))
    monthly = models.DecimalField(_("月收费额"), max_digits=14, decimal_places=4)
    amount = models.DecimalField(_("应收"), **MONEY)
    relief = models.DecimalField(_("减免"), default=0, **MONEY)
    paid = models.DecimalField(_("已收"), default=0, **MONEY)
    # amount − relief − paid, kept in step by the services so that arrears are one indexed filter.
    outstanding = models.DecimalField(_("欠缴"), **MONEY)
    run = models.ForeignKey("BillingRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)

    objects = BillQuerySet.as_manager()

    class Meta:
        verbose_name = _("账单")
        verbose_name_plural = _("账单")
        ordering = ["home_id", "period_start", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["home", "plan", "period"], name="bill_one_per_home_plan_period"),
        ]
        indexes = [
            models.Index(fields=["estate", "period_start"]),
            models.Index(fields=["home", "period_start"]),
        ]

    def __str__(self):
        return f"{self.home_id} {self.period} {self.amount}"

    @property
    def due(self):
        return self.amount - self.relief


class BillingRun(models.Model):
    """One billing run (开账) of a period, for an estate or for every estate; resumable chunk by chunk."""

    class Status(models.TextChoices):
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")

    period = models.CharField(_("账期"), max_length=10)
    estate = models.ForeignKey(
        "places.Estate", verbose_name=_("小区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.RUNNING)
    total_homes = models.PositiveIntegerField(_("房屋总数"), default=0)
    done_homes = models.PositiveIntegerField(_("已处理"), default=0)
    last_home_id = models.BigIntegerField(default=0)  # the cursor: homes are walked in primary-key order
    bills_created = models.PositiveIntegerField(_("新生成账单"), default=0)
    amount_billed = models.DecimalField(_("新生成应收"), default=0, **MONEY)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Why an estate's plan billed nothing in this run, written when the run is done:
    # [{"estate", "estate_name", "plan", "plan_name", "msg", "params"}], ``msg`` a msgid (see ``reasons``).
    notes = models.JSONField(_("未出账原因"), default=list, blank=True)

    class Meta:
        verbose_name = _("开账记录")
        verbose_name_plural = _("开账记录")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.period} {self.estate or '全部'}"

    @property
    def reasons(self) -> list[str]:
        """Why nothing was billed, one line per estate and plan, in the active language."""
        lines = []
        for note in self.notes:
            what = " · ".join(x for x in (note.get("estate_name"), note.get("plan_name")) if x)
            lines.append(f"{what}：{translated(note['msg'], **note.get('params', {}))}")
        return lines

    @property
    def progress(self) -> float:
        return self.done_homes / self.total_homes if self.total_homes else 1.0
