"""The overviews people open (docs/dashboard-overview.md, "Computed ahead"): one row per user, area, period text and
parts, with when it was last opened. The dashboard job computes these overviews again after each run of the daily
summary, so that the next opening reads them from the shared cache instead of computing them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OverviewVisit(models.Model):
    """A dashboard overview a user opened: the area's code ("" for all they serve), the period as they asked it
    ("" for the default, this month: the job resolves it on the day it runs) and the parts ("" for all)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="+")
    area_code = models.CharField(_("区划代码"), max_length=40, blank=True, default="")
    period_text = models.CharField(_("统计期间"), max_length=40, blank=True, default="")
    parts = models.CharField(_("部分"), max_length=200, blank=True, default="")
    last_seen = models.DateTimeField(_("最近打开"), db_index=True)

    class Meta:
        verbose_name = _("总览打开记录")
        verbose_name_plural = _("总览打开记录")
        constraints = [models.UniqueConstraint(fields=["user", "area_code", "period_text", "parts"],
                                               name="overview_visit_unique")]

    def __str__(self):
        return f"{self.user_id} {self.area_code or '*'} {self.period_text or '*'}"
