"""Points (积分制): accounts, the append-only entries, rewards, redemptions and the red list board."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.events import AppendOnly, AppendOnlyQuerySet
from linli.core.text import mask_name, redact
from linli.volunteers.scoping import community_ids_q, person_q

from .activities import Participation


class PointsAccount(models.Model):
    """The lock row of one person's points ledger: locked (select_for_update) before any entry that spends.

    It holds no balance; the balance is always the sum of the entries.
    """

    person = models.OneToOneField("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT,
                                  related_name="points_account")
    created_at = models.DateTimeField(_("开户时间"), default=timezone.now)

    class Meta:
        verbose_name = _("积分账户")
        verbose_name_plural = _("积分账户")

    def __str__(self):
        return str(self.person)


class PointsEntryQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user):
        return self.filter(community_ids_q(user, "community") | person_q(user, "account__person"))

    def earned(self):
        """Points earned (activities and grants), not spending or reversals of spending."""
        return self.filter(kind__in=[PointsEntry.Kind.ACTIVITY, PointsEntry.Kind.GRANT])


class PointsEntry(AppendOnly):
    """One line of the append-only points ledger (积分流水). A mistake is corrected by a reversing entry."""

    class Kind(models.TextChoices):
        ACTIVITY = "activity", _("活动积分")
        GRANT = "grant", _("手工奖励")
        DEDUCT = "deduct", _("手工扣减")
        REDEMPTION = "redemption", _("兑换")
        REVERSAL = "reversal", _("冲正")

    account = models.ForeignKey(PointsAccount, verbose_name=_("账户"), on_delete=models.PROTECT,
                                related_name="entries")
    amount = models.IntegerField(_("积分"))
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    reason = models.CharField(_("事由"), max_length=200)
    community = models.ForeignKey("places.Division", verbose_name=_("社区"), on_delete=models.PROTECT,
                                  related_name="+")
    estate = models.ForeignKey("places.Estate", verbose_name=_("小区"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    participation = models.OneToOneField(Participation, verbose_name=_("活动参与"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="entry")
    reverses = models.OneToOneField("self", verbose_name=_("冲正的记录"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="reversed_by")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    objects = PointsEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("积分流水")
        verbose_name_plural = _("积分流水")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["community", "at"]), models.Index(fields=["account", "at"])]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="points_entry_not_zero")]

    def __str__(self):
        return f"{self.account} {self.amount:+d} {self.reason}"


class RewardQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(community_ids_q(user, "community", staff_only=False))


class Reward(models.Model):
    """An item, service or priority in a community's reward catalogue (积分兑换), with its price and stock."""

    class Kind(models.TextChoices):
        ITEM = "item", _("实物")
        SERVICE = "service", _("服务")
        PRIORITY = "priority", _("优先权益")

    community = models.ForeignKey("places.Division", verbose_name=_("社区"), on_delete=models.PROTECT,
                                  related_name="volunteer_rewards")
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices, default=Kind.ITEM)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    cost = models.PositiveIntegerField(_("所需积分"))
    # None: no stock kept (a service or a priority without a limit).
    stock = models.PositiveIntegerField(_("库存"), null=True, blank=True)
    active = models.BooleanField(_("上架"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = RewardQuerySet.as_manager()

    class Meta:
        verbose_name = _("兑换奖励")
        verbose_name_plural = _("兑换奖励")
        ordering = ["community_id", "cost", "pk"]
        constraints = [models.CheckConstraint(condition=Q(cost__gt=0), name="reward_cost_positive")]

    def __str__(self):
        return self.name


class RedemptionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(community_ids_q(user, "reward__community") | person_q(user))


class Redemption(models.Model):
    """Points exchanged for a reward: stock and points are taken in one transaction; voiding gives both back."""

    class Status(models.TextChoices):
        REDEEMED = "redeemed", _("已兑换")
        HANDED_OVER = "handed_over", _("已领取")
        VOIDED = "voided", _("已作废")

    reward = models.ForeignKey(Reward, verbose_name=_("奖励"), on_delete=models.PROTECT, related_name="redemptions")
    person = models.ForeignKey("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT,
                               related_name="redemptions")
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    points = models.PositiveIntegerField(_("积分"))
    entry = models.OneToOneField(PointsEntry, verbose_name=_("积分流水"), on_delete=models.PROTECT,
                                 related_name="redemption")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.REDEEMED)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("兑换时间"), default=timezone.now)
    handed_over_at = models.DateTimeField(_("领取时间"), null=True, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)

    objects = RedemptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("积分兑换")
        verbose_name_plural = _("积分兑换")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.person} · {self.reward} × {self.quantity}"


class BoardEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(community_ids_q(user, "community"))

    def published(self, on=None):
        on = on or timezone.localdate()
        return self.filter(voided_at__isnull=True, start__lte=on).filter(Q(end__isnull=True) | Q(end__gte=on))


class BoardEntry(models.Model):
    """A named line on a community's 红黑榜, with its reason; the red list also shows the top points earners."""

    class Kind(models.TextChoices):
        RED = "red", _("红榜")
        BLACK = "black", _("黑榜")

    community = models.ForeignKey("places.Division", verbose_name=_("社区"), on_delete=models.PROTECT,
                                  related_name="+")
    kind = models.CharField(_("榜单"), max_length=8, choices=Kind.choices)
    person = models.ForeignKey("people.Person", verbose_name=_("人员"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("people.Organization", verbose_name=_("单位"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("事由"), max_length=200)
    start = models.DateField(_("公示开始"), default=timezone.localdate)
    end = models.DateField(_("公示结束"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    voided_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    void_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)

    objects = BoardEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("红黑榜条目")
        verbose_name_plural = _("红黑榜条目")
        ordering = ["kind", "-start", "pk"]
        constraints = [models.CheckConstraint(
            condition=Q(person__isnull=False) | Q(organization__isnull=False), name="board_entry_names_someone")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.person or self.organization}"

    @property
    def public_name(self) -> str:
        if self.person_id:
            return mask_name(self.person.name)
        return self.organization.name  # organisations are named in full: they are not private persons

    @property
    def public_reason(self) -> str:
        """The reason as the public board shows it: the person's own name and any phone or ID number masked."""
        return redact(self.reason, names=[self.person.name] if self.person_id else [])
