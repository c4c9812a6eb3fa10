"""Bodies that speak for an estate's owners: the owners' committee (业主委员会) and the 物业管理委员会.

Law (../shared/law/北京市物业管理条例(2024-03-29).md, chapter 4; 物业管理条例; Civil Code arts. 277–278):
- an owners' committee is elected by the owners' assembly (Civil Code art. 278(1)(3); Linli's ``elect_committee``
  matter) for a term of at most five years (Beijing art. 41), filed with the street within 30 days of its
  election (art. 43), reports to the owners six months before its term ends (art. 49);
- where no owners' committee can be elected, the street forms a 物业管理委员会 of at least seven members from the
  residents' committee, owners and users, for a term of at most three years, acting in the committee's place
  (arts. 52–58; dissolved once an owners' committee is elected and filed, art. 59).

A body is a people.Organization (kind ``owners_committee`` or ``pm_committee``, with its estate); its members are
people.Post rows of that organisation (chair, vice-chair, members, alternates), so that a member's other posts
(交叉任职) show beside them, and a current seat is the committee member's role (people.scopes). This model keeps
what the law asks of the body itself: its term, how it came to be, its filing and its report.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.events import Event

from .meetings import _estates_visible


class CommitteeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Everyone who sees the estate (the committee and its contacts are public to the estate, art. 44)."""
        return self.filter(estate__in=_estates_visible(user))

    def serving(self, on=None):
        """Bodies in office on ``on`` (today): their term has begun and neither ended nor been dissolved (a body
        dissolved on a day no longer serves that day, as a post that ends on it)."""
        on = on or timezone.localdate()
        return self.filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=on), term_starts__lte=on,
                           term_ends__gte=on)


class Committee(models.Model):
    """One term of an owners' committee or of a 物业管理委员会 of an estate."""

    class Kind(models.TextChoices):
        OWNERS = "owners", _("业主委员会")
        MANAGEMENT = "management", _("物业管理委员会")

    # Beijing art. 41: an owners' committee's term is at most five years; art. 58: a 物业管理委员会's at most three.
    MAX_TERM_YEARS = {Kind.OWNERS: 5, Kind.MANAGEMENT: 3}
    # Beijing art. 43: filed with the street within 30 days of the election.
    FILING_DAYS = 30
    # Beijing art. 49: the committee reports in writing to the street six months before its term ends.
    TERM_REPORT_MONTHS = 6
    # Beijing art. 54: a 物业管理委员会 has at least seven members (an odd number).
    MANAGEMENT_MIN_MEMBERS = 7

    organization = models.OneToOneField(
        "people.Organization", verbose_name=_("组织"), on_delete=models.PROTECT, related_name="committee_term",
    )
    estate = models.ForeignKey("places.Estate", verbose_name=_("小区"), on_delete=models.PROTECT,
                               related_name="committees")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("届次"), default=1)
    term_starts = models.DateField(_("任期开始"))
    term_ends = models.DateField(_("任期届满"), db_index=True)
    # How it came to be: an owners' committee by a passed ``elect_committee`` motion (or, for one elected before
    # Linli, a recorded result); a 物业管理委员会 by the street's decision (its document number).
    elected_by = models.ForeignKey(
        "assembly.Motion", verbose_name=_("选举表决"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="committees_elected",
    )
    basis = models.CharField(_("依据/文号"), max_length=200, blank=True)
    elected_on = models.DateField(_("选举/组建日期"))
    # Beijing art. 43: the filing with the street (备案).
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    filing_received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("备案受理人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    # Beijing art. 49: the written report to the street before the term ends.
    term_report_on = models.DateField(_("届满前报告日期"), null=True, blank=True)
    dissolved_on = models.DateField(_("提前终止日期"), null=True, blank=True)
    dissolved_reason = models.CharField(_("终止原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = CommitteeQuerySet.as_manager()

    class Meta:
        verbose_name = _("业委会/物管会")
        verbose_name_plural = _("业委会/物管会")
        ordering = ["estate_id", "-term_starts", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(term_ends__gte=models.F("term_starts")),
                                   name="committee_term_ends_after_it_starts"),
        ]

    def __str__(self):
        return f"{self.estate} · {self.get_kind_display()} · 第{self.number}届"

    # -- deadlines the law sets (Beijing arts. 43, 49) ----------------------------------------------------------
    @property
    def filing_due(self):
        """Beijing art. 43: the owners' committee applies for filing within 30 days of its election."""
        return self.elected_on + datetime.timedelta(days=self.FILING_DAYS)

    def filing_status(self, today=None) -> str:
        """``filed``, ``overdue`` (not filed and past ``filing_due``) or ``due`` (not yet due). A 物业管理委员会 is
        formed by the street itself: it is ``formed`` (its own filing of art. 55 applies only where an assembly
        exists; recorded the same way when it is made)."""
        today = today or timezone.localdate()
        if self.filed_on:
            return "filed"
        if self.kind == self.Kind.MANAGEMENT:
            return "formed"
        return "overdue" if today > self.filing_due else "due"

    @property
    def report_due(self):
        """Beijing art. 49: the written report to the street six months before the term ends."""
        return add_months(self.term_ends, -self.TERM_REPORT_MONTHS)

    def report_status(self, today=None) -> str:
        """``reported``, ``overdue`` (past ``report_due``, none recorded), ``due`` (the report period has begun:
        within a month of the day) or ``later``. Only an owners' committee reports (art. 49)."""
        today = today or timezone.localdate()
        if self.kind != self.Kind.OWNERS:
            return ""
        if self.term_report_on:
            return "reported"
        if today > self.report_due:
            return "overdue"
        return "due" if today >= add_months(self.report_due, -1) else "later"

    def ends_within(self, months: int, today=None) -> bool:
        """Its term ends within ``months`` months of ``today`` (and has not ended)."""
        today = today or timezone.localdate()
        return today <= self.term_ends <= add_months(today, months)

    def is_serving(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.term_starts <= on <= self.term_ends and (self.dissolved_on is None or self.dissolved_on > on)


def add_months(day, months: int):
    """``day`` moved by ``months`` calendar months (the 31st becomes the last day of a shorter month)."""
    import calendar

    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day, years: int):
    """``day`` moved by ``years`` years (29 February becomes 28 February)."""
    return add_months(day, 12 * years)


class MemberEnd(models.TextChoices):
    """Why a member's seat ends. Beijing art. 46 para. 1: the qualification ends by itself on the day of (1) no
    longer owning in the estate, (2) a written resignation, (3) being unable to serve for health or similar reasons
    without resigning; para. 2: removal by the owners' assembly (absence, art. 39 conditions lost, art. 47 acts).
    The end of a term and the step-in of an alternate (art. 41 para. 3) are recorded the same way."""

    NOT_OWNER = "not_owner", _("不再是本物业管理区域内业主（第四十六条第一款第一项）")
    RESIGNED = "resigned", _("以书面形式向业主委员会提出辞职（第四十六条第一款第二项）")
    UNABLE = "unable", _("因健康等原因无法履行职责且未提出辞职（第四十六条第一款第三项）")
    REMOVED = "removed", _("业主大会罢免（第四十六条第二款）")


class CommitteeCandidate(models.Model):
    """One person on the slate of an ``elect_committee`` motion, with the seat they stand for: entered while the
    motion is a draft, fixed once the vote opens; installed as a people.Post when the motion passes."""

    class Seat(models.TextChoices):
        CHAIR = "chair", _("主任")
        VICE_CHAIR = "vice_chair", _("副主任")
        MEMBER = "member", _("委员")
        ALTERNATE = "alternate", _("候补委员")

    motion = models.ForeignKey("assembly.Motion", verbose_name=_("表决事项"), on_delete=models.PROTECT,
                               related_name="candidates")
    person = models.ForeignKey("people.Person", verbose_name=_("候选人"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("拟任职务"), max_length=20, choices=Seat.choices, default=Seat.MEMBER)
    position = models.PositiveSmallIntegerField(_("序号"), default=1)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True,
                                 on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("业主委员会候选人")
        verbose_name_plural = _("业主委员会候选人")
        ordering = ["motion_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["motion", "person"], name="candidate_once_per_motion")]

    def __str__(self):
        return f"{self.person} · {self.get_title_display()}"


class CommitteeDocument(models.Model):
    """A document of a body: its filing papers (Beijing art. 43), rules of procedure, the term report (art. 49) …
    Never replaced: a newer document is a new row."""

    class Kind(models.TextChoices):
        ELECTION_RESULT = "election_result", _("选举结果")
        MEMBER_LIST = "member_list", _("成员名单")
        RULES = "rules", _("议事规则/管理规约")
        FILING = "filing", _("备案材料")
        TERM_REPORT = "term_report", _("届满前工作报告")
        FORMATION = "formation", _("组建决定")
        OTHER = "other", _("其他")

    committee = models.ForeignKey(Committee, verbose_name=_("业委会/物管会"), on_delete=models.PROTECT,
                                  related_name="documents")
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=150)
    file = models.FileField(_("文件"), upload_to="committees/%Y/%m/", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True,
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("业委会/物管会文件")
        verbose_name_plural = _("业委会/物管会文件")
        ordering = ["committee_id", "-uploaded_at", "-id"]

    def __str__(self):
        return self.title


class CommitteeEvent(Event):
    """Append-only history of a body: elected/formed, members installed, filed, a member's seat ended (art. 46),
    the term report, dissolved."""

    committee = models.ForeignKey(Committee, verbose_name=_("业委会/物管会"), on_delete=models.PROTECT,
                                  related_name="events")

    class Meta:
        verbose_name = _("业委会/物管会记录")
        verbose_name_plural = _("业委会/物管会记录")
        ordering = ["committee_id", "at", "id"]

    def __str__(self):
        return f"{self.committee_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
