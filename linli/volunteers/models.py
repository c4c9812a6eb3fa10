"""Volunteers (志愿者/红管家), activities and points (积分制), rewards, rankings and the 红黑榜."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.events import AppendOnly, AppendOnlyQuerySet, Event
from linli.core.text import mask_name, redact
from linli.people.scopes import scope_for
from linli.volunteers.scoping import community_ids_q, person_q


class Skill(models.TextChoices):
    """What a volunteer can do, what an offer gives and what a need asks for (matching is by this)."""

    REPAIR = "repair", _("家电维修")
    PLUMBING = "plumbing", _("水电维修")
    CLEANING = "cleaning", _("清洁打扫")
    ERRANDS = "errands", _("代购送货")
    COMPANIONSHIP = "companionship", _("陪伴聊天")
    TUTORING = "tutoring", _("课业辅导")
    MEDICAL = "medical", _("义诊健康")
    LEGAL = "legal", _("法律咨询")
    PSYCHOLOGY = "psychology", _("心理咨询")
    HAIRCUT = "haircut", _("义务理发")
    MEDIATION = "mediation", _("矛盾调解")
    CULTURE = "culture", _("文艺活动")
    OTHER = "other", _("其他")


WEEKDAYS = ((0, _("周一")), (1, _("周二")), (2, _("周三")), (3, _("周四")), (4, _("周五")), (5, _("周六")), (6, _("周日")))


class TeamQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(community_ids_q(user, "community", staff_only=False))


class Team(models.Model):
    """A volunteer team or group of a community (爱心帮扶组, 环境整治组, 政策宣传组, 矛盾化解组 …)."""

    class Kind(models.TextChoices):
        CARE = "care", _("爱心帮扶组")
        ENVIRONMENT = "environment", _("环境整治组")
        POLICY = "policy", _("政策宣传组")
        MEDIATION = "mediation", _("矛盾化解组")
        PATROL = "patrol", _("平安巡逻队")
        OTHER = "other", _("其他")

    name = models.CharField(_("名称"), max_length=80)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    community = models.ForeignKey("places.Division", verbose_name=_("社区"), on_delete=models.PROTECT,
                                  related_name="volunteer_teams")
    description = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("志愿服务队")
        verbose_name_plural = _("志愿服务队")
        ordering = ["community_id", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="team_unique_name_per_community")]

    def __str__(self):
        return self.name


class VolunteerQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(community_ids_q(user, "community") | person_q(user))

    def active(self):
        return self.filter(active=True)


class Volunteer(models.Model):
    """A person's volunteer profile: skills, teams, availability, badge, and whether they show party identity."""

    class Badge(models.TextChoices):
        NONE = "", _("无")
        RED_STEWARD = "red_steward", _("红管家")
        BACKBONE = "backbone", _("居民骨干")
        CRAFTSMAN = "craftsman", _("能工巧匠")
        LAWYER = "lawyer", _("公益律师")

    person = models.OneToOneField("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT,
                                  related_name="volunteer")
    community = models.ForeignKey("places.Division", verbose_name=_("社区"), on_delete=models.PROTECT,
                                  related_name="volunteers")
    skills = models.JSONField(_("技能"), default=list, blank=True)
    teams = models.ManyToManyField(Team, verbose_name=_("所在队伍"), blank=True, related_name="members")
    weekdays = models.JSONField(_("可服务日"), default=list, blank=True, help_text=_("0=周一 … 6=周日"))
    availability = models.CharField(_("服务时间说明"), max_length=120, blank=True)
    badge = models.CharField(_("称号"), max_length=16, choices=Badge.choices, blank=True, default="")
    # 亮身份: a party member chooses to show it; stored here (public) apart from the sensitive person flag.
    shows_party_identity = models.BooleanField(_("亮明党员身份"), default=False)
    duty = models.CharField(_("亮职责"), max_length=120, blank=True)
    pledge = models.CharField(_("亮承诺"), max_length=200, blank=True)
    active = models.BooleanField(_("在册"), default=True)
    joined_on = models.DateField(_("加入日期"), default=timezone.localdate)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")
        ordering = ["community_id", "person__name", "pk"]

    def __str__(self):
        return str(self.person)

    def skill_labels(self) -> list[str]:
        labels = dict(Skill.choices)
        return [str(labels.get(s, s)) for s in self.skills]


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(community_ids_q(user, "community", staff_only=False))


class Activity(models.Model):
    """A volunteer activity with its points rule (积分规则); people sign up, check in and out, hours count."""

    class Kind(models.TextChoices):
        GARBAGE = "garbage", _("垃圾分类值守")
        PATROL = "patrol", _("平安巡查")
        MEDIATION = "mediation", _("矛盾调处")
        CLEANING = "cleaning", _("环境清扫")
        ELDERLY = "elderly", _("助老服务")
        PUBLICITY = "publicity", _("政策宣传")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        OPEN = "open", _("报名中")
        CLOSED = "closed", _("已结束")
        CANCELLED = "cancelled", _("已取消")

    title = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    community = models.ForeignKey("places.Division", verbose_name=_("社区"), on_delete=models.PROTECT,
                                  related_name="volunteer_activities")
    estate = models.ForeignKey("places.Estate", verbose_name=_("小区"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="volunteer_activities")
    team = models.ForeignKey(Team, verbose_name=_("组织队伍"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="activities")
    place = models.CharField(_("地点"), max_length=100, blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveIntegerField(_("名额"), null=True, blank=True)
    # The points rule: a fixed number for taking part plus a number per full hour, capped.
    points_fixed = models.PositiveIntegerField(_("参与积分"), default=0)
    points_per_hour = models.PositiveIntegerField(_("每小时积分"), default=0)
    points_cap = models.PositiveIntegerField(_("积分上限"), null=True, blank=True)
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("组织者"), on_delete=models.PROTECT,
                                  related_name="organised_activities")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    # Part of the signed QR token; a new nonce makes printed codes stop working.
    qr_nonce = models.CharField(max_length=16, default="", editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("志愿活动")
        verbose_name_plural = _("志愿活动")
        ordering = ["-starts_at", "pk"]
        indexes = [models.Index(fields=["community", "starts_at"])]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                              name="activity_ends_after_start")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.qr_nonce:
            self.qr_nonce = secrets.token_hex(4)
        super().save(*args, **kwargs)

    def rule_text(self) -> str:
        parts = []
        if self.points_fixed:
            parts.append(_("参与 %(n)s 分") % {"n": self.points_fixed})
        if self.points_per_hour:
            parts.append(_("每满 1 小时 %(n)s 分") % {"n": self.points_per_hour})
        if self.points_cap:
            parts.append(_("最多 %(n)s 分") % {"n": self.points_cap})
        return "，".join(parts) or str(_("不计积分"))


class ParticipationQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(community_ids_q(user, "activity__community") | person_q(user))


class Participation(models.Model):
    """One person in one activity: signed up, checked in, checked out; minutes and points follow from it."""

    class Status(models.TextChoices):
        SIGNED_UP = "signed_up", _("已报名")
        CHECKED_IN = "checked_in", _("已签到")
        DONE = "done", _("已签退")
        CANCELLED = "cancelled", _("已取消")

    class Via(models.TextChoices):
        ORGANISER = "organiser", _("组织者登记")
        QR = "qr", _("扫码")

    activity = models.ForeignKey(Activity, verbose_name=_("活动"), on_delete=models.PROTECT,
                                 related_name="participations")
    person = models.ForeignKey("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT,
                               related_name="participations")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.SIGNED_UP)
    signed_up_at = models.DateTimeField(_("报名时间"), default=timezone.now)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    checked_in_via = models.CharField(_("签到方式"), max_length=16, choices=Via.choices, blank=True)
    checked_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    checked_out_via = models.CharField(_("签退方式"), max_length=16, choices=Via.choices, blank=True)
    minutes = models.PositiveIntegerField(_("服务时长(分钟)"), default=0)
    points = models.IntegerField(_("所得积分"), default=0)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("活动参与")
        verbose_name_plural = _("活动参与")
        ordering = ["activity_id", "signed_up_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["activity", "person"], name="participation_once_per_person")]

    def __str__(self):
        return f"{self.person} · {self.activity}"

    @property
    def hours(self):
        return round(self.minutes / 60, 1)


class PointsAccount(models.Model):
    """The lock row of one person's points ledger: locked (select_for_update) before any entry that spends.

    It holds no balance; the balance is always the sum of the entries.
    """

    person = models.OneToOneField("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT,
                                  related_name="points_account")
    created_at = models.DateTimeField(_("开户时间"), default=timezone.now)

    class Meta:
        verbose_name = _("积分账户")
        verbose_name_plural = _("积分账户")

    def __str__(self):
        return str(self.person)


class PointsEntryQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user):
        return self.filter(community_ids_q(user, "community") | person_q(user, "account__person"))

    def earned(self):
        """Points earned (activities and grants), not spending or reversals of spending."""
        return self.filter(kind__in=[PointsEntry.Kind.ACTIVITY, PointsEntry.Kind.GRANT])


class PointsEntry(AppendOnly):
    """One line of the append-only points ledger (积分流水). A mistake is corrected by a reversing entry."""

    class Kind(models.TextChoices):
        ACTIVITY = "activity", _("活动积分")
        GRANT = "grant", _("手工奖励")
        DEDUCT = "deduct", _("手工扣减")
        REDEMPTION = "redemption", _("兑换")
        REVERSAL = "reversal", _("冲正")

    account = models.ForeignKey(PointsAccount, verbose_name=_("账户"), on_delete=models.PROTECT,
                                related_name="entries")
    amount = models.IntegerField(_("积分"))
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    reason = models.CharField(_("事由"), max_length=200)
    community = models.ForeignKey("places.Division", verbose_name=_("社区"), on_delete=models.PROTECT,
                                  related_name="+")
    estate = models.ForeignKey("places.Estate", verbose_name=_("小区"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    participation = models.OneToOneField(Participation, verbose_name=_("活动参与"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="entry")
    reverses = models.OneToOneField("self", verbose_name=_("冲正的记录"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="reversed_by")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    objects = PointsEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("积分流水")
        verbose_name_plural = _("积分流水")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["community", "at"]), models.Index(fields=["account", "at"])]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="points_entry_not_zero")]

    def __str__(self):
        return f"{self.account} {self.amount:+d} {self.reason}"


class RewardQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(community_ids_q(user, "community", staff_only=False))


class Reward(models.Model):
    """An item, service or priority in a community's reward catalogue (积分兑换), with its price and stock."""

    class Kind(models.TextChoices):
        ITEM = "item", _("实物")
        SERVICE = "service", _("服务")
        PRIORITY = "priority", _("优先权益")

    community = models.ForeignKey("places.Division", verbose_name=_("社区"), on_delete=models.PROTECT,
                                  related_name="volunteer_rewards")
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices, default=Kind.ITEM)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    cost = models.PositiveIntegerField(_("所需积分"))
    # None: no stock kept (a service or a priority without a limit).
    stock = models.PositiveIntegerField(_("库存"), null=True, blank=True)
    active = models.BooleanField(_("上架"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = RewardQuerySet.as_manager()

    class Meta:
        verbose_name = _("兑换奖励")
        verbose_name_plural = _("兑换奖励")
        ordering = ["community_id", "cost", "pk"]
        constraints = [models.CheckConstraint(condition=Q(cost__gt=0), name="reward_cost_positive")]

    def __str__(self):
        return self.name


class RedemptionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(community_ids_q(user, "reward__community") | person_q(user))


class Redemption(models.Model):
    """Points exchanged for a reward: stock and points are taken in one transaction; voiding gives both back."""

    class Status(models.TextChoices):
        REDEEMED = "redeemed", _("已兑换")
        HANDED_OVER = "handed_over", _("已领取")
        VOIDED = "voided", _("已作废")

    reward = models.ForeignKey(Reward, verbose_name=_("奖励"), on_delete=models.PROTECT, related_name="redemptions")
    person = models.ForeignKey("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT,
                               related_name="redemptions")
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    points = models.PositiveIntegerField(_("积分"))
    entry = models.OneToOneField(PointsEntry, verbose_name=_("积分流水"), on_delete=models.PROTECT,
                                 related_name="redemption")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.REDEEMED)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("兑换时间"), default=timezone.now)
    handed_over_at = models.DateTimeField(_("领取时间"), null=True, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)

    objects = RedemptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("积分兑换")
        verbose_name_plural = _("积分兑换")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.person} · {self.reward} × {self.quantity}"


class BoardEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(community_ids_q(user, "community"))

    def published(self, on=None):
        on = on or timezone.localdate()
        return self.filter(voided_at__isnull=True, start__lte=on).filter(Q(end__isnull=True) | Q(end__gte=on))


class BoardEntry(models.Model):
    """A named line on a community's 红黑榜, with its reason; the red list also shows the top points earners."""

    class Kind(models.TextChoices):
        RED = "red", _("红榜")
        BLACK = "black", _("黑榜")

    community = models.ForeignKey("places.Division", verbose_name=_("社区"), on_delete=models.PROTECT,
                                  related_name="+")
    kind = models.CharField(_("榜单"), max_length=8, choices=Kind.choices)
    person = models.ForeignKey("people.Person", verbose_name=_("人员"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("people.Organization", verbose_name=_("单位"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("事由"), max_length=200)
    start = models.DateField(_("公示开始"), default=timezone.localdate)
    end = models.DateField(_("公示结束"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    voided_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    void_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)

    objects = BoardEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("红黑榜条目")
        verbose_name_plural = _("红黑榜条目")
        ordering = ["kind", "-start", "pk"]
        constraints = [models.CheckConstraint(
            condition=Q(person__isnull=False) | Q(organization__isnull=False), name="board_entry_names_someone")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.person or self.organization}"

    @property
    def public_name(self) -> str:
        if self.person_id:
            return mask_name(self.person.name)
        return self.organization.name  # organisations are named in full: they are not private persons

    @property
    def public_reason(self) -> str:
        """The reason as the public board shows it: the person's own name and any phone or ID number masked."""
        return redact(self.reason, names=[self.person.name] if self.person_id else [])


# -- the three lists (三张清单) --------------------------------------------------------------------------


class OfferQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(community_ids_q(user, "community", staff_only=False) | person_q(user))


class Offer(models.Model):
    """A line of the supply list (党员供给清单: what a party member, merchant or organisation offers)
    or of the volunteer-service list (志愿服务清单: what the volunteers do regularly)."""

    class List(models.TextChoices):
        SUPPLY = "supply", _("党员供给清单")
        SERVICE = "service", _("志愿服务清单")

    class Source(models.TextChoices):
        PARTY_MEMBER = "party_member", _("党员")
        VOLUNTEER = "volunteer", _("志愿者")
        MERCHANT = "merchant", _("商户")
        ORGANIZATION = "organization", _("单位/社会组织")

    list_kind = models.CharField(_("清单"), max_length=16, choices=List.choices)
    source = models.CharField(_("提供方类别"), max_length=16, choices=Source.choices)
    community = models.ForeignKey("places.Division", verbose_name=_("社区"), on_delete=models.PROTECT,
                                  related_name="+")
    estate = models.ForeignKey("places.Estate", verbose_name=_("小区（不填为全社区）"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", verbose_name=_("提供人"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="offers")
    organization = models.ForeignKey("people.Organization", verbose_name=_("提供单位"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    skill = models.CharField(_("服务类别"), max_length=16, choices=Skill.choices)
    title = models.CharField(_("内容"), max_length=100)
    weekdays = models.JSONField(_("可服务日"), default=list, blank=True)
    times = models.CharField(_("时间说明"), max_length=80, blank=True)
    active = models.BooleanField(_("有效"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("供给/服务清单")
        verbose_name_plural = _("供给/服务清单")
        ordering = ["list_kind", "skill", "pk"]

    def __str__(self):
        return self.title

    @property
    def provider_public_name(self) -> str:
        if self.organization_id:
            return self.organization.name
        return mask_name(self.person.name) if self.person_id else ""


class NeedQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(community_ids_q(user, "community") | person_q(user))


class Need(models.Model):
    """A line of the residents' needs list (居民需求清单)."""

    class Status(models.TextChoices):
        OPEN = "open", _("待匹配")
        PROPOSED = "proposed", _("已推荐")
        MATCHED = "matched", _("已对接")
        DONE = "done", _("已完成")
        CLOSED = "closed", _("已关闭")

    community = models.ForeignKey("places.Division", verbose_name=_("社区"), on_delete=models.PROTECT,
                                  related_name="+")
    estate = models.ForeignKey("places.Estate", verbose_name=_("小区"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", verbose_name=_("居民"), on_delete=models.PROTECT, related_name="needs")
    skill = models.CharField(_("服务类别"), max_length=16, choices=Skill.choices)
    title = models.CharField(_("需求"), max_length=100)
    weekdays = models.JSONField(_("希望的日子"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("居民需求")
        verbose_name_plural = _("居民需求")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title


class MatchQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(need__in=Need.objects.visible_to(user))


class Match(models.Model):
    """A need paired with an offer by skill, place and time, proposed to the community admin who confirms it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("未采用")

    need = models.ForeignKey(Need, verbose_name=_("需求"), on_delete=models.PROTECT, related_name="matches")
    offer = models.ForeignKey(Offer, verbose_name=_("供给"), on_delete=models.PROTECT, related_name="matches")
    score = models.PositiveSmallIntegerField(_("匹配分"))
    reasons = models.CharField(_("匹配理由"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PROPOSED)
    proposed_at = models.DateTimeField(_("推荐时间"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    objects = MatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("供需匹配")
        verbose_name_plural = _("供需匹配")
        ordering = ["need_id", "-score", "pk"]
        constraints = [models.UniqueConstraint(fields=["need", "offer"], name="match_once_per_need_offer")]

    def __str__(self):
        return f"{self.need} ← {self.offer}"


# -- micro-wishes (微心愿) -------------------------------------------------------------------------------


class WishQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The full record (with the beneficiary): sensitive roles of the community, the beneficiary, the claimant."""
        scope = scope_for(user)
        q = person_q(user, "beneficiary") | Q(claimed_by_user_id=scope.user_id or 0)
        if scope.sees_sensitive:
            q |= community_ids_q(user, "community")
        return self.filter(q)

    def public(self):
        """Checked wishes, shown without personal details."""
        return self.filter(status__in=[Wish.Status.OPEN, Wish.Status.CLAIMED, Wish.Status.FULFILLED])


class Wish(models.Model):
    """A micro-wish (微心愿) of a vulnerable resident: checked by the community, then public without personal
    details, claimed by a volunteer or an organisation and fulfilled with a photo and a thank-you."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        OPEN = "open", _("待认领")
        CLAIMED = "claimed", _("已认领")
        FULFILLED = "fulfilled", _("已实现")
        REJECTED = "rejected", _("未通过")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Source(models.TextChoices):
        ONLINE = "online", _("线上提交")
        PAPER = "paper", _("纸质登记")

    class Category(models.TextChoices):
        GOODS = "goods", _("物品")
        SERVICE = "service", _("上门服务")
        COMPANY = "company", _("陪伴关爱")
        STUDY = "study", _("学习助学")
        HEALTH = "health", _("健康义诊")

    community = models.ForeignKey("places.Division", verbose_name=_("社区"), on_delete=models.PROTECT,
                                  related_name="+")
    estate = models.ForeignKey("places.Estate", verbose_name=_("小区"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    beneficiary = models.ForeignKey("people.Person", verbose_name=_("心愿人"), on_delete=models.PROTECT,
                                    related_name="wishes")
    title = models.CharField(_("心愿（公开）"), max_length=100, help_text=_("公开展示，请勿写姓名、住址、电话"))
    detail = models.TextField(_("详细情况（不公开）"), blank=True)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices, default=Category.GOODS)
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices, default=Source.ONLINE)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reject_reason = models.CharField(_("未通过原因"), max_length=200, blank=True)
    claimed_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("认领账号"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    claimed_by_org = models.ForeignKey("people.Organization", verbose_name=_("认领单位"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    # Stored with an index: the sweep returns overdue claims to the pool with one conditional UPDATE per row.
    claim_due = models.DateTimeField(_("认领期限"), null=True, blank=True, db_index=True)
    fulfilled_at = models.DateTimeField(_("实现时间"), null=True, blank=True)
    photo = models.FileField(_("照片"), upload_to="wishes/%Y/%m/", blank=True)
    fulfil_note = models.CharField(_("完成说明"), max_length=200, blank=True)
    thanks = models.CharField(_("感谢的话"), max_length=200, blank=True)

    objects = WishQuerySet.as_manager()

    class Meta:
        verbose_name = _("微心愿")
        verbose_name_plural = _("微心愿")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title

    def _public(self, text: str) -> str:
        """Free text of a wish as the public wall shows it: the beneficiary's and the claimant's names, phones and
        ID numbers masked (the title is checked by a person, but a phone slips through)."""
        names = [self.beneficiary.name]
        if self.claimed_by_user_id and self.claimed_by_user.person_id:
            names.append(self.claimed_by_user.person.name)
        return redact(text, names=names)

    @property
    def public_title(self) -> str:
        return self._public(self.title)

    @property
    def public_thanks(self) -> str:
        return self._public(self.thanks)

    @property
    def public_fulfil_note(self) -> str:
        return self._public(self.fulfil_note)

    @property
    def claimant_public_name(self) -> str:
        if self.claimed_by_org_id:
            return self.claimed_by_org.name
        user = self.claimed_by_user
        if user is None:
            return ""
        return mask_name(user.person.name if user.person_id else str(user))


class WishEvent(Event):
    """What happened to a wish, who did it and when (append-only)."""

    wish = models.ForeignKey(Wish, verbose_name=_("微心愿"), on_delete=models.PROTECT, related_name="events")

    class Meta:
        verbose_name = _("微心愿记录")
        verbose_name_plural = _("微心愿记录")
        ordering = ["wish_id", "at", "pk"]

    def __str__(self):
        return f"{self.wish} {self.kind}"
