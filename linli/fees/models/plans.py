"""Fee plans (收费标准) and who may read fee records."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.people.roles import Role
from linli.people.scopes import ADMIN_ROLES, PROPERTY_ROLES, scope_for
from linli.places.models import Cluster, Estate

# Roles that read fee records of the estates they serve (grid workers and departments do not).
FEE_READER_ROLES = ADMIN_ROLES | PROPERTY_ROLES | {Role.AUDITOR}

MONEY = {"max_digits": 14, "decimal_places": 2}


def staff_estate_q(user, field: str = "estate_id") -> Q:
    """Records of the estates ``user`` serves in a role that reads fees (none for other roles)."""
    scope = scope_for(user)
    if not scope.roles & FEE_READER_ROLES:
        return Q(pk__in=[])

    return Q(**{f"{field}__in": Estate.objects.filter(scope.estate_q(staff_only=True)).values("pk")})


def fee_q(user, home_field: str = "home_id", estate_field: str = "estate_id") -> Q:
    """Staff see their estates' records; a resident sees the records of the homes they live in."""
    scope = scope_for(user)
    q = staff_estate_q(user, estate_field)
    if scope.home_ids:
        q |= Q(**{f"{home_field}__in": scope.home_ids})
    return q


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("按月")
    QUARTERLY = "quarterly", _("按季")
    YEARLY = "yearly", _("按年")


class FeePlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = scope_for(user)

        q = Q(estate__in=Estate.objects.filter(scope.estate_q()).values("pk")) | Q(
            cluster__in=Cluster.objects.filter(scope.cluster_q()).values("pk")
        )
        return self.filter(q) if scope.is_member else self.none()

    def in_effect(self, start, end):
        """Plans in effect on at least one day of [start, end]."""
        return self.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=start), effective_from__lte=end)


class FeePlan(models.Model):
    """A fee standard (收费标准) for an estate or a cluster: how much, on what basis, from when."""

    class Basis(models.TextChoices):
        PER_HOME = "per_home", _("按户每月")
        PER_AREA = "per_area", _("按面积每月(元/m²)")
        PER_TYPE = "per_type", _("按户型每月(按面积段)")

    name = models.CharField(_("收费项目"), max_length=80, default="物业服务费")
    estate = models.ForeignKey(
        "places.Estate", verbose_name=_("小区"), null=True, blank=True, on_delete=models.PROTECT, related_name="fee_plans"
    )
    cluster = models.ForeignKey(
        "places.Cluster", verbose_name=_("片区"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="fee_plans",
    )
    basis = models.CharField(_("计费方式"), max_length=16, choices=Basis.choices, default=Basis.PER_HOME)
    rate = models.DecimalField(_("单价(元)"), max_digits=10, decimal_places=4, default=0)
    # PER_TYPE: [{"up_to": "60", "amount": "8"}, {"up_to": null, "amount": "10"}]: area bands, smallest first.
    type_rates = models.JSONField(_("户型价格"), default=list, blank=True)
    frequency = models.CharField(_("账期"), max_length=16, choices=Frequency.choices, default=Frequency.MONTHLY)
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("截止日期"), null=True, blank=True)
    grace_months = models.PositiveSmallIntegerField(_("先服务后收费(月)"), default=0)
    billing_starts_on = models.DateField(_("开始收费日期"), null=True, blank=True)
    # The provider (物业服务人) the plan bills for: it bills only the days that provider serves the estate. Empty:
    # whoever serves the estate on the day (a street's cleaning fee for a cluster, say). Issue 15, 先服务后收费.
    provider = models.ForeignKey(
        "people.Organization", verbose_name=_("收费的服务单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    decision = models.CharField(_("依据"), max_length=200, help_text=_("业主大会决定、街道文件或备案编号"))
    services = models.TextField(_("服务事项"), blank=True)
    quality = models.TextField(_("质量要求"), blank=True)
    responsible = models.CharField(_("负责人员"), max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = FeePlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("收费标准")
        verbose_name_plural = _("收费标准")
        ordering = ["-effective_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(estate__isnull=False) & Q(cluster__isnull=True))
                | (Q(estate__isnull=True) & Q(cluster__isnull=False)),
                name="feeplan_estate_xor_cluster",
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.describe()}"

    def describe(self) -> str:
        if self.basis == self.Basis.PER_HOME:
            return f"{self.rate.normalize():f} 元/户/月"
        if self.basis == self.Basis.PER_AREA:
            return f"{self.rate.normalize():f} 元/m²/月"
        bands = []
        for band in self.type_rates:
            limit = f"≤{band['up_to']}m²" if band.get("up_to") else "其余"
            bands.append(f"{limit} {band['amount']} 元/户/月")
        return "；".join(bands)
