"""Forms of the facility ledger pages (labels in Chinese; dates as the phone's date picker)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.facilities.models import Facility, FacilityFault, FacilityRecord
from linli.places.models import Building


def _date(label, required=False, help_text=""):
    return forms.DateField(label=label, required=required, help_text=help_text,
                           widget=forms.DateInput(attrs={"type": "date"}))


class ChangeForm(forms.Form):
    """维保与公示信息变更 (services.facility_change): the fields that change in a facility's life, and why."""

    contractor = forms.CharField(label=_("维保单位"), max_length=100, required=False)
    contract_no = forms.CharField(label=_("维保合同编号"), max_length=60, required=False)
    contract_end = _date(_("维保合同到期"))
    location = forms.CharField(label=_("位置"), max_length=200, required=False)
    is_public = forms.BooleanField(label=_("向居民公示"), required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
    reason = forms.CharField(label=_("变更原因"), max_length=100, help_text=_("如：更换维保单位，新合同自本月起"))


class FacilityForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=Facility.Kind.choices)
    name = forms.CharField(label=_("名称"), max_length=100, help_text=_("如：1号楼1单元电梯"))
    building = forms.ModelChoiceField(label=_("楼栋"), queryset=Building.objects.none(), required=False,
                                      empty_label=_("整个小区"))
    code = forms.CharField(label=_("编号"), max_length=40, required=False, help_text=_("设备登记号、注册代码等"))
    location = forms.CharField(label=_("位置"), max_length=200, required=False)
    installed_on = _date(_("安装日期"))
    warranty_until = _date(_("保修截止"))
    contractor = forms.CharField(label=_("维保单位"), max_length=100, required=False)
    contract_no = forms.CharField(label=_("维保合同编号"), max_length=60, required=False)
    contract_end = _date(_("维保合同到期"))
    inspection_due = _date(_("法定检验到期"), help_text=_("电梯年检、消防设施检测等下次到期日"))
    is_public = forms.BooleanField(label=_("向居民公示"), required=False, initial=True)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(estate=estate).order_by("number")


class RecordForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=FacilityRecord.Kind.choices)
    done_on = _date(_("日期"), required=True)
    result = forms.ChoiceField(label=_("结果"), choices=FacilityRecord.Result.choices)
    certificate_no = forms.CharField(label=_("报告或证书编号"), max_length=60, required=False)
    next_due = _date(_("下次到期"), help_text=_("法定检验填写；电梯和消防设施不填则为一年后"))
    note = forms.CharField(label=_("说明"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CorrectForm(forms.Form):
    reason = forms.CharField(label=_("更正原因"), max_length=100)
    done_on = _date(_("日期"), required=True)
    result = forms.ChoiceField(label=_("结果"), choices=FacilityRecord.Result.choices)
    certificate_no = forms.CharField(label=_("报告或证书编号"), max_length=60, required=False)
    next_due = _date(_("下次到期"), help_text=_("法定检验填写；电梯和消防设施不填则为一年后"))
    note = forms.CharField(label=_("说明"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class FaultForm(forms.Form):
    code = forms.CharField(label=_("工单编号"), max_length=24, help_text=_("同一小区的工单，如 20261207-0001"))
    source = forms.ChoiceField(label=_("来源"), choices=FacilityFault.Source.choices)


class RetireForm(forms.Form):
    reason = forms.CharField(label=_("报废原因"), max_length=200)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("表格文件（.xlsx 或 .csv）"))
