"""Owners' decisions: meetings with minutes, motions with their electorate and ballots, notices, selection cases."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from linli.assembly import tally
from linli.core.events import Event
from linli.people.scopes import scope_for
from linli.places.models import Division, Estate

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


# -- motions, electorate, ballots --------------------------------------------------------------------------


class MotionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Everyone who sees the estate: its staff, its street/community, its residents (the public part)."""
        return self.filter(estate__in=_estates_visible(user))


class Motion(models.Model):
    """A matter put to the owners of an estate for a vote under Civil Code art. 278."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        OPEN = "open", _("表决中")
        CLOSED = "closed", _("已计票")

    estate = models.ForeignKey("places.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="motions")
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("业主大会会议"), null=True, blank=True, on_delete=models.PROTECT, related_name="motions"
    )
    matter = models.CharField(_("表决事项"), max_length=24, choices=MATTER_CHOICES)
    title = models.CharField(_("标题"), max_length=150)
    body = models.TextField(_("表决内容"), blank=True)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"), db_index=True)
    secret = models.BooleanField(_("无记名投票"), default=False)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # The result, written once when the vote is closed.
    quorum_met = models.BooleanField(_("参与表决达到三分之二"), null=True)
    approved = models.BooleanField(_("通过"), null=True)
    total_area = models.DecimalField(_("总面积"), max_digits=14, decimal_places=2, null=True)
    total_owners = models.PositiveIntegerField(_("总人数"), null=True)
    voting_area = models.DecimalField(_("参与表决面积"), max_digits=14, decimal_places=2, null=True)
    voting_owners = models.PositiveIntegerField(_("参与表决人数"), null=True)
    for_area = models.DecimalField(_("同意面积"), max_digits=14, decimal_places=2, null=True)
    for_owners = models.PositiveIntegerField(_("同意人数"), null=True)
    against_area = models.DecimalField(_("反对面积"), max_digits=14, decimal_places=2, null=True)
    against_owners = models.PositiveIntegerField(_("反对人数"), null=True)
    abstain_area = models.DecimalField(_("弃权面积"), max_digits=14, decimal_places=2, null=True)
    abstain_owners = models.PositiveIntegerField(_("弃权人数"), null=True)
    explanation = models.TextField(_("计票说明"), blank=True)
    closed_at = models.DateTimeField(_("计票时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = MotionQuerySet.as_manager()

    class Meta:
        verbose_name = _("表决事项")
        verbose_name_plural = _("表决事项")
        ordering = ["-opens_at", "-id"]
        indexes = [models.Index(fields=["status", "closes_at"])]

    def __str__(self):
        return self.title

    @property
    def rule(self) -> tally.Matter:
        return tally.MATTERS[self.matter]

    @property
    def threshold_label(self) -> str:
        return gettext(tally.THRESHOLD_LABELS[self.rule.threshold])

    @property
    def explanation_text(self) -> str:
        """The account of the count in the reader's language, from the stored figures (``explanation`` keeps the
        text as written when the vote was closed)."""
        if self.quorum_met is None or self.total_area is None:
            return self.explanation
        return tally.explain(self.rule, quorum_met=self.quorum_met, approved=self.approved,
                             threshold=self.rule.threshold, total_area=self.total_area, total_owners=self.total_owners,
                             voting_area=self.voting_area, voting_owners=self.voting_owners, for_area=self.for_area,
                             for_owners=self.for_owners)

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.OPEN and self.opens_at <= now < self.closes_at


class Elector(models.Model):
    """One owner in a motion's electorate (a snapshot of the registry when the vote opened).

    Co-owners of a home are one elector; a person with several homes is one elector with all of them; the
    developer's unsold homes are one elector (SPC interpretation art. 9).
    """

    motion = models.ForeignKey(Motion, verbose_name=_("表决事项"), on_delete=models.PROTECT, related_name="electors")
    key = models.CharField(_("业主标识"), max_length=200)
    label = models.CharField(_("业主"), max_length=200)
    is_developer = models.BooleanField(_("建设单位未售房屋"), default=False)
    area = models.DecimalField(_("专有部分面积"), max_digits=12, decimal_places=2)
    persons = models.ManyToManyField("people.Person", verbose_name=_("人员"), blank=True, related_name="+")

    class Meta:
        verbose_name = _("表决业主")
        verbose_name_plural = _("表决业主")
        ordering = ["motion_id", "id"]
        constraints = [models.UniqueConstraint(fields=["motion", "key"], name="elector_unique_key_per_motion")]

    def __str__(self):
        return self.label


class ElectorHome(models.Model):
    """A home counted for an elector, with its area as it stood when the vote opened."""

    elector = models.ForeignKey(Elector, verbose_name=_("表决业主"), on_delete=models.PROTECT, related_name="homes")
    home = models.ForeignKey("places.Home", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="+")
    area = models.DecimalField(_("专有部分面积"), max_digits=9, decimal_places=2)

    class Meta:
        verbose_name = _("表决房屋")
        verbose_name_plural = _("表决房屋")
        ordering = ["elector_id", "home_id"]
        constraints = [models.UniqueConstraint(fields=["elector", "home"], name="elector_home_unique")]

    def __str__(self):
        return f"{self.elector_id} · {self.home_id}"


class Choice(models.TextChoices):
    FOR = tally.FOR, _("同意")
    AGAINST = tally.AGAINST, _("反对")
    ABSTAIN = tally.ABSTAIN, _("弃权")


class Channel(models.TextChoices):
    ONLINE = "online", _("线上")
    PAPER = "paper", _("纸质票")


def _sheet_path(instance, filename):
    return f"assembly/ballots/{instance.motion_id}/{filename}"


class Ballot(models.Model):
    """An owner's current ballot on a motion (one per elector); every cast or change is a BallotEvent."""

    motion = models.ForeignKey(Motion, verbose_name=_("表决事项"), on_delete=models.PROTECT, related_name="ballots")
    elector = models.OneToOneField(Elector, verbose_name=_("表决业主"), on_delete=models.PROTECT, related_name="ballot")
    choice = models.CharField(_("表决意见"), max_length=8, choices=Choice.choices)
    channel = models.CharField(_("方式"), max_length=8, choices=Channel.choices)
    sheet = models.FileField(_("纸质票扫描件"), upload_to=_sheet_path, blank=True)
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("投票/录入人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    cast_at = models.DateTimeField(_("首次投票"), default=timezone.now)
    changed_at = models.DateTimeField(_("最近修改"), default=timezone.now)

    class Meta:
        verbose_name = _("表决票")
        verbose_name_plural = _("表决票")
        ordering = ["motion_id", "elector_id"]

    def __str__(self):
        return f"{self.motion_id} · {self.elector_id}"  # never the choice: ballots may be secret


class BallotEvent(Event):
    """Append-only history of a ballot: cast, changed (with the choice; hidden on secret ballots)."""

    ballot = models.ForeignKey(Ballot, verbose_name=_("表决票"), on_delete=models.PROTECT, related_name="events")
    # kind: cast | changed
    choice = models.CharField(_("表决意见"), max_length=8, choices=Choice.choices)
    channel = models.CharField(_("方式"), max_length=8, choices=Channel.choices)

    class Meta:
        verbose_name = _("表决票记录")
        verbose_name_plural = _("表决票记录")
        ordering = ["ballot_id", "at", "id"]

    def __str__(self):
        return f"{self.ballot_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class MotionEvent(Event):
    """Append-only history of a motion: opened (with the electorate's size), closed (with the result)."""

    motion = models.ForeignKey(Motion, verbose_name=_("表决事项"), on_delete=models.PROTECT, related_name="events")

    class Meta:
        verbose_name = _("表决记录")
        verbose_name_plural = _("表决记录")
        ordering = ["motion_id", "at", "id"]

    def __str__(self):
        return f"{self.motion_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


# -- notices (公示) -----------------------------------------------------------------------------------------


class NoticeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Anyone who sees the estate, or the community for a community-wide notice."""
        return self.filter(
            Q(estate__in=_estates_visible(user))
            | Q(estate__isnull=True, community__in=Division.objects.visible_to(user))
        )

    def public_for(self, estate, on=None):
        """Notices shown on an estate's public page: its own, its buildings', its community's; now posted."""
        on = on or timezone.localdate()
        return self.filter(
            Q(estate=estate) | Q(estate__isnull=True, community_id=estate.community_id),
            withdrawn_at__isnull=True, posted_on__lte=on,
        )


class Notice(models.Model):
    """A public notice (公示) with a notice period, for a building, an estate or a community."""

    class Scope(models.TextChoices):
        BUILDING = "building", _("楼栋")
        ESTATE = "estate", _("小区")
        COMMUNITY = "community", _("社区")

    # A decision of the owners is posted within 3 days of being taken.
    DECISION_POSTING_DAYS = 3
    DEFAULT_PERIOD_DAYS = 7

    title = models.CharField(_("标题"), max_length=150)
    body = models.TextField(_("正文"))
    scope = models.CharField(_("公示范围"), max_length=16, choices=Scope.choices)
    community = models.ForeignKey(
        "places.Division", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    estate = models.ForeignKey(
        "places.Estate", verbose_name=_("小区"), null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    building = models.ForeignKey(
        "places.Building", verbose_name=_("楼栋"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    posted_on = models.DateField(_("公示开始"), db_index=True)
    ends_on = models.DateField(_("公示结束"))
    motion = models.OneToOneField(
        Motion, verbose_name=_("表决事项"), null=True, blank=True, on_delete=models.PROTECT, related_name="notice"
    )
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("会议"), null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("撤回原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("发布时间"), default=timezone.now)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["-posted_on", "-id"]

    def __str__(self):
        return self.title

    def is_current(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.withdrawn_at is None and self.posted_on <= on <= self.ends_on


def _attachment_path(instance, filename):
    return f"assembly/notices/{instance.notice_id}/{filename}"


class NoticeAttachment(models.Model):
    """A file attached to a notice (a scanned decision, a contract, a budget …)."""

    notice = models.ForeignKey(Notice, verbose_name=_("公示"), on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("附件"), upload_to=_attachment_path)
    name = models.CharField(_("名称"), max_length=120)

    class Meta:
        verbose_name = _("公示附件")
        verbose_name_plural = _("公示附件")
        ordering = ["notice_id", "id"]

    def __str__(self):
        return self.name


class Acknowledgement(models.Model):
    """A resident has read a notice (已阅)."""

    notice = models.ForeignKey(Notice, verbose_name=_("公示"), on_delete=models.PROTECT, related_name="acks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("已阅")
        verbose_name_plural = _("已阅")
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="ack_once_per_user")]

    def __str__(self):
        return f"{self.notice_id} · {self.user_id}"


# -- from unmanaged to managed --------------------------------------------------------------------------------


class SelectionCaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(estate__in=_estates_visible(user))


class SelectionCase(models.Model):
    """Choosing who manages an estate: an unmanaged estate finding a manager, or a contract up for renewal."""

    class Kind(models.TextChoices):
        UNMANAGED = "unmanaged", _("无人管理小区选定管理方式")
        RENEWAL = "renewal", _("物业服务合同续聘/另聘")

    class Mode(models.TextChoices):
        HIRE = "hire", _("选聘物业服务企业")
        SELF = "self", _("业主自行管理")

    class Status(models.TextChoices):
        OPEN = "open", _("待业主大会决定管理方式")
        SELECTING = "selecting", _("选聘中")
        SELF_MANAGED = "self_managed", _("已决定自行管理")
        HIRED = "hired", _("已选聘")
        CUSTODIAN = "custodian", _("国有企业托底")

    CLOSED = (Status.SELF_MANAGED, Status.HIRED, Status.CUSTODIAN)
    RENEWAL_DAYS = 90  # Civil Code art. 947: renewal is decided before the term ends; opened 90 days ahead

    estate = models.ForeignKey("places.Estate", verbose_name=_("小区"), on_delete=models.PROTECT,
                               related_name="selection_cases")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True)
    mode = models.CharField(_("管理方式"), max_length=8, choices=Mode.choices, blank=True)
    deadline = models.DateField(_("选聘期限"), null=True, blank=True, db_index=True)
    expiring = models.OneToOneField(
        "places.Stewardship", verbose_name=_("到期的管理"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="renewal_case",
    )
    outcome = models.ForeignKey(
        "places.Stewardship", verbose_name=_("结果"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("立案时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("立案人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = SelectionCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("选聘案")
        verbose_name_plural = _("选聘案")
        ordering = ["-opened_at", "-id"]

    def __str__(self):
        return f"{self.estate} · {self.get_kind_display()}"

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED


class SelectionEvent(Event):
    """Append-only history of a selection case: every step, with its basis (a motion, a meeting, a consent)."""

    case = models.ForeignKey(SelectionCase, verbose_name=_("选聘案"), on_delete=models.PROTECT, related_name="events")
    motion = models.ForeignKey(Motion, verbose_name=_("依据的表决"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")

    class Meta:
        verbose_name = _("选聘记录")
        verbose_name_plural = _("选聘记录")
        ordering = ["case_id", "at", "id"]

    def __str__(self):
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
