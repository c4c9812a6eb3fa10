"""Activities and who took part."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.volunteers.scoping import community_ids_q, person_q

from .teams import Team


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(community_ids_q(user, "community", staff_only=False))


class Activity(models.Model):
    """A volunteer activity with its points rule (积分规则); people sign up, check in and out, hours count."""

    class Kind(models.TextChoices):
        GARBAGE = "garbage", _("垃圾分类值守")
        PATROL = "patrol", _("平安巡查")
        MEDIATION = "mediation", _("矛盾调处")
        CLEANING = "cleaning", _("环境清扫")
        ELDERLY = "elderly", _("助老服务")
        PUBLICITY = "publicity", _("政策宣传")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        OPEN = "open", _("报名中")
        CLOSED = "closed", _("已结束")
        CANCELLED = "cancelled", _("已取消")

    title = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    community = models.ForeignKey("places.Division", verbose_name=_("社区"), on_delete=models.PROTECT,
                                  related_name="volunteer_activities")
    estate = models.ForeignKey("places.Estate", verbose_name=_("小区"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="volunteer_activities")
    team = models.ForeignKey(Team, verbose_name=_("组织队伍"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="activities")
    place = models.CharField(_("地点"), max_length=100, blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveIntegerField(_("名额"), null=True, blank=True)
    # The points rule: a fixed number for taking part plus a number per full hour, capped.
    points_fixed = models.PositiveIntegerField(_("参与积分"), default=0)
    points_per_hour = models.PositiveIntegerField(_("每小时积分"), default=0)
    points_cap = models.PositiveIntegerField(_("积分上限"), null=True, blank=True)
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("组织者"), on_delete=models.PROTECT,
                                  related_name="organised_activities")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    # Part of the signed QR token; a new nonce makes printed codes stop working.
    qr_nonce = models.CharField(max_length=16, default="", editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("志愿活动")
        verbose_name_plural = _("志愿活动")
        ordering = ["-starts_at", "pk"]
        indexes = [models.Index(fields=["community", "starts_at"])]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                              name="activity_ends_after_start")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.qr_nonce:
            self.qr_nonce = secrets.token_hex(4)
        super().save(*args, **kwargs)

    def rule_text(self) -> str:
        parts = []
        if self.points_fixed:
            parts.append(_("参与 %(n)s 分") % {"n": self.points_fixed})
        if self.points_per_hour:
            parts.append(_("每满 1 小时 %(n)s 分") % {"n": self.points_per_hour})
        if self.points_cap:
            parts.append(_("最多 %(n)s 分") % {"n": self.points_cap})
        return "，".join(parts) or str(_("不计积分"))


class ParticipationQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(community_ids_q(user, "activity__community") | person_q(user))


class Participation(models.Model):
    """One person in one activity: signed up, checked in, checked out; minutes and points follow from it."""

    class Status(models.TextChoices):
        SIGNED_UP = "signed_up", _("已报名")
        CHECKED_IN = "checked_in", _("已签到")
        DONE = "done", _("已签退")
        CANCELLED = "cancelled", _("已取消")

    class Via(models.TextChoices):
        ORGANISER = "organiser", _("组织者登记")
        QR = "qr", _("扫码")

    activity = models.ForeignKey(Activity, verbose_name=_("活动"), on_delete=models.PROTECT,
                                 related_name="participations")
    person = models.ForeignKey("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT,
                               related_name="participations")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.SIGNED_UP)
    signed_up_at = models.DateTimeField(_("报名时间"), default=timezone.now)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    checked_in_via = models.CharField(_("签到方式"), max_length=16, choices=Via.choices, blank=True)
    checked_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    checked_out_via = models.CharField(_("签退方式"), max_length=16, choices=Via.choices, blank=True)
    minutes = models.PositiveIntegerField(_("服务时长(分钟)"), default=0)
    points = models.IntegerField(_("所得积分"), default=0)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("活动参与")
        verbose_name_plural = _("活动参与")
        ordering = ["activity_id", "signed_up_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["activity", "person"], name="participation_once_per_person")]

    def __str__(self):
        return f"{self.person} · {self.activity}"

    @property
    def hours(self):
        return round(self.minutes / 60, 1)
