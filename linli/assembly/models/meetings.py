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
        """Staff who serve the meeting's estate or division; the members of an estate's owners' committee or
        物业管理委员会 its committee meetings and three-way meetings (they convene the one and sit in the other);
        residents see outcomes through notices."""
        scope = scope_for(user)
        parts = Q(pk__in=[])
        if scope.is_staff_member:
            parts |= Q(estate__in=_staff_estates(user))
            for path in scope.paths:
                parts |= Q(division__path__startswith=path)
        if scope.committee_estate_ids:
            parts |= Q(estate_id__in=scope.committee_estate_ids, kind__in=Meeting.COMMITTEE_SEES)
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
        # 三方联动 (seed 004, Beijing art. 3): the party organisation, the owners' committee or 物管会 and the company.
        THREE_WAY = "three_way", _("三方联席会议")

    class Status(models.TextChoices):
        PLANNED = "planned", _("已通知")
        HELD = "held", _("已召开")
        CANCELLED = "cancelled", _("已取消")

    # 物业管理条例 art. 14: the assembly is notified to all owners 15 days before it meets.
    ASSEMBLY_NOTICE_DAYS = 15
    # Beijing art. 45(3): an owners' committee tells the residents' committee its topics five days before it meets.
    COMMITTEE_NOTICE_DAYS = 5
    # Beijing art. 45(4): what the committee settled is posted in the estate within three days of the meeting;
    # art. 57(3): a 物业管理委员会's for ten working days.
    COMMITTEE_POSTING_DAYS = 3
    PM_COMMITTEE_POSTING_WORKDAYS = 10
    # Kinds a committee member sees for their estate (MeetingQuerySet.visible_to).
    COMMITTEE_SEES = ("committee", "three_way")
    # Kinds a meeting at community or street level may have (a matter passed up keeps its kind when it may).
    DELIBERATION_KINDS = ("hearing", "party_mass", "round_table", "neighbours")

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
    # A committee meeting: the owners' committee or 物业管理委员会 that met (its members are its current posts).
    body = models.ForeignKey(
        "people.Organization", verbose_name=_("召开机构"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    # A meeting of a recurring series (the three-way meeting of an estate).
    series = models.ForeignKey(
        "MeetingSeries", verbose_name=_("例会"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="meetings",
    )
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
    # The body the person came for (a three-way meeting's party organisation, committee or company; a committee
    # meeting's committee).
    organization = models.ForeignKey(
        "people.Organization", verbose_name=_("所属机构"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

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
    # Beijing arts. 45(4), 57(3): what a committee settles is signed by more than half of its members.
    signatories = models.ManyToManyField("people.Person", verbose_name=_("签字同意的委员"), blank=True,
                                         related_name="+")
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


# -- recurring meetings and matters passed up (issue 19 items 4 and 7) -----------------------------------------------


class MeetingSeriesQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Who sees the series sees its meetings: staff of the estate, its committee members."""
        scope = scope_for(user)
        parts = Q(pk__in=[])
        if scope.is_staff_member:
            parts |= Q(estate__in=_staff_estates(user))
        if scope.committee_estate_ids:
            parts |= Q(estate_id__in=scope.committee_estate_ids)
        return self.filter(parts)


class MeetingSeries(models.Model):
    """A recurring meeting of an estate: the three-way meeting (三方联席会议) of its party organisation, its owners'
    committee or 物业管理委员会 and its property company (seed 004: weekly 三会 consultation; Beijing art. 3). After
    each meeting is held the next one is planned."""

    class Cadence(models.TextChoices):
        WEEKLY = "weekly", _("每周")
        FORTNIGHTLY = "fortnightly", _("每两周")
        MONTHLY = "monthly", _("每月（第一个该星期几）")

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("星期一")
        TUESDAY = 1, _("星期二")
        WEDNESDAY = 2, _("星期三")
        THURSDAY = 3, _("星期四")
        FRIDAY = 4, _("星期五")
        SATURDAY = 5, _("星期六")
        SUNDAY = 6, _("星期日")

    estate = models.ForeignKey("places.Estate", verbose_name=_("小区"), on_delete=models.PROTECT,
                               related_name="meeting_series")
    kind = models.CharField(_("会议类型"), max_length=16, choices=Meeting.Kind.choices, default=Meeting.Kind.THREE_WAY)
    title = models.CharField(_("名称"), max_length=150)
    cadence = models.CharField(_("周期"), max_length=12, choices=Cadence.choices, default=Cadence.WEEKLY)
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=Weekday.choices)
    place = models.CharField(_("地点"), max_length=120, blank=True)
    bodies = models.ManyToManyField("people.Organization", verbose_name=_("参加机构"), related_name="+")
    next_on = models.DateField(_("下次会议"), null=True, blank=True, db_index=True)
    active = models.BooleanField(_("进行中"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = MeetingSeriesQuerySet.as_manager()

    class Meta:
        verbose_name = _("例会")
        verbose_name_plural = _("例会")
        ordering = ["estate_id", "id"]

    def __str__(self):
        return f"{self.estate} · {self.title}"


class Referral(models.Model):
    """A matter a meeting could not settle, passed up a level (微事不出楼栋、小事不出小区、大事不出社区) to a meeting of
    the next level's division, or straight to the street's joint meeting (吹哨报到). Written once; both meetings
    show it and carry an event."""

    class Target(models.TextChoices):
        NEXT_LEVEL = "next_level", _("上一级议事会")
        JOINT_MEETING = "joint_meeting", _("吹哨报到会议")

    from_meeting = models.ForeignKey(Meeting, verbose_name=_("提交会议"), on_delete=models.PROTECT,
                                     related_name="referrals_out")
    decision = models.ForeignKey(Decision, verbose_name=_("相关决定"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("事项"))
    target = models.CharField(_("提交至"), max_length=16, choices=Target.choices)
    to_meeting = models.ForeignKey(Meeting, verbose_name=_("接收会议"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="referrals_in")
    # The id of the linli.meetings JointMeeting (that app sits above this one: no foreign key upwards).
    joint_meeting_ref = models.PositiveIntegerField(_("吹哨报到会议编号"), null=True, blank=True, db_index=True)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT,
                                    related_name="+")
    referred_at = models.DateTimeField(_("提交时间"), default=timezone.now)

    class Meta:
        verbose_name = _("上报事项")
        verbose_name_plural = _("上报事项")
        ordering = ["-referred_at", "-id"]

    def __str__(self):
        return self.text[:40]
