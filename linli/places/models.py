"""The registry of places: divisions, estates, clusters, buildings, homes and who manages each estate."""

import datetime
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.access import scope_for
from linli.core.events import Event
from linli.core.text import initials


class DivisionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scope_for(user).division_q())

    def under(self, division):
        """The division and everything below it."""
        return self.filter(path__startswith=division.path)


class Division(models.Model):
    """An administrative area (区/县 → 街道/乡镇 → 社区); every record is scoped to a node of this tree."""

    class Level(models.TextChoices):
        DISTRICT = "district", _("区/县")
        STREET = "street", _("街道/乡镇")
        COMMUNITY = "community", _("社区")

    CHILD_LEVEL = {Level.DISTRICT: Level.STREET, Level.STREET: Level.COMMUNITY}

    name = models.CharField(_("名称"), max_length=100)
    initials = models.CharField(_("拼音首字母"), max_length=100, db_index=True, editable=False)
    code = models.CharField(_("区划代码"), max_length=20, unique=True)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path of codes ("500104/500104001/"), so "everything under X" is one indexed prefix match.
    path = models.CharField(max_length=255, db_index=True, editable=False)

    objects = DivisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.initials = initials(self.name)
        self.path = self.make_path(self.parent, self.code)
        super().save(*args, **kwargs)

    @staticmethod
    def make_path(parent, code: str) -> str:
        return f"{parent.path if parent else ''}{code}/"

    def street(self):
        """The street this division belongs to (itself for a street), or None for a district."""
        node = self
        while node is not None and node.level != self.Level.STREET:
            node = node.parent
        return node


class ClusterQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scope_for(user).cluster_q())


class Cluster(models.Model):
    """A 片区/组团: estates grouped for one "big property" service; may span communities of a street."""

    name = models.CharField(_("名称"), max_length=100)
    initials = models.CharField(_("拼音首字母"), max_length=100, db_index=True, editable=False)
    street = models.ForeignKey(
        Division, verbose_name=_("街道"), on_delete=models.PROTECT, related_name="clusters",
        limit_choices_to={"level": Division.Level.STREET},
    )

    objects = ClusterQuerySet.as_manager()

    class Meta:
        verbose_name = _("片区")
        verbose_name_plural = _("片区")
        ordering = ["street", "name"]
        constraints = [models.UniqueConstraint(fields=["street", "name"], name="cluster_unique_name_per_street")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.initials = initials(self.name)
        super().save(*args, **kwargs)


class EstateQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scope_for(user).estate_q())

    def managed_by_staff_of(self, user):
        """Estates the user serves as staff (not merely lives in)."""
        return self.filter(scope_for(user).estate_q(staff_only=True))


class Estate(models.Model):
    """A residential compound (小区/院落)."""

    class Kind(models.TextChoices):
        COMMODITY = "commodity", _("商品房")
        AFFORDABLE = "affordable", _("保障房")
        OLD = "old", _("老旧小区")
        BUNGALOW = "bungalow", _("平房区")
        DORMITORY = "dormitory", _("单位宿舍")
        RESETTLEMENT = "resettlement", _("安置房")

    class Governance(models.TextChoices):
        CONTRACT = "contract", _("物业服务合同型")
        MULTIPARTY = "multiparty", _("多方联动共治型")
        SELF_GOVERNED = "self_governed", _("政府托底居民自治型")

    name = models.CharField(_("名称"), max_length=100)
    initials = models.CharField(_("拼音首字母"), max_length=100, db_index=True, editable=False)
    community = models.ForeignKey(
        Division, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="estates",
        limit_choices_to={"level": Division.Level.COMMUNITY},
    )
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("片区"), null=True, blank=True, on_delete=models.SET_NULL, related_name="estates"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.OLD)
    governance = models.CharField(
        _("治理模式"), max_length=16, choices=Governance.choices, blank=True, default=""
    )
    built_year = models.PositiveSmallIntegerField(
        _("建成年份"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)

    objects = EstateQuerySet.as_manager()

    class Meta:
        verbose_name = _("小区")
        verbose_name_plural = _("小区")
        ordering = ["community__path", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="estate_unique_name_per_community")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.initials = initials(self.name)
        super().save(*args, **kwargs)

    def current_stewardship(self, on: datetime.date | None = None):
        return self.stewardships.current(on).select_related("provider", "lead_estate").first()


class BuildingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(estate__in=Estate.objects.visible_to(user))


class Building(models.Model):
    """A 楼栋 of an estate."""

    estate = models.ForeignKey(Estate, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="buildings")
    number = models.CharField(_("楼栋号"), max_length=40)
    floors = models.PositiveSmallIntegerField(_("层数"), null=True, blank=True)
    built_year = models.PositiveSmallIntegerField(_("建成年份"), null=True, blank=True)

    objects = BuildingQuerySet.as_manager()

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["estate_id", "number"]
        constraints = [models.UniqueConstraint(fields=["estate", "number"], name="building_unique_number_per_estate")]

    def __str__(self):
        return f"{self.estate.name} {self.number}"


class HomeQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scope_for(user).home_q())


class Home(models.Model):
    """A 户: one dwelling with its exclusive floor area (专有部分面积), used for votes and fees."""

    building = models.ForeignKey(Building, verbose_name=_("楼栋"), on_delete=models.PROTECT, related_name="homes")
    # Copied from the building so that scope and coverage queries need no join (a home never changes building).
    estate = models.ForeignKey(Estate, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="homes", editable=False)
    entrance = models.CharField(_("单元"), max_length=20, blank=True, default="")
    floor = models.SmallIntegerField(_("楼层"), null=True, blank=True)
    number = models.CharField(_("门牌号"), max_length=40)
    area = models.DecimalField(
        _("专有部分面积(m²)"), max_digits=9, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100000"))],
    )

    objects = HomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("房屋")
        verbose_name_plural = _("房屋")
        ordering = ["building_id", "entrance", "number"]
        constraints = [
            models.UniqueConstraint(fields=["building", "entrance", "number"], name="home_unique_number_per_entrance"),
            models.CheckConstraint(condition=Q(area__gt=0), name="home_area_positive"),
        ]

    def __str__(self):
        entrance = f"{self.entrance}单元" if self.entrance else ""
        return f"{self.building.number}{entrance}{self.number}"

    def save(self, *args, **kwargs):
        self.estate_id = self.building.estate_id
        super().save(*args, **kwargs)


class StewardshipQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(estate__in=Estate.objects.visible_to(user))

    def live(self):
        """Rows that stand: a row replaced by a correction (``corrected_by`` set) is history only."""
        return self.filter(corrected_by__isnull=True)

    def current(self, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return self.live().filter(Q(end__isnull=True) | Q(end__gte=on), start__lte=on)


class Stewardship(models.Model):
    """Who manages an estate (物业管理方式), from when to when; a change is a new row, history is kept."""

    class Mode(models.TextChoices):
        MARKET = "market", _("市场化物业")
        CUSTODIAN = "custodian", _("国有托管/托底")
        BUNDLED = "bundled", _("套管")
        SELF = "self", _("自管")
        NONE = "none", _("脱管(无人管理)")

    class BasisKind(models.TextChoices):
        """What a change of management rests on (issue 15: market, self-managed and custodian need a basis)."""

        DECISION = "decision", _("业主共同决定")  # a passed motion; basis_ref "motion:<pk>"
        SELECTION = "selection", _("选聘案结案")  # a closed selection case; basis_ref "selection:<pk>"
        FALLBACK = "fallback", _("选聘期满街道指定托底")  # the case's fallback step; basis_ref "selection:<pk>"
        EMERGENCY = "emergency", _("应急物业服务指定")  # Beijing art. 77: documented, six months at most
        EXISTING = "existing", _("登记既有管理")  # first record of an arrangement that predates Linli
        STREET = "street", _("街道安排")  # 脱管 or 套管: needs no owners' decision
        CORRECTION = "correction", _("更正登记错误")  # a logged correction of a data-entry mistake

    PROFESSIONAL = (Mode.MARKET, Mode.CUSTODIAN, Mode.BUNDLED)

    # The one table of which basis a change to each mode may rest on (issue 15 item 2; docs/stewardship.md).
    # The service (linli.places.services.stewardship_change), the form and the API all read it.
    # Owners choose the manager or self-management (Civil Code art. 278 item 4): DECISION / SELECTION / FALLBACK
    # are reserved to the governance services of linli.assembly, which verify the motion or case and pass its
    # reference; the pages and the API of places offer only the kinds in DIRECT_BASIS_KINDS.
    BASIS_FOR_MODE = {
        Mode.MARKET: (BasisKind.DECISION, BasisKind.SELECTION, BasisKind.EMERGENCY, BasisKind.EXISTING),
        Mode.SELF: (BasisKind.DECISION, BasisKind.SELECTION, BasisKind.EXISTING),
        Mode.CUSTODIAN: (BasisKind.DECISION, BasisKind.SELECTION, BasisKind.FALLBACK, BasisKind.EMERGENCY,
                         BasisKind.EXISTING),
        Mode.BUNDLED: (BasisKind.STREET, BasisKind.EXISTING),
        Mode.NONE: (BasisKind.STREET, BasisKind.EXISTING),
    }
    # basis_ref "<prefix>:<pk>" required by these kinds.
    BASIS_REF_PREFIX = {
        BasisKind.DECISION: "motion",
        BasisKind.SELECTION: "selection",
        BasisKind.FALLBACK: "selection",
        BasisKind.CORRECTION: "stewardship",
    }
    # What a street or community admin may record directly (the stewardship page and POST /api/v1/stewardships/).
    DIRECT_BASIS_KINDS = (BasisKind.EMERGENCY, BasisKind.EXISTING, BasisKind.STREET)
    # A correction may change the provider only where the original basis does not name it.
    PROVIDER_FREE_BASIS_KINDS = (BasisKind.EXISTING, BasisKind.EMERGENCY, BasisKind.STREET)
    # Beijing 物业管理条例 art. 77: 应急物业服务期限不超过六个月.
    EMERGENCY_MONTHS = 6

    estate = models.ForeignKey(Estate, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="stewardships")
    mode = models.CharField(_("管理方式"), max_length=16, choices=Mode.choices)
    provider = models.ForeignKey(
        "people.Organization", verbose_name=_("服务单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="stewardships",
    )
    lead_estate = models.ForeignKey(
        Estate, verbose_name=_("套管牵头小区"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="bundled_stewardships",
    )
    start = models.DateField(_("起始日期"))
    end = models.DateField(_("终止日期"), null=True, blank=True, db_index=True)
    contract_no = models.CharField(_("合同编号"), max_length=60, blank=True)
    contract_start = models.DateField(_("合同开始"), null=True, blank=True)
    contract_end = models.DateField(_("合同到期"), null=True, blank=True, db_index=True)
    basis = models.CharField(_("依据"), max_length=200, blank=True, help_text=_("业主大会决定、街道指定文件等"))
    basis_kind = models.CharField(_("依据类型"), max_length=16, choices=BasisKind.choices, blank=True)
    basis_ref = models.CharField(_("依据记录"), max_length=40, blank=True,
                                 help_text=_("依据的表决或选聘案，如 motion:12、selection:3"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        "people.User", verbose_name=_("登记人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    corrected_by = models.OneToOneField(
        "self", verbose_name=_("更正记录"), null=True, blank=True, on_delete=models.PROTECT, related_name="corrects",
        help_text=_("此记录因登记错误被更正时，指向更正后的记录；只设置一次"),
    )

    objects = StewardshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("物业管理方式")
        verbose_name_plural = _("物业管理方式")
        ordering = ["estate_id", "-start"]
        indexes = [models.Index(fields=["estate", "start"]), models.Index(fields=["provider", "end"])]

    def __str__(self):
        return f"{self.estate} {self.get_mode_display()} {self.start}"

    @property
    def is_professional(self) -> bool:
        return self.mode in self.PROFESSIONAL

    @property
    def is_corrected(self) -> bool:
        return self.corrected_by_id is not None

    def root_basis_kind(self) -> str:
        """The basis kind of the row this one corrects, followed back through corrections."""
        row = self
        while row.basis_kind == self.BasisKind.CORRECTION and hasattr(row, "corrects"):
            row = row.corrects
        return row.basis_kind


class StewardshipEvent(Event):
    """Append-only log of a stewardship's logged actions: who corrected which row, when, why, before and after."""

    class Kind(models.TextChoices):
        CORRECTED = "corrected", _("更正登记错误")

    stewardship = models.ForeignKey(Stewardship, verbose_name=_("被更正的记录"), on_delete=models.PROTECT,
                                    related_name="events")
    kind = models.CharField(_("类型"), max_length=40, choices=Kind.choices)

    class Meta(Event.Meta):
        verbose_name = _("物业管理方式日志")
        verbose_name_plural = _("物业管理方式日志")
        ordering = ["at", "pk"]
