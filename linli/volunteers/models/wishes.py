"""Micro-wishes (微心愿) and their events."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.events import Event
from linli.core.text import mask_name, redact
from linli.people.scopes import scope_for
from linli.volunteers.scoping import community_ids_q, person_q

# -- micro-wishes (微心愿) -------------------------------------------------------------------------------


class WishQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The full record (with the beneficiary): sensitive roles of the community, the beneficiary, the claimant."""
        scope = scope_for(user)
        q = person_q(user, "beneficiary") | Q(claimed_by_user_id=scope.user_id or 0)
        if scope.sees_sensitive:
            q |= community_ids_q(user, "community")
        return self.filter(q)

    def public(self):
        """Checked wishes, shown without personal details."""
        return self.filter(status__in=[Wish.Status.OPEN, Wish.Status.CLAIMED, Wish.Status.FULFILLED])


class Wish(models.Model):
    """A micro-wish (微心愿) of a vulnerable resident: checked by the community, then public without personal
    details, claimed by a volunteer or an organisation and fulfilled with a photo and a thank-you."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        OPEN = "open", _("待认领")
        CLAIMED = "claimed", _("已认领")
        FULFILLED = "fulfilled", _("已实现")
        REJECTED = "rejected", _("未通过")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Source(models.TextChoices):
        ONLINE = "online", _("线上提交")
        PAPER = "paper", _("纸质登记")

    class Category(models.TextChoices):
        GOODS = "goods", _("物品")
        SERVICE = "service", _("上门服务")
        COMPANY = "company", _("陪伴关爱")
        STUDY = "study", _("学习助学")
        HEALTH = "health", _("健康义诊")

    community = models.ForeignKey("places.Division", verbose_name=_("社区"), on_delete=models.PROTECT,
                                  related_name="+")
    estate = models.ForeignKey("places.Estate", verbose_name=_("小区"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    beneficiary = models.ForeignKey("people.Person", verbose_name=_("心愿人"), on_delete=models.PROTECT,
                                    related_name="wishes")
    title = models.CharField(_("心愿（公开）"), max_length=100, help_text=_("公开展示，请勿写姓名、住址、电话"))
    detail = models.TextField(_("详细情况（不公开）"), blank=True)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices, default=Category.GOODS)
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices, default=Source.ONLINE)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reject_reason = models.CharField(_("未通过原因"), max_length=200, blank=True)
    claimed_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("认领账号"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    claimed_by_org = models.ForeignKey("people.Organization", verbose_name=_("认领单位"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    # Stored with an index: the sweep returns overdue claims to the pool with one conditional UPDATE per row.
    claim_due = models.DateTimeField(_("认领期限"), null=True, blank=True, db_index=True)
    fulfilled_at = models.DateTimeField(_("实现时间"), null=True, blank=True)
    photo = models.FileField(_("照片"), upload_to="wishes/%Y/%m/", blank=True)
    fulfil_note = models.CharField(_("完成说明"), max_length=200, blank=True)
    thanks = models.CharField(_("感谢的话"), max_length=200, blank=True)

    objects = WishQuerySet.as_manager()

    class Meta:
        verbose_name = _("微心愿")
        verbose_name_plural = _("微心愿")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title

    def _public(self, text: str) -> str:
        """Free text of a wish as the public wall shows it: the beneficiary's and the claimant's names, phones and
        ID numbers masked (the title is checked by a person, but a phone slips through)."""
        names = [self.beneficiary.name]
        if self.claimed_by_user_id and self.claimed_by_user.person_id:
            names.append(self.claimed_by_user.person.name)
        return redact(text, names=names)

    @property
    def public_title(self) -> str:
        return self._public(self.title)

    @property
    def public_thanks(self) -> str:
        return self._public(self.thanks)

    @property
    def public_fulfil_note(self) -> str:
        return self._public(self.fulfil_note)

    @property
    def claimant_public_name(self) -> str:
        if self.claimed_by_org_id:
            return self.claimed_by_org.name
        user = self.claimed_by_user
        if user is None:
            return ""
        return mask_name(user.person.name if user.person_id else str(user))


class WishEvent(Event):
    """What happened to a wish, who did it and when (append-only)."""

    wish = models.ForeignKey(Wish, verbose_name=_("微心愿"), on_delete=models.PROTECT, related_name="events")

    class Meta:
        verbose_name = _("微心愿记录")
        verbose_name_plural = _("微心愿记录")
        ordering = ["wish_id", "at", "pk"]

    def __str__(self):
        return f"{self.wish} {self.kind}"
