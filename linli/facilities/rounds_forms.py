"""Forms of the inspection-round pages (the services check the rules; these only read the input)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.facilities.models import Route
from linli.workorders.forms import MultipleFileInput, PhotosField


class RouteForm(forms.Form):
    name = forms.CharField(label=_("路线名称"), max_length=100)
    frequency = forms.ChoiceField(label=_("巡检频次"), choices=Route.Frequency.choices)


class ScheduleForm(forms.Form):
    frequency = forms.ChoiceField(label=_("巡检频次"), choices=Route.Frequency.choices)


class CheckpointForm(forms.Form):
    name = forms.CharField(label=_("检查点名称"), max_length=100)
    building = forms.ModelChoiceField(label=_("楼栋"), queryset=None, required=False,
                                      empty_label=_("整个小区"))
    facility = forms.ModelChoiceField(label=_("设施设备（可不选）"), queryset=None, required=False,
                                      empty_label=_("不涉及设施设备"))
    checklist = forms.CharField(label=_("检查项（每行一项）"), required=False,
                                widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, estate, **kwargs):
        from linli.facilities.models import Facility
        from linli.places.models import Building

        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(estate=estate).order_by("number")
        self.fields["facility"].queryset = Facility.objects.filter(estate=estate).in_service()


class VisitForm(forms.Form):
    """One checkpoint's check: the items ticked, fine or not, and for a problem a description and photos."""

    key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    # When the phone says the check was made (static/facilities/rounds.js fills it in at "submit"); the service bounds
    # it (rounds_services.visit_time). Empty without JavaScript: the time the server receives it.
    made_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)
    ticked = forms.TypedMultipleChoiceField(label=_("检查项"), coerce=int, required=False,
                                            widget=forms.CheckboxSelectMultiple)
    ok = forms.TypedChoiceField(label=_("检查结果"), coerce=lambda v: v == "1", widget=forms.RadioSelect,
                                choices=[("1", _("正常")), ("0", _("有问题"))], initial="1")
    note = forms.CharField(label=_("问题描述"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 3}))
    photos = PhotosField(label=_("现场照片（有问题时拍照）"),
                         widget=MultipleFileInput(attrs={"accept": "image/*", "multiple": True,
                                                         "capture": "environment"}))

    def __init__(self, *args, checkpoint, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ticked"].choices = list(enumerate(checkpoint.checklist))
