"""Fee events, the estate ledger (收支公开) and its public link."""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.events import AppendOnly, AppendOnlyQuerySet, Event

from ..chain import HashChained
from .payments import Payment
from .plans import MONEY, staff_estate_q


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


class LedgerEntry(HashChained, AppendOnly):
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
    # prev_hash, row_hash: linli/fees/chain.py

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("收支台账")
        verbose_name_plural = _("收支台账")
        ordering = ["estate_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["estate", "seq"], name="ledger_unique_seq_per_estate")]
        indexes = [models.Index(fields=["estate", "occurred_on"])]

    def __str__(self):
        return f"{self.estate_id}#{self.seq} {self.get_category_display()} {self.amount}"

    def chain_content(self) -> dict:
        """The content that the hash covers (with ``prev_hash``: HashChained.canonical)."""
        return {
            "estate": self.estate_id, "seq": self.seq, "direction": self.direction, "category": self.category,
            "amount": f"{self.amount:.2f}", "occurred_on": self.occurred_on.isoformat(),
            "description": self.description, "evidence": self.evidence.name or "",
            "evidence_sha256": self.evidence_sha256, "approved_by": self.approved_by_id,
            "approver_role": self.approver_role, "payment": self.payment_id, "reverses": self.reverses_id,
            "created_at": self.created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        }


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
