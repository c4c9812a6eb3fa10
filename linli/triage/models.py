"""Triage settings per street and the corrections staff make to the classifier's proposals."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.events import AppendOnly, AppendOnlyQuerySet
from linli.people.scopes import NOTHING, scope_for
from linli.places.models import Estate

TIER_CHOICES = [("easy", _("易事")), ("hard", _("难事")), ("major", _("大事"))]
LEVEL_CHOICES = [("building", _("楼栋")), ("estate", _("小区")), ("community", _("社区")), ("street", _("街道")),
                 ("department", _("部门"))]


def street_q(user, prefix: str = "street__") -> Q:
    """Streets a staff member serves: their own, those above their community, those of their estates.

    ``prefix`` leads from the model to the street: "street__" for a foreign key, "" on Division itself."""
    scope = scope_for(user)
    if not scope.is_staff_member:
        return NOTHING

    parts = [Q(**{f"{prefix}path__startswith": p}) for p in scope.paths]
    parts += [Q(**{f"{prefix}path": p}) for p in _street_paths_above(scope.paths)]
    if scope.estate_ids or scope.cluster_ids or scope.org_ids:
        streets = Estate.objects.filter(scope.estate_q(staff_only=True)).values("community__parent_id")
        parts.append(Q(**{f"{prefix}pk__in": streets}))
    q = NOTHING
    for part in parts:
        q |= part
    return q


def _street_paths_above(paths) -> list[str]:
    # A community path is district/street/community/: its street is the first two codes.
    out = []
    for p in paths:
        codes = [c for c in p.split("/") if c]
        if len(codes) >= 3:
            out.append(f"{codes[0]}/{codes[1]}/")
    return out


class StreetSubcategoryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(street_q(user))


class StreetSubcategory(models.Model):
    """A street's own copy of one subcategory of the taxonomy: its tier, level and time limit."""

    street = models.ForeignKey("places.Division", verbose_name=_("街道"), on_delete=models.CASCADE,
                               related_name="triage_subcategories")
    code = models.CharField(_("代码"), max_length=64)
    category = models.CharField(_("大类"), max_length=32)
    category_name = models.CharField(_("大类名称"), max_length=64)
    name = models.CharField(_("小类名称"), max_length=64)
    tier = models.CharField(_("难易"), max_length=8, choices=TIER_CHOICES)
    level = models.CharField(_("办理层级"), max_length=16, choices=LEVEL_CHOICES)
    limit_hours = models.PositiveIntegerField(_("办理时限（小时）"))
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("修改人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("修改时间"), null=True, blank=True)

    objects = StreetSubcategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("街道分拣分类")
        verbose_name_plural = _("街道分拣分类")
        ordering = ["street", "position"]
        constraints = [models.UniqueConstraint(fields=["street", "code"], name="triage_unique_street_code")]

    def __str__(self):
        return f"{self.category_name} / {self.name}"


class TaxonomyChangeQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user):
        return self.filter(street_q(user, "item__street__"))


class TaxonomyChange(AppendOnly):
    """One edit of a street's subcategory (append-only): what it was, what it became, who, when."""

    item = models.ForeignKey(StreetSubcategory, verbose_name=_("分类"), on_delete=models.PROTECT,
                             related_name="changes")
    before = models.JSONField(_("修改前"))
    after = models.JSONField(_("修改后"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("修改人"), on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField(_("时间"))

    objects = TaxonomyChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("分类修改记录")
        verbose_name_plural = _("分类修改记录")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.item} @ {self.at:%Y-%m-%d %H:%M}"


class TriageCorrectionQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user):
        return self.filter(street_q(user))


class TriageCorrection(AppendOnly):
    """A staff member's correction of a proposed category (append-only); ``linli triage retrain`` learns from it."""

    text = models.TextField(_("诉求内容"))
    predicted_category = models.CharField(_("建议大类"), max_length=64, blank=True)
    predicted_subcategory = models.CharField(_("建议小类"), max_length=64, blank=True)
    confidence = models.FloatField(_("置信度"), null=True, blank=True)
    category = models.CharField(_("更正大类"), max_length=64)
    subcategory = models.CharField(_("更正小类"), max_length=64)
    street = models.ForeignKey("places.Division", verbose_name=_("街道"), on_delete=models.PROTECT,
                               related_name="triage_corrections")
    order_ref = models.CharField(_("工单编号"), max_length=64, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("更正人"), on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField(_("更正时间"), db_index=True)

    objects = TriageCorrectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("分拣更正")
        verbose_name_plural = _("分拣更正")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.predicted_subcategory or '—'} → {self.subcategory}"
