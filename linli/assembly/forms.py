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
    # Hidden: the owner is found by building, room and name on the batch page (or named on the confirm page), never
    # picked from a list of every owner of the estate.
    elector = forms.ModelChoiceField(label=_("业主"), queryset=None, widget=forms.HiddenInput)
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

    def clean_held_on(self):
        """A new meeting is held today or later; a meeting already scheduled takes its minutes whenever."""
        held_on = self.cleaned_data["held_on"]
        if held_on < timezone.localdate():
            raise forms.ValidationError(_("开会日期已经过去，新会议请选择今天或以后的日期"), code="past")
        return held_on


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


# -- owners' committees and 物业管理委员会 (issue 19) -----------------------------------------------------------------

MANAGEMENT_ROWS = 11  # seven or more members, an odd number (Beijing art. 54); more rows are a second form


def find_person(persons, *, name: str, phone: str, field: str):
    """The registry's person with this name and phone among ``persons`` (what the user may see); a clear error
    naming the field otherwise."""
    from django.core.exceptions import ValidationError

    from linli.core.text import normalize

    name, phone = normalize(name or "").strip(), (phone or "").strip().replace(" ", "")
    matches = list(persons.filter(phone=phone, name=name)[:2]) if name and phone else []
    if not matches:
        raise ValidationError({field: _("登记信息中没有姓名为“%(name)s”、手机号为 %(phone)s 的人员，请先在居民登记中登记")
                               % {"name": uploads.clip(name, 20), "phone": uploads.clip(phone, 20)}})
    if len(matches) > 1:
        raise ValidationError({field: _("有两人登记了同一姓名和手机号，请联系社区核对")})
    return matches[0]


class CandidateForm(forms.Form):
    name = forms.CharField(label=_("候选人姓名"), max_length=60)
    phone = forms.CharField(label=_("候选人手机号（用于核对登记信息，不公开）"), max_length=20)
    title = forms.ChoiceField(label=_("拟任职务"), choices=[("member", _("委员")), ("chair", _("主任")),
                                                            ("vice_chair", _("副主任")), ("alternate", _("候补委员"))])


class ManagementCommitteeForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("小区"), queryset=Estate.objects.none())
    basis = forms.CharField(label=_("组建决定文号"), max_length=200)
    term_starts = forms.DateField(label=_("任期开始"), widget=DATE)
    term_ends = forms.DateField(label=_("任期届满（不超过三年，第五十八条）"), widget=DATE)
    phone = forms.CharField(label=_("公开联系电话"), max_length=20, required=False)
    document = forms.FileField(label=_("组建决定（扫描件）"), required=False)

    def __init__(self, *args, estates, **kwargs):
        from linli.assembly.models.committees import add_years
        from linli.people.models import Post

        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates
        today = timezone.localdate()
        self.fields["term_starts"].initial = today
        self.fields["term_ends"].initial = add_years(today, 3) - timezone.timedelta(days=1)
        titles = [("", "—"), ("chair", _("主任")), ("vice_chair", _("副主任")), ("member", _("委员"))]
        capacities = [("", "—")] + [(c.value, c.label) for c in Post.Capacity
                                    if c.value in ("residents_committee", "owner", "user", "party", "other")]
        for i in range(1, MANAGEMENT_ROWS + 1):
            self.fields[f"m{i}_name"] = forms.CharField(label=_("第 %(i)s 人 姓名") % {"i": i}, max_length=60,
                                                        required=False)
            self.fields[f"m{i}_phone"] = forms.CharField(label=_("第 %(i)s 人 手机号") % {"i": i}, max_length=20,
                                                         required=False)
            self.fields[f"m{i}_title"] = forms.ChoiceField(label=_("第 %(i)s 人 职务") % {"i": i}, choices=titles,
                                                           required=False)
            self.fields[f"m{i}_capacity"] = forms.ChoiceField(label=_("第 %(i)s 人 来自") % {"i": i},
                                                              choices=capacities, required=False)

    def member_rows(self):
        return [(i, self[f"m{i}_name"], self[f"m{i}_phone"], self[f"m{i}_title"], self[f"m{i}_capacity"])
                for i in range(1, MANAGEMENT_ROWS + 1)]

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        return uploads.document(upload, label=_("组建决定")) if upload else None

    def members(self, persons) -> list:
        """(person, title, capacity) of each filled row; errors name the row."""
        from django.core.exceptions import ValidationError

        out = []
        for i in range(1, MANAGEMENT_ROWS + 1):
            d = self.cleaned_data
            name, phone = d.get(f"m{i}_name", ""), d.get(f"m{i}_phone", "")
            if not (name or phone):
                continue
            if not d.get(f"m{i}_title") or not d.get(f"m{i}_capacity"):
                raise ValidationError({f"m{i}_title": _("请选择第 %(i)s 人的职务和来自") % {"i": i}})
            person = find_person(persons, name=name, phone=phone, field=f"m{i}_name")
            out.append((person, d[f"m{i}_title"], d[f"m{i}_capacity"]))
        return out


class FilingForm(forms.Form):
    filed_on = forms.DateField(label=_("备案日期"), widget=DATE)
    title = forms.CharField(label=_("材料名称"), max_length=150, initial=_("业主委员会备案材料（第四十三条）"))
    file = forms.FileField(label=_("备案材料（扫描件）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["filed_on"].initial = timezone.localdate()

    def clean_file(self):
        return uploads.document(self.cleaned_data["file"], label=_("备案材料"))


class TermReportForm(forms.Form):
    reported_on = forms.DateField(label=_("报告日期"), widget=DATE)
    file = forms.FileField(label=_("书面报告（扫描件）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reported_on"].initial = timezone.localdate()

    def clean_file(self):
        return uploads.document(self.cleaned_data["file"], label=_("书面报告"))


class CommitteeDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=[])
    title = forms.CharField(label=_("标题"), max_length=150)
    file = forms.FileField(label=_("文件"))

    def __init__(self, *args, **kwargs):
        from linli.assembly.models import CommitteeDocument

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.value, k.label) for k in CommitteeDocument.Kind
                                       if k.value not in ("filing", "term_report", "formation")]

    def clean_file(self):
        return uploads.document(self.cleaned_data["file"], label=_("文件"))


class SeatEndForm(forms.Form):
    post = forms.ModelChoiceField(label=_("委员"), queryset=None)
    reason = forms.ChoiceField(label=_("终止情形（第四十六条）"), choices=[])
    on = forms.DateField(label=_("情形发生之日"), widget=DATE)
    note = forms.CharField(label=_("说明"), max_length=120, required=False)
    alternate = forms.ModelChoiceField(label=_("由候补委员递补（第四十一条）"), queryset=None, required=False)

    def __init__(self, *args, posts, **kwargs):
        from linli.assembly.models import MemberEnd

        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = posts
        self.fields["post"].label_from_instance = lambda p: f"{p.person.name}（{p.get_title_display()}）"
        self.fields["alternate"].queryset = posts.filter(title="alternate")
        self.fields["alternate"].label_from_instance = lambda p: p.person.name
        self.fields["reason"].choices = MemberEnd.choices
        self.fields["on"].initial = timezone.localdate()


class ExistingCommitteeForm(forms.Form):
    """An owners' committee elected before the estate used Linli, recorded by the street from its papers."""

    ROWS = 15  # up to eleven members and their alternates is common; more is rare

    estate = forms.ModelChoiceField(label=_("小区"), queryset=Estate.objects.none())
    elected_on = forms.DateField(label=_("选举日期"), widget=DATE)
    term_ends = forms.DateField(label=_("任期届满（不超过五年，第四十一条）"), widget=DATE)
    basis = forms.CharField(label=_("选举依据（业主大会会议记录或决定）"), max_length=200)
    phone = forms.CharField(label=_("公开联系电话"), max_length=20, required=False)

    def __init__(self, *args, estates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates
        titles = [("", "—"), ("chair", _("主任")), ("vice_chair", _("副主任")), ("member", _("委员")),
                  ("alternate", _("候补委员"))]
        for i in range(1, self.ROWS + 1):
            self.fields[f"m{i}_name"] = forms.CharField(label=_("第 %(i)s 人 姓名") % {"i": i}, max_length=60,
                                                        required=False)
            self.fields[f"m{i}_phone"] = forms.CharField(label=_("第 %(i)s 人 手机号") % {"i": i}, max_length=20,
                                                         required=False)
            self.fields[f"m{i}_title"] = forms.ChoiceField(label=_("第 %(i)s 人 职务") % {"i": i}, choices=titles,
                                                           required=False)

    def member_rows(self):
        return [(i, self[f"m{i}_name"], self[f"m{i}_phone"], self[f"m{i}_title"]) for i in range(1, self.ROWS + 1)]

    def seats(self, persons) -> list:
        """(person, title) of each filled row; errors name the row."""
        from django.core.exceptions import ValidationError

        out = []
        for i in range(1, self.ROWS + 1):
            d = self.cleaned_data
            name, phone = d.get(f"m{i}_name", ""), d.get(f"m{i}_phone", "")
            if not (name or phone):
                continue
            if not d.get(f"m{i}_title"):
                raise ValidationError({f"m{i}_title": _("请选择第 %(i)s 人的职务") % {"i": i}})
            out.append((find_person(persons, name=name, phone=phone, field=f"m{i}_name"), d[f"m{i}_title"]))
        return out


# -- issue 19 (review): committee drafts, their review, owners' proposals and requests for an assembly ---------


def _attachment_pair(upload, label):
    """(name shown, the file checked by content) of an optional upload, or None (as NoticeForm does)."""
    if not upload:
        return None
    stored = uploads.document(upload, label=label)
    shown = "".join(ch for ch in upload.name.replace("\\", "/").rsplit("/", 1)[-1] if ch.isprintable()).strip()
    return uploads.clip(shown or str(label), 100), stored


class NoticeDraftForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("小区"), queryset=Estate.objects.none())
    title = forms.CharField(label=_("标题"), max_length=150)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 6}))
    scope = forms.ChoiceField(label=_("公示范围"), choices=[("estate", _("小区")), ("building", _("楼栋"))],
                              initial="estate")
    building = forms.ModelChoiceField(label=_("楼栋（楼栋公示时选择）"), queryset=Building.objects.none(),
                                      required=False)
    posted_on = forms.DateField(label=_("公示开始"), widget=DATE)
    ends_on = forms.DateField(label=_("公示结束"), widget=DATE)
    attachment = forms.FileField(label=_("附件（可选）"), required=False)

    def __init__(self, *args, estates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates
        self.fields["building"].queryset = Building.objects.filter(estate__in=estates).select_related("estate")
        self.fields["posted_on"].initial = timezone.localdate() + timezone.timedelta(days=1)
        self.fields["ends_on"].initial = timezone.localdate() + timezone.timedelta(days=1 + Notice.DEFAULT_PERIOD_DAYS)

    def clean_attachment(self):
        return _attachment_pair(self.cleaned_data.get("attachment"), _("附件"))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("审核意见"), choices=[("approve", _("审核通过")), ("return", _("退回修改"))],
                                 widget=forms.RadioSelect)
    reason = forms.CharField(label=_("退回理由（退回时必填）"), max_length=300, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("退回须写明理由"))
        return data


class ProposalForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("小区"), queryset=Estate.objects.none())
    title = forms.CharField(label=_("标题"), max_length=150)
    text = forms.CharField(label=_("提议或建议的内容"), widget=forms.Textarea(attrs={"rows": 6}))
    attachment = forms.FileField(label=_("附件（可选，照片或文件）"), required=False)

    def __init__(self, *args, estates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates

    def clean_attachment(self):
        return _attachment_pair(self.cleaned_data.get("attachment"), _("附件"))


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("答复"), widget=forms.Textarea(attrs={"rows": 4}))


class AssemblyRequestForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("小区"), queryset=Estate.objects.none())
    matter = forms.CharField(label=_("提议召开业主大会临时会议讨论的事项"), max_length=150)
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, estates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates


class PaperSignatureForm(forms.Form):
    building = forms.CharField(label=_("楼栋"), max_length=20)
    room = forms.CharField(label=_("房号"), max_length=20)
    sheet = forms.FileField(label=_("签名页扫描件"))

    def clean_sheet(self):
        return uploads.document(self.cleaned_data["sheet"], label=_("签名页扫描件"))


# -- surveys (issue 19 item 5: 逐户征求意见) -----------------------------------------------------------------------

SURVEY_QUESTION_ROWS = 6  # blank rows are skipped


class SurveyForm(forms.Form):
    """Draft a survey: where, when, and up to six questions (options one per line)."""

    title = forms.CharField(label=_("标题"), max_length=150)
    intro = forms.CharField(label=_("说明（征询的事由；本征询不是业主表决）"), widget=forms.Textarea(attrs={"rows": 3}),
                            required=False)
    scope = forms.ChoiceField(label=_("征询范围"), choices=[("estate", _("小区")), ("building", _("楼栋")),
                                                         ("community", _("社区"))])
    estate = forms.ModelChoiceField(label=_("小区"), queryset=Estate.objects.none(), required=False)
    building = forms.ModelChoiceField(label=_("楼栋（按楼栋征询时）"), queryset=Building.objects.none(), required=False)
    community = forms.ModelChoiceField(label=_("社区（按社区征询时）"), queryset=Division.objects.none(), required=False)
    opens_on = forms.DateField(label=_("征询开始"), widget=DATE)
    closes_on = forms.DateField(label=_("征询截止"), widget=DATE)

    def __init__(self, *args, estates, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates
        self.fields["building"].queryset = Building.objects.filter(estate__in=estates).select_related("estate")
        self.fields["community"].queryset = communities
        kinds = [("single", _("单选")), ("multiple", _("多选")), ("text", _("文字"))]
        for i in range(1, SURVEY_QUESTION_ROWS + 1):
            self.fields[f"q{i}_text"] = forms.CharField(label=_("问题 %(i)s") % {"i": i}, max_length=300,
                                                        required=False)
            self.fields[f"q{i}_kind"] = forms.ChoiceField(label=_("问题 %(i)s 题型") % {"i": i}, choices=kinds,
                                                          required=False)
            self.fields[f"q{i}_required"] = forms.BooleanField(label=_("问题 %(i)s 必答") % {"i": i}, required=False,
                                                               initial=True)
            self.fields[f"q{i}_options"] = forms.CharField(
                label=_("问题 %(i)s 选项（每行一个）") % {"i": i}, widget=forms.Textarea(attrs={"rows": 3}),
                required=False)

    def questions(self) -> list[dict]:
        data = self.cleaned_data
        return [{"text": data.get(f"q{i}_text", ""), "kind": data.get(f"q{i}_kind") or "single",
                 "required": data.get(f"q{i}_required", False),
                 "options": (data.get(f"q{i}_options") or "").splitlines()}
                for i in range(1, SURVEY_QUESTION_ROWS + 1)]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"title": data["title"], "intro": data["intro"], "scope": data["scope"], "estate": data["estate"],
                "building": data["building"], "community": data["community"], "opens_on": data["opens_on"],
                "closes_on": data["closes_on"], "questions": self.questions()}


class SurveyAnswerForm(forms.Form):
    """One home's answer: a field per question (``q<id>``), named by the question so that an error says which."""

    def __init__(self, *args, survey, paper: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for q in survey.questions.prefetch_related("options"):
            label = f"{q.position}. {q.text}"
            choices = [(str(o.pk), o.label) for o in q.options.all()]
            if q.kind == "single":
                field = forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect, required=q.required)
            elif q.kind == "multiple":
                field = forms.MultipleChoiceField(label=label, choices=choices, widget=forms.CheckboxSelectMultiple,
                                                  required=q.required)
            else:
                # The question is the fieldset's legend, which labels no textarea: the box names it itself.
                field = forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 3, "aria-label": label}),
                                        max_length=500, required=q.required)
            field.error_messages["required"] = _("请回答：%(q)s") % {"q": label}
            self.fields[f"q{q.pk}"] = field
        if paper:
            self.fields["paper_no"] = forms.CharField(label=_("纸质表编号"), max_length=40)
            self.fields["replace"] = forms.BooleanField(label=_("更正该户答复（该户已答复时勾选）"), required=False)

    def answers(self) -> dict:
        return {key[1:]: value for key, value in self.cleaned_data.items() if key.startswith("q") and key[1:].isdigit()}


# -- issue 19 (reach): the committee's quarterly rating of the property company -----------------------------------

SCORE_CHOICES = [(5, _("5 很好")), (4, _("4 较好")), (3, _("3 一般")), (2, _("2 较差")), (1, _("1 很差"))]


def _score_fields():
    from linli.assembly.models import RATING_ITEMS, ServiceRating

    return {item: forms.TypedChoiceField(label=ServiceRating._meta.get_field(item).verbose_name, coerce=int,
                                         choices=SCORE_CHOICES, widget=forms.RadioSelect)
            for item in RATING_ITEMS}


class RatingForm(forms.Form):
    """A committee's rating of a company for a quarter: the quarter, the company, six scores 1–5, a comment."""

    period = forms.ChoiceField(label=_("季度"))
    company = forms.ModelChoiceField(label=_("物业服务人"), queryset=Organization.objects.none())
    comment = forms.CharField(label=_("意见和建议"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              max_length=2000)

    def __init__(self, *args, periods=(), companies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(f"{y}-{q}", _("%(y)s年第%(q)s季度") % {"y": y, "q": q}) for y, q in periods]
        self.fields["company"].queryset = companies if companies is not None else Organization.objects.none()
        for name, field in _score_fields().items():
            self.fields[name] = field
        self.order_fields(["period", "company", *(f for f in self.fields if f not in ("period", "company",
                                                                                       "comment")), "comment"])

    def quarter(self) -> tuple[int, int]:
        year, quarter = self.cleaned_data["period"].split("-")
        return int(year), int(quarter)


class RatingCorrectionForm(forms.Form):
    """A correction of a standing rating: all six scores again, the comment, and why."""

    comment = forms.CharField(label=_("意见和建议"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              max_length=2000)
    reason = forms.CharField(label=_("更正原因"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in _score_fields().items():
            self.fields[name] = field
        self.order_fields([f for f in self.fields if f not in ("comment", "reason")] + ["comment", "reason"])
