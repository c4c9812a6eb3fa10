from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.places.models import Estate, Stewardship

# A provider is an organisation of linli.people, the layer above: reached through the relation, not an import.
Organization = Stewardship._meta.get_field("provider").related_model

# HTML date inputs need ISO dates whatever the language of the page.
DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def direct_basis_choices():
    """The basis kinds a registry admin may record directly (``Stewardship.DIRECT_BASIS_KINDS``)."""
    return [("", "---------")] + [(k.value, k.label) for k in Stewardship.DIRECT_BASIS_KINDS]


class StewardshipForm(forms.Form):
    """A change of who manages an estate; saved through ``stewardship_change``.

    Only emergency appointments, the first record of an existing arrangement and the street's own arrangements
    (脱管, 套管) are recorded here; a manager or self-management chosen by the owners is recorded by the selection
    case of linli.assembly."""

    mode = forms.ChoiceField(label=_("管理方式"), choices=Stewardship.Mode.choices)
    basis_kind = forms.ChoiceField(label=_("依据类型"), choices=direct_basis_choices)
    provider = forms.ModelChoiceField(label=_("服务单位"), queryset=Organization.objects.none(), required=False)
    lead_estate = forms.ModelChoiceField(label=_("套管牵头小区"), queryset=Estate.objects.none(), required=False)
    start = forms.DateField(label=_("起始日期"), widget=DATE)
    end = forms.DateField(label=_("终止日期"), required=False, widget=DATE,
                          help_text=_("仅应急物业服务填写，期限不超过六个月（北京市物业管理条例第七十七条）"))
    contract_no = forms.CharField(label=_("合同编号"), required=False, max_length=60)
    contract_start = forms.DateField(label=_("合同开始"), required=False, widget=DATE)
    contract_end = forms.DateField(label=_("合同到期"), required=False, widget=DATE)
    basis = forms.CharField(label=_("依据"), required=False, max_length=200,
                            help_text=_("应急指定的文件编号、既有合同编号或街道安排的文件"))
    note = forms.CharField(label=_("备注"), required=False, max_length=200)

    def __init__(self, *args, user, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start"].initial = timezone.localdate()
        self.fields["provider"].queryset = Organization.objects.visible_to(user).filter(
            kind__in=["property_company", "service_station", "self_management"]
        )
        self.fields["lead_estate"].queryset = Estate.objects.visible_to(user).exclude(pk=estate.pk)


class StewardshipCorrectionForm(forms.Form):
    """A correction of a data-entry mistake; saved through ``stewardship_correct`` (a new row, logged)."""

    reason = forms.CharField(label=_("更正原因"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))
    provider = forms.ModelChoiceField(label=_("服务单位"), queryset=Organization.objects.none(), required=False)
    start = forms.DateField(label=_("起始日期"), widget=DATE)
    end = forms.DateField(label=_("终止日期"), required=False, widget=DATE)
    contract_no = forms.CharField(label=_("合同编号"), required=False, max_length=60)
    contract_start = forms.DateField(label=_("合同开始"), required=False, widget=DATE)
    contract_end = forms.DateField(label=_("合同到期"), required=False, widget=DATE)
    note = forms.CharField(label=_("备注"), required=False, max_length=200)

    def __init__(self, *args, user, stewardship, **kwargs):
        initial = {name: getattr(stewardship, name) for name in
                   ("provider", "start", "end", "contract_no", "contract_start", "contract_end", "note")}
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["provider"].queryset = Organization.objects.visible_to(user).filter(
            kind__in=["property_company", "service_station", "self_management"]
        )
        if stewardship.root_basis_kind() not in Stewardship.PROVIDER_FREE_BASIS_KINDS:
            self.fields["provider"].disabled = True
            self.fields["provider"].help_text = _("服务单位由业主共同决定或选聘案确定，不能通过更正修改")

