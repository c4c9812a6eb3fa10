"""接诉即办 work orders: every request from any channel, its append-only events, routing and deadlines."""

from functools import reduce
from operator import or_

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core import uploads
from linli.core.events import Event
from linli.core.memo import Memo
from linli.people.scopes import scope_for
from linli.places.models import Division, Estate


class Channel(models.TextChoices):
    RESIDENT = "resident", _("居民扫码")
    WALK_IN = "walk_in", _("窗口接待")
    PHONE = "phone", _("来电")
    WECHAT = "wechat", _("微信群")
    PATROL = "patrol", _("巡查发现")
    GRID = "grid", _("网格员上报")
    HOTLINE = "hotline", _("12345热线")
    OPEN311 = "open311", _("Open311")
    API = "api", _("接口")
    JOINT_MEETING = "joint_meeting", _("吹哨报到任务")


class Kind(models.TextChoices):
    CONSULT = "consult", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    SUGGESTION = "suggestion", _("建议")


class Tier(models.TextChoices):
    EASY = "easy", _("易事")
    HARD = "hard", _("难事")
    MAJOR = "major", _("大事")


class Level(models.TextChoices):
    """Where a work order should be settled (微事不出楼栋、小事不出小区、大事不出社区)."""

    BUILDING = "building", _("楼栋")
    ESTATE = "estate", _("小区")
    COMMUNITY = "community", _("社区")
    STREET = "street", _("街道")
    DEPARTMENT = "department", _("职能部门")


LEVEL_ORDER = [Level.BUILDING, Level.ESTATE, Level.COMMUNITY, Level.STREET, Level.DEPARTMENT]


class Status(models.TextChoices):
    RECEIVED = "received", _("已受理")
    DISPATCHED = "dispatched", _("已派单")
    ACCEPTED = "accepted", _("已签收")
    IN_PROGRESS = "in_progress", _("办理中")
    REPLIED = "replied", _("已办结反馈")
    VISITED = "visited", _("已回访")
    CLOSED = "closed", _("已结案")
    MERGED = "merged", _("已合并")
    CANCELLED = "cancelled", _("已撤销")


OPEN_STATUSES = (Status.RECEIVED, Status.DISPATCHED, Status.ACCEPTED, Status.IN_PROGRESS)
ACTIVE_STATUSES = OPEN_STATUSES + (Status.REPLIED,)


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class WorkOrderQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scope_for_orders(user))

    def visible_parts(self, user) -> list[models.QuerySet]:
        """``visible_to(user)`` as disjoint querysets whose union it is (``scope_parts_for_orders``), for counts."""
        return [self.filter(q) for q in scope_parts_for_orders(user)]

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def active(self):
        """Work in hand: not yet closed, merged or cancelled (five ranges of the ``workorder_status_idx`` index)."""
        return self.filter(status__in=ACTIVE_STATUSES)

    def overdue(self):
        return self.filter(overdue=True, status__in=ACTIVE_STATUSES)


# Above this many divisions (a national superuser) the ids stay a subquery rather than a literal list.
MAX_LITERAL_DIVISIONS = 1000


# The division tree changes rarely and every staff request asks it: the ids under a user's paths are kept for a few
# seconds per process (a saved or deleted division clears them at once in the process that saved it).
divisions_memo = Memo("divisions under paths", ttl=10, watch=["places.Division"])


def _area_parts(paths) -> list[Q]:
    """Orders whose community's or street's path starts with one of ``paths``, as disjoint parts: ``street_id`` in
    the streets under the paths; ``community_id`` in the communities under them, for the orders not in the first
    part (an order's street is its community's parent, ``services.resolve_place``, so for a street admin this part
    holds only orders whose street and community disagree). The first part is one range of
    ``workorder_street_status_idx`` per street and status, where ``street_id IN … OR community_id IN …`` made
    PostgreSQL scan a whole index; the others, one per gap between the streets, are ranges of
    ``workorder_community_status_idx`` (the planner cannot know that they are empty in practice,
    docs/benchmarks.md). Above MAX_LITERAL_DIVISIONS divisions, one part with the ids as a
    subquery."""
    split = _area_split(paths)
    if split is None:  # a national superuser
        ids = _under(paths).values("pk")
        return [Q(street_id__in=ids) | Q(community_id__in=ids)]
    streets, communities = split
    if not streets:
        return [Q(community_id__in=communities)] if communities else []
    return [Q(street_id__in=streets)] + (_in_communities_not_streets(communities, streets) if communities else [])


def area_q(paths) -> Q:
    """The orders (or work-in-hand rows) of the area under ``paths`` as one ``OR`` of the streets and the
    communities (not split into disjoint parts: for a filter over a small table, where each row counts once)."""
    split = _area_split(paths) if paths else ([], [])
    if split is None:
        ids = _under(paths).values("pk")
        return Q(street_id__in=ids) | Q(community_id__in=ids)
    streets, communities = split
    parts = ([Q(street_id__in=streets)] if streets else []) + ([Q(community_id__in=communities)] if communities else [])
    return reduce(or_, parts) if parts else Q(pk__in=[])


def _under(paths):
    return Division.objects.filter(reduce(or_, (Q(path__startswith=p) for p in paths))).order_by()


def _area_split(paths) -> tuple[list[int], list[int]] | None:
    """(the ids of the streets, of the communities) under ``paths``, or None above MAX_LITERAL_DIVISIONS."""
    under = _under(paths)

    def compute():
        rows = list(under.values_list("pk", "level")[: MAX_LITERAL_DIVISIONS + 1])
        if len(rows) > MAX_LITERAL_DIVISIONS:
            return None
        return (sorted(pk for pk, level in rows if level == Division.Level.STREET),
                sorted(pk for pk, level in rows if level == Division.Level.COMMUNITY))

    return divisions_memo.get(tuple(sorted(paths)), compute)


def _in_communities_not_streets(communities: list[int], streets: list[int]) -> list[Q]:
    """Orders of ``communities`` whose ``street_id`` is NULL or not one of ``streets`` (sorted), as disjoint parts,
    one per gap between the streets: each is a set of ranges of the index that leads with (community, street)
    (``workorder_community_status_idx``). As one part, the communities ``AND`` an ``OR`` of the gaps, PostgreSQL
    ranged over the communities only and tested the street of each of their orders (90,000 index entries, 31 ms,
    for a district's work in hand; 800,000 for its 已结案); written as an ``OR`` of (communities ``AND`` gap) it
    took the communities out of the ``OR`` again."""
    gaps = [Q(street_id__isnull=True), Q(street_id__lt=streets[0]), Q(street_id__gt=streets[-1])]
    gaps += [Q(street_id__gt=a, street_id__lt=b) for a, b in zip(streets, streets[1:], strict=False) if b > a + 1]
    return [Q(community_id__in=communities) & gap for gap in gaps]


def _scope_parts(user) -> tuple[list[Q], list[Q]]:
    """(the disjoint parts of the area the user serves as staff; the other rules that let them see an order)."""
    scope = scope_for(user)
    area = _area_parts(scope.paths) if scope.paths else []
    others = []
    if scope.estate_ids or scope.cluster_ids or scope.org_ids:
        others.append(Q(estate__in=Estate.objects.filter(scope.estate_q(staff_only=True)).values("pk")))
    if scope.own_org_ids:
        others.append(Q(assignee_org_id__in=scope.own_org_ids))
    if scope.user_id and scope.roles:
        others.append(Q(assignee_user_id=scope.user_id))
    if scope.person_id:
        others.append(Q(reporter_id=scope.person_id))
    if scope.user_id:
        others.append(Q(created_by_id=scope.user_id, channel=Channel.RESIDENT))
    return area, others


def scope_for_orders(user) -> Q:
    """Staff see orders of the places they serve and orders assigned to their organisations;
    a resident sees the orders they reported."""
    area, others = _scope_parts(user)
    # the area as its streets OR its communities (the union of its parts): its parts' gaps, ORed, made a district's
    # statements longer to compile and to plan (5 ms a page)
    parts = ([area_q(scope_for(user).paths)] if area else []) + others
    return reduce(or_, parts) if parts else Q(pk__in=[])


def scope_parts_for_orders(user) -> list[Q]:
    """``scope_for_orders(user)`` as disjoint parts (each order the user sees is in exactly one): the area they serve
    (``_area_parts``), then what else they see outside it (assigned to them, reported by them …). Counted apart and
    added, each part reads its own index; counted as one OR, PostgreSQL read the whole city's work in hand for a
    street admin."""
    area, others = _scope_parts(user)
    if not others:
        return area or [Q(pk__in=[])]
    rest = reduce(or_, others)
    # outside the area: not its streets nor its communities (the parts' union, written as the two lists; as NOT of
    # the parts, a district's gaps made PostgreSQL spend 11 ms planning the statement)
    return area + [rest & ~area_q(scope_for(user).paths)] if area else [rest]


class WorkOrder(models.Model):
    """A request, complaint, report or suggestion (诉求/工单) from any channel, followed to its closing callback."""

    code = models.CharField(_("工单编号"), max_length=24, unique=True)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    external_id = models.CharField(_("外部编号"), max_length=64, blank=True, default="")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.HELP)
    title = models.CharField(_("标题"), max_length=120, blank=True)
    text = models.TextField(_("内容"))

    reporter = models.ForeignKey(
        "people.Person", verbose_name=_("反映人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True, db_index=True)
    anonymous = models.BooleanField(_("匿名"), default=False)

    # Every write of an order touches every index of the table: no single-column index where a composite one
    # below starts with the same column (street, community, estate, assignee_org, status, accept_due, overdue).
    street = models.ForeignKey(
        "places.Division", verbose_name=_("街道"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )
    community = models.ForeignKey(
        "places.Division", verbose_name=_("社区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )
    estate = models.ForeignKey(
        "places.Estate", verbose_name=_("小区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )
    building = models.ForeignKey(
        "places.Building", verbose_name=_("楼栋"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    home = models.ForeignKey(
        "places.Home", verbose_name=_("房屋"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)

    category = models.CharField(_("类别"), max_length=32, blank=True, db_index=True)
    subcategory = models.CharField(_("子类"), max_length=48, blank=True)
    tier = models.CharField(_("难易"), max_length=8, choices=Tier.choices, default=Tier.EASY)
    level = models.CharField(_("处置层级"), max_length=12, choices=Level.choices, default=Level.ESTATE)
    urgent = models.BooleanField(_("紧急"), default=False)
    needs_triage = models.BooleanField(_("待人工分拣"), default=False, db_index=True)
    triage = models.JSONField(_("分拣建议"), default=dict, blank=True)

    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    assignee_org = models.ForeignKey(
        "people.Organization", verbose_name=_("承办单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="work_orders", db_index=False,
    )
    assignee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("承办人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="assigned_work_orders",
    )
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("合并到"), null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )

    received_at = models.DateTimeField(_("受理时间"), default=timezone.now, db_index=True)
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    # Deadlines are stored columns so that the sweep finds due orders with an index.
    accept_due = models.DateTimeField(_("签收时限"), null=True, blank=True)
    reply_due = models.DateTimeField(_("办结时限"), null=True, blank=True, db_index=True)
    # The reply deadline the source channel set (12345's 办理时限); it binds reply_due until the order is reopened.
    source_reply_due = models.DateTimeField(_("来源办理时限"), null=True, blank=True)
    reminded = models.BooleanField(_("已提醒"), default=False)
    overdue = models.BooleanField(_("已超期"), default=False)
    supervised = models.BooleanField(_("已督办"), default=False)
    extension_pending = models.BooleanField(_("延期待审批"), default=False)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)

    reply_text = models.TextField(_("办理结果"), blank=True)
    reached = models.BooleanField(_("回访联系上"), null=True, blank=True)
    solved = models.BooleanField(_("是否解决"), null=True, blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=12, choices=Satisfaction.choices, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = WorkOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_id"], condition=~Q(external_id=""),
                                    name="workorder_unique_external_id_per_channel"),
        ]
        indexes = [
            models.Index(fields=["assignee_org", "status"]),
            models.Index(fields=["estate", "status"]),
            models.Index(fields=["status", "accept_due"]),
            models.Index(fields=["status", "reply_due"]),
            # The inbox and the boards: the orders of some statuses, newest first; the included columns are
            # everything a user's scope and a tab test, so that picking a page's orders reads the index alone
            # (PostgreSQL; other databases ignore ``include``). Every order, not work in hand only: a search for
            # 已结案 was otherwise answered by walking the city's orders newest first (0.6–1.2 s, docs/benchmarks.md).
            # Not the community: with it, PostgreSQL answered the rare orders of a district's communities that lie
            # in other streets (``_in_communities_not_streets``) by reading every order of a status here (70 ms).
            models.Index(fields=["status", "received_at", "id"],
                         include=["street", "estate", "assignee_org", "assignee_user", "created_by", "channel",
                                  "overdue", "needs_triage"],
                         name="workorder_status_idx"),
            # The overdue board: overdue work in hand, most late first, with the same scope columns.
            models.Index(fields=["reply_due", "id"], condition=Q(overdue=True, status__in=ACTIVE_STATUSES),
                         include=["status", "street", "community", "estate", "assignee_org", "assignee_user",
                                  "created_by", "channel"],
                         name="workorder_overdue_idx"),
            # The same per street and per community (a street admin reads their street's entries, not the city's):
            # the scope's street_id / community_id test is the leading column (these two also serve what a
            # single-column index of the street or the community would).
            models.Index(fields=["street", "status", "received_at", "id"],
                         include=["community", "estate", "assignee_org", "assignee_user", "created_by", "channel",
                                  "overdue", "needs_triage", "reply_due"],
                         name="workorder_street_status_idx"),
            # (community, street): the orders of a community whose street is another one are a few ranges.
            models.Index(fields=["community", "street", "status", "received_at", "id"],
                         include=["estate", "assignee_org", "assignee_user", "created_by", "channel", "overdue",
                                  "needs_triage", "reply_due"],
                         name="workorder_community_status_idx"),
            # Recent orders of one estate (duplicate look-ups at intake).
            models.Index(fields=["estate", "received_at"]),
        ]

    def __str__(self):
        return f"{self.code} {self.title or self.text[:20]}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def place_label(self) -> str:
        return place_label(self.estate and self.estate.name, self.building and self.building.number,
                           self.home and self.home.number, self.address)


def place_label(estate_name, building_number, home_number, address) -> str:
    """Where an order is, as lists show it: the estate, building and home that are known, or else the address (a
    list that reads them as values, ``selectors.InboxRow``, calls this with what it read)."""
    parts = [str(p) for p in (estate_name, building_number, home_number) if p]
    return " ".join(parts) or address


class WorkOrderEvent(Event):
    """One step in a work order's life: who did what (kind), when, with a note. Append-only."""

    class Type(models.TextChoices):
        CREATE = "create", _("受理")
        DISPATCH = "dispatch", _("派单")
        ACCEPT = "accept", _("签收")
        START = "start", _("开始办理")
        RETURN = "return", _("退单")
        REPLY = "reply", _("办结反馈")
        VISIT = "visit", _("回访")
        CLOSE = "close", _("结案")
        REOPEN = "reopen", _("重办")
        REQUEST_EXTENSION = "request_extension", _("申请延期")
        APPROVE_EXTENSION = "approve_extension", _("批准延期")
        REJECT_EXTENSION = "reject_extension", _("驳回延期")
        SUPERVISE = "supervise", _("督办")
        REMIND = "remind", _("临期提醒")
        OVERDUE = "overdue", _("超期")
        ESCALATE = "escalate", _("升级")
        MERGE = "merge", _("合并")
        CANCEL = "cancel", _("撤销")
        RECLASSIFY = "reclassify", _("分拣")
        NOTE = "note", _("备注")
        JOINT_MEETING = "joint_meeting", _("吹哨报到")

    order = models.ForeignKey(WorkOrder, verbose_name=_("工单"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("类型"), max_length=40, choices=Type.choices)
    # Not indexed alone: the composite indexes below cover the reads (an order's timeline; the rates' events of
    # some kinds in a period), and every intake writes events.
    at = models.DateTimeField(_("时间"), default=timezone.now)
    from_status = models.CharField(_("原状态"), max_length=12, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("工单记录")
        verbose_name_plural = _("工单记录")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["order", "at"]),
            # The rates: which orders had a dispatch or a callback in a period (created as SQL by migration 0004).
            models.Index(fields=["kind", "at"], name="workorderevent_type_at_idx"),
        ]

    def __str__(self):
        return f"{self.order.code} {self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


def attachment_path(instance, filename: str) -> str:
    return f"workorders/{timezone.now():%Y/%m}/{instance.order_id}/{filename}"


class Attachment(models.Model):
    """A photo or file of a work order (from the reporter or from a step such as the reply)."""

    order = models.ForeignKey(WorkOrder, verbose_name=_("工单"), on_delete=models.PROTECT, related_name="attachments")
    event = models.ForeignKey(
        WorkOrderEvent, verbose_name=_("所属记录"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="attachments",
    )
    file = models.FileField(_("文件"), upload_to=attachment_path)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["id"]

    def __str__(self):
        return self.file.name

    @property
    def is_audio(self) -> bool:
        """A voice note: the stored name is generated by the upload gate from the bytes, so its extension is the
        file's real kind (linli/core/uploads.py)."""
        return self.file.name.rsplit(".", 1)[-1].lower() in uploads.AUDIO


class RoutingRule(models.Model):
    """Maps category, level and the estate's management mode to who handles the order; street admins edit it."""

    class Target(models.TextChoices):
        PROVIDER = "provider", _("小区当前物业服务单位（物业企业、托管企业或自管组织）")
        COMMUNITY = "community", _("社区居委会")
        STREET_CENTRE = "street_centre", _("街道物业服务中心")
        ORGANIZATION = "organization", _("指定单位（如职能部门）")

    street = models.ForeignKey(
        "places.Division", verbose_name=_("街道"), on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"level": "street"},
    )
    priority = models.PositiveSmallIntegerField(_("优先级"), default=100, help_text=_("数字小的先匹配"))
    category = models.CharField(_("类别"), max_length=32, blank=True, help_text=_("留空表示任意类别"))
    level = models.CharField(_("处置层级"), max_length=12, choices=Level.choices, blank=True)
    mode = models.CharField(_("管理方式"), max_length=16, blank=True, help_text=_("小区当前管理方式，留空表示任意"))
    target = models.CharField(_("交办给"), max_length=16, choices=Target.choices)
    organization = models.ForeignKey(
        "people.Organization", verbose_name=_("指定单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("派单规则")
        verbose_name_plural = _("派单规则")
        ordering = ["street", "priority", "id"]

    def __str__(self):
        return f"{self.street} #{self.priority} {self.category or '*'}/{self.level or '*'}/{self.mode or '*'} → {self.get_target_display()}"


class TimeLimit(models.Model):
    """How long an organisation has to accept (hours) and to reply (working days, or hours if urgent)."""

    street = models.ForeignKey(
        "places.Division", verbose_name=_("街道"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("留空表示全局默认"),
    )
    category = models.CharField(_("类别"), max_length=32, blank=True, help_text=_("留空表示任意类别"))
    urgent = models.BooleanField(_("紧急"), default=False)
    accept_hours = models.PositiveSmallIntegerField(_("签收时限(小时)"))
    reply_working_days = models.PositiveSmallIntegerField(_("办结时限(工作日)"), default=0)
    reply_hours = models.PositiveSmallIntegerField(_("办结时限(小时，紧急用)"), default=0)

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")
        ordering = ["street", "category", "urgent"]

    def __str__(self):
        return f"{self.street or '默认'} {self.category or '*'} {'紧急' if self.urgent else ''}"


class Holiday(models.Model):
    """A public holiday (is_workday False) or an adjusted working weekend (调休, is_workday True)."""

    date = models.DateField(_("日期"), primary_key=True)
    is_workday = models.BooleanField(_("调休上班"), default=False)
    name = models.CharField(_("名称"), max_length=40)

    class Meta:
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"



class WorkInHand(models.Model):
    """How many orders are in hand (``ACTIVE_STATUSES``) per street, community, assignee organisation and person,
    status, overdue flag and triage flag: the boards' and the inbox tabs' figures without counting the orders
    (docs/workorders-meetings-and-rates.md, "Work in hand").

    Kept by the services that change one of these columns of an order, in the same transaction
    (``linli.workorders.summary``: intake, every step, the sweep, the admin's place corrections), and rebuilt from
    the orders by ``linli seed-orders`` and ``linli rebuild-work-in-hand``. The ids are plain integers, 0 for none,
    so that a key with no assignee is one row (NULLs never conflict in a unique constraint); the column names are
    the order's, so that the scope's and the tabs' ``Q`` objects filter these rows as they filter orders."""

    street_id = models.IntegerField(_("街道"), default=0)
    community_id = models.IntegerField(_("社区"), default=0)
    assignee_org_id = models.IntegerField(_("承办单位"), default=0)
    assignee_user_id = models.IntegerField(_("承办人"), default=0)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices)
    overdue = models.BooleanField(_("已超期"), default=False)
    needs_triage = models.BooleanField(_("待人工分拣"), default=False)
    n = models.IntegerField(_("工单数"), default=0)

    class Meta:
        verbose_name = _("在办工单汇总")
        verbose_name_plural = _("在办工单汇总")
        constraints = [
            models.UniqueConstraint(fields=["street_id", "community_id", "assignee_org_id", "assignee_user_id",
                                            "status", "overdue", "needs_triage"], name="workinhand_key"),
        ]
        indexes = [models.Index(fields=["community_id", "street_id"], name="workinhand_community_idx")]

    def __str__(self):
        return f"{self.street_id}/{self.community_id}/{self.assignee_org_id} {self.status}: {self.n}"


# -- the daily summary (linli/workorders/daily.py, docs/dashboard-overview.md) ------------------------------------


class DailyFigures(models.Model):
    """工单日汇总: the orders of one division (a community, a street or a district) on one local day — received,
    repeats, closed and closed on time, with their breakdowns — kept by the summary job, never by hand."""

    day = models.DateField(_("日期"))
    division = models.ForeignKey("places.Division", verbose_name=_("区划"), on_delete=models.CASCADE, related_name="+")
    received = models.PositiveIntegerField(_("受理量"), default=0)
    repeat = models.PositiveIntegerField(_("重复诉求"), default=0)
    closed = models.PositiveIntegerField(_("结案量"), default=0)
    on_time = models.PositiveIntegerField(_("按时办结"), default=0)
    # {value: count} of the orders received that day; a division-day is one row, so that a month of a district is
    # thirty rows whatever its size (a column per category and channel would need a migration per new category).
    by_tier = models.JSONField(_("按难易"), default=dict)
    by_channel = models.JSONField(_("按渠道"), default=dict)
    by_category = models.JSONField(_("按类别"), default=dict)
    hotline_by_estate = models.JSONField(_("12345按小区"), default=dict)

    class Meta:
        verbose_name = _("工单日汇总")
        verbose_name_plural = _("工单日汇总")
        constraints = [models.UniqueConstraint(fields=["division", "day"], name="dailyfigures_division_day")]

    def __str__(self):
        return f"{self.division_id} {self.day}"


class DailyRates(models.Model):
    """工单考评日汇总: the numerators and denominators of the 响应率/解决率/满意率 (rates.py) of one division, one
    organisation and one local day: the dispatches and callbacks made that day, settled as of the last run."""

    day = models.DateField(_("日期"))
    division = models.ForeignKey("places.Division", verbose_name=_("区划"), on_delete=models.CASCADE, related_name="+")
    org = models.ForeignKey("people.Organization", verbose_name=_("承办单位"), null=True, blank=True,
                            on_delete=models.CASCADE, related_name="+")
    dispatched = models.PositiveIntegerField(_("已判定派单"), default=0)
    responded = models.PositiveIntegerField(_("按时签收"), default=0)
    pending = models.PositiveIntegerField(_("签收期内"), default=0)
    # The earliest accept deadline of the pending dispatches: once it passes, the row is recomputed.
    pending_due = models.DateTimeField(_("最早签收时限"), null=True, blank=True)
    visited = models.PositiveIntegerField(_("回访"), default=0)
    solved = models.PositiveIntegerField(_("已解决"), default=0)
    satisfied = models.PositiveIntegerField(_("满意"), default=0)
    basic = models.PositiveIntegerField(_("基本满意"), default=0)
    unsatisfied = models.PositiveIntegerField(_("不满意"), default=0)

    class Meta:
        verbose_name = _("工单考评日汇总")
        verbose_name_plural = _("工单考评日汇总")
        indexes = [models.Index(fields=["division", "day"]),
                   models.Index(fields=["pending_due"], condition=Q(pending__gt=0), name="dailyrates_pending_idx")]

    def __str__(self):
        return f"{self.division_id} {self.day} {self.org_id}"


class SummaryMark(models.Model):
    """Where the daily summary stands: the last work-order event it has taken in (the watermark) and when."""

    name = models.CharField(_("名称"), max_length=40, primary_key=True)
    last_event_id = models.BigIntegerField(_("已处理到的记录"), default=0)
    refreshed_at = models.DateTimeField(_("更新时间"), null=True, blank=True)
    rebuilt_at = models.DateTimeField(_("重建时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("汇总进度")
        verbose_name_plural = _("汇总进度")

    def __str__(self):
        return f"{self.name} ≤ {self.last_event_id}"
