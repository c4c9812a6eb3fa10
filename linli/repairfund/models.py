"""The special repair fund (专项维修资金): an account per estate, a share per home, the hash-chained ledger of its
movements, the applications to use it with their apportionment, quotes and payout stages, and the top-up calls.

The law: Beijing 物业管理条例 arts. 74 (public income tops up a low fund), 81–86 (deposit, top-up under 30% of the
first collection, who holds the account, use only on common parts, apportionment by floor area); Civil Code arts.
278(1)(5) (the owners decide its use) and 281 (the fund belongs to the owners; emergency use; published
regularly); 物业管理条例 arts. 53–54.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.events import AppendOnly, AppendOnlyQuerySet, Event
from linli.fees.chain import GENESIS, HashChained
from linli.people.scopes import scope_for
from linli.places.models import Estate

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")
# Beijing art. 83: a top-up is due when the balance falls below 30% of the first collection.
TOP_UP_RATIO = Decimal("0.30")
# Beijing art. 74: while the fund is low, at least half of the public income tops it up first.
PUBLIC_INCOME_SHARE = Decimal("0.50")


def total(queryset) -> Decimal:
    """The sum of ``amount`` over ``queryset``, to the cent (SQLite returns 11050 for 11050.00)."""
    return (queryset.aggregate(s=Sum("amount"))["s"] or ZERO).quantize(Decimal("0.01"))


def staff_estates(user):
    """Estates ``user`` serves as staff (street, community, property company, department, auditor)."""
    return Estate.objects.filter(scope_for(user).estate_q(staff_only=True)).values("pk")


def reader_estates_q(user, field: str = "estate") -> Q:
    """The fund's records a user reads in full: staff of the estate and members of its owners' committee."""
    scope = scope_for(user)
    q = Q(**{f"{field}__in": staff_estates(user)})
    if scope.committee_estate_ids:
        q |= Q(**{f"{field}__in": sorted(scope.committee_estate_ids)})
    return q


class AccountQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(reader_estates_q(user))


class Account(models.Model):
    """An estate's special repair fund account (专项维修资金账户); its row is also the head of its ledger chain."""

    class Holder(models.TextChoices):
        # Beijing art. 84 para. 1: without an owners' committee, the city's housing-fund office holds it.
        CITY_OFFICE = "city_office", _("市住房资金管理部门代管")
        # Beijing art. 84 para. 2: with a committee, the assembly may keep it in its own account.
        OWNERS = "owners", _("业主大会自行管理")

    estate = models.OneToOneField(Estate, verbose_name=_("小区"), on_delete=models.PROTECT,
                                  related_name="repair_fund")
    holder = models.CharField(_("管理方式"), max_length=16, choices=Holder.choices, default=Holder.CITY_OFFICE)
    bank_account = models.CharField(_("专用账户"), max_length=100, blank=True)
    # The standard in force (Beijing art. 83: top-ups "按照届时适用的标准"); the first collection's rate is in the
    # "opened" event, each home's first deposit in its share's ``due``. Changed only by ``account_change``.
    rate = models.DecimalField(_("交存标准(元/m²)"), max_digits=10, decimal_places=2)
    first_amount = models.DecimalField(_("首期应筹集金额"), **MONEY)
    opened_on = models.DateField(_("建账日期"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("建账人"), on_delete=models.PROTECT,
                                  related_name="+")
    # The head of the ledger chain (linli/fees/chain.py): locked while a movement is appended.
    seq = models.PositiveIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    objects = AccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("专项维修资金账户")
        verbose_name_plural = _("专项维修资金账户")
        ordering = ["estate_id"]

    def __str__(self):
        return str(self.estate)

    def balance(self) -> Decimal:
        return total(self.movements.all())

    @property
    def top_up_threshold(self) -> Decimal:
        return (self.first_amount * TOP_UP_RATIO).quantize(Decimal("0.01"))

    def is_low(self, balance: Decimal | None = None) -> bool:
        """Beijing art. 83: the balance is below 30% of the first collection."""
        balance = self.balance() if balance is None else balance
        return balance < self.top_up_threshold


class ShareQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = scope_for(user)
        q = reader_estates_q(user, "account__estate")
        if scope.home_ids:
            q |= Q(home_id__in=sorted(scope.home_ids))
        return self.filter(q)


class PropertyKind(models.TextChoices):
    """A home's kind of property for the apportionment of Beijing art. 86: (一) commercial housing and non-residential
    property share by floor area; (二) sold public housing (售后公房) shares between its owners and the selling unit."""

    COMMERCIAL = "commercial", _("商品住宅")
    SOLD_PUBLIC = "sold_public", _("售后公房")
    NON_RESIDENTIAL = "non_residential", _("非住宅")


class Share(models.Model):
    """A home's part of the fund (分户账): its area and what it should hold; its movements say what it holds. A sold
    public home (售后公房) also records its selling unit and what that unit deposited for it (Beijing art. 82 para. 2),
    which weighs the unit's part of a use (art. 86(2)); changed only by ``share_change`` (a recorded event)."""

    account = models.ForeignKey(Account, verbose_name=_("账户"), on_delete=models.PROTECT, related_name="shares")
    home = models.ForeignKey("places.Home", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="+")
    area = models.DecimalField(_("建筑面积(m²)"), max_digits=9, decimal_places=2)
    due = models.DecimalField(_("首期应交"), **MONEY)
    kind = models.CharField(_("房屋性质"), max_length=16, choices=PropertyKind.choices,
                            default=PropertyKind.COMMERCIAL)
    seller = models.CharField(_("售房单位"), max_length=100, blank=True)
    seller_deposit = models.DecimalField(_("售房单位交存"), default=ZERO, **MONEY)

    objects = ShareQuerySet.as_manager()

    class Meta:
        verbose_name = _("分户账")
        verbose_name_plural = _("分户账")
        ordering = ["account_id", "home_id"]
        constraints = [models.UniqueConstraint(fields=["account", "home"], name="repairfund_one_share_per_home")]

    def __str__(self):
        return str(self.home)

    def balance(self) -> Decimal:
        return total(Movement.objects.filter(account_id=self.account_id, home_id=self.home_id))


class MovementQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user):
        scope = scope_for(user)
        q = reader_estates_q(user, "account__estate")
        if scope.home_ids:
            q |= Q(home_id__in=sorted(scope.home_ids))
        return self.filter(q)


class Movement(HashChained, AppendOnly):
    """One line of the fund's ledger, for one home's share: a deposit (+) or a use (−); hash-chained per account."""

    class Kind(models.TextChoices):
        FIRST = "first", _("首期交存")
        TOP_UP = "top_up", _("续筹补足")
        PUBLIC_INCOME = "public_income", _("公共收益补充")
        INTEREST = "interest", _("利息")
        USE = "use", _("使用支出")
        REVERSAL = "reversal", _("冲销")

    DEPOSITS = (Kind.FIRST, Kind.TOP_UP, Kind.PUBLIC_INCOME, Kind.INTEREST)

    account = models.ForeignKey(Account, verbose_name=_("账户"), on_delete=models.PROTECT, related_name="movements")
    seq = models.PositiveIntegerField(_("序号"))
    home = models.ForeignKey("places.Home", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    amount = models.DecimalField(_("金额"), **MONEY)
    occurred_on = models.DateField(_("发生日期"))
    description = models.CharField(_("摘要"), max_length=200)
    application = models.ForeignKey("repairfund.Application", verbose_name=_("使用申请"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="movements")
    stage = models.ForeignKey("repairfund.Stage", verbose_name=_("付款阶段"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="movements")
    reverses = models.ForeignKey("self", verbose_name=_("冲销"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记账人"), on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(_("记账时间"), default=timezone.now)

    objects = MovementQuerySet.as_manager()

    class Meta:
        verbose_name = _("维修资金流水")
        verbose_name_plural = _("维修资金流水")
        ordering = ["account_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["account", "seq"], name="repairfund_unique_seq_per_account")]
        indexes = [models.Index(fields=["account", "home"]), models.Index(fields=["account", "occurred_on"])]

    def __str__(self):
        return f"{self.account_id}#{self.seq} {self.get_kind_display()} {self.amount}"

    def chain_content(self) -> dict:
        return {
            "account": self.account_id, "seq": self.seq, "home": self.home_id, "kind": self.kind,
            "amount": f"{self.amount:.2f}", "occurred_on": self.occurred_on.isoformat(),
            "description": self.description, "application": self.application_id, "stage": self.stage_id,
            "reverses": self.reverses_id, "recorded_by": self.recorded_by_id,
            "created_at": self.created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        }


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(reader_estates_q(user, "account__estate"))


# Civil Code art. 281 para. 2 allows an emergency use; the cases are those of 聊城市物业管理条例 art. 50 (the rules
# the demo follows; Beijing's regulation names none): each endangers safety and cannot wait for a vote.
class Emergency(models.TextChoices):
    ROOF = "roof", _("屋面、外墙防水严重损坏")
    LIFT = "lift", _("电梯故障")
    FIRE = "fire", _("消防设施功能障碍，存在火灾隐患")
    FACADE = "facade", _("外立面装饰和公共构件严重脱落松动")
    GLASS = "glass", _("玻璃幕墙炸裂")
    DRAIN = "drain", _("排水设施坍塌、堵塞、爆裂")
    FLOOD = "flood", _("地下车库及地下公共空间雨水倒灌")
    OTHER = "other", _("其他危及房屋安全和人身财产安全的紧急情况")


class Application(models.Model):
    """An application to use the fund (使用申请): what, which common parts, the homes concerned, the estimate."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草拟")
        VOTING = "voting", _("业主表决中")
        REJECTED = "rejected", _("表决未通过")
        PENDING = "pending", _("待街道审核")
        APPROVED = "approved", _("已批准，分阶段支付")
        DONE = "done", _("已完成")

    account = models.ForeignKey(Account, verbose_name=_("账户"), on_delete=models.PROTECT,
                                related_name="applications")
    title = models.CharField(_("项目名称"), max_length=150)
    description = models.TextField(_("维修内容"))
    parts = models.CharField(_("涉及的共用部位、共用设施设备"), max_length=300)
    buildings = models.ManyToManyField("places.Building", verbose_name=_("涉及楼栋"), blank=True, related_name="+")
    homes = models.ManyToManyField("places.Home", verbose_name=_("涉及房屋"), related_name="+")
    estimate = models.DecimalField(_("预算金额"), **MONEY)
    emergency = models.CharField(_("紧急情形"), max_length=16, choices=Emergency.choices, blank=True)
    emergency_confirmation = models.TextField(_("现场查验确认"), blank=True)
    motion = models.ForeignKey("assembly.Motion", verbose_name=_("表决事项"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    report = models.TextField(_("使用情况报告"), blank=True)
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("维修资金使用申请")
        verbose_name_plural = _("维修资金使用申请")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    @property
    def paid(self) -> Decimal:
        """Paid so far: the owners' parts taken from the shares and the selling units' parts (art. 86(2))."""
        return -total(self.movements.all()) + self.seller_paid

    @property
    def seller_paid(self) -> Decimal:
        return total(self.seller_charges.all())


class Quote(models.Model):
    """A quote (报价) attached to an application: the supplier, the amount and the document."""

    application = models.ForeignKey(Application, verbose_name=_("使用申请"), on_delete=models.PROTECT,
                                    related_name="quotes")
    supplier = models.CharField(_("报价单位"), max_length=150)
    amount = models.DecimalField(_("报价金额"), **MONEY)
    document = models.FileField(_("报价文件"), upload_to="repairfund/quotes/%Y/%m/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("报价")
        verbose_name_plural = _("报价")
        ordering = ["application_id", "id"]

    def __str__(self):
        return f"{self.supplier} {self.amount}"


class Apportionment(models.Model):
    """A home's part of an application's amount (Beijing art. 86), fixed when filed: ``amount`` is the home's whole
    part, ``owner_amount`` what its owner bears (from the home's share) and ``seller_amount`` what the selling unit
    of a sold public home bears (art. 86(2); payable by that unit, never taken from the owner's share)."""

    application = models.ForeignKey(Application, verbose_name=_("使用申请"), on_delete=models.PROTECT,
                                    related_name="apportionments")
    home = models.ForeignKey("places.Home", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="+")
    area = models.DecimalField(_("建筑面积(m²)"), max_digits=9, decimal_places=2)
    amount = models.DecimalField(_("分摊金额"), **MONEY)
    kind = models.CharField(_("房屋性质"), max_length=16, choices=PropertyKind.choices,
                            default=PropertyKind.COMMERCIAL)
    owner_amount = models.DecimalField(_("业主承担"), default=ZERO, **MONEY)
    seller = models.CharField(_("售房单位"), max_length=100, blank=True)
    seller_amount = models.DecimalField(_("售房单位承担"), default=ZERO, **MONEY)

    class Meta:
        verbose_name = _("分摊")
        verbose_name_plural = _("分摊")
        ordering = ["application_id", "home_id"]
        constraints = [models.UniqueConstraint(fields=["application", "home"], name="repairfund_one_part_per_home")]

    def __str__(self):
        return f"{self.home_id} {self.amount}"


class Stage(models.Model):
    """A payout stage (分阶段支付): released only after its works are accepted (验收)."""

    application = models.ForeignKey(Application, verbose_name=_("使用申请"), on_delete=models.PROTECT,
                                    related_name="stages")
    number = models.PositiveSmallIntegerField(_("阶段"))
    description = models.CharField(_("阶段内容"), max_length=200)
    amount = models.DecimalField(_("支付金额"), **MONEY)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("验收人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    acceptance_note = models.TextField(_("验收意见"), blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("付款人"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    paid_at = models.DateTimeField(_("付款时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("付款阶段")
        verbose_name_plural = _("付款阶段")
        ordering = ["application_id", "number"]
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="repairfund_stage_number")]

    def __str__(self):
        return f"{self.application_id}/{self.number}"


class SellerChargeQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user):
        scope = scope_for(user)
        q = reader_estates_q(user, "application__account__estate")
        if scope.home_ids:
            q |= Q(home_id__in=sorted(scope.home_ids))
        return self.filter(q)


class SellerCharge(AppendOnly):
    """The selling unit's part of a paid stage for one sold public home (Beijing art. 86(2)): payable by the selling
    unit from what it deposited, recorded when the stage is paid; the owner's share is not debited by it."""

    application = models.ForeignKey(Application, verbose_name=_("使用申请"), on_delete=models.PROTECT,
                                    related_name="seller_charges")
    stage = models.ForeignKey(Stage, verbose_name=_("付款阶段"), on_delete=models.PROTECT,
                              related_name="seller_charges")
    home = models.ForeignKey("places.Home", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="+")
    seller = models.CharField(_("售房单位"), max_length=100, blank=True)
    amount = models.DecimalField(_("售房单位承担"), **MONEY)
    occurred_on = models.DateField(_("发生日期"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记账人"), on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(_("记账时间"), default=timezone.now)

    objects = SellerChargeQuerySet.as_manager()

    class Meta:
        verbose_name = _("售房单位承担")
        verbose_name_plural = _("售房单位承担")
        ordering = ["application_id", "stage_id", "home_id"]

    def __str__(self):
        return f"{self.stage} {self.home_id} {self.amount}"


class TopUpCall(models.Model):
    """A call to the owners to top up the fund (续筹通知), Beijing art. 83: made once the balance is below 30%."""

    account = models.ForeignKey(Account, verbose_name=_("账户"), on_delete=models.PROTECT, related_name="calls")
    balance = models.DecimalField(_("当时余额"), **MONEY)
    threshold = models.DecimalField(_("首期筹集金额的30%"), **MONEY)
    called_at = models.DateTimeField(_("通知时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("补足时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("续筹通知")
        verbose_name_plural = _("续筹通知")
        ordering = ["-called_at"]

    def __str__(self):
        return f"{self.account_id} {self.called_at:%Y-%m-%d}"


class FundEvent(Event):
    """Append-only trail of the fund's actions: account opened, application filed, voted, approved, accepted."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="events")
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="events")

    class Meta:
        verbose_name = _("维修资金操作记录")
        verbose_name_plural = _("维修资金操作记录")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"
