from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.assembly import rules
from linli.assembly.models import (
    MANAGER_MODES,
    MATTER_CHOICES,
    Level,
    Meeting,
    Motion,
    Notice,
    SelectionCase,
)
from linli.core import uploads
from linli.people.models import Organization
from linli.places.models import Building, Division, Estate

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
DATETIME = forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"})
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


OPTION_ROWS = 4  # a market company (or two), self-management, the state custodian


class MotionForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("小区"), queryset=Estate.objects.none())
    matter = forms.ChoiceField(label=_("表决事项（民法典第二百七十八条）"), choices=MATTER_CHOICES)
    title = forms.CharField(label=_("标题"), max_length=150)
    body = forms.CharField(label=_("表决内容"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    opens_at = forms.DateTimeField(label=_("开始时间"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    closes_at = forms.DateTimeField(label=_("截止时间"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    secret = forms.BooleanField(label=_("无记名投票（只记录是否投票，不显示表决意见）"), required=False)
    # Hiring a manager (art. 278(1)(4)): whom, as fields — one choice, or options for the owners to choose among.
    manager_mode = forms.ChoiceField(label=_("选定的管理方式（选聘事项，单一方案）"),
                                     choices=[("", "—")] + MANAGER_MODES, required=False)
    provider = forms.ModelChoiceField(label=_("选定的物业服务企业"), queryset=Organization.objects.none(),
                                      required=False)
    case = forms.ModelChoiceField(label=_("选聘案"), queryset=SelectionCase.objects.none(), required=False,
                                  widget=forms.HiddenInput)
    timing_exception = forms.CharField(label=_("表决时间例外理由（不满通知期或最短表决期时填写）"), max_length=300,
                                       required=False)
    timing_exception_document = forms.CharField(label=_("例外依据文号"), max_length=100, required=False)

    def __init__(self, *args, estates, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates
        companies = Organization.objects.filter(kind="property_company")
        if user is not None:
            companies = Organization.objects.visible_to(user).filter(kind="property_company")
        self.fields["provider"].queryset = companies
        self.fields["case"].queryset = SelectionCase.objects.filter(estate__in=estates)
        for i in range(1, OPTION_ROWS + 1):
            self.fields[f"option_{i}_label"] = forms.CharField(label=_("选项 %(i)s") % {"i": i}, max_length=150,
                                                               required=False)
            self.fields[f"option_{i}_mode"] = forms.ChoiceField(label=_("选项 %(i)s 管理方式") % {"i": i},
                                                                choices=[("", "—")] + MANAGER_MODES, required=False)
            self.fields[f"option_{i}_provider"] = forms.ModelChoiceField(
                label=_("选项 %(i)s 物业服务企业") % {"i": i}, queryset=companies, required=False)
        now = timezone.localtime().replace(second=0, microsecond=0)
        # By default the earliest lawful vote: the notice period after today, for the minimum voting period.
        self.fields["opens_at"].initial = now + rules.NATIONAL.notice
        self.fields["closes_at"].initial = now + rules.NATIONAL.notice + rules.NATIONAL.min_voting

    def option_rows(self):
        return [(self[f"option_{i}_label"], self[f"option_{i}_mode"], self[f"option_{i}_provider"])
                for i in range(1, OPTION_ROWS + 1)]

    def service_kwargs(self) -> dict:
        """The keywords of services.motion_create."""
        d = dict(self.cleaned_data)
        options = []
        for i in range(1, OPTION_ROWS + 1):
            label, mode, provider = d.pop(f"option_{i}_label"), d.pop(f"option_{i}_mode"), d.pop(f"option_{i}_provider")
            if label or mode or provider:
                options.append({"label": label, "mode": mode, "provider": provider})
        d["options"] = options
        return d


class PaperBallotForm(forms.Form):
    elector = forms.ModelChoiceField(label=_("业主"), queryset=None)
    choice = forms.ChoiceField(label=_("表决意见"), choices=())
    sheet = forms.FileField(label=_("纸质票扫描件"))
    # The current event of the ballot this sheet replaces, once the page has shown it and staff confirmed.
    replaces = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, motion, **kwargs):
        super().__init__(*args, **kwargs)
        self.motion = motion
        self.fields["elector"].queryset = motion.electors.order_by("id")
        self.fields["choice"].choices = motion.ballot_choices()

    def clean_choice(self):
        """(choice, option) from one of Motion.ballot_choices()."""
        try:
            return self.motion.parse_ballot_choice(self.cleaned_data["choice"])
        except ValueError:
            raise forms.ValidationError(_("请选择一个表决意见")) from None

    def clean_sheet(self):
        # A scan is a PDF or a picture, recognised by its bytes; pictures are re-encoded, the name generated.
        return uploads.document(self.cleaned_data["sheet"], label=_("纸质票扫描件"))


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("会议类型"), choices=Meeting.Kind.choices)
    level = forms.ChoiceField(label=_("层级"), choices=Level.choices, initial=Level.ESTATE)
    title = forms.CharField(label=_("议题"), max_length=150)
    estate = forms.ModelChoiceField(label=_("小区"), queryset=Estate.objects.none(), required=False)
    building = forms.ModelChoiceField(label=_("楼栋"), queryset=Building.objects.none(), required=False)
    division = forms.ModelChoiceField(label=_("社区/街道"), queryset=Division.objects.none(), required=False)
    notified_on = forms.DateField(label=_("通知日期"), widget=DATE)
    held_on = forms.DateField(label=_("开会日期"), widget=DATE)
    place = forms.CharField(label=_("地点"), max_length=120, required=False)
    agenda = forms.CharField(label=_("议程"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, estates, divisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates
        self.fields["building"].queryset = Building.objects.filter(estate__in=estates).select_related("estate")
        self.fields["division"].queryset = divisions.filter(level__in=["community", "street"])
        self.fields["notified_on"].initial = timezone.localdate()
        self.fields["held_on"].initial = timezone.localdate() + timezone.timedelta(days=15)


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("会议纪要"), widget=forms.Textarea(attrs={"rows": 5}))
    attendees = forms.CharField(label=_("参会人员（每行一人：姓名或单位，身份）"), widget=forms.Textarea(attrs={"rows": 4}))
    decisions = forms.CharField(label=_("会议决定（每行一条）"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def cleaned_attendees(self):
        rows = []
        for line in self.cleaned_data["attendees"].splitlines():
            name, _sep, capacity = line.replace("，", ",").partition(",")
            if name.strip():
                rows.append((name.strip(), capacity.strip()))
        return rows


class TaskForm(forms.Form):
    title = forms.CharField(label=_("任务"), max_length=150)
    assignee = forms.CharField(label=_("责任单位/人"), max_length=80)
    due = forms.DateField(label=_("完成时限"), widget=DATE, required=False)


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=150)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 6}))
    scope = forms.ChoiceField(label=_("公示范围"), choices=Notice.Scope.choices, initial=Notice.Scope.ESTATE)
    estate = forms.ModelChoiceField(label=_("小区"), queryset=Estate.objects.none(), required=False)
    building = forms.ModelChoiceField(label=_("楼栋"), queryset=Building.objects.none(), required=False)
    community = forms.ModelChoiceField(label=_("社区"), queryset=Division.objects.none(), required=False)
    posted_on = forms.DateField(label=_("公示开始"), widget=DATE)
    ends_on = forms.DateField(label=_("公示结束"), widget=DATE)
    attachment = forms.FileField(label=_("附件"), required=False)

    def clean_attachment(self):
        """(name shown on the notice, the file checked by content), or None."""
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        stored = uploads.document(upload, label=_("附件"))
        # The uploaded name is only a label (never a path); the stored name is generated.
        shown = "".join(ch for ch in upload.name.replace("\\", "/").rsplit("/", 1)[-1] if ch.isprintable()).strip()
        return uploads.clip(shown or _("附件"), 100), stored

    def __init__(self, *args, estates, divisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates
        self.fields["building"].queryset = Building.objects.filter(estate__in=estates).select_related("estate")
        self.fields["community"].queryset = divisions.filter(level="community")
        self.fields["posted_on"].initial = timezone.localdate()
        self.fields["ends_on"].initial = timezone.localdate() + timezone.timedelta(days=Notice.DEFAULT_PERIOD_DAYS)


class CaseForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("小区"), queryset=Estate.objects.none())
    deadline = forms.DateField(label=_("选聘期限"), widget=DATE)

    def __init__(self, *args, estates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates
        self.fields["deadline"].initial = timezone.localdate() + timezone.timedelta(days=90)


class CaseStepForm(forms.Form):
    """One form for every step; the view reads the fields the step needs."""

    step = forms.ChoiceField(choices=[("decide", "decide"), ("hire", "hire"), ("custodian", "custodian")],
                             widget=forms.HiddenInput)
    mode = forms.ChoiceField(label=_("管理方式"), choices=SelectionCase.Mode.choices, required=False)
    motion = forms.ModelChoiceField(label=_("依据的表决"), queryset=None, required=False)
    committee_meeting = forms.ModelChoiceField(label=_("业主委员会会议"), queryset=None, required=False)
    provider = forms.ModelChoiceField(label=_("物业服务企业"), queryset=None, required=False)
    start = forms.DateField(label=_("起始日期"), widget=DATE, required=False)
    contract_end = forms.DateField(label=_("合同到期"), widget=DATE, required=False)
    contract_no = forms.CharField(label=_("合同编号"), max_length=60, required=False)

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["motion"].queryset = Motion.objects.filter(estate=case.estate, status="closed", approved=True)
        self.fields["committee_meeting"].queryset = Meeting.objects.filter(estate=case.estate, kind="committee",
                                                                           status="held")
        self.fields["provider"].queryset = Organization.objects.visible_to(user).filter(kind="property_company")
        self.fields["start"].initial = timezone.localdate() + timezone.timedelta(days=1)
