"""Assessment (考核): the weights each district scores with, the monthly scores and ranks, and their events.

Everything here is append-only: a change of weights is a new row effective from a month; a recomputation writes new
score rows under a new ``ScoreEvent`` and the rows it replaces stay (the month's *current* rows are those of its
latest event). The scoring itself is ``linli/dashboard/assessment.py``; docs/dashboard-assessment.md has the rules.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.events import AppendOnly, AppendOnlyQuerySet, Event


class Subject(models.TextChoices):
    COMPANY = "company", _("物业服务企业")
    ESTATE = "estate", _("小区")
    COMMUNITY = "community", _("社区")


class AssessmentWeights(AppendOnly):
    """考核权重: a district's weights from a month on; a change is a new row with who, when and why."""

    district = models.ForeignKey("places.Division", verbose_name=_("区"), on_delete=models.PROTECT,
                                 related_name="+")
    effective_from = models.DateField(_("生效月份"), help_text=_("该月1日起生效"))
    response = models.PositiveSmallIntegerField(_("响应率权重"))
    resolution = models.PositiveSmallIntegerField(_("解决率权重"))
    satisfaction = models.PositiveSmallIntegerField(_("满意率权重"))
    complaints = models.PositiveSmallIntegerField(_("每百户诉求量权重"))
    on_time = models.PositiveSmallIntegerField(_("按时办结率权重"))
    repeat = models.PositiveSmallIntegerField(_("重复诉求率权重"))
    fees = models.PositiveSmallIntegerField(_("物业费收缴率权重"))
    committee = models.PositiveSmallIntegerField(_("业委会评价权重"), default=0)
    inspection = models.PositiveSmallIntegerField(_("检查覆盖率权重"), default=0)
    complaints_cap = models.DecimalField(_("每百户诉求量满分线"), max_digits=6, decimal_places=2,
                                         help_text=_("每百户月诉求量达到此数时该项得0分"))
    reason = models.TextField(_("调整原因"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("调整人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("调整时间"), default=timezone.now)

    class Meta:
        verbose_name = _("考核权重")
        verbose_name_plural = _("考核权重")
        ordering = ["district", "-effective_from", "-id"]
        indexes = [models.Index(fields=["district", "effective_from", "id"])]

    def __str__(self):
        return f"{self.district} {self.effective_from:%Y-%m}"


class ScoreEvent(Event):
    """A computation of a district's monthly scores (computed, frozen at month end, or recomputed on request)."""

    class Kind(models.TextChoices):
        COMPUTED = "computed", _("临时计算")
        FROZEN = "frozen", _("月结冻结")
        RECOMPUTED = "recomputed", _("申请重算")

    kind = models.CharField(_("类型"), max_length=40, choices=Kind.choices)
    district = models.ForeignKey("places.Division", verbose_name=_("区"), on_delete=models.PROTECT,
                                 related_name="+")
    month = models.DateField(_("月份"))
    reason = models.TextField(_("原因"), blank=True)

    class Meta:
        verbose_name = _("考核计算记录")
        verbose_name_plural = _("考核计算记录")
        ordering = ["-id"]
        indexes = [models.Index(fields=["district", "month", "id"])]

    def __str__(self):
        return f"{self.district} {self.month:%Y-%m} {self.get_kind_display()}"


class MonthlyScoreQuerySet(AppendOnlyQuerySet):
    pass


class MonthlyScore(AppendOnly):
    """One subject's figures, score and ranks for a month, as written by one ``ScoreEvent``."""

    event = models.ForeignKey(ScoreEvent, verbose_name=_("计算记录"), on_delete=models.PROTECT,
                              related_name="scores")
    district = models.ForeignKey("places.Division", verbose_name=_("区"), on_delete=models.PROTECT,
                                 related_name="+")
    month = models.DateField(_("月份"))
    subject = models.CharField(_("考核对象"), max_length=12, choices=Subject.choices)
    # For a company row: the company. For an estate row: its manager of the month (or none).
    organization = models.ForeignKey("people.Organization", verbose_name=_("物业服务企业"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    estate = models.ForeignKey("places.Estate", verbose_name=_("小区"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey("places.Division", verbose_name=_("社区"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    street = models.ForeignKey("places.Division", verbose_name=_("街道"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=200)
    label = models.CharField(_("类别"), max_length=40, blank=True)
    homes = models.PositiveIntegerField(_("户数"), default=0)
    orders = models.PositiveIntegerField(_("诉求量"), default=0)
    hotline = models.PositiveIntegerField(_("12345诉求量"), default=0)

    response_rate = models.DecimalField(_("响应率"), max_digits=5, decimal_places=4, null=True, blank=True)
    resolution_rate = models.DecimalField(_("解决率"), max_digits=5, decimal_places=4, null=True, blank=True)
    satisfaction_rate = models.DecimalField(_("满意率"), max_digits=5, decimal_places=4, null=True, blank=True)
    complaints_per_100 = models.DecimalField(_("每百户诉求量"), max_digits=9, decimal_places=2, null=True,
                                             blank=True)
    on_time_rate = models.DecimalField(_("按时办结率"), max_digits=5, decimal_places=4, null=True, blank=True)
    repeat_rate = models.DecimalField(_("重复诉求率"), max_digits=5, decimal_places=4, null=True, blank=True)
    fee_rate = models.DecimalField(_("物业费收缴率"), max_digits=5, decimal_places=4, null=True, blank=True)
    committee_rate = models.DecimalField(_("业委会评价"), max_digits=5, decimal_places=4, null=True, blank=True)
    inspection_rate = models.DecimalField(_("检查覆盖率"), max_digits=5, decimal_places=4, null=True, blank=True)
    counts = models.JSONField(_("计数"), default=dict, blank=True)

    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    rank_district = models.PositiveIntegerField(_("全区排名"), null=True, blank=True)
    rank_street = models.PositiveIntegerField(_("街道内排名"), null=True, blank=True)
    prev_rank_district = models.PositiveIntegerField(_("上月全区排名"), null=True, blank=True)
    prev_rank_street = models.PositiveIntegerField(_("上月街道内排名"), null=True, blank=True)

    objects = MonthlyScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("月度考核得分")
        verbose_name_plural = _("月度考核得分")
        ordering = ["event", "subject", "rank_district", "name"]
        indexes = [models.Index(fields=["event", "subject", "rank_district"]),
                   models.Index(fields=["district", "month", "subject"])]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.name} {self.score}"

    @property
    def key(self) -> tuple:
        """The subject this row is about, the same from one month to the next."""
        return (self.subject, {Subject.COMPANY: self.organization_id, Subject.ESTATE: self.estate_id,
                               Subject.COMMUNITY: self.community_id}[self.subject])

    @property
    def change(self) -> int | None:
        """Places gained in the district since last month (positive: up), None when not ranked both months."""
        if self.rank_district is None or self.prev_rank_district is None:
            return None
        return self.prev_rank_district - self.rank_district

    @property
    def change_street(self) -> int | None:
        if self.rank_street is None or self.prev_rank_street is None:
            return None
        return self.prev_rank_street - self.rank_street
