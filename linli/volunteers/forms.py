"""Forms of the volunteer pages; each form only offers what the user may choose (visible, managed rows)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.people.models import Person
from linli.people.pickers import PersonPicker
from linli.people.scopes import scope_for
from linli.places.models import Division, Estate
from linli.volunteers.models import WEEKDAYS, Activity, BoardEntry, Reward, Skill, Team, Volunteer


def managed_communities(user):
    """Communities the user may run (community, street and district admins)."""
    scope = scope_for(user)
    qs = Division.objects.visible_to(user).filter(level=Division.Level.COMMUNITY)
    return qs.filter(pk__in=[d.pk for d in qs if scope.can_write_division(d)]).order_by("path")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ScopedForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        communities = managed_communities(user)
        if "community" in self.fields:
            self.fields["community"].queryset = communities
            if communities.count() == 1:
                self.fields["community"].initial = communities.first()
        if "estate" in self.fields:
            self.fields["estate"].queryset = Estate.objects.visible_to(user).filter(community__in=communities)
        if "team" in self.fields:
            self.fields["team"].queryset = Team.objects.filter(community__in=communities)
        if "person" in self.fields:
            # Hundreds of names with duplicates: a search by name, building and room (issue 15 item 8).
            self.fields["person"].queryset = Person.objects.visible_to(user)
            self.fields["person"].widget = PersonPicker(url="volunteers:people_search")
            self.fields["person"].widget.choices = self.fields["person"].choices


class VolunteerForm(ScopedForm):
    person = forms.ModelChoiceField(label=_("人员"), queryset=Person.objects.none())
    community = forms.ModelChoiceField(label=_("社区"), queryset=Division.objects.none(), required=False)
    skills = forms.MultipleChoiceField(label=_("技能"), choices=Skill.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    weekdays = forms.TypedMultipleChoiceField(label=_("可服务日"), choices=WEEKDAYS, coerce=int, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    availability = forms.CharField(label=_("服务时间说明"), max_length=120, required=False)
    badge = forms.ChoiceField(label=_("称号"), choices=Volunteer.Badge.choices, required=False)
    teams = forms.ModelMultipleChoiceField(label=_("所在队伍"), queryset=Team.objects.none(), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    shows_party_identity = forms.BooleanField(label=_("亮明党员身份"), required=False)
    duty = forms.CharField(label=_("亮职责"), max_length=120, required=False)
    pledge = forms.CharField(label=_("亮承诺"), max_length=200, required=False)

    def __init__(self, *args, user, self_only=False, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["teams"].queryset = Team.objects.filter(community__in=managed_communities(user))
        if self_only:
            for name in ("person", "community", "badge", "teams"):
                del self.fields[name]


class ActivityForm(ScopedForm):
    title = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类别"), choices=Activity.Kind.choices)
    community = forms.ModelChoiceField(label=_("社区"), queryset=Division.objects.none())
    estate = forms.ModelChoiceField(label=_("小区"), queryset=Estate.objects.none(), required=False)
    team = forms.ModelChoiceField(label=_("组织队伍"), queryset=Team.objects.none(), required=False)
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=DateTimeInput())
    capacity = forms.IntegerField(label=_("名额"), min_value=1, required=False)
    points_fixed = forms.IntegerField(label=_("参与积分"), min_value=0, initial=0)
    points_per_hour = forms.IntegerField(label=_("每小时积分"), min_value=0, initial=0)
    points_cap = forms.IntegerField(label=_("积分上限"), min_value=0, required=False)


class PointsForm(ScopedForm):
    person = forms.ModelChoiceField(label=_("人员"), queryset=Person.objects.none())
    community = forms.ModelChoiceField(label=_("社区"), queryset=Division.objects.none())
    estate = forms.ModelChoiceField(label=_("小区"), queryset=Estate.objects.none(), required=False)
    amount = forms.IntegerField(label=_("积分（扣减填负数）"))
    reason = forms.CharField(label=_("事由"), max_length=200)


class RewardForm(ScopedForm):
    community = forms.ModelChoiceField(label=_("社区"), queryset=Division.objects.none())
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类别"), choices=Reward.Kind.choices)
    cost = forms.IntegerField(label=_("所需积分"), min_value=1)
    stock = forms.IntegerField(label=_("库存（不限则留空）"), min_value=0, required=False)
    description = forms.CharField(label=_("说明"), max_length=200, required=False)


class TeamForm(ScopedForm):
    community = forms.ModelChoiceField(label=_("社区"), queryset=Division.objects.none())
    name = forms.CharField(label=_("名称"), max_length=80)
    kind = forms.ChoiceField(label=_("类别"), choices=Team.Kind.choices)
    description = forms.CharField(label=_("说明"), max_length=200, required=False)


class BoardEntryForm(ScopedForm):
    kind = forms.ChoiceField(label=_("榜单"), choices=BoardEntry.Kind.choices)
    person = forms.ModelChoiceField(label=_("人员"), queryset=Person.objects.none())
    reason = forms.CharField(label=_("事由"), max_length=200)
    end = forms.DateField(label=_("公示结束"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
