from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.events import Event

from .facility import Facility


class FacilityEvent(Event):
    """What happened to a facility's own row, who did it and when (append-only): registered (by hand or from a
    sheet), retired, its status or statutory due date changed by a record. The facility's fields hold the current
    value; this is their history (北京市物业管理条例 art. 71(2): 共用设施设备档案及其管理、运行、维修、养护记录)."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("登记")
        IMPORTED = "imported", _("表格导入")
        RETIRED = "retired", _("报废")
        STATUS = "status", _("状态变更")
        DUE = "due", _("法定检验到期日变更")
        CHANGED = "changed", _("维保与公示信息变更")

    facility = models.ForeignKey(Facility, verbose_name=_("设施设备"), on_delete=models.PROTECT,
                                 related_name="events")
    kind = models.CharField(_("类型"), max_length=40, choices=Kind.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("设施变更记录")
        verbose_name_plural = _("设施变更记录")
        ordering = ["facility_id", "at", "pk"]

    def __str__(self):
        return f"{self.facility} {self.get_kind_display()}"

    def changes(self) -> list[tuple[str, object, object]]:
        """A 维保与公示信息变更's fields as (label, before, after), for its line in the ledger's history."""
        if self.kind != self.Kind.CHANGED:
            return []
        before, after = (self.data or {}).get("before", {}), (self.data or {}).get("after", {})
        def shown(value):
            return (_("是") if value else _("否")) if isinstance(value, bool) else value

        return [(Facility._meta.get_field(field).verbose_name, shown(before.get(field)), shown(value))
                for field, value in after.items()]
