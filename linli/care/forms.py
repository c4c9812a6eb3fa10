"""Forms of the care pages."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.care.models import CareSubject, Problem, Visit, VisitPlan
from linli.people.models import Person, Role, User
from linli.people.pickers import PersonPicker


class SubjectForm(forms.Form):
    person = forms.ModelChoiceField(label=_("人员"), queryset=Person.objects.none(),
                                    widget=PersonPicker(url="care:subject_people"))
    kinds = forms.MultipleChoiceField(label=_("类别（不选则按人员登记的标记）"), choices=CareSubject.Kind.choices,
                                      required=False, widget=forms.CheckboxSelectMultiple)
    guardian_contact = forms.CharField(label=_("监护人/紧急联系人"), max_length=100, required=False)
    note = forms.CharField(label=_("情况说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = enrollable(user)


def enrollable(user):
    """The people the user may put under care: visible to them, not yet under care."""
    return Person.objects.visible_to(user).exclude(care_subject__isnull=False)


def community_volunteers(community):
    """The people who may be assigned visits as volunteers: the community's active volunteers (with or without
    a login)."""
    return Person.objects.filter(volunteer__community=community, volunteer__active=True)


def community_staff(community):
    return User.objects.filter(memberships__role__in=[Role.COMMUNITY_ADMIN, Role.GRID_WORKER],
                               memberships__division=community, is_active=True).distinct().order_by("username")


class PlanForm(forms.Form):
    frequency = forms.ChoiceField(label=_("频次"), choices=VisitPlan.Frequency.choices)
    volunteers = forms.ModelMultipleChoiceField(
        label=_("探访志愿者（按姓名、楼栋、房号查找；无账号的红管家也可指派）"), queryset=Person.objects.none(),
        required=False, widget=PersonPicker(url="care:plan_people", multiple=True))
    visitors = forms.ModelMultipleChoiceField(label=_("社区工作人员"), queryset=User.objects.none(), required=False,
                                              widget=forms.CheckboxSelectMultiple)
    first_due = forms.DateField(label=_("首次探访日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, subject, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteers"].queryset = community_volunteers(subject.community)
        self.fields["volunteers"].widget.url = reverse("care:plan_people", args=[subject.pk])
        self.fields["visitors"].queryset = community_staff(subject.community)


class VisitForm(forms.Form):
    visited_at = forms.DateTimeField(label=_("探访时间"), widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    condition = forms.ChoiceField(label=_("身体与生活状况"), choices=Visit.Condition.choices)
    notes = forms.CharField(label=_("探访记录"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    problems = forms.CharField(label=_("发现的问题（每行一个）"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    urgent_problems = forms.CharField(label=_("紧急问题（每行一个）"), widget=forms.Textarea(attrs={"rows": 2}),
                                      required=False)
    problem_place = forms.ChoiceField(label=_("问题在哪里"), choices=Problem.Place.choices, initial=Problem.Place.HOME,
                                      widget=forms.RadioSelect, required=False,
                                      help_text=_("只写问题本身（如“热水器坏了”），不写探访原因；转为工单时物业只看到问题和位置。"))
    on_behalf_of = forms.ModelChoiceField(label=_("代无账号的志愿者登记（探访人）"), queryset=Person.objects.none(),
                                          required=False, empty_label=_("不代登记（本人探访）"))

    def __init__(self, *args, subject=None, staff=False, **kwargs):
        super().__init__(*args, **kwargs)
        if staff and subject is not None:
            self.fields["on_behalf_of"].queryset = Person.objects.filter(
                care_plans__subject=subject, care_plans__active=True).distinct().order_by("name", "pk")
        if not self.fields["on_behalf_of"].queryset.exists():
            del self.fields["on_behalf_of"]


class LinkVisitForm(forms.Form):
    """The visit form of a personal link: the same questions, nobody to record for."""

    visited_at = VisitForm.base_fields["visited_at"]
    condition = VisitForm.base_fields["condition"]
    notes = VisitForm.base_fields["notes"]
    problems = VisitForm.base_fields["problems"]
    urgent_problems = VisitForm.base_fields["urgent_problems"]
    problem_place = VisitForm.base_fields["problem_place"]


class IssueLinkForm(forms.Form):
    person = forms.ModelChoiceField(label=_("无账号的探访志愿者"), queryset=Person.objects.none())
    days = forms.IntegerField(label=_("有效天数"), min_value=1, max_value=92, initial=31)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = plan.visitor_people.all()


class ConvertForm(forms.Form):
    """A problem becomes a work order: the neutral text the handler will read, and where the problem is."""

    text = forms.CharField(label=_("工单内容（只写问题）"), max_length=200, required=False)  # empty: the problem's
    place = forms.ChoiceField(label=_("问题在哪里"), choices=Problem.Place.choices, widget=forms.RadioSelect,
                              required=False)


