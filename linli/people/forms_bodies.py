"""Forms of the bodies pages (issue 19 item 4, docs/linkage.md): a post recorded or ended, a co-governance committee
set up. The rules live in linli/people/services.py (post_record, post_finish, co_governance_create)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.people.models import Person, Post
from linli.people.pickers import PersonPicker
from linli.places.models import Division, Estate

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class PostForm(forms.Form):
    person = forms.ModelChoiceField(label=_("人员"), queryset=Person.objects.none(),
                                    widget=PersonPicker(url="/"))
    title = forms.ChoiceField(label=_("职务"), choices=Post.Title.choices, initial=Post.Title.MEMBER)
    capacity = forms.ChoiceField(label=_("身份（来自哪一方）"), choices=[("", "—")] + Post.Capacity.choices,
                                 required=False)
    starts_on = forms.DateField(label=_("任职日期"), widget=DATE)
    basis = forms.CharField(label=_("依据（选举结果、任命文号等）"), max_length=200, required=False)

    def __init__(self, *args, people, picker_url, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["person"].widget.url = picker_url
        self.fields["starts_on"].initial = timezone.localdate()


class PostEndForm(forms.Form):
    ends_on = forms.DateField(label=_("离任日期"), widget=DATE)
    reason = forms.CharField(label=_("离任原因"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ends_on"].initial = timezone.localdate()


class CoGovernanceForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=120, initial="", help_text=_("如：锦霞社区“1+2+N”共治委员会"))
    estate = forms.ModelChoiceField(label=_("小区（小区共治委员会）"), queryset=Estate.objects.none(), required=False)
    division = forms.ModelChoiceField(label=_("社区/街道（不选小区时）"), queryset=Division.objects.none(),
                                      required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)

    def __init__(self, *args, estates, divisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates
        self.fields["division"].queryset = divisions

    def clean(self):
        data = super().clean()
        if not data.get("estate") and not data.get("division"):
            self.add_error("estate", _("请选择小区，或选择社区/街道"))
        return data
