"""The fund's forms (labelled, Chinese); the rules are checked by the services."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Account, Emergency

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"})
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0.01")}


class AccountForm(forms.Form):
    holder = forms.ChoiceField(label=_("管理方式"), choices=Account.Holder.choices)
    rate = forms.DecimalField(label=_("首期交存标准(元/m²)"), max_digits=10, decimal_places=2,
                              min_value=Decimal("0.01"))
    bank_account = forms.CharField(label=_("专用账户"), max_length=100, required=False)
    opened_on = forms.DateField(label=_("建账日期"), widget=DATE, required=False)


class PublicIncomeForm(forms.Form):
    income = forms.DecimalField(label=_("公共收益金额"), **MONEY)
    amount = forms.DecimalField(label=_("补充维修资金金额（留空按规定最低额）"), required=False, **MONEY)
    source = forms.CharField(label=_("收益来源"), max_length=100)


class TopUpForm(forms.Form):
    home = forms.ModelChoiceField(label=_("房屋"), queryset=None)
    amount = forms.DecimalField(label=_("补足金额"), **MONEY)

    def __init__(self, *args, homes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home"].queryset = homes


class ApplicationForm(forms.Form):
    title = forms.CharField(label=_("项目名称"), max_length=150)
    description = forms.CharField(label=_("维修内容"), widget=forms.Textarea(attrs={"rows": 3}))
    parts = forms.CharField(label=_("涉及的共用部位、共用设施设备"), max_length=300)
    buildings = forms.ModelMultipleChoiceField(label=_("涉及楼栋（不选为全体房屋）"), queryset=None, required=False,
                                               widget=forms.CheckboxSelectMultiple)
    estimate = forms.DecimalField(label=_("预算金额"), **MONEY)
    emergency = forms.ChoiceField(label=_("紧急情形（不经表决，仅限危及安全的情形）"),
                                  choices=[("", _("否"))] + list(Emergency.choices), required=False)
    emergency_confirmation = forms.CharField(label=_("现场查验确认"), required=False,
                                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buildings"].queryset = buildings


class QuoteForm(forms.Form):
    supplier = forms.CharField(label=_("报价单位"), max_length=150)
    amount = forms.DecimalField(label=_("报价金额"), **MONEY)
    document = forms.FileField(label=_("报价文件"))


class VoteForm(forms.Form):
    opens_at = forms.DateTimeField(label=_("开始时间"), widget=DATETIME)
    closes_at = forms.DateTimeField(label=_("截止时间"), widget=DATETIME)


class ApproveForm(forms.Form):
    stages = forms.CharField(
        label=_("付款阶段（每行一个：内容，金额）"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如：材料进场，3000.00；竣工验收，7000.00。各阶段金额之和须等于预算金额。"))

    def clean_stages(self):
        stages = []
        for line in self.cleaned_data["stages"].splitlines():
            if not line.strip():
                continue
            text, sep, amount = line.replace("，", ",").rpartition(",")
            if not sep:
                raise forms.ValidationError(_("每行写“内容，金额”"))
            stages.append({"description": text.strip(), "amount": amount.strip()})
        return stages


class AcceptForm(forms.Form):
    note = forms.CharField(label=_("验收意见"), widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(forms.Form):
    report = forms.CharField(label=_("使用情况报告"), widget=forms.Textarea(attrs={"rows": 4}))
