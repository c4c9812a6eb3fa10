"""Forms of the care pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.care.models import CareSubject, Problem, Visit, VisitPlan
from linli.people.models import Person, Role, User
from linli.people.scopes import scope_for
from linli.volunteers.models import Volunteer


class SubjectForm(forms.Form):
    person = forms.ModelChoiceField(label=_("人员"), queryset=Person.objects.none())
    kinds = forms.MultipleChoiceField(label=_("类别（不选则按人员登记的标记）"), choices=CareSubject.Kind.choices,
                                      required=False, widget=forms.CheckboxSelectMultiple)
    guardian_contact = forms.CharField(label=_("监护人/紧急联系人"), max_length=100, required=False)
    note = forms.CharField(label=_("情况说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.visible_to(user).exclude(care_subject__isnull=False)


class PlanForm(forms.Form):
    frequency = forms.ChoiceField(label=_("频次"), choices=VisitPlan.Frequency.choices)
    visitors = forms.ModelMultipleChoiceField(label=_("探访人"), queryset=User.objects.none(),
                                              widget=forms.CheckboxSelectMultiple)
    first_due = forms.DateField(label=_("首次探访日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, subject, **kwargs):
        super().__init__(*args, **kwargs)

        community = subject.community
        volunteers = Volunteer.objects.filter(community=community, active=True).values("person_id")
        staff = User.objects.filter(memberships__role__in=[Role.COMMUNITY_ADMIN, Role.GRID_WORKER],
                                    memberships__division=community)
        self.fields["visitors"].queryset = (User.objects.filter(person_id__in=volunteers) | staff).distinct().order_by(
            "username")


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


class ConvertForm(forms.Form):
    """A problem becomes a work order: the neutral text the handler will read, and where the problem is."""

    text = forms.CharField(label=_("工单内容（只写问题）"), max_length=200, required=False)  # empty: the problem's
    place = forms.ChoiceField(label=_("问题在哪里"), choices=Problem.Place.choices, widget=forms.RadioSelect,
                              required=False)


def is_care_user(user) -> bool:
    return scope_for(user).sees_sensitive or VisitPlan.objects.filter(visitors__pk=user.pk, active=True).exists()
