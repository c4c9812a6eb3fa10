"""Volunteers (红管家/志愿者) and their teams, with skills and weekdays."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
