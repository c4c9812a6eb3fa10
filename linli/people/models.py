"""People, their homes, the organisations they belong to, and who may see what (roles with a scope)."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.events import Event
from linli.core.text import initials, mask_name, mask_phone
from linli.people.roles import Role  # noqa: F401 (the choices live beside the scopes; imported from here too)
from linli.people.scopes import scope_for


class User(AbstractUser):
    """A sign-in account; linked to a Person when the account belongs to someone in the registry."""

    person = models.OneToOneField(
        "people.Person", verbose_name=_("人员"), null=True, blank=True, on_delete=models.SET_NULL, related_name="user"
    )
    display_name = models.CharField(_("显示名称"), max_length=60, blank=True)
    # 大字模式 carried to every device this account signs in on (linli/core/large_type.py).
    large_type = models.BooleanField(_("大字模式"), default=False)

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")

    def __str__(self):
        return self.display_name or self.username


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scope_for(user).person_q())


class Person(models.Model):
    """A resident or any other person known to the registry (minimum personal data, PIPL)."""

    name = models.CharField(_("姓名"), max_length=60)
    initials = models.CharField(_("拼音首字母"), max_length=60, db_index=True, editable=False)
    phone = models.CharField(_("手机号"), max_length=20, blank=True, db_index=True)
    # Sensitive flags: visible only to roles in SENSITIVE_ROLES; every viewing is logged (AccessLog).
    is_party_member = models.BooleanField(_("党员"), default=False)
    is_elderly_alone = models.BooleanField(_("独居老人"), default=False)
    is_disabled = models.BooleanField(_("残疾人"), default=False)
    is_hardship = models.BooleanField(_("困难家庭"), default=False)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    SENSITIVE_FIELDS = ("is_party_member", "is_elderly_alone", "is_disabled", "is_hardship")

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.initials = initials(self.name)
        super().save(*args, **kwargs)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def has_sensitive_flags(self) -> bool:
        return any(getattr(self, f) for f in self.SENSITIVE_FIELDS)

    def sensitive_flags(self) -> list[str]:
        return [str(self._meta.get_field(f).verbose_name) for f in self.SENSITIVE_FIELDS if getattr(self, f)]


class OccupancyQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scope_for(user).occupancy_q())

    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(start__isnull=True) | Q(start__lte=on), Q(end__isnull=True) | Q(end__gte=on))


class Occupancy(models.Model):
    """A person's tie to a home (owner, co-owner, tenant, family member), from/to."""

    class Relation(models.TextChoices):
        OWNER = "owner", _("业主")
        CO_OWNER = "co_owner", _("共有人")
        TENANT = "tenant", _("租户")
        FAMILY = "family", _("家庭成员")

    OWNING = (Relation.OWNER, Relation.CO_OWNER)

    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="occupancies")
    home = models.ForeignKey("places.Home", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="occupancies")
    relation = models.CharField(_("关系"), max_length=16, choices=Relation.choices)
    start = models.DateField(_("起始日期"), null=True, blank=True)
    end = models.DateField(_("终止日期"), null=True, blank=True)

    objects = OccupancyQuerySet.as_manager()

    class Meta:
        verbose_name = _("居住关系")
        verbose_name_plural = _("居住关系")
        ordering = ["home_id", "relation", "person_id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "home", "relation"], condition=Q(end__isnull=True),
                                    name="occupancy_one_open_per_person_home_relation"),
        ]

    def __str__(self):
        return f"{self.person} · {self.home} · {self.get_relation_display()}"


class OrganizationQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scope_for(user).organization_q())


class Organization(models.Model):
    """A company, committee, office, department, team or merchant that takes part in an estate's life."""

    class Kind(models.TextChoices):
        PROPERTY_COMPANY = "property_company", _("物业服务企业")
        OWNERS_COMMITTEE = "owners_committee", _("业主委员会")
        # Formed by the street where no owners' committee can be elected (北京市物业管理条例 arts. 52–58).
        PM_COMMITTEE = "pm_committee", _("物业管理委员会")
        # A body with members from several organisations, e.g. seed 001's 1+2+N 共治委员会.
        CO_GOVERNANCE = "co_governance", _("共治委员会")
        SELF_MANAGEMENT = "self_management", _("自管委员会")
        PARTY_BRANCH = "party_branch", _("党组织")
        COMMUNITY_COMMITTEE = "community_committee", _("社区居委会")
        STREET_OFFICE = "street_office", _("街道办事处")
        PROPERTY_CENTRE = "property_centre", _("街道物业服务中心")
        DEPARTMENT = "department", _("职能部门")
        SERVICE_STATION = "service_station", _("物业服务站")
        VOLUNTEER_TEAM = "volunteer_team", _("志愿者队伍")
        MERCHANT = "merchant", _("商户")

    class Ownership(models.TextChoices):
        MARKET = "market", _("市场化企业")
        STATE = "state", _("国有企业")

    class Field(models.TextChoices):
        URBAN_MANAGEMENT = "urban_management", _("城管")
        LANDSCAPING = "landscaping", _("园林绿化")
        HOUSING = "housing", _("住建")
        FIRE = "fire", _("消防")
        WATER = "water", _("供水")
        POWER = "power", _("供电")
        GAS = "gas", _("燃气")
        HEATING = "heating", _("供暖")
        POLICE = "police", _("公安")
        MARKET_REGULATION = "market_regulation", _("市场监管")
        CIVIL_AFFAIRS = "civil_affairs", _("民政")
        OTHER = "other", _("其他")

    name = models.CharField(_("名称"), max_length=120)
    initials = models.CharField(_("拼音首字母"), max_length=120, db_index=True, editable=False)
    kind = models.CharField(_("类别"), max_length=24, choices=Kind.choices)
    ownership = models.CharField(_("企业性质"), max_length=8, choices=Ownership.choices, blank=True)
    field = models.CharField(_("职能领域"), max_length=24, choices=Field.choices, blank=True)
    division = models.ForeignKey(
        "places.Division", verbose_name=_("所属区划"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="organizations",
    )
    # The estate a body belongs to: its owners' committee, its 物业管理委员会, its co-governance committee.
    estate = models.ForeignKey(
        "places.Estate", verbose_name=_("所属小区"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="bodies",
    )
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    objects = OrganizationQuerySet.as_manager()

    # Bodies whose members speak for an estate's owners and hold the committee member's role (Role.COMMITTEE_MEMBER).
    COMMITTEE_KINDS = ("owners_committee", "pm_committee")

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="organization_unique_kind_name")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.initials = initials(self.name)
        super().save(*args, **kwargs)


class PostQuerySet(models.QuerySet):
    def current(self, on=None):
        """Posts held on ``on`` (today): started, and not ended before that day."""
        on = on or timezone.localdate()
        return self.filter(starts_on__lte=on).filter(Q(ends_on__isnull=True) | Q(ends_on__gt=on))

    def visible_to(self, user):
        return self.filter(organization__in=Organization.objects.visible_to(user))


class Post(models.Model):
    """A person's post in a body (an owners' committee, a 物业管理委员会, a party branch, a residents' committee, a
    property company, a co-governance committee) from a day until a day. One person may hold posts in several
    bodies at once (交叉任职, seed 004). A post is never edited away: it ends (``ends_on`` and a reason) and a new
    post begins; people.services.add_post / end_post write them."""

    class Title(models.TextChoices):
        CHAIR = "chair", _("主任")
        VICE_CHAIR = "vice_chair", _("副主任")
        SECRETARY = "secretary", _("书记")
        DEPUTY_SECRETARY = "deputy_secretary", _("副书记")
        MEMBER = "member", _("委员")
        ALTERNATE = "alternate", _("候补委员")
        MANAGER = "manager", _("负责人")
        STAFF = "staff", _("工作人员")

    class Capacity(models.TextChoices):
        """Whom a member comes from (a 物业管理委员会 has members from the residents' committee, owners and users,
        北京市物业管理条例 art. 53)."""

        OWNER = "owner", _("业主")
        USER = "user", _("物业使用人")
        RESIDENTS_COMMITTEE = "residents_committee", _("居民委员会")
        PARTY = "party", _("党组织")
        PROPERTY_COMPANY = "property_company", _("物业服务企业")
        STREET = "street", _("街道")
        DEPARTMENT = "department", _("职能部门")
        OTHER = "other", _("其他")

    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="posts")
    organization = models.ForeignKey(
        Organization, verbose_name=_("组织"), on_delete=models.PROTECT, related_name="posts"
    )
    title = models.CharField(_("职务"), max_length=20, choices=Title.choices)
    capacity = models.CharField(_("身份"), max_length=24, choices=Capacity.choices, blank=True)
    starts_on = models.DateField(_("任职日期"))
    ends_on = models.DateField(_("离任日期"), null=True, blank=True, db_index=True)
    end_reason = models.CharField(_("离任原因"), max_length=200, blank=True)
    # What the post rests on: an election (a motion's number), a street's decision (文号), an appointment.
    basis = models.CharField(_("依据"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        User, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        ordering = ["organization_id", "ends_on", "title", "id"]
        indexes = [models.Index(fields=["person", "ends_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                   name="post_ends_after_it_starts"),
        ]

    def __str__(self):
        return f"{self.person} · {self.organization} · {self.get_title_display()}"

    def is_current(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.starts_on <= on and (self.ends_on is None or self.ends_on > on)


class Membership(models.Model):
    """A user's role with its scope: a division, an estate, a cluster or an organisation."""

    user = models.ForeignKey(User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=24, choices=Role.choices)
    division = models.ForeignKey(
        "places.Division", verbose_name=_("区划"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    estate = models.ForeignKey(
        "places.Estate", verbose_name=_("小区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cluster = models.ForeignKey(
        "places.Cluster", verbose_name=_("片区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        ordering = ["user", "role"]

    def __str__(self):
        target = self.division or self.estate or self.cluster or self.organization or "—"
        return f"{self.user} · {self.get_role_display()} · {target}"


class AccessLog(Event):
    """Who (actor) looked at which sensitive personal record, and when (PIPL); kind: view, export, admin_view …"""

    person = models.ForeignKey(Person, verbose_name=_("被查看人员"), on_delete=models.PROTECT, related_name="access_logs")
    kind = models.CharField(_("操作"), max_length=40, default="view")
    path = models.CharField(_("页面或接口"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("敏感信息查看记录")
        verbose_name_plural = _("敏感信息查看记录")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} → {self.person}"


class AuditEvent(Event):
    """One line of the security audit log (等保 2.0, PIPL): sign-ins, exports and lists of personal data,
    retention runs. Append-only: a row is never changed or deleted by the application."""

    class Action(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGOUT = "logout", _("退出")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKOUT = "lockout", _("账号锁定")
        PASSWORD_CHANGE = "password_change", _("修改密码")
        EXPORT = "export", _("导出个人信息")
        LIST_PERSONAL = "list_personal", _("查看个人信息列表")
        VIEW_SENSITIVE = "view_sensitive", _("查看敏感记录")
        RETENTION = "retention", _("到期个人信息清理")
        APIKEY = "apikey", _("API 密钥变更")
        CODE_SENT = "code_sent", _("获取登录验证码")
        DESK_REGISTER = "desk_register", _("服务台登记居民")
        HOUSEHOLD = "household", _("家庭成员变更")

    # actor: the account (null for a failed sign-in with an unknown name); username: as typed or as it was then.
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    kind = models.CharField(_("操作"), max_length=40, choices=Action.choices, db_index=True)
    target = models.CharField(_("对象"), max_length=120, blank=True)
    count = models.PositiveIntegerField(_("条数"), null=True, blank=True)
    path = models.CharField(_("页面或接口"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("安全审计记录")
        verbose_name_plural = _("安全审计记录")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.kind} {self.target}"


class ApiKey(models.Model):
    """A key for a machine client; only its hash is stored, the key is shown once when created. It may expire,
    may be read-only, and stands for a superuser only when created so and allowed by the settings."""

    name = models.CharField(_("名称"), max_length=80, unique=True)
    user = models.ForeignKey(User, verbose_name=_("代表账号"), on_delete=models.PROTECT, related_name="api_keys")
    prefix = models.CharField(_("前缀"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True,
                                      help_text=_("为空表示不过期；过期后密钥失效"))
    read_only = models.BooleanField(_("只读"), default=False, help_text=_("只读密钥只能读取，任何修改请求都返回 403"))
    allow_superuser = models.BooleanField(
        _("允许代表超级用户"), default=False,
        help_text=_("仅在设置 LINLI_APIKEY_ALLOW_SUPERUSER 开启时有效；否则代表超级用户的密钥一律拒绝"))

    class Meta:
        verbose_name = _("API 密钥")
        verbose_name_plural = _("API 密钥")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def generate(cls) -> str:
        return "lk_" + secrets.token_urlsafe(32)


class SignInCode(models.Model):
    """A one-time sign-in code sent by SMS (手机验证码登录). Only a keyed hash of the code is kept; a row is written for
    every request, for a number with an account or not, so that the limits answer the same for both."""

    phone = models.CharField(_("手机号"), max_length=11, db_index=True)  # normalised: 11 digits
    salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("失效时间"))
    attempts = models.PositiveSmallIntegerField(_("已试次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)  # also set when a newer code replaces it
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("登录验证码")
        verbose_name_plural = _("登录验证码")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{mask_phone(self.phone)} {self.created_at:%Y-%m-%d %H:%M}"


class HouseholdInvitation(models.Model):
    """A resident's invitation to a family member, by phone, to join their home: accepted when that phone signs in
    with a code (the member is then a family occupant of the home)."""

    home = models.ForeignKey("places.Home", verbose_name=_("房屋"), on_delete=models.PROTECT,
                             related_name="invitations")
    phone = models.CharField(_("手机号"), max_length=11, db_index=True)  # normalised: 11 digits
    name = models.CharField(_("姓名"), max_length=60)
    invited_by = models.ForeignKey(User, verbose_name=_("邀请人"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("邀请时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("失效时间"))
    accepted_at = models.DateTimeField(_("接受时间"), null=True, blank=True)
    person = models.ForeignKey(Person, verbose_name=_("加入的人员"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    revoked_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("家庭成员邀请")
        verbose_name_plural = _("家庭成员邀请")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.home} · {mask_name(self.name)} {mask_phone(self.phone)}"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)
