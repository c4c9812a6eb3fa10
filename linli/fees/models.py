"""Fees and funds: fee plans, bills, payments, relief, the hash-chained ledger and public accounts.

Money is ``Decimal`` to the fen (0.01 元) everywhere; the arithmetic is in ``money.py`` and the rules in
``services.py``. Nothing auditable is deleted: a payment is voided, a ledger entry is reversed, a relief
is revoked — each with a reason and a named person.
"""

import datetime
import hashlib
import json
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.events import AppendOnly, AppendOnlyQuerySet, Event
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

    class Meta:
        verbose_name = _("开账记录")
        verbose_name_plural = _("开账记录")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.period} {self.estate or '全部'}"

    @property
    def progress(self) -> float:
        return self.done_homes / self.total_homes if self.total_homes else 1.0


class PaymentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(fee_q(user))

    def valid(self):
        return self.filter(voided_at__isnull=True)


class Payment(models.Model):
    """Money received for a home (收款), with a numbered receipt; voided with a reason, never deleted."""

    class Method(models.TextChoices):
        CASH = "cash", _("现金")
        BANK = "bank", _("银行转账")
        WECHAT = "wechat", _("微信支付")
        ALIPAY = "alipay", _("支付宝")
        ONLINE = "online", _("在线支付")

    home = models.ForeignKey("places.Home", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="payments")
    estate = models.ForeignKey("places.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("金额"), **MONEY)
    method = models.CharField(_("方式"), max_length=16, choices=Method.choices)
    paid_on = models.DateField(_("缴费日期"))
    receipt_no = models.CharField(_("收据号"), max_length=40, unique=True)
    idempotency_key = models.CharField(_("幂等键"), max_length=100, unique=True)
    payer = models.CharField(_("缴费人"), max_length=60, blank=True)
    reference = models.CharField(_("外部流水号"), max_length=100, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    # What is not yet allocated to a bill: a prepayment, used by the next billing runs.
    unallocated = models.DecimalField(_("预存余额"), default=0, **MONEY)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("收款人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("作废人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("收款")
        verbose_name_plural = _("收款")
        ordering = ["-paid_on", "-pk"]
        indexes = [
            models.Index(fields=["estate", "paid_on"]),
            models.Index(fields=["home", "unallocated"]),
        ]

    def __str__(self):
        return f"{self.receipt_no} {self.amount}"

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


class Allocation(models.Model):
    """Part of a payment applied to a bill; a void adds the negative row, nothing is removed."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(_("金额"), **MONEY)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("收款分配")
        verbose_name_plural = _("收款分配")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.payment_id}→{self.bill_id} {self.amount}"


class ReceiptCounter(models.Model):
    """The last receipt number of an estate in a year, locked while a number is taken (no gaps, no repeats)."""

    estate = models.ForeignKey("places.Estate", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("收据编号")
        verbose_name_plural = _("收据编号")
        constraints = [models.UniqueConstraint(fields=["estate", "year"], name="receipt_counter_unique")]

    def __str__(self):
        return f"{self.estate_id}-{self.year}: {self.last}"


class PaymentIntent(models.Model):
    """An online payment started through a gateway; confirmed once by the gateway's callback."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待支付")
        PAID = "paid", _("已支付")

    gateway = models.CharField(_("支付通道"), max_length=20, default="sandbox")
    reference = models.CharField(_("商户订单号"), max_length=64, unique=True)
    home = models.ForeignKey("places.Home", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("金额"), **MONEY)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    payment = models.OneToOneField(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="intent")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("在线支付订单")
        verbose_name_plural = _("在线支付订单")
        ordering = ["-created_at"]

    def __str__(self):
        return self.reference


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


class FeeEvent(Event):
    """Append-only trail of fee actions: plan, billing run, payment, void, relief, ledger, import."""

    estate = models.ForeignKey("places.Estate", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    home = models.ForeignKey("places.Home", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("收费操作记录")
        verbose_name_plural = _("收费操作记录")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"


def new_token() -> str:
    """24 URL-safe characters (144 random bits): short enough for a small QR code, impossible to guess."""
    return secrets.token_urlsafe(18)


class PublicLink(models.Model):
    """The unguessable token of an estate's public accounts page (the URL in the stairwell QR code)."""

    estate = models.OneToOneField("places.Estate", on_delete=models.PROTECT, related_name="fee_public_link")
    token = models.CharField(max_length=32, unique=True, default=new_token)

    class Meta:
        verbose_name = _("收支公开链接")
        verbose_name_plural = _("收支公开链接")

    def __str__(self):
        return self.token


# -- the ledger ------------------------------------------------------------------------------------


class Category(models.TextChoices):
    """Where money came from (income) or what it paid for (expense)."""

    RESIDENT_FEES = "resident_fees", _("居民缴费")
    PARKING = "parking", _("停车经营收入")
    CANTEEN = "canteen", _("食堂经营收入")
    ADVERTISING = "advertising", _("广告收入")
    VENUE = "venue", _("场地出租收入")
    SUBSIDY = "subsidy", _("政府补贴")
    PARTY_FUNDS = "party_funds", _("党组织服务群众经费")
    DEVELOPER = "developer", _("开发建设单位出资")
    DONATION = "donation", _("捐赠")
    CLEANING = "cleaning", _("保洁")
    SECURITY = "security", _("秩序维护(保安)")
    REPAIRS = "repairs", _("维修养护")
    GREENING = "greening", _("绿化")
    UTILITIES = "utilities", _("公共水电")
    STAFF = "staff", _("人员工资")
    INSURANCE = "insurance", _("保险")
    REPAIR_FUND = "repair_fund", _("维修资金使用")
    OTHER_EXPENSE = "other_expense", _("其他支出")


INCOME_CATEGORIES = (
    Category.RESIDENT_FEES, Category.PARKING, Category.CANTEEN, Category.ADVERTISING, Category.VENUE,
    Category.SUBSIDY, Category.PARTY_FUNDS, Category.DEVELOPER, Category.DONATION,
)
EXPENSE_CATEGORIES = (
    Category.CLEANING, Category.SECURITY, Category.REPAIRS, Category.GREENING, Category.UTILITIES,
    Category.STAFF, Category.INSURANCE, Category.REPAIR_FUND, Category.OTHER_EXPENSE,
)
# Income from the owners' common parts (art. 943: 业主共有部分的经营与收益).
COMMON_PARTS_INCOME = (Category.PARKING, Category.ADVERTISING, Category.VENUE)


class LedgerQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user):
        return self.filter(staff_estate_q(user))


class LedgerEntry(AppendOnly):
    """One line of an estate's accounts (收支台账): append-only and hash-chained per estate.

    ``row_hash`` is sha256 of the row's canonical content, which includes ``prev_hash`` (the row before
    it in the same estate), so changing, removing or reordering a stored row breaks the chain.
    """

    class Direction(models.TextChoices):
        INCOME = "income", _("收入")
        EXPENSE = "expense", _("支出")

    estate = models.ForeignKey("places.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveIntegerField(_("序号"))
    direction = models.CharField(_("收支"), max_length=8, choices=Direction.choices)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    # Signed: a reversing entry carries the negated amount of the entry it reverses.
    amount = models.DecimalField(_("金额"), **MONEY)
    occurred_on = models.DateField(_("发生日期"))
    description = models.CharField(_("摘要"), max_length=200)
    evidence = models.FileField(_("凭证"), upload_to="fees/evidence/%Y/%m/", blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    # Null only for payments confirmed by a payment gateway (approver_role "gateway").
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    approver_role = models.CharField(_("审批角色"), max_length=24)
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reverses = models.OneToOneField(
        "self", verbose_name=_("冲销"), null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    created_at = models.DateTimeField(_("记账时间"), default=timezone.now)
    prev_hash = models.CharField(max_length=64)
    row_hash = models.CharField(max_length=64)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("收支台账")
        verbose_name_plural = _("收支台账")
        ordering = ["estate_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["estate", "seq"], name="ledger_unique_seq_per_estate")]
        indexes = [models.Index(fields=["estate", "occurred_on"])]

    def __str__(self):
        return f"{self.estate_id}#{self.seq} {self.get_category_display()} {self.amount}"

    def canonical(self) -> str:
        """The content that the hash covers, as one stable JSON string."""
        return json.dumps({
            "estate": self.estate_id, "seq": self.seq, "direction": self.direction, "category": self.category,
            "amount": f"{self.amount:.2f}", "occurred_on": self.occurred_on.isoformat(),
            "description": self.description, "evidence": self.evidence.name or "",
            "evidence_sha256": self.evidence_sha256, "approved_by": self.approved_by_id,
            "approver_role": self.approver_role, "payment": self.payment_id, "reverses": self.reverses_id,
            "created_at": self.created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
            "prev_hash": self.prev_hash,
        }, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical().encode()).hexdigest()

class LedgerHead(models.Model):
    """The end of an estate's ledger chain; locked while an entry is appended, so the chain never forks."""

    estate = models.OneToOneField("places.Estate", on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("台账链头")
        verbose_name_plural = _("台账链头")

    def __str__(self):
        return f"{self.estate_id}#{self.seq}"
