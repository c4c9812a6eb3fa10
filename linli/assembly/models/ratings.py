"""The committee's quarterly rating of the property company (物业服务季度评价).

Law (../shared/law/): an owners' committee supervises the property service contract (北京市物业管理条例 art. 44(5):
"监督物业服务人履行物业服务合同"; 物业管理条例 art. 15(3): "监督和协助物业服务企业履行物业服务合同"); a 物业管理委员会
acting in its place has the same duties (Beijing art. 56). The company must accept the owners' supervision (Beijing
art. 65(3)). A rating is how a committee records that supervision once a quarter, and it feeds the district's
assessment (docs/dashboard-assessment.md, component ``committee``).

One rating per committee (one term of a body), per company that managed the estate in the quarter, per quarter;
a correction is a new row that supersedes the one before it (never an edit): the rows of one chain share the
committee, company and quarter, and the last one stands (``ServiceRatingQuerySet.standing``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.events import AppendOnly, AppendOnlyQuerySet

# The items a committee scores, each 1 (很差) … 5 (很好): the services a property contract names (Beijing art. 70(2):
# 服务内容和标准) and the public accounts (art. 70(4)(5)), and an overall verdict. docs/committee-members.md.
RATING_ITEMS = ("cleaning", "order", "repairs", "facilities", "disclosure", "overall")
MIN_SCORE, MAX_SCORE = 1, 5


def quarter_of(day: datetime.date) -> tuple[int, int]:
    """(year, quarter 1–4) of a day."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_range(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    """(first day, last day) of a quarter."""
    start = datetime.date(year, 3 * quarter - 2, 1)
    end = (datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1))
    return start, end - datetime.timedelta(days=1)


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


class ServiceRatingQuerySet(AppendOnlyQuerySet):
    def standing(self):
        """The ratings that stand: not superseded by a correction."""
        return self.filter(superseded_by__isnull=True)

    def of_quarter(self, year: int, quarter: int):
        return self.filter(year=year, quarter=quarter)


def _score_field(label):
    return models.PositiveSmallIntegerField(label, validators=[MinValueValidator(MIN_SCORE),
                                                               MaxValueValidator(MAX_SCORE)])


class ServiceRating(AppendOnly):
    """A committee's rating of the property company that managed its estate, for one quarter (a correction is a new
    row that supersedes the old one)."""

    committee = models.ForeignKey("assembly.Committee", verbose_name=_("业委会/物管会"), on_delete=models.PROTECT,
                                  related_name="ratings")
    estate = models.ForeignKey("places.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey("people.Organization", verbose_name=_("物业服务人"), on_delete=models.PROTECT,
                                related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    cleaning = _score_field(_("保洁"))
    order = _score_field(_("秩序维护"))
    repairs = _score_field(_("维修响应"))
    facilities = _score_field(_("公共设施维护"))
    disclosure = _score_field(_("收支公开"))
    overall = _score_field(_("总体评价"))
    comment = models.TextField(_("意见和建议"), blank=True)
    supersedes = models.OneToOneField(
        "self", verbose_name=_("更正的评价"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    correction_reason = models.CharField(_("更正原因"), max_length=200, blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评价人"), on_delete=models.PROTECT,
                                 related_name="+")
    rated_at = models.DateTimeField(_("评价时间"), default=timezone.now)

    objects = ServiceRatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("物业服务季度评价")
        verbose_name_plural = _("物业服务季度评价")
        ordering = ["-year", "-quarter", "committee_id", "-id"]
        indexes = [models.Index(fields=["year", "quarter", "company"])]
        constraints = [
            # One first rating per committee, company and quarter; every other row of the chain is a correction.
            models.UniqueConstraint(fields=["committee", "company", "year", "quarter"],
                                    condition=Q(supersedes__isnull=True), name="one_rating_per_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="rating_quarter_1_to_4"),
            *[models.CheckConstraint(condition=Q(**{f"{item}__gte": MIN_SCORE, f"{item}__lte": MAX_SCORE}),
                                     name=f"rating_{item}_1_to_5") for item in RATING_ITEMS],
        ]

    def __str__(self):
        return f"{self.estate_id} {self.company_id} {self.year}Q{self.quarter}"

    @property
    def scores(self) -> dict[str, int]:
        return {item: getattr(self, item) for item in RATING_ITEMS}

    @property
    def mean(self) -> Decimal:
        """The rating's score: the mean of its items (1–5), to two places."""
        return (Decimal(sum(self.scores.values())) / len(RATING_ITEMS)).quantize(Decimal("0.01"))

    @property
    def quarter_label(self) -> str:
        from django.utils.translation import gettext

        return gettext("%(y)s年第%(q)s季度") % {"y": self.year, "q": self.quarter}
