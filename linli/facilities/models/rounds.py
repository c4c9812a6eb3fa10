"""Inspection rounds (巡检): routes of QR checkpoints, their schedule, the rounds walked and each checkpoint visit.

Beijing 物业管理条例 art. 88: the property service provider patrols (日常巡查) and maintains the lifts, fire facilities
and other equipment prone to safety risks; the rules of the schedule are in linli/facilities/rounds_services.py and
docs/inspection-rounds.md.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.access import scope_for
from linli.places.models import Estate


def new_token() -> str:
    """The checkpoint's QR token: 128 random bits (secrets), so nobody can guess another checkpoint's link."""
    return secrets.token_urlsafe(16)


def _staff_estates(user):
    # Rounds are the property service's working records: staff who serve the estate read them, residents do not.
    return Estate.objects.filter(scope_for(user).estate_q(staff_only=True))


class RouteQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Routes of the estates the user serves as staff (the provider's people, the area's admins, the auditor)."""
        return self.filter(estate__in=_staff_estates(user))

    def active(self):
        return self.filter(retired_on__isnull=True)


class Route(models.Model):
    """A route (巡检路线) of an estate: checkpoints walked in order, on a schedule (daily, weekly, monthly)."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("每日")
        WEEKLY = "weekly", _("每周")
        MONTHLY = "monthly", _("每月")

    estate = models.ForeignKey(Estate, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="routes")
    name = models.CharField(_("路线名称"), max_length=100)
    frequency = models.CharField(_("巡检频次"), max_length=16, choices=Frequency.choices,
                                 default=Frequency.DAILY)
    starts_on = models.DateField(_("开始日期"), default=timezone.localdate,
                                 help_text=_("从这一天所在的周期起计算应巡检次数"))
    retired_on = models.DateField(_("停用日期"), null=True, blank=True)
    # Earlier schedules, oldest first: [{"frequency", "from", "until", "by", "at"}] (dates ISO; ``until`` excluded):
    # a change of frequency keeps the periods already due under the old one (rounds_services.route_schedule).
    earlier_schedules = models.JSONField(_("以往巡检频次"), default=list, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = RouteQuerySet.as_manager()

    class Meta:
        verbose_name = _("巡检路线")
        verbose_name_plural = _("巡检路线")
        ordering = ["estate_id", "name", "pk"]

    def __str__(self):
        return f"{self.estate.name} {self.name}"


class CheckpointQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(route__estate__in=_staff_estates(user))


class Checkpoint(models.Model):
    """A checkpoint (巡检点) of a route: a place (a building or the estate), maybe a facility, a checklist to tick, and
    an unguessable token printed as a QR code that opens its page on the phone."""

    route = models.ForeignKey(Route, verbose_name=_("巡检路线"), on_delete=models.PROTECT,
                              related_name="checkpoints")
    position = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("检查点名称"), max_length=100)
    building = models.ForeignKey("places.Building", verbose_name=_("楼栋"), on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+", help_text=_("在整个小区范围的检查点不填"))
    facility = models.ForeignKey("facilities.Facility", verbose_name=_("设施设备"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="checkpoints")
    checklist = models.JSONField(_("检查项"), default=list, blank=True)
    token = models.CharField(_("二维码令牌"), max_length=40, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = CheckpointQuerySet.as_manager()

    class Meta:
        verbose_name = _("巡检点")
        verbose_name_plural = _("巡检点")
        ordering = ["route_id", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["route", "position"], name="checkpoint_position_once")]

    def __str__(self):
        return f"{self.position}. {self.name}"


class RoundQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(route__estate__in=_staff_estates(user))


class Round(models.Model):
    """One walk of a route for one period of its schedule (a day, a week from Monday, a month from the 1st).

    A period that ends without a finished round is *missed* (computed, not stored: rounds_services.periods);
    ``out_of_order`` is set when a checkpoint was visited before one that comes earlier on the route."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("进行中")
        DONE = "done", _("已完成")

    route = models.ForeignKey(Route, verbose_name=_("巡检路线"), on_delete=models.PROTECT, related_name="rounds")
    period_start = models.DateField(_("周期开始"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
    out_of_order = models.BooleanField(_("未按顺序巡检"), default=False)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("巡检人"), on_delete=models.PROTECT,
                                   related_name="+")
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("巡检记录")
        verbose_name_plural = _("巡检记录")
        ordering = ["-period_start", "-pk"]
        constraints = [models.UniqueConstraint(fields=["route", "period_start"], name="round_once_per_period")]

    def __str__(self):
        return f"{self.route} {self.period_start}"


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(round__route__estate__in=_staff_estates(user))


class Visit(models.Model):
    """A checkpoint checked on a round (append-only): the items ticked, fine or a problem; a problem became a work
    order (and, at a facility, a FacilityFault and a FacilityRecord). ``key`` is made by the phone for this visit,
    so that a resend after a lost connection records it once."""

    round = models.ForeignKey(Round, verbose_name=_("巡检记录"), on_delete=models.PROTECT, related_name="visits")
    checkpoint = models.ForeignKey(Checkpoint, verbose_name=_("巡检点"), on_delete=models.PROTECT,
                                   related_name="visits")
    key = models.CharField(_("提交标识"), max_length=64, unique=True)
    ticked = models.JSONField(_("已勾选的检查项"), default=list, blank=True)
    ok = models.BooleanField(_("正常"), default=True)
    note = models.CharField(_("问题描述"), max_length=500, blank=True)
    out_of_order = models.BooleanField(_("未按顺序"), default=False)
    order = models.ForeignKey("workorders.WorkOrder", verbose_name=_("工单"), on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")
    visited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("巡检人"), on_delete=models.PROTECT,
                                   related_name="+")
    visited_at = models.DateTimeField(_("巡检时间"), default=timezone.now)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("巡检点记录")
        verbose_name_plural = _("巡检点记录")
        ordering = ["round_id", "visited_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "checkpoint"], name="visit_once_per_round")]

    def __str__(self):
        return f"{self.round} {self.checkpoint}"
