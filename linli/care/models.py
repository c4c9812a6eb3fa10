"""Care of vulnerable residents (特殊人群关护): care subjects, visit plans, home visits, problems (reminders go through linli.notify).

Every record here is sensitive (PIPL art. 28: health, disability and hardship are sensitive personal
information). Only community/street/district admins, grid workers and the visitors assigned to a plan see
them, and each viewing is logged (``linli.people.services.log_sensitive_access``).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.events import AppendOnly, AppendOnlyQuerySet
from linli.people.scopes import NOTHING, scope_for


def _division_q(user, field: str) -> Q:
    scope = scope_for(user)
    if not scope.sees_sensitive:
        return NOTHING
    q = NOTHING
    for p in scope.paths:
        q |= Q(**{f"{field}__path__startswith": p})
    return q


class CareSubjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Sensitive roles in their divisions, plus the visitors assigned to one of the subject's active plans."""
        uid = getattr(user, "pk", None) or 0
        assigned = VisitPlan.objects.filter(visitors__pk=uid, active=True).values("subject_id")
        return self.filter(_division_q(user, "community") | Q(pk__in=assigned))


class CareSubject(models.Model):
    """A resident who needs regular care: an elderly person living alone, a disabled person, a hardship
    household, a left-behind child."""

    class Kind(models.TextChoices):
        ELDERLY_ALONE = "elderly_alone", _("独居老人")
        DISABLED = "disabled", _("残疾人")
        HARDSHIP = "hardship", _("困难家庭")
        LEFT_BEHIND_CHILD = "left_behind_child", _("留守儿童")

    # The person flag that stands for each kind (a left-behind child has none in the registry).
    PERSON_FLAGS = {"elderly_alone": "is_elderly_alone", "disabled": "is_disabled", "hardship": "is_hardship"}

    person = models.OneToOneField("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT,
                                  related_name="care_subject")
    kinds = models.JSONField(_("类别"), default=list)
    community = models.ForeignKey("places.Division", verbose_name=_("社区"), on_delete=models.PROTECT,
                                  related_name="+")
    estate = models.ForeignKey("places.Estate", verbose_name=_("小区"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    home = models.ForeignKey("places.Home", verbose_name=_("房屋"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    guardian_contact = models.CharField(_("监护人/紧急联系人"), max_length=100, blank=True)
    note = models.TextField(_("情况说明"), blank=True)
    active = models.BooleanField(_("关护中"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    # When care ended: the retention period of the record (linli/care/retention.py) runs from here.
    closed_at = models.DateTimeField(_("结束关护时间"), null=True, blank=True)

    objects = CareSubjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("关护对象")
        verbose_name_plural = _("关护对象")
        ordering = ["community_id", "person__name", "pk"]

    def __str__(self):
        return str(self.person)

    def kind_labels(self) -> list[str]:
        labels = dict(self.Kind.choices)
        return [str(labels.get(k, k)) for k in self.kinds]


class VisitPlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(subject__in=CareSubject.objects.visible_to(user))

    def overdue(self, today: datetime.date):
        return self.filter(active=True, subject__active=True, next_due__lt=today)


class VisitPlan(models.Model):
    """How often a subject is visited and by whom; ``next_due`` is stored (indexed) and moves on after each visit."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("每周")
        BIWEEKLY = "biweekly", _("每两周")
        MONTHLY = "monthly", _("每月")

    DAYS = {"weekly": 7, "biweekly": 14, "monthly": 30}

    subject = models.ForeignKey(CareSubject, verbose_name=_("关护对象"), on_delete=models.PROTECT, related_name="plans")
    frequency = models.CharField(_("频次"), max_length=16, choices=Frequency.choices)
    visitors = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("探访人"), related_name="care_plans")
    next_due = models.DateField(_("下次应探访"), db_index=True)
    active = models.BooleanField(_("执行中"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("制定人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("制定时间"), default=timezone.now)

    objects = VisitPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("探访计划")
        verbose_name_plural = _("探访计划")
        ordering = ["next_due", "pk"]

    def __str__(self):
        return f"{self.subject} {self.get_frequency_display()}"

    @property
    def interval(self) -> datetime.timedelta:
        return datetime.timedelta(days=self.DAYS[self.frequency])

    @property
    def is_overdue(self) -> bool:
        return self.next_due < timezone.localdate()


class VisitQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user):
        return self.filter(subject__in=CareSubject.objects.visible_to(user))


class Visit(AppendOnly):
    """One home visit: when, by whom, how the person is, what problems were found. Corrections are new visits."""

    class Condition(models.TextChoices):
        GOOD = "good", _("良好")
        FAIR = "fair", _("一般")
        POOR = "poor", _("较差")
        URGENT = "urgent", _("需紧急处置")

    subject = models.ForeignKey(CareSubject, verbose_name=_("关护对象"), on_delete=models.PROTECT,
                                related_name="visits")
    plan = models.ForeignKey(VisitPlan, verbose_name=_("探访计划"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="visits")
    visited_at = models.DateTimeField(_("探访时间"))
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("探访人"), on_delete=models.PROTECT,
                                related_name="+")
    condition = models.CharField(_("身体与生活状况"), max_length=16, choices=Condition.choices)
    notes = models.TextField(_("探访记录"), blank=True)
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("探访记录")
        verbose_name_plural = _("探访记录")
        ordering = ["-visited_at", "-pk"]

    def __str__(self):
        return f"{self.subject} {self.visited_at:%Y-%m-%d}"


class ProblemQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(visit__subject__in=CareSubject.objects.visible_to(user))


class Problem(models.Model):
    """A problem found on a visit (a broken water heater, no food at home …), resolved or turned into a work order.

    ``linli.care.services.problem_to_work_order`` hands it to the work-order service in one step."""

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        CONVERTED = "converted", _("已转工单")
        RESOLVED = "resolved", _("已解决")

    visit = models.ForeignKey(Visit, verbose_name=_("探访记录"), on_delete=models.PROTECT, related_name="problems")
    description = models.CharField(_("问题"), max_length=200)
    urgent = models.BooleanField(_("紧急"), default=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    work_order_ref = models.CharField(_("工单编号"), max_length=40, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolution = models.CharField(_("处理结果"), max_length=200, blank=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("探访发现的问题")
        verbose_name_plural = _("探访发现的问题")
        ordering = ["status", "-pk"]

    def __str__(self):
        return self.description
