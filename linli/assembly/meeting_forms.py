"""Forms of committee meetings, the recurring three-way meeting and matters passed up (issue 19; docs/linkage.md).
The rules are in linli/assembly/services/meetings.py; these forms only shape the input."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.assembly.forms import DATE
from linli.assembly.models import Decision, Meeting, MeetingSeries
from linli.people.models import Organization, Person
from linli.places.models import Estate


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _others(text: str) -> list[tuple[str, str]]:
    rows = []
    for line in _lines(text):
        name, _sep, capacity = line.replace("，", ",").partition(",")
        rows.append((name.strip(), capacity.strip()))
    return rows


class CommitteeMeetingForm(forms.Form):
    """A committee meeting convened by a member (Beijing art. 45: topics to the residents' committee 5 days before)."""

    estate = forms.ModelChoiceField(label=_("小区"), queryset=Estate.objects.none())
    title = forms.CharField(label=_("会议名称"), max_length=150)
    agenda = forms.CharField(label=_("会议议题（会前五日告知居民委员会）"), widget=forms.Textarea(attrs={"rows": 3}))
    notified_on = forms.DateField(label=_("告知居委会日期"), widget=DATE)
    held_on = forms.DateField(label=_("开会日期"), widget=DATE)
    place = forms.CharField(label=_("地点"), max_length=120, required=False)

    def __init__(self, *args, estates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates
        today = timezone.localdate()
        self.fields["notified_on"].initial = today
        self.fields["held_on"].initial = today + timezone.timedelta(days=Meeting.COMMITTEE_NOTICE_DAYS)


class CommitteeMinutesForm(forms.Form):
    """Who of the committee came (in person: no proxies), others present, minutes, decisions and who signed them."""

    members_present = forms.ModelMultipleChoiceField(label=_("出席委员（本人出席，不得委托）"), queryset=Person.objects.none(),
                                                     widget=forms.CheckboxSelectMultiple, required=False)
    others = forms.CharField(label=_("列席人员（每行一人：姓名，身份，如居委会代表）"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    minutes = forms.CharField(label=_("会议纪要"), widget=forms.Textarea(attrs={"rows": 5}))
    decisions = forms.CharField(label=_("确定事项（每行一条）"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    signatories = forms.ModelMultipleChoiceField(label=_("在确定事项上签字同意的委员"), queryset=Person.objects.none(),
                                                 widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        people = Person.objects.filter(pk__in=[post.person_id for post in members])
        self.fields["members_present"].queryset = people
        self.fields["signatories"].queryset = people
        titles = {post.person_id: post.get_title_display() for post in members}
        label = lambda p: f"{p.name}（{titles.get(p.pk, '')}）"  # noqa: E731
        self.fields["members_present"].label_from_instance = label
        self.fields["signatories"].label_from_instance = label

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"minutes": data["minutes"], "attendees": _others(data["others"]),
                "members_present": list(data["members_present"]), "decisions": _lines(data["decisions"]),
                "signatories": list(data["signatories"])}


class ThreeWayMinutesForm(forms.Form):
    """Attendance by body (one box per body of the series), minutes and decisions."""

    minutes = forms.CharField(label=_("会议纪要"), widget=forms.Textarea(attrs={"rows": 5}))
    decisions = forms.CharField(label=_("会议决定（每行一条）"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.bodies = list(bodies)
        for body in self.bodies:
            self.fields[f"body_{body.pk}"] = forms.CharField(
                label=_("%(body)s 出席人员（每行一人：姓名，职务）") % {"body": body.name}, required=False,
                widget=forms.Textarea(attrs={"rows": 2}))
        self.order_fields([f"body_{b.pk}" for b in self.bodies] + ["minutes", "decisions"])

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        attendees = [(name, capacity or body.get_kind_display(), body) for body in self.bodies
                     for name, capacity in _others(data[f"body_{body.pk}"])]
        return {"minutes": data["minutes"], "attendees": attendees, "decisions": _lines(data["decisions"])}


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("决定内容"), widget=forms.Textarea(attrs={"rows": 2}))
    signatories = forms.ModelMultipleChoiceField(label=_("签字同意的委员"), queryset=Person.objects.none(),
                                                 widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        if members:
            self.fields["signatories"].queryset = Person.objects.filter(pk__in=[p.person_id for p in members])
        else:
            del self.fields["signatories"]


class SeriesForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("小区"), queryset=Estate.objects.none())
    title = forms.CharField(label=_("名称"), max_length=150, initial=_("三方联席会议"))
    cadence = forms.ChoiceField(label=_("周期"), choices=MeetingSeries.Cadence.choices)
    weekday = forms.TypedChoiceField(label=_("星期"), choices=MeetingSeries.Weekday.choices, coerce=int,
                                     initial=MeetingSeries.Weekday.WEDNESDAY)
    first_on = forms.DateField(label=_("第一次会议日期"), widget=DATE)
    place = forms.CharField(label=_("地点"), max_length=120, required=False)
    bodies = forms.ModelMultipleChoiceField(label=_("参加机构（党组织、业委会/物管会、物业服务企业）"),
                                            queryset=Organization.objects.none(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, estates, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates
        self.fields["bodies"].queryset = bodies
        self.fields["bodies"].label_from_instance = lambda o: f"{o.name}（{o.get_kind_display()}）"
        self.fields["first_on"].initial = timezone.localdate() + timezone.timedelta(days=7)


class ReferralForm(forms.Form):
    """A matter passed up: to the next level's meeting (an existing planned one, or a new one) or to 吹哨报到."""

    text = forms.CharField(label=_("上报的事项（本级解决不了的问题）"), widget=forms.Textarea(attrs={"rows": 3}))
    decision = forms.ModelChoiceField(label=_("相关决定（可不选）"), queryset=Decision.objects.none(), required=False)
    to_meeting = forms.ModelChoiceField(label=_("提交到上一级已通知的会议（不选则新建会议）"),
                                        queryset=Meeting.objects.none(), required=False)
    held_on = forms.DateField(label=_("新建会议的开会日期"), widget=DATE, required=False)

    def __init__(self, *args, meeting, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = meeting.decisions.all()
        self.fields["decision"].label_from_instance = lambda d: d.text[:40]
        self.fields["to_meeting"].queryset = targets
        self.fields["held_on"].initial = timezone.localdate() + timezone.timedelta(days=7)
