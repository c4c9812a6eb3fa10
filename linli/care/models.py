"""Care of vulnerable residents (特殊人群关护): care subjects, visit plans, home visits, problems (reminders go through linli.notify).

Every record here is sensitive (PIPL art. 28: health, disability and hardship are sensitive personal
information). Only community/street/district admins, grid workers and the visitors assigned to a plan see
them, and each viewing is logged (``linli.people.services.log_sensitive_access``).
"""

import datetime
import hashlib

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
    # Volunteers without a login (红管家 …): they record through a personal link (VisitLink) or a staff member.
    visitor_people = models.ManyToManyField("people.Person", verbose_name=_("探访志愿者（无账号）"), blank=True,
                                            related_name="care_plans")
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


class VisitLinkQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(plan__in=VisitPlan.objects.visible_to(user))


class VisitLink(models.Model):
    """A personal link that lets a volunteer without a login record the visits of one plan (no sign-in).

    Unguessable (32 random bytes, shown once, stored only as its SHA-256), expiring and revocable; the page it opens
    shows only what the visit needs (linli/care/views_link.py)."""

    plan = models.ForeignKey(VisitPlan, verbose_name=_("探访计划"), on_delete=models.PROTECT, related_name="links")
    person = models.ForeignKey("people.Person", verbose_name=_("探访志愿者"), on_delete=models.PROTECT,
                               related_name="+")
    token_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("有效期至"))
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("作废人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发放人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("发放时间"), default=timezone.now)

    objects = VisitLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("探访链接")
        verbose_name_plural = _("探访链接")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.person} · {self.plan}"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and now < self.expires_at and self.plan.active and self.plan.subject.active


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

    class Via(models.TextChoices):
        SELF = "self", _("本人登记")
        STAFF = "staff", _("工作人员代为登记")
        LINK = "link", _("个人链接登记")

    subject = models.ForeignKey(CareSubject, verbose_name=_("关护对象"), on_delete=models.PROTECT,
                                related_name="visits")
    plan = models.ForeignKey(VisitPlan, verbose_name=_("探访计划"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="visits")
    visited_at = models.DateTimeField(_("探访时间"))
    # The visitor's account; empty when the visitor has none (a volunteer recording through a link or a staff
    # member): then ``visitor_person`` is the volunteer.
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("探访人"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    visitor_person = models.ForeignKey("people.Person", verbose_name=_("探访志愿者"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    via = models.CharField(_("登记方式"), max_length=8, choices=Via.choices, default=Via.SELF)
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

    @property
    def visitor_label(self) -> str:
        """Who visited, and who wrote it down when that was someone else."""
        who = str(self.visitor or self.visitor_person or "")
        if self.via == self.Via.STAFF and self.recorded_by_id:
            return _("%(who)s（%(by)s 代为登记）") % {"who": who, "by": self.recorded_by}
        if self.via == self.Via.LINK:
            return _("%(who)s（个人链接登记）") % {"who": who}
        return who


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

    class Place(models.TextChoices):
        COMMON = "common", _("公共部位（楼道、院落等）")
        HOME = "home", _("户内")

    visit = models.ForeignKey(Visit, verbose_name=_("探访记录"), on_delete=models.PROTECT, related_name="problems")
    description = models.CharField(_("问题"), max_length=200)
    urgent = models.BooleanField(_("紧急"), default=False)
    place = models.CharField(_("问题位置"), max_length=8, choices=Place.choices, default=Place.HOME)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    work_order_ref = models.CharField(_("工单编号"), max_length=40, blank=True)
    # The order it became; the order itself never names the care (PIPL arts. 6, 28): only care staff see this link.
    work_order = models.ForeignKey("workorders.WorkOrder", verbose_name=_("工单"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
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
