"""The fund's forms (labelled, Chinese); the rules are checked by the services."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.core.text import normalize

from .models import Account, Emergency, PropertyKind

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"})
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0.01")}


KINDS = {str(label): value for value, label in PropertyKind.choices}


def _label(text: str) -> str:
    return "".join(normalize(text).split())


class AccountForm(forms.Form):
    holder = forms.ChoiceField(label=_("管理方式"), choices=Account.Holder.choices)
    rate = forms.DecimalField(label=_("首期交存标准(元/m²)"), max_digits=10, decimal_places=2,
                              min_value=Decimal("0.01"))
    bank_account = forms.CharField(label=_("专用账户"), max_length=100, required=False)
    opened_on = forms.DateField(label=_("建账日期"), widget=DATE, required=False)
    shares = forms.CharField(
        label=_("售后公房和非住宅（其余房屋按商品住宅）"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        max_length=200_000,  # a line per home: some 5,000 homes
        help_text=_("每行一户：房屋，售后公房，售房单位，售房单位交存金额；或：房屋，非住宅。例如：1栋1单元101，售后公房，"
                    "市第二棉纺厂，3000.00"))

    def __init__(self, *args, homes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.homes = homes

    def clean_shares(self):
        """{home id: {"kind", "seller", "seller_deposit"}} from the lines; the home by its name (1栋1单元101)."""
        homes = {_label(str(h)): h for h in (self.homes if self.homes is not None else [])}
        shares = {}
        for n, line in enumerate(self.cleaned_data["shares"].splitlines(), start=1):
            cells = [c.strip() for c in normalize(line).replace("，", ",").replace("\t", ",").split(",")]
            if not any(cells):
                continue
            home = homes.get(_label(cells[0]))
            if home is None:
                raise forms.ValidationError(_("第 %(n)s 行：本小区没有房屋“%(home)s”") % {"n": n, "home": cells[0]})
            kind = KINDS.get(cells[1] if len(cells) > 1 else "")
            if kind is None:
                raise forms.ValidationError(_("第 %(n)s 行：房屋性质请写“售后公房”或“非住宅”") % {"n": n})
            if kind == PropertyKind.SOLD_PUBLIC:
                if len(cells) != 4:
                    raise forms.ValidationError(_("第 %(n)s 行：售后公房请写“房屋，售后公房，售房单位，售房单位交存金额”")
                                                % {"n": n})
                shares[home.pk] = {"kind": kind, "seller": cells[2], "seller_deposit": cells[3]}
            else:
                shares[home.pk] = {"kind": kind}
        return shares


class AccountChangeForm(forms.Form):
    holder = forms.ChoiceField(label=_("管理方式"), choices=Account.Holder.choices)
    rate = forms.DecimalField(label=_("交存标准(元/m²)"), max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    bank_account = forms.CharField(label=_("专用账户"), max_length=100, required=False)
    reason = forms.CharField(label=_("变更原因（例如业主大会决定自行管理）"), max_length=200)


class ShareChangeForm(forms.Form):
    kind = forms.ChoiceField(label=_("房屋性质"), choices=PropertyKind.choices)
    seller = forms.CharField(label=_("售房单位（仅售后公房）"), max_length=100, required=False)
    seller_deposit = forms.DecimalField(label=_("售房单位交存金额（仅售后公房）"), max_digits=14, decimal_places=2,
                                        min_value=Decimal("0"), required=False)
    reason = forms.CharField(label=_("变更原因"), max_length=200)


class InterestForm(forms.Form):
    amount = forms.DecimalField(label=_("利息金额"), **MONEY)
    source = forms.CharField(label=_("依据（例如住房资金管理部门2025年度对账单）"), max_length=100)
    occurred_on = forms.DateField(label=_("入账日期"), widget=DATE, required=False)


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
