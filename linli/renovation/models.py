"""Renovation projects of old estates (老旧小区改造) and emergency property service (应急物业服务).

A project covers one estate or a cluster of them (片区: several small estates renovated together, one budget, one
contractor): ``Project.estates`` through ``ProjectEstate``, with ``Project.estate`` the lead estate (牵头小区), always
one of them. It moves through five stages in order (``Project.Stage``); every change is a ``ProjectEvent`` (who,
when, note), a step back needs a reason. Residents of any of its estates comment on the published plan (``Comment``)
and staff answer (``Answer``); both are public to those residents with names masked. The handover happens per
estate: each ``ProjectEstate`` records its manager (a places ``Stewardship``) and a fees ``FeePlan`` with its grace
period (先服务后收费, seed 001).

An ``EmergencyService`` is the street's appointment of an emergency provider when an estate suddenly has no manager
(北京市物业管理条例 art. 77): its period and provider are the emergency ``Stewardship`` row (issue 15 keeps the
six-month rule there), the services and costs are the public notice, and the selection case of linli.assembly is the
owners' choice of a new manager.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.access import scope_for
from linli.core.events import Event
from linli.places.models import Estate


def _visible_estates(user, staff_only=False):
    return Estate.objects.filter(scope_for(user).estate_q(staff_only=staff_only))


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Projects covering at least one estate the user sees: the area's staff, the estate's manager, its committee
        and its residents (the public part: stages, plan, comments with masked names). Who sees only some of a
        cluster's estates sees the project; what is per estate (the handover, commenters' names on staff pages) is
        shown for the estates they see (linli/renovation/views.py)."""
        return self.filter(pk__in=ProjectEstate.objects.filter(
            estate__in=_visible_estates(user)).values("project_id"))

    def covering(self, estate):
        """Projects whose estates include ``estate`` (a project of that estate alone, or of a cluster with it)."""
        return self.filter(pk__in=ProjectEstate.objects.filter(estate=estate).values("project_id"))


class Project(models.Model):
    """A renovation project of an estate (老旧小区改造), from the residents' needs to the handover to a manager."""

    class Stage(models.TextChoices):
        NEEDS = "needs", _("征集需求")
        PLAN = "plan", _("方案公示征求意见")
        WORKS = "works", _("施工")
        ACCEPTANCE = "acceptance", _("竣工验收")
        HANDOVER = "handover", _("移交管理")

    ORDER = [Stage.NEEDS, Stage.PLAN, Stage.WORKS, Stage.ACCEPTANCE, Stage.HANDOVER]

    estate = models.ForeignKey(Estate, verbose_name=_("牵头小区"), on_delete=models.PROTECT,
                               related_name="renovation_projects_led",
                               help_text=_("片区改造时为牵头的小区；也在改造范围之内"))
    estates = models.ManyToManyField(Estate, verbose_name=_("改造范围（小区）"), through="ProjectEstate",
                                     related_name="renovation_projects")
    title = models.CharField(_("项目名称"), max_length=150)
    summary = models.TextField(_("改造内容"), blank=True)
    plan = models.TextField(_("改造方案"), blank=True, help_text=_("公示征求意见的方案内容"))
    budget = models.DecimalField(_("投资估算（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    stage = models.CharField(_("阶段"), max_length=16, choices=Stage.choices, default=Stage.NEEDS, db_index=True)
    survey = models.ForeignKey("assembly.Survey", verbose_name=_("需求征询"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("改造项目")
        verbose_name_plural = _("改造项目")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title

    @property
    def stage_index(self) -> int:
        return self.ORDER.index(self.stage)

    def stages(self) -> list[dict]:
        """The five stages with whether each is done, current or to come (for the pages)."""
        here = self.stage_index
        return [{"value": s.value, "label": s.label, "done": i < here, "current": i == here}
                for i, s in enumerate(self.ORDER)]

    @property
    def is_cluster(self) -> bool:
        """A project over several estates (片区)."""
        return len(self.estate_rows.all()) > 1


class ProjectEstate(models.Model):
    """An estate a project covers, with its own handover: the manager (a places ``Stewardship``) and the fee plan
    with its grace period (先服务后收费); empty until that estate is handed over."""

    project = models.ForeignKey(Project, verbose_name=_("改造项目"), on_delete=models.PROTECT,
                                related_name="estate_rows")
    estate = models.ForeignKey(Estate, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+")
    stewardship = models.ForeignKey("places.Stewardship", verbose_name=_("移交后的管理"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    fee_plan = models.ForeignKey("fees.FeePlan", verbose_name=_("移交后的收费标准"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    handed_over_at = models.DateTimeField(_("移交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("改造范围内的小区")
        verbose_name_plural = _("改造范围内的小区")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["project", "estate"], name="renovation_project_estate_once")]

    def __str__(self):
        return f"{self.project} · {self.estate}"

    @property
    def handed_over(self) -> bool:
        return self.stewardship_id is not None


class ProjectEvent(Event):
    """Append-only history of a project: created, each stage change (forward, or back with its reason), the
    facilities linked, the handover."""

    class Kind(models.TextChoices):
        CREATED = "created", _("登记项目")
        ADVANCED = "advanced", _("进入下一阶段")
        STEPPED_BACK = "stepped_back", _("退回上一阶段")
        FACILITY = "facility", _("关联设施")
        HANDED_OVER = "handed_over", _("移交管理")

    project = models.ForeignKey(Project, verbose_name=_("改造项目"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("类型"), max_length=40, choices=Kind.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta(Event.Meta):
        verbose_name = _("改造项目记录")
        verbose_name_plural = _("改造项目记录")
        ordering = ["at", "pk"]


class ProjectFacility(models.Model):
    """A facility the project built, replaced or renovated (a facilities ``Facility`` row)."""

    class Action(models.TextChoices):
        CREATED = "created", _("新建")
        REPLACED = "replaced", _("更换")
        RENOVATED = "renovated", _("改造")

    project = models.ForeignKey(Project, verbose_name=_("改造项目"), on_delete=models.PROTECT,
                                related_name="facility_links")
    facility = models.ForeignKey("facilities.Facility", verbose_name=_("设施设备"), on_delete=models.PROTECT,
                                 related_name="+")
    action = models.CharField(_("方式"), max_length=16, choices=Action.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("改造涉及的设施")
        verbose_name_plural = _("改造涉及的设施")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["project", "facility"], name="renovation_facility_once")]

    def __str__(self):
        return f"{self.project} · {self.get_action_display()} {self.facility}"


class CommentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(project__in=Project.objects.visible_to(user))


class Comment(models.Model):
    """A resident's comment on the published plan; public to the residents of the project's estates with the name
    masked. ``estate`` is the commenter's estate in the project (which estate of a cluster speaks)."""

    project = models.ForeignKey(Project, verbose_name=_("改造项目"), on_delete=models.PROTECT, related_name="comments")
    estate = models.ForeignKey(Estate, verbose_name=_("提出人所在小区"), on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提出人"), on_delete=models.PROTECT,
                               related_name="+")
    author_name = models.CharField(_("提出人姓名"), max_length=50, blank=True)
    body = models.TextField(_("意见"))
    at = models.DateTimeField(_("提出时间"), default=timezone.now)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("方案意见")
        verbose_name_plural = _("方案意见")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.project} · {self.at:%Y-%m-%d %H:%M}"


class Answer(models.Model):
    """Staff's answer to a comment (a further answer is a new row; nothing is edited)."""

    comment = models.ForeignKey(Comment, verbose_name=_("意见"), on_delete=models.PROTECT, related_name="answers")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("答复人"), on_delete=models.PROTECT,
                               related_name="+")
    body = models.TextField(_("答复"))
    at = models.DateTimeField(_("答复时间"), default=timezone.now)

    class Meta:
        verbose_name = _("意见答复")
        verbose_name_plural = _("意见答复")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.comment} · {self.at:%Y-%m-%d %H:%M}"


class EmergencyServiceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The estate's staff and its residents (the notice is public to them, art. 77)."""
        return self.filter(estate__in=_visible_estates(user))

    def ending_within(self, days: int, today=None):
        """Services still running whose term ends within ``days`` days (the street's deadline list)."""
        today = today or timezone.localdate()
        return self.filter(stewardship__end__gte=today,
                           stewardship__end__lte=today + datetime.timedelta(days=days)).filter(
            Q(stewardship__corrected_by__isnull=True))


class EmergencyService(models.Model):
    """The street's appointment of an emergency property service provider (北京市物业管理条例 art. 77): services,
    period and costs published to the estate; the period is the emergency ``Stewardship`` (six months at most)."""

    estate = models.ForeignKey(Estate, verbose_name=_("小区"), on_delete=models.PROTECT,
                               related_name="emergency_services")
    stewardship = models.OneToOneField("places.Stewardship", verbose_name=_("应急管理记录"), on_delete=models.PROTECT,
                                       related_name="emergency_service")
    services = models.TextField(_("服务内容"), help_text=_("如供水、垃圾清运、电梯运行等维持基本生活的服务"))
    costs = models.TextField(_("服务费用"), help_text=_("费用标准及承担方式（费用由全体业主承担）"))
    monthly_cost = models.DecimalField(_("每月费用（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    selection_case = models.ForeignKey("assembly.SelectionCase", verbose_name=_("选聘案"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    notice = models.ForeignKey("assembly.Notice", verbose_name=_("公示"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    reminded_at = models.DateTimeField(_("到期提醒时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = EmergencyServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("应急物业服务")
        verbose_name_plural = _("应急物业服务")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.estate} {self.stewardship.start}–{self.stewardship.end}"

    @property
    def provider(self):
        return self.stewardship.provider

    @property
    def start(self):
        return self.stewardship.start

    @property
    def end(self):
        return self.stewardship.end
