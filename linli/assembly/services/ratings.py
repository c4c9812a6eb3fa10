"""The committee's quarterly rating of the property company (models/ratings.py has the law and the rules).

``rating_record`` writes a quarter's first rating of a company by a committee; ``rating_correct`` writes a
correction that supersedes the standing one. Nothing is ever edited or deleted. Both check
``permissions.can_rate_company`` (403 otherwise).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.assembly import permissions
from linli.assembly.models import RATING_ITEMS, Committee, ServiceRating
from linli.assembly.models.ratings import MAX_SCORE, MIN_SCORE, previous_quarter, quarter_of, quarter_range
from linli.places.models import Stewardship


def rateable_quarters(today: datetime.date) -> list[tuple[int, int]]:
    """The quarters a committee may rate on ``today``: the current one and the one before it (a rating made
    early in a quarter about the last one). Never a quarter that has not begun."""
    current = quarter_of(today)
    return [current, previous_quarter(*current)]


def companies_of_quarter(estate, year: int, quarter: int):
    """The companies that managed ``estate`` in the quarter (a market, custodian or bundled stewardship covering at
    least one of its days): the ones a committee may rate for it."""
    from linli.people.models import Organization

    start, end = quarter_range(year, quarter)
    provider_ids = (Stewardship.objects.live().filter(estate=estate, mode__in=Stewardship.PROFESSIONAL,
                                                      provider__isnull=False, start__lte=end)
                    .filter(Q(end__isnull=True) | Q(end__gte=start)).values("provider_id"))
    return Organization.objects.filter(pk__in=provider_ids).order_by("name", "pk")


def _clean(*, committee: Committee, company, year: int, quarter: int, scores: dict, today: datetime.date) -> dict:
    errors: dict[str, list] = {}
    if (year, quarter) not in rateable_quarters(today):
        errors["quarter"] = [_("只能评价本季度或上一季度")]
    elif company is None or not companies_of_quarter(committee.estate, year, quarter).filter(pk=company.pk).exists():
        errors["company"] = [_("该单位在这一季度没有为本小区提供物业服务")]
    clean = {}
    for item in RATING_ITEMS:
        value = scores.get(item)
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = None
        if value is None or not MIN_SCORE <= value <= MAX_SCORE:
            label = ServiceRating._meta.get_field(item).verbose_name
            errors[item] = [_("请为“%(item)s”打1到5分") % {"item": label}]
        clean[item] = value
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def rating_record(*, committee: Committee, company, year: int, quarter: int, scores: dict, comment: str = "",
                  actor, now=None) -> ServiceRating:
    """A committee's first rating of ``company`` for a quarter; a second one is refused (correct the first)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    permissions.require(permissions.can_rate_company(actor, committee, today),
                        _("只有在任的业委会/物管会委员可以评价物业服务"))
    clean = _clean(committee=committee, company=company, year=year, quarter=quarter, scores=scores, today=today)
    if ServiceRating.objects.filter(committee=committee, company=company, year=year, quarter=quarter).exists():
        raise ValidationError({"quarter": [_("本届委员会已评价过该单位这一季度的服务；如需修改，请提交更正")]})
    try:
        with transaction.atomic():
            return ServiceRating.objects.create(committee=committee, estate_id=committee.estate_id, company=company,
                                                year=year, quarter=quarter, comment=(comment or "").strip(),
                                                rated_by=actor, rated_at=now, **clean)
    except IntegrityError:  # two members at once: the other one was first
        raise ValidationError({"quarter": [_("本届委员会已评价过该单位这一季度的服务；如需修改，请提交更正")]}) from None


@transaction.atomic
def rating_correct(*, rating: ServiceRating, scores: dict, comment: str = "", reason: str, actor,
                   now=None) -> ServiceRating:
    """A correction of the standing rating: a new row that supersedes it (the old one stays, as history)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rating = ServiceRating.objects.select_for_update().select_related("committee__estate", "company").get(pk=rating.pk)
    permissions.require(permissions.can_rate_company(actor, rating.committee, today),
                        _("只有在任的业委会/物管会委员可以评价物业服务"))
    if ServiceRating.objects.filter(supersedes=rating).exists():
        raise ValidationError(_("这条评价已被更正，请更正最新的一条"))
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请填写更正原因")]})
    clean = _clean(committee=rating.committee, company=rating.company, year=rating.year, quarter=rating.quarter,
                   scores=scores, today=today)
    try:
        with transaction.atomic():
            return ServiceRating.objects.create(
                committee=rating.committee, estate_id=rating.estate_id, company=rating.company, year=rating.year,
                quarter=rating.quarter, comment=(comment or "").strip(), supersedes=rating,
                correction_reason=reason.strip()[:200], rated_by=actor, rated_at=now, **clean)
    except IntegrityError:
        raise ValidationError(_("这条评价已被更正，请更正最新的一条")) from None
