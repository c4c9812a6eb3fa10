"""Deliberation meetings (议事会): attendance, decisions, follow-up tasks; who sees an assembly's records."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.assembly import tally
from linli.core.events import Event
from linli.people.scopes import scope_for
from linli.places.models import Estate

MATTER_CHOICES = [(m.code, _(m.label)) for m in tally.MATTERS.values()]  # labels marked in tally.py


def _estates_visible(user):
    return Estate.objects.visible_to(user)


def _staff_estates(user):
    return Estate.objects.managed_by_staff_of(user)


class Level(models.TextChoices):
    """Where a matter is settled (微事不出楼栋、小事不出小区、大事不出社区)."""

    BUILDING = "building", _("楼栋")
    ESTATE = "estate", _("小区")
    COMMUNITY = "community", _("社区")
    STREET = "street", _("街道")


# -- meetings ----------------------------------------------------------------------------------------------


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff who serve the meeting's estate or division; residents see outcomes through notices."""
        scope = scope_for(user)
        if not scope.is_staff_member:
            return self.none()
        parts = Q(estate__in=_staff_estates(user))
        for path in scope.paths:
            parts |= Q(division__path__startswith=path)
        return self.filter(parts)


class Meeting(models.Model):
    """A meeting: an owners' assembly, an owners' committee meeting or a consultation meeting (议事会)."""

    class Kind(models.TextChoices):
        ASSEMBLY = "assembly", _("业主大会会议")
        COMMITTEE = "committee", _("业主委员会会议")
        HEARING = "hearing", _("民情恳谈会")
        PARTY_MASS = "party_mass", _("党群议事会")
        ROUND_TABLE = "round_table", _("圆桌会议")
        NEIGHBOURS = "neighbours", _("友邻家议事会")

    class Status(models.TextChoices):
        PLANNED = "planned", _("已通知")
        HELD = "held", _("已召开")
        CANCELLED = "cancelled", _("已取消")

    # 物业管理条例 art. 14: the assembly is notified to all owners 15 days before it meets.
    ASSEMBLY_NOTICE_DAYS = 15

    kind = models.CharField(_("会议类型"), max_length=16, choices=Kind.choices)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    title = models.CharField(_("议题"), max_length=150)
    division = models.ForeignKey(
        "places.Division", verbose_name=_("所属社区/街道"), on_delete=models.PROTECT, related_name="+"
    )
    estate = models.ForeignKey(
        "places.Estate", verbose_name=_("小区"), null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    building = models.ForeignKey(
        "places.Building", verbose_name=_("楼栋"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notified_on = models.DateField(_("通知日期"))
    held_on = models.DateField(_("开会日期"), db_index=True)
    place = models.CharField(_("地点"), max_length=120, blank=True)
    agenda = models.TextField(_("议程"), blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.title}"


class Attendance(models.Model):
    """Who attended a meeting (a name and in what capacity: owner, party member, department, company …)."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.PROTECT, related_name="attendance")
    person = models.ForeignKey(
        "people.Person", verbose_name=_("人员"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名或单位"), max_length=80)
    capacity = models.CharField(_("身份"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("参会人员")
        verbose_name_plural = _("参会人员")
        ordering = ["meeting_id", "id"]

    def __str__(self):
        return self.name


class Decision(models.Model):
    """One decision taken at a meeting (recorded with the minutes)."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.PROTECT, related_name="decisions")
    text = models.TextField(_("决定内容"))
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("会议决定")
        verbose_name_plural = _("会议决定")
        ordering = ["meeting_id", "id"]

    def __str__(self):
        return self.text[:40]


class FollowUpTask(models.Model):
    """A task that follows from a decision (who does what by when); it can be handed on as a work order."""

    class Status(models.TextChoices):
        OPEN = "open", _("待办")
        DONE = "done", _("已完成")

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.PROTECT, related_name="tasks")
    decision = models.ForeignKey(
        Decision, verbose_name=_("会议决定"), null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    title = models.CharField(_("任务"), max_length=150)
    assignee = models.CharField(_("责任单位/人"), max_length=80)
    due = models.DateField(_("完成时限"), null=True, blank=True, db_index=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # The work order's code once the task is handed to linli.workorders.
    work_order_ref = models.CharField(_("工单编号"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("跟进任务")
        verbose_name_plural = _("跟进任务")
        ordering = ["status", "due", "id"]

    def __str__(self):
        return self.title


class MeetingEvent(Event):
    """Append-only history of a meeting (notified, held, minutes, decision, task …)."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.PROTECT, related_name="events")

    class Meta:
        verbose_name = _("会议记录")
        verbose_name_plural = _("会议记录")
        ordering = ["meeting_id", "at", "id"]

    def __str__(self):
        return f"{self.meeting_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
