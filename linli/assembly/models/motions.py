"""Motions (表决事项), their electorate and ballots (Civil Code art. 278)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from linli.assembly import tally
from linli.core.events import Event

from .meetings import MATTER_CHOICES, Meeting, _estates_visible, _staff_estates

# -- motions, electorate, ballots --------------------------------------------------------------------------


class MotionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Everyone who sees the estate: its staff, its street/community, its residents (the public part). A
        committee's draft before its approval is not public yet: only the estate's staff see it here (the committee
        reads its drafts on its own pages, issue 19)."""
        return self.filter(estate__in=_estates_visible(user)).exclude(
            Q(review_status__in=["submitted", "returned"]) & ~Q(estate__in=_staff_estates(user)))


# The ways an estate may be managed that the owners choose under art. 278(1)(4) and art. 284 (Stewardship.Mode).
MANAGER_MODES = [
    ("market", _("市场化物业（选聘物业服务企业）")),
    ("self", _("业主自行管理")),
    ("custodian", _("国有企业托管")),
]


class Motion(models.Model):
    """A matter put to the owners of an estate for a vote under Civil Code art. 278."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        OPEN = "open", _("表决中")
        CLOSED = "closed", _("已计票")

    class Review(models.TextChoices):
        SUBMITTED = "submitted", _("待街道审核")
        RETURNED = "returned", _("已退回修改")
        APPROVED = "approved", _("审核通过")

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
    # A motion choosing a manager (art. 278(1)(4)) says whom, as fields the selection case checks (art. 280): a
    # yes/no motion on the motion itself; a motion with options (三选一) on each option (MotionOption).
    manager_mode = models.CharField(_("选定的管理方式"), max_length=16, choices=MANAGER_MODES, blank=True)
    provider = models.ForeignKey(
        "people.Organization", verbose_name=_("选定的物业服务企业"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    case = models.ForeignKey(
        "assembly.SelectionCase", verbose_name=_("选聘案"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="motions",
    )
    # A documented exception to the notice period or the minimum voting period (linli/assembly/rules.py).
    timing_exception = models.CharField(_("表决时间例外理由"), max_length=300, blank=True)
    timing_exception_document = models.CharField(_("例外依据文号"), max_length=100, blank=True)
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
    winning_option = models.ForeignKey(
        "assembly.MotionOption", verbose_name=_("胜出选项"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("计票时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    # -- issue 19: a committee's draft, reviewed by the street (linli/assembly/services/review.py) ----------------
    # "" for a motion drafted by an admin (no review); a committee member's draft is submitted, then returned with
    # a reason (revised and submitted again) or approved. Only an approved draft may be opened, by an admin.
    review_status = models.CharField(_("审核状态"), max_length=10, choices=Review.choices, blank=True, default="",
                                     db_index=True)
    submitted_at = models.DateTimeField(_("提交审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_reason = models.CharField(_("退回理由"), max_length=300, blank=True)
    # When the owners were told of the vote: its approval for a committee's draft (the notice period runs from
    # then, Beijing art. 35 para. 4); empty for an admin's motion, announced when created.
    announced_at = models.DateTimeField(_("公告时间"), null=True, blank=True)
    # -- issue 20 (repair fund): a vote of the homes concerned only. Using the repair fund for the common parts of
    # some buildings is decided by the owners of the homes that share its cost (Beijing 物业管理条例 art. 86, Civil
    # Code art. 278 para. 2 counted over them): when set, the electorate fixed at opening holds only these homes,
    # so the tally counts only them. Empty: every home of the estate.
    concerned_homes = models.ManyToManyField("places.Home", verbose_name=_("相关业主的房屋"), blank=True,
                                             related_name="+")

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
    def has_options(self) -> bool:
        """A motion with options (三选一): each owner chooses one option or abstains."""
        if not self.pk:
            return False
        if not hasattr(self, "_has_options"):
            self._has_options = self.options.exists()
        return self._has_options

    def ballot_choices(self) -> list[tuple[str, str]]:
        """The choices a ballot on this motion may take, as (value, label): for, against, abstain on a yes/no
        motion; one value per option ("option:<pk>") and abstain on a motion with options."""
        if self.has_options:
            return [(f"option:{o.pk}", o.label) for o in self.options.all()] + [(Choice.ABSTAIN, Choice.ABSTAIN.label)]
        return [(c.value, c.label) for c in Choice]

    def parse_ballot_choice(self, value: str):
        """``(choice, option)`` for a value of ``ballot_choices()``; ValueError for anything else."""
        if value in tally.CHOICES:
            return value, None
        if isinstance(value, str) and value.startswith("option:") and self.pk:
            option = self.options.filter(pk=value.split(":", 1)[1]).first() if value[7:].isdigit() else None
            if option is not None:
                return tally.FOR, option
        raise ValueError(value)

    @property
    def chosen(self):
        """What a passed motion chose about the manager: (mode, provider) from the winning option or from the
        motion itself; (None, None) when it chose nothing."""
        if self.status != self.Status.CLOSED or not self.approved:
            return None, None
        if self.has_options:
            option = self.winning_option
            return (option.mode, option.provider) if option else (None, None)
        return (self.manager_mode or None), self.provider

    @property
    def has_timing_exception(self) -> bool:
        return bool(self.timing_exception.strip() and self.timing_exception_document.strip())

    @property
    def explanation_text(self) -> str:
        """The account of the count in the reader's language, from the stored figures (``explanation`` keeps the
        text as written when the vote was closed)."""
        if self.quorum_met is None or self.total_area is None:
            return self.explanation
        if self.has_options:
            return tally.explain_options(
                self.rule, quorum_met=self.quorum_met, total_area=self.total_area, total_owners=self.total_owners,
                voting_area=self.voting_area, voting_owners=self.voting_owners,
                options=[tally.OptionCount(key=str(o.pk), label=o.label, area=o.area or tally.ZERO,
                                           owners=o.owners or 0) for o in self.options.all()],
                winner=str(self.winning_option_id) if self.winning_option_id else None)
        return tally.explain(self.rule, quorum_met=self.quorum_met, approved=self.approved,
                             threshold=self.rule.threshold, total_area=self.total_area, total_owners=self.total_owners,
                             voting_area=self.voting_area, voting_owners=self.voting_owners, for_area=self.for_area,
                             for_owners=self.for_owners)

    @property
    def awaits_review(self) -> bool:
        """A committee's draft the street has not approved: nobody may open it."""
        return self.review_status in (self.Review.SUBMITTED, self.Review.RETURNED)

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.OPEN and self.opens_at <= now < self.closes_at



class MotionOption(models.Model):
    """One option of a motion with options (三选一): a named market company, self-management or the state
    custodian; counted on its own under art. 278(2)."""

    motion = models.ForeignKey(Motion, verbose_name=_("表决事项"), on_delete=models.PROTECT, related_name="options")
    position = models.PositiveSmallIntegerField(_("序号"), default=1)
    label = models.CharField(_("选项"), max_length=150)
    mode = models.CharField(_("管理方式"), max_length=16, choices=MANAGER_MODES)
    provider = models.ForeignKey(
        "people.Organization", verbose_name=_("物业服务企业"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    # The count, written once when the vote is closed.
    area = models.DecimalField(_("选择面积"), max_digits=14, decimal_places=2, null=True)
    owners = models.PositiveIntegerField(_("选择人数"), null=True)

    class Meta:
        verbose_name = _("表决选项")
        verbose_name_plural = _("表决选项")
        ordering = ["motion_id", "position", "id"]

    def __str__(self):
        return self.label


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
    """An owner's current ballot on a motion (one per elector); every cast or change is a BallotEvent, and the
    ballot's evidence is its current event's (the scan of the paper sheet that produced it, none online)."""

    motion = models.ForeignKey(Motion, verbose_name=_("表决事项"), on_delete=models.PROTECT, related_name="ballots")
    elector = models.OneToOneField(Elector, verbose_name=_("表决业主"), on_delete=models.PROTECT, related_name="ballot")
    choice = models.CharField(_("表决意见"), max_length=8, choices=Choice.choices)
    option = models.ForeignKey(MotionOption, verbose_name=_("选项"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="ballots")
    channel = models.CharField(_("方式"), max_length=8, choices=Channel.choices)
    current = models.ForeignKey(
        "BallotEvent", verbose_name=_("当前记录"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
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


def _event_sheet_path(instance, filename):
    return f"assembly/ballots/{instance.ballot.motion_id}/{filename}"


class BallotEvent(Event):
    """Append-only history of a ballot: cast, changed (with the choice; hidden on secret ballots), each with its
    own evidence: the scan of the paper sheet it was entered from (none for an online vote)."""

    ballot = models.ForeignKey(Ballot, verbose_name=_("表决票"), on_delete=models.PROTECT, related_name="events")
    # kind: cast | changed; data: {"replaces": id of the event it replaced} on a change
    choice = models.CharField(_("表决意见"), max_length=8, choices=Choice.choices)
    option = models.ForeignKey(MotionOption, verbose_name=_("选项"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    channel = models.CharField(_("方式"), max_length=8, choices=Channel.choices)
    sheet = models.FileField(_("纸质票扫描件"), upload_to=_event_sheet_path, blank=True)

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
