from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.places.models import Estate, Stewardship

# A provider is an organisation of linli.people, the layer above: reached through the relation, not an import.
Organization = Stewardship._meta.get_field("provider").related_model

# HTML date inputs need ISO dates whatever the language of the page.
DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class StewardshipForm(forms.Form):
    """A change of who manages an estate; saved through ``stewardship_change``."""

    mode = forms.ChoiceField(label=_("管理方式"), choices=Stewardship.Mode.choices)
    provider = forms.ModelChoiceField(label=_("服务单位"), queryset=Organization.objects.none(), required=False)
    lead_estate = forms.ModelChoiceField(label=_("套管牵头小区"), queryset=Estate.objects.none(), required=False)
    start = forms.DateField(label=_("起始日期"), widget=DATE)
    contract_no = forms.CharField(label=_("合同编号"), required=False, max_length=60)
    contract_start = forms.DateField(label=_("合同开始"), required=False, widget=DATE)
    contract_end = forms.DateField(label=_("合同到期"), required=False, widget=DATE)
    basis = forms.CharField(label=_("依据"), required=False, max_length=200,
                            help_text=_("如：业主大会决定、街道指定托管文件编号"))
    note = forms.CharField(label=_("备注"), required=False, max_length=200)

    def __init__(self, *args, user, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start"].initial = timezone.localdate()
        self.fields["provider"].queryset = Organization.objects.visible_to(user).filter(
            kind__in=["property_company", "service_station", "self_management"]
        )
        self.fields["lead_estate"].queryset = Estate.objects.visible_to(user).exclude(pk=estate.pk)
