"""The three lists (三张清单): offers, needs and their matches."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.text import mask_name
from linli.volunteers.scoping import community_ids_q, person_q

from .teams import Skill

# -- the three lists (三张清单) --------------------------------------------------------------------------


class OfferQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(community_ids_q(user, "community", staff_only=False) | person_q(user))


class Offer(models.Model):
    """A line of the supply list (党员供给清单: what a party member, merchant or organisation offers)
    or of the volunteer-service list (志愿服务清单: what the volunteers do regularly)."""

    class List(models.TextChoices):
        SUPPLY = "supply", _("党员供给清单")
        SERVICE = "service", _("志愿服务清单")

    class Source(models.TextChoices):
        PARTY_MEMBER = "party_member", _("党员")
        VOLUNTEER = "volunteer", _("志愿者")
        MERCHANT = "merchant", _("商户")
        ORGANIZATION = "organization", _("单位/社会组织")

    list_kind = models.CharField(_("清单"), max_length=16, choices=List.choices)
    source = models.CharField(_("提供方类别"), max_length=16, choices=Source.choices)
    community = models.ForeignKey("places.Division", verbose_name=_("社区"), on_delete=models.PROTECT,
                                  related_name="+")
    estate = models.ForeignKey("places.Estate", verbose_name=_("小区（不填为全社区）"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", verbose_name=_("提供人"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="offers")
    organization = models.ForeignKey("people.Organization", verbose_name=_("提供单位"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    skill = models.CharField(_("服务类别"), max_length=16, choices=Skill.choices)
    title = models.CharField(_("内容"), max_length=100)
    weekdays = models.JSONField(_("可服务日"), default=list, blank=True)
    times = models.CharField(_("时间说明"), max_length=80, blank=True)
    active = models.BooleanField(_("有效"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("供给/服务清单")
        verbose_name_plural = _("供给/服务清单")
        ordering = ["list_kind", "skill", "pk"]

    def __str__(self):
        return self.title

    @property
    def provider_public_name(self) -> str:
        if self.organization_id:
            return self.organization.name
        return mask_name(self.person.name) if self.person_id else ""


class NeedQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(community_ids_q(user, "community") | person_q(user))


class Need(models.Model):
    """A line of the residents' needs list (居民需求清单)."""

    class Status(models.TextChoices):
        OPEN = "open", _("待匹配")
        PROPOSED = "proposed", _("已推荐")
        MATCHED = "matched", _("已对接")
        DONE = "done", _("已完成")
        CLOSED = "closed", _("已关闭")

    community = models.ForeignKey("places.Division", verbose_name=_("社区"), on_delete=models.PROTECT,
                                  related_name="+")
    estate = models.ForeignKey("places.Estate", verbose_name=_("小区"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", verbose_name=_("居民"), on_delete=models.PROTECT, related_name="needs")
    skill = models.CharField(_("服务类别"), max_length=16, choices=Skill.choices)
    title = models.CharField(_("需求"), max_length=100)
    weekdays = models.JSONField(_("希望的日子"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("居民需求")
        verbose_name_plural = _("居民需求")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title


class MatchQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(need__in=Need.objects.visible_to(user))


class Match(models.Model):
    """A need paired with an offer by skill, place and time, proposed to the community admin who confirms it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("未采用")

    need = models.ForeignKey(Need, verbose_name=_("需求"), on_delete=models.PROTECT, related_name="matches")
    offer = models.ForeignKey(Offer, verbose_name=_("供给"), on_delete=models.PROTECT, related_name="matches")
    score = models.PositiveSmallIntegerField(_("匹配分"))
    reasons = models.CharField(_("匹配理由"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PROPOSED)
    proposed_at = models.DateTimeField(_("推荐时间"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    objects = MatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("供需匹配")
        verbose_name_plural = _("供需匹配")
        ordering = ["need_id", "-score", "pk"]
        constraints = [models.UniqueConstraint(fields=["need", "offer"], name="match_once_per_need_offer")]

    def __str__(self):
        return f"{self.need} ← {self.offer}"
