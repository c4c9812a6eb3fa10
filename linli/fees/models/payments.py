"""Payments, their allocation to bills, receipt numbers and online payment intents."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .bills import Bill
from .plans import MONEY, fee_q


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
