"""From unmanaged to managed: a selection case and its events."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.events import Event

from .meetings import _estates_visible
from .motions import Motion

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
