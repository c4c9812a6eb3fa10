"""Surveys that ask every household (逐户征求意见, seed 000): a survey of a building, an estate or a community, its
questions and options, and one answer per home.

A survey is an opinion survey, not a vote: nothing in it is a decision of the owners under Civil Code art. 278 (nor
a written assembly meeting under 物业管理条例 art. 12), it counts homes (逐户), never exclusive area, and it binds
nobody. It is how the owners' committee learns the owners' and users' opinions (Beijing art. 44(5)), how a
物业管理委员会 consults all owners on common matters (Beijing art. 56) and how the street asks the owners before it
settles a matter (e.g. Beijing art. 17); a decision is then a Motion.

The home is the unit: a home's answer is a ``SurveyResponse``. The first answer counts; a later one for the same
home (online by any occupant, or from a paper form entered by staff or a volunteer) is a correction: a new row that
supersedes the one before, recorded with who. Responses are append-only (linli.core.events).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.events import AppendOnlyQuerySet, Event
from linli.people.scopes import scope_for
from linli.places.models import Division, Estate, Home


def _volunteer_community_ids(person_id):
    """Communities where the person is an active volunteer (paper forms are carried door to door by them)."""
    from linli.volunteers.models import Volunteer

    if not person_id:
        return []
    return list(Volunteer.objects.filter(person_id=person_id, active=True).values_list("community_id", flat=True))


class SurveyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff who serve the place; the estate's committee members (drafts: their own); once it is published, the
        residents of its homes and the volunteers of its community."""
        scope = scope_for(user)
        staff_estates = Estate.objects.managed_by_staff_of(user)
        q = Q(estate__in=staff_estates)
        if scope.is_staff_member:
            communities = Q(pk__in=staff_estates.values("community_id"))
            for path in scope.paths:
                communities |= Q(path__startswith=path)
            q |= Q(estate__isnull=True, community__in=Division.objects.filter(communities))
        if scope.committee_estate_ids:
            # The committee's own drafts, and every published survey of its estate (not the street's drafts).
            q |= Q(estate_id__in=scope.committee_estate_ids) & (
                Q(published_at__isnull=False) | Q(committee_id__in=scope.committee_org_ids))
        published = Q(published_at__isnull=False)
        if scope.home_ids:
            homes = Home.objects.filter(pk__in=scope.home_ids)
            q |= published & (
                Q(building__isnull=True, estate_id__in=homes.values("estate_id"))
                | Q(building_id__in=homes.values("building_id"))
                | Q(estate__isnull=True, community_id__in=homes.values("estate__community_id"))
            )
        volunteer_of = _volunteer_community_ids(scope.person_id)
        if volunteer_of:
            q |= published & Q(community_id__in=volunteer_of)
        return self.filter(q)


class Survey(models.Model):
    """An opinion survey of every household of a building, an estate or a community (逐户征求意见); not a vote."""

    class Scope(models.TextChoices):
        BUILDING = "building", _("楼栋")
        ESTATE = "estate", _("小区")
        COMMUNITY = "community", _("社区")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        UPCOMING = "upcoming", _("未开始")
        OPEN = "open", _("征询中")
        ENDED = "ended", _("已截止")
        CLOSED = "closed", _("已关闭")

    title = models.CharField(_("标题"), max_length=150)
    intro = models.TextField(_("说明"), blank=True)
    scope = models.CharField(_("征询范围"), max_length=16, choices=Scope.choices)
    community = models.ForeignKey("places.Division", verbose_name=_("社区"), on_delete=models.PROTECT,
                                  related_name="+")
    estate = models.ForeignKey("places.Estate", verbose_name=_("小区"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="surveys")
    building = models.ForeignKey("places.Building", verbose_name=_("楼栋"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    opens_on = models.DateField(_("征询开始"))
    closes_on = models.DateField(_("征询截止"), db_index=True)
    # Drafted by a member of the estate's owners' committee / 物业管理委员会 (Beijing arts. 44(5), 56): the body;
    # empty when drafted by the staff of the area (community, street, district).
    committee = models.ForeignKey("people.Organization", verbose_name=_("发起的业委会/物管会"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("起草人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("起草时间"), default=timezone.now)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("关闭人"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    closed_reason = models.CharField(_("关闭原因"), max_length=200, blank=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("意见征询")
        verbose_name_plural = _("意见征询")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")),
                                   name="survey_closes_after_it_opens"),
        ]

    def __str__(self):
        return self.title

    @property
    def place(self):
        return self.building or self.estate or self.community

    def status_on(self, on=None) -> str:
        on = on or timezone.localdate()
        if self.closed_at is not None:
            return self.Status.CLOSED
        if self.published_at is None:
            return self.Status.DRAFT
        if on < self.opens_on:
            return self.Status.UPCOMING
        if on > self.closes_on:
            return self.Status.ENDED
        return self.Status.OPEN

    @property
    def status(self) -> str:
        return self.status_on()

    def get_status_display(self) -> str:
        return str(dict(self.Status.choices)[self.status])

    def is_open(self, on=None) -> bool:
        return self.status_on(on) == self.Status.OPEN

    def homes(self):
        """The homes asked (逐户): those of the building, the estate or the community."""
        if self.building_id:
            return Home.objects.filter(building_id=self.building_id)
        if self.estate_id:
            return Home.objects.filter(estate_id=self.estate_id)
        return Home.objects.filter(estate__community_id=self.community_id)

    def covers(self, home) -> bool:
        if self.building_id:
            return home.building_id == self.building_id
        if self.estate_id:
            return home.estate_id == self.estate_id
        return Estate.objects.filter(pk=home.estate_id, community_id=self.community_id).exists()


class SurveyQuestion(models.Model):
    """A question of a survey, in order: single choice, multiple choice or text; required or not."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("单选")
        MULTIPLE = "multiple", _("多选")
        TEXT = "text", _("文字")

    survey = models.ForeignKey(Survey, verbose_name=_("意见征询"), on_delete=models.PROTECT,
                               related_name="questions")
    position = models.PositiveSmallIntegerField(_("序号"))
    kind = models.CharField(_("题型"), max_length=10, choices=Kind.choices)
    text = models.CharField(_("问题"), max_length=300)
    required = models.BooleanField(_("必答"), default=True)

    class Meta:
        verbose_name = _("征询问题")
        verbose_name_plural = _("征询问题")
        ordering = ["survey_id", "position"]
        constraints = [models.UniqueConstraint(fields=["survey", "position"], name="survey_question_position")]

    def __str__(self):
        return f"{self.position}. {self.text}"

    @property
    def is_choice(self) -> bool:
        return self.kind != self.Kind.TEXT


class SurveyOption(models.Model):
    """An option of a choice question, in order."""

    question = models.ForeignKey(SurveyQuestion, verbose_name=_("问题"), on_delete=models.PROTECT,
                                 related_name="options")
    position = models.PositiveSmallIntegerField(_("序号"))
    label = models.CharField(_("选项"), max_length=150)

    class Meta:
        verbose_name = _("征询选项")
        verbose_name_plural = _("征询选项")
        ordering = ["question_id", "position"]
        constraints = [models.UniqueConstraint(fields=["question", "position"], name="survey_option_position")]

    def __str__(self):
        return self.label


class SurveyResponse(Event):
    """A home's answer to a survey (append-only). ``kind`` is the channel (online, paper); ``actor`` who submitted
    it online or entered the paper form; ``data["answers"]`` maps question ids to option ids (a list) or a text.
    A correction is a new row that ``supersedes`` the home's answer before it; the current answer is the one no
    row supersedes (one first answer per home and survey, and one correction of each row: the constraints)."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("网上")
        PAPER = "paper", _("纸质入户")

    survey = models.ForeignKey(Survey, verbose_name=_("意见征询"), on_delete=models.PROTECT,
                               related_name="responses")
    home = models.ForeignKey("places.Home", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="+")
    # Online: the occupant who answered for the home (any current occupant may). Paper: nobody on record.
    person = models.ForeignKey("people.Person", verbose_name=_("答复人"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    paper_no = models.CharField(_("纸质表编号"), max_length=40, blank=True)
    supersedes = models.OneToOneField("self", verbose_name=_("更正的答复"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="superseded_by")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("逐户答复")
        verbose_name_plural = _("逐户答复")
        ordering = ["survey_id", "home_id", "at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "home"], condition=Q(supersedes__isnull=True),
                                    name="survey_one_first_answer_per_home"),
        ]

    def __str__(self):
        return f"{self.survey_id} · {self.home_id} · {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def get_channel_display(self) -> str:
        return str(dict(self.Channel.choices).get(self.kind, self.kind))

    @property
    def answers(self) -> dict:
        return (self.data or {}).get("answers", {})
