"""Forms of phone sign-in, the walk-in desk and households. The rules themselves live in signin.py and household.py;
these forms only shape the input (phone numbers are normalised there, whatever is typed here)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.people.models import Occupancy

PHONE_ATTRS = {"inputmode": "tel", "autocomplete": "tel", "maxlength": "20", "placeholder": _("11位手机号")}


class PhoneForm(forms.Form):
    phone = forms.CharField(label=_("手机号"), max_length=20, widget=forms.TextInput(attrs=PHONE_ATTRS))


class CodeForm(forms.Form):
    code = forms.CharField(label=_("短信验证码"), max_length=12, widget=forms.TextInput(attrs={
        "inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": "12", "placeholder": _("6位数字")}))


class MemberForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=60)
    phone = forms.CharField(label=_("手机号"), max_length=20, widget=forms.TextInput(attrs=PHONE_ATTRS))


class DeskRegisterForm(MemberForm):
    relation = forms.ChoiceField(label=_("与房屋的关系"), choices=Occupancy.Relation.choices,
                                 initial=Occupancy.Relation.OWNER)
