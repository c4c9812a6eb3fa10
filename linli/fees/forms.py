"""Forms of the fee pages (the API validates the same fields in its serializers)."""

import uuid
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core import uploads
from linli.people.models import Organization

from .models import EXPENSE_CATEGORIES, INCOME_CATEGORIES, Category, FeePlan, Frequency, Payment, Relief

DATE = forms.DateInput(attrs={"type": "date"})


class FeePlanForm(forms.Form):
    name = forms.CharField(label=_("收费项目"), initial="物业服务费", max_length=80)
    basis = forms.ChoiceField(label=_("计费方式"), choices=FeePlan.Basis.choices)
    rate = forms.DecimalField(label=_("单价(元)"), min_value=Decimal("0"), decimal_places=4, required=False,
                              help_text=_("按户：元/户/月；按面积：元/m²/月"))
    type_rates = forms.CharField(
        label=_("户型价格"), required=False,
        help_text=_("按户型计费时填写，每行“面积上限 金额”，最后一行只写金额，如：50 7 / 80 8.5 / 10"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    frequency = forms.ChoiceField(label=_("账期"), choices=Frequency.choices)
    effective_from = forms.DateField(label=_("生效日期"), widget=DATE)
    effective_to = forms.DateField(label=_("截止日期"), required=False, widget=DATE)
    grace_months = forms.IntegerField(label=_("先服务后收费(月)"), min_value=0, max_value=36, initial=0)
    billing_starts_on = forms.DateField(label=_("或：开始收费日期"), required=False, widget=DATE)
    decision = forms.CharField(label=_("依据"), max_length=200,
                               help_text=_("业主大会决定、街道文件或备案编号"))
    services = forms.CharField(label=_("服务事项"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    quality = forms.CharField(label=_("质量要求"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    responsible = forms.CharField(label=_("负责人员"), required=False, max_length=120)
    provider = forms.ModelChoiceField(
        label=_("收费的服务单位"), required=False, queryset=Organization.objects.none(),
        empty_label=_("当日为本小区服务的单位"),
        help_text=_("只在该单位为本小区服务的日子计费（先服务后收费）；物业公司填写时默认为本公司"),
    )

    def __init__(self, *args, estate=None, **kwargs):
        super().__init__(*args, **kwargs)
        if estate is not None:  # the providers that serve or served the estate
            self.fields["provider"].queryset = Organization.objects.filter(
                pk__in=estate.stewardships.exclude(provider=None).values("provider")).order_by("name")

    def clean_type_rates(self):
        text = self.cleaned_data.get("type_rates", "").replace("/", "\n")
        bands = []
        for line in [x.split() for x in text.splitlines() if x.strip()]:
            try:
                if len(line) == 1:
                    bands.append({"up_to": None, "amount": str(Decimal(line[0]))})
                elif len(line) == 2:
                    bands.append({"up_to": str(Decimal(line[0])), "amount": str(Decimal(line[1]))})
                else:
                    raise ValueError
            except (ValueError, ArithmeticError):
                raise forms.ValidationError(_("每行应为“面积上限 金额”，如 50 7")) from None
        return bands


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("金额(元)"), min_value=Decimal("0.01"), decimal_places=2)
    method = forms.ChoiceField(label=_("方式"), choices=[c for c in Payment.Method.choices if c[0] != "online"])
    paid_on = forms.DateField(label=_("缴费日期"), widget=DATE)
    payer = forms.CharField(label=_("缴费人"), required=False, max_length=60)
    note = forms.CharField(label=_("备注"), required=False, max_length=200)
    idempotency_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("paid_on", timezone.localdate().isoformat())
            self.initial.setdefault("idempotency_key", f"desk:{uuid.uuid4()}")


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("作废原因"), max_length=200)


class ReliefForm(forms.Form):
    kind = forms.ChoiceField(label=_("方式"), choices=Relief.Kind.choices)
    value = forms.DecimalField(label=_("比例(%)或每月金额"), required=False, min_value=Decimal("0"), decimal_places=2)
    start = forms.DateField(label=_("起始日期"), widget=DATE)
    end = forms.DateField(label=_("终止日期"), widget=DATE)
    reason = forms.ChoiceField(label=_("原因"), choices=Relief.Reason.choices)
    note = forms.CharField(label=_("说明"), required=False, max_length=200)


class LedgerForm(forms.Form):
    direction = forms.ChoiceField(label=_("收支"), choices=[("income", _("收入")), ("expense", _("支出"))])
    category = forms.ChoiceField(
        label=_("类别"),
        choices=[(_("收入"), [(c.value, c.label) for c in INCOME_CATEGORIES if c != Category.RESIDENT_FEES]),
                 (_("支出"), [(c.value, c.label) for c in EXPENSE_CATEGORIES])],
    )
    amount = forms.DecimalField(label=_("金额(元)"), min_value=Decimal("0.01"), decimal_places=2)
    occurred_on = forms.DateField(label=_("发生日期"), widget=DATE)
    description = forms.CharField(label=_("摘要"), max_length=200)
    evidence = forms.FileField(label=_("凭证(照片或文件)"))

    def clean_evidence(self):
        # Checked by content (PDF, image, .xlsx, .docx); photos re-encoded without metadata; the name generated.
        return uploads.document(self.cleaned_data["evidence"], label=_("凭证"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件(.xlsx)"))

    def clean_file(self):
        file = self.cleaned_data["file"]
        uploads.check_size(file, kind="sheet", label=_("Excel 文件"))
        return file
