"""Joint meetings (吹哨报到) and their tasks.

A street convenes the departments for matters it cannot settle alone (北京市接诉即办工作条例 第十六条):
the meeting, the work orders it is about, the departments invited and when each reported (报到), the
minutes and decisions, and the tasks given to departments — each task is a real work order.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.people.scopes import scope_for

__all__ = [
    "JointMeeting",
    "JointMeetingInvite",
    "JointMeetingOrder",
    "JointMeetingQuerySet",
    "JointMeetingTask",
    "scope_for_meetings",
]


def scope_for_meetings(user, prefix: str = "") -> Q:
    """Staff of the street (or above it) see its meetings; a department sees the meetings it is invited to."""
    scope = scope_for(user)
    parts = [Q(**{f"{prefix}street__path__startswith": p}) for p in scope.paths]
    if scope.own_org_ids:
        parts.append(Q(**{f"{prefix}pk__in": JointMeetingInvite.objects.filter(
            department_id__in=scope.own_org_ids).values("meeting_id")}))
    if not parts:
        return Q(pk__in=[])
    out = parts[0]
    for part in parts[1:]:
        out |= part
    return out


class JointMeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scope_for_meetings(user))


class _ByMeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(meeting__in=JointMeeting.objects.visible_to(user).values("pk"))


class JointMeeting(models.Model):
    """A joint meeting (吹哨报到) the street convenes with departments about work orders or a topic."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("待召开")
        HELD = "held", _("已召开")
        CLOSED = "closed", _("已结束")

    street = models.ForeignKey(
        "places.Division", verbose_name=_("街道"), on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"level": "street"},
    )
    title = models.CharField(_("会议名称"), max_length=120)
    topic = models.TextField(_("议题"), blank=True)
    scheduled_at = models.DateTimeField(_("召开时间"), db_index=True)
    place = models.CharField(_("地点"), max_length=120, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.PLANNED)
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("召集人"), on_delete=models.PROTECT, related_name="+"
    )
    convened_at = models.DateTimeField(_("发起时间"), default=timezone.now)
    minutes = models.TextField(_("会议纪要"), blank=True)
    decisions = models.TextField(_("议定事项"), blank=True)
    held_at = models.DateTimeField(_("纪要登记时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = JointMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("吹哨报到会议")
        verbose_name_plural = _("吹哨报到会议")
        ordering = ["-scheduled_at", "-id"]
        indexes = [models.Index(fields=["street", "scheduled_at"])]

    def __str__(self):
        return f"{self.title} {timezone.localtime(self.scheduled_at):%Y-%m-%d %H:%M}"

    # -- what the record flags (issue 15: not silently accepted) ----------------------------------------------
    # Flags, not refusals: a meeting may really be brought forward or held in writing, but the record says so.
    # They are read from the stored times, so the page, the API and the orders' timelines agree.

    @property
    def minutes_early(self) -> bool:
        """The minutes were first recorded before the meeting's scheduled time."""
        return self.held_at is not None and self.held_at < self.scheduled_at

    @property
    def closed_early(self) -> bool:
        """The meeting was closed before its scheduled time."""
        return self.closed_at is not None and self.closed_at < self.scheduled_at

    @property
    def absent_invites(self) -> list:
        """Invited departments that had not reported (报到) when the minutes were recorded (缺席); none before."""
        if self.held_at is None:
            return []
        # .all(): the API's prefetched invites (with their departments) are used when there
        return sorted((i for i in self.invites.all() if i.absent_at(self.held_at)), key=lambda i: i.pk)

    @property
    def flags(self) -> list[str]:
        """``minutes_early``, ``closed_early``, ``absent``: what the record of this meeting flags."""
        out = []
        if self.minutes_early:
            out.append("minutes_early")
        if self.closed_early:
            out.append("closed_early")
        if self.absent_invites:
            out.append("absent")
        return out


class JointMeetingOrder(models.Model):
    """A work order the meeting is about."""

    meeting = models.ForeignKey(JointMeeting, verbose_name=_("会议"), on_delete=models.PROTECT, related_name="links")
    order = models.ForeignKey("workorders.WorkOrder", verbose_name=_("工单"), on_delete=models.PROTECT,
                              related_name="meeting_links")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("关联人"), on_delete=models.PROTECT,
                                 related_name="+")
    added_at = models.DateTimeField(_("关联时间"), default=timezone.now)

    objects = _ByMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("会议关联工单")
        verbose_name_plural = _("会议关联工单")
        ordering = ["meeting", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "order"], name="jointmeeting_unique_order")]

    def __str__(self):
        return f"{self.meeting_id} · {self.order_id}"


class JointMeetingInvite(models.Model):
    """A department invited to the meeting, and when and with whom it reported (报到)."""

    meeting = models.ForeignKey(JointMeeting, verbose_name=_("会议"), on_delete=models.PROTECT, related_name="invites")
    department = models.ForeignKey("people.Organization", verbose_name=_("部门"), on_delete=models.PROTECT,
                                   related_name="+", limit_choices_to={"kind": "department"})
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("邀请人"), on_delete=models.PROTECT,
                                   related_name="+")
    invited_at = models.DateTimeField(_("邀请时间"), default=timezone.now)
    reported_at = models.DateTimeField(_("报到时间"), null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报到人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    attendees = models.CharField(_("到会人员"), max_length=200, blank=True)

    objects = _ByMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("会议邀请部门")
        verbose_name_plural = _("会议邀请部门")
        ordering = ["meeting", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "department"],
                                               name="jointmeeting_unique_department")]

    def __str__(self):
        return f"{self.meeting_id} · {self.department_id}"

    @property
    def reported(self) -> bool:
        return self.reported_at is not None

    def absent_at(self, held_at) -> bool:
        """Not reported by ``held_at`` (the time the minutes were recorded): absent from the meeting (缺席)."""
        return held_at is not None and (self.reported_at is None or self.reported_at > held_at)

    @property
    def absent(self) -> bool:
        """缺席: the meeting is held and this department had not reported when its minutes were recorded."""
        return self.absent_at(self.meeting.held_at)

    @property
    def late(self) -> bool:
        """Reported after the meeting's scheduled time."""
        return self.reported_at is not None and self.reported_at > self.meeting.scheduled_at


class JointMeetingTask(models.Model):
    """A task the meeting gave to a department; the task itself is a work order, tracked like any other."""

    meeting = models.ForeignKey(JointMeeting, verbose_name=_("会议"), on_delete=models.PROTECT, related_name="tasks")
    order = models.OneToOneField("workorders.WorkOrder", verbose_name=_("任务工单"), on_delete=models.PROTECT,
                                 related_name="meeting_task")
    department = models.ForeignKey("people.Organization", verbose_name=_("承办部门"), on_delete=models.PROTECT,
                                   related_name="+")
    deadline = models.DateField(_("完成期限"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("交办人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("交办时间"), default=timezone.now)

    objects = _ByMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("会议交办任务")
        verbose_name_plural = _("会议交办任务")
        ordering = ["meeting", "id"]

    def __str__(self):
        return f"{self.meeting_id} · {self.order_id}"
