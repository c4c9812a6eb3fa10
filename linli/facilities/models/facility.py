from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.access import scope_for
from linli.places.models import Estate


class FacilityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Facilities of the estates the user may see (staff of the area or the estate's manager, its committee,
        its residents)."""
        return self.filter(estate__in=Estate.objects.filter(scope_for(user).estate_q()))

    def in_service(self):
        return self.exclude(status=Facility.Status.RETIRED)

    def public(self):
        """Shown on the estate's public board with their last inspection (issue 20 item 1)."""
        return self.in_service().filter(is_public=True)


class Facility(models.Model):
    """A shared facility or piece of equipment of an estate (共有部分的设施设备, Civil Code art. 274; Beijing
    物业管理条例 art. 88 on lifts and fire facilities), on a building or the estate as a whole."""

    class Kind(models.TextChoices):
        LIFT = "lift", _("电梯")
        PUMP = "pump", _("水泵与水箱")
        FIRE = "fire", _("消防设施")
        GATE = "gate", _("门禁与道闸")
        CAMERA = "camera", _("监控")
        LIGHTING = "lighting", _("照明")
        CHARGING = "charging", _("电动车充电棚")
        ROOF = "roof", _("屋面")
        PIPES = "pipes", _("管线")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        IN_SERVICE = "in_service", _("正常使用")
        FAULTY = "faulty", _("故障停用")
        RETIRED = "retired", _("已报废")

    estate = models.ForeignKey(Estate, verbose_name=_("小区"), on_delete=models.PROTECT,
                               related_name="facilities")
    building = models.ForeignKey("places.Building", verbose_name=_("楼栋"), on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="facilities", help_text=_("属于整个小区的设施不填"))
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100, help_text=_("如：1号楼1单元电梯"))
    code = models.CharField(_("编号"), max_length=40, blank=True, help_text=_("设备登记号、注册代码等"))
    location = models.CharField(_("位置"), max_length=200, blank=True)
    installed_on = models.DateField(_("安装日期"), null=True, blank=True)
    warranty_until = models.DateField(_("保修截止"), null=True, blank=True)
    contractor = models.CharField(_("维保单位"), max_length=100, blank=True)
    contract_no = models.CharField(_("维保合同编号"), max_length=60, blank=True)
    contract_end = models.DateField(_("维保合同到期"), null=True, blank=True)
    inspection_due = models.DateField(_("法定检验到期"), null=True, blank=True, db_index=True,
                                      help_text=_("电梯年检、消防设施检测等下次到期日"))
    is_public = models.BooleanField(_("向居民公示"), default=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.IN_SERVICE)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = FacilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("设施设备")
        verbose_name_plural = _("设施设备")
        ordering = ["estate_id", "building_id", "kind", "name"]
        indexes = [models.Index(fields=["estate", "kind"], name="facility_estate_kind")]

    def __str__(self):
        return f"{self.estate.name} {self.name}"


class FacilityRecord(models.Model):
    """One entry of a facility's history (append-only; a correction is a new entry that names the one it corrects):
    a statutory inspection (电梯定期检验, 消防设施检测: Beijing 物业管理条例 art. 88), routine maintenance, a patrol's
    check at the facility's checkpoint (巡检), or a repair."""

    class Kind(models.TextChoices):
        STATUTORY = "statutory", _("法定检验")
        MAINTENANCE = "maintenance", _("维护保养")
        PATROL = "patrol", _("巡检")
        REPAIR = "repair", _("维修")

    class Result(models.TextChoices):
        OK = "ok", _("正常")
        PROBLEM = "problem", _("有问题")

    facility = models.ForeignKey(Facility, verbose_name=_("设施设备"), on_delete=models.PROTECT,
                                 related_name="records")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    done_on = models.DateField(_("日期"))
    result = models.CharField(_("结果"), max_length=16, choices=Result.choices, default=Result.OK)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    certificate_no = models.CharField(_("报告或证书编号"), max_length=60, blank=True)
    next_due = models.DateField(_("下次到期"), null=True, blank=True,
                                help_text=_("法定检验填写：记录后设施的法定检验到期日随之更新"))
    corrects = models.OneToOneField("self", verbose_name=_("更正的记录"), on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="corrected_by")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("设施记录")
        verbose_name_plural = _("设施记录")
        ordering = ["-done_on", "-pk"]
        indexes = [models.Index(fields=["facility", "kind", "done_on"], name="facilityrecord_kind_day")]

    def __str__(self):
        return f"{self.facility} {self.get_kind_display()} {self.done_on}"


class FacilityFault(models.Model):
    """A work order about a facility (a fault reported, or found on a round): the facility's history lists it and
    the order's page links the facility. Kept here, above workorders, which knows nothing of facilities."""

    class Source(models.TextChoices):
        REPORT = "report", _("报修或投诉")
        PATROL = "patrol", _("巡检发现")

    facility = models.ForeignKey(Facility, verbose_name=_("设施设备"), on_delete=models.PROTECT,
                                 related_name="faults")
    order = models.ForeignKey("workorders.WorkOrder", verbose_name=_("工单"), on_delete=models.PROTECT,
                              related_name="facility_faults")
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices, default=Source.REPORT)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("关联人"), on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    linked_at = models.DateTimeField(_("关联时间"), default=timezone.now)

    class Meta:
        verbose_name = _("设施故障工单")
        verbose_name_plural = _("设施故障工单")
        ordering = ["-linked_at"]
        constraints = [models.UniqueConstraint(fields=["facility", "order"], name="facilityfault_once")]

    def __str__(self):
        return f"{self.facility} ← {self.order_id}"
