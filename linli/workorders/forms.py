"""Forms of the work-order pages: intake from every channel, the steps of an order, filters, routing rows."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from linli.core import uploads
from linli.core.text import normalize
from linli.people.models import Organization
from linli.places.models import Building, Home, Stewardship
from linli.triage import labels
from linli.workorders.models import Channel, Kind, Level, RoutingRule, Satisfaction, Tier

# The categories of the triage taxonomy (linli/triage/data/taxonomy.json), by code, named in the request's language.
CATEGORIES = labels.category_choices()
CATEGORY_NAMES = dict(CATEGORIES)
CATEGORY_CHOICES = [("", _("不确定（由工作人员分类）"))] + CATEGORIES

MOBILE = re.compile(r"^1[3-9]\d{9}$")
MAX_PHOTOS = 6
PHOTO_EDGE = 1600

# Organisations a work order can be sent to.
ASSIGNABLE_KINDS = ["property_company", "self_management", "community_committee", "street_office", "property_centre",
                    "department", "service_station", "owners_committee"]


def clean_mobile(value: str) -> str:
    """An 11-digit mainland mobile number, with spaces, dashes and full-width digits tolerated."""
    digits = re.sub(r"[\s\-]", "", normalize(value or ""))
    if digits.startswith("+86"):
        digits = digits[3:]
    if not MOBILE.match(digits):
        raise ValidationError(_("请填写 11 位手机号码"))
    return digits


def resize_photo(upload, index: int = 1) -> ContentFile:
    """Any image a phone sends → an upright JPEG no larger than 1600 px on its longer edge (EXIF dropped).

    Through the upload gate: the type is read from the bytes and the pixel count from the header before decoding.
    """
    return uploads.image(upload, label=_("第%(n)s张照片") % {"n": index}, max_edge=PHOTO_EDGE, stem=f"photo-{index}")


class BaseForm(forms.Form):
    """Chinese labels carry their own punctuation: no ":" suffix."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input; each is resized to a JPEG."""

    widget = MultipleFileInput(attrs={"accept": "image/*", "multiple": True})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("照片（可多张）"))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("最多上传 %(n)s 张照片") % {"n": MAX_PHOTOS})
        return [resize_photo(f, i) for i, f in enumerate(files, start=1)]


# -- intake ------------------------------------------------------------------------------------------


class VoiceField(forms.FileField):
    """One voice note (a phone's recorder: m4a, aac, mp3, amr, webm, ogg, wav), checked by its bytes."""

    widget = forms.ClearableFileInput(attrs={"accept": "audio/*", "capture": True})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("语音留言（可不传，点这里录一段话）"))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if not data:
            return None
        return uploads.audio(data, label=str(_("录音")), stem="voice")  # the size cap is checked before reading


class ResidentReportForm(BaseForm):
    """The phone page (H5) behind a poster's QR code."""

    text = forms.CharField(label=_("遇到了什么问题？"), max_length=2000, widget=forms.Textarea(attrs={
        "rows": 5, "placeholder": _("例如：3单元楼道灯坏了一周，晚上看不见台阶")}))
    category = forms.ChoiceField(label=_("问题类别（可不选）"), choices=CATEGORY_CHOICES, required=False)
    photos = PhotosField()
    voice = VoiceField()
    home = forms.TypedChoiceField(label=_("我的房屋"), coerce=int, required=False, empty_value=None)
    contact_name = forms.CharField(label=_("称呼（可不填）"), max_length=60, required=False,
                                   widget=forms.TextInput(attrs={"placeholder": _("如：王女士")}))
    contact_phone = forms.CharField(label=_("手机号码"), max_length=20, required=False,
                                    widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    anonymous = forms.BooleanField(label=_("匿名反映（处理单位看不到您的称呼和电话，由社区联系您）"), required=False)

    def __init__(self, *args, homes=(), phone_known: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.phone_known = phone_known
        self.homes = {h.pk: h for h in homes}
        if self.homes:
            self.fields["home"].choices = [("", _("不涉及我家（公共部位）"))] + [
                (h.pk, str(h)) for h in homes]
        else:
            del self.fields["home"]
        if not phone_known:
            self.fields["contact_phone"].required = True
            self.fields["contact_phone"].help_text = _("请留下手机号，方便告诉您处理结果")
        else:
            self.fields["contact_phone"].label = _("手机号码（可不填，默认用登记的号码）")

    def clean_contact_phone(self):
        value = self.cleaned_data.get("contact_phone", "")
        if not value and self.phone_known:
            return ""
        return clean_mobile(value)

    def clean_home(self):
        pk = self.cleaned_data.get("home")
        return self.homes.get(pk) if pk else None


class PlaceFieldsMixin(BaseForm):
    """Estate → building → home pickers limited to what the user serves (set by the view)."""

    estate = forms.TypedChoiceField(label=_("小区"), coerce=int, empty_value=None)
    building = forms.TypedChoiceField(label=_("楼栋"), coerce=int, required=False, empty_value=None)
    home = forms.TypedChoiceField(label=_("房屋"), coerce=int, required=False, empty_value=None)
    address = forms.CharField(label=_("具体位置"), max_length=200, required=False,
                              widget=forms.TextInput(attrs={"placeholder": _("如：3单元门口、北门停车场")}))

    def setup_places(self, estates, data):
        self.estate_qs = estates
        self.fields["estate"].choices = [("", _("请选择小区"))] + [(e.pk, e.name) for e in estates]
        estate_id = _int(data.get("estate")) if data else None
        building_id = _int(data.get("building")) if data else None
        self.buildings = Building.objects.filter(estate_id=estate_id).order_by("number") if estate_id else \
            Building.objects.none()
        self.fields["building"].choices = [("", _("不涉及具体楼栋"))] + [(b.pk, b.number) for b in self.buildings]
        self.homes_qs = Home.objects.filter(building_id=building_id, building__estate_id=estate_id).order_by(
            "entrance", "floor", "number") if building_id and estate_id else Home.objects.none()
        self.fields["home"].choices = [("", _("不涉及具体房屋"))] + [(h.pk, str(h)) for h in self.homes_qs]

    def clean_places(self, cleaned):
        estate = self.estate_qs.filter(pk=cleaned.get("estate")).first() if cleaned.get("estate") else None
        building = self.buildings.filter(pk=cleaned.get("building")).first() if cleaned.get("building") else None
        home = self.homes_qs.filter(pk=cleaned.get("home")).first() if cleaned.get("home") else None
        cleaned["estate"], cleaned["building"], cleaned["home"] = estate, building, home
        return cleaned


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


DESK_CHANNELS = [(Channel.WALK_IN, Channel.WALK_IN.label), (Channel.PHONE, Channel.PHONE.label),
                 (Channel.WECHAT, Channel.WECHAT.label)]


class DeskForm(PlaceFieldsMixin):
    """The service desk: walk-in, phone call or a WeChat-group message pasted in."""

    channel = forms.ChoiceField(label=_("渠道"), choices=DESK_CHANNELS, initial=Channel.WALK_IN)
    kind = forms.ChoiceField(label=_("诉求类型"), choices=Kind.choices, initial=Kind.HELP)
    text = forms.CharField(label=_("诉求内容（微信群消息可直接粘贴）"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 5}))
    category = forms.ChoiceField(label=_("类别"), choices=CATEGORY_CHOICES, required=False)
    urgent = forms.BooleanField(label=_("紧急"), required=False)
    reporter = forms.IntegerField(required=False, widget=forms.HiddenInput)
    contact_name = forms.CharField(label=_("联系人"), max_length=60, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False,
                                    widget=forms.TextInput(attrs={"inputmode": "tel"}))
    photos = PhotosField()

    field_order = ["channel", "kind", "text", "category", "urgent", "reporter", "contact_name", "contact_phone",
                   "estate", "building", "home", "address", "photos"]

    def __init__(self, *args, estates, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.persons = persons
        self.setup_places(estates, self.data)

    def clean_contact_phone(self):
        value = self.cleaned_data.get("contact_phone", "")
        if not value:
            return ""
        digits = re.sub(r"[\s\-]", "", normalize(value))
        if not re.match(r"^[0-9]{7,12}$", digits):
            raise ValidationError(_("请填写正确的电话号码"))
        return digits

    def clean(self):
        cleaned = self.clean_places(super().clean())
        pk = cleaned.get("reporter")
        cleaned["reporter"] = self.persons.filter(pk=pk).first() if pk else None
        if pk and cleaned["reporter"] is None:
            self.add_error(None, _("所选居民不在您的服务范围内"))
        if cleaned["reporter"] is None and not (cleaned.get("contact_name") or cleaned.get("contact_phone")) and \
                cleaned.get("channel") != Channel.WECHAT:
            self.add_error("contact_name", _("请查找居民，或填写联系人或联系电话"))
        return cleaned


class PatrolForm(PlaceFieldsMixin):
    """What a patrol or a grid worker finds on their round."""

    text = forms.CharField(label=_("发现的问题"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    category = forms.ChoiceField(label=_("类别"), choices=CATEGORY_CHOICES, required=False)
    urgent = forms.BooleanField(label=_("紧急"), required=False)
    photos = PhotosField()

    field_order = ["text", "category", "urgent", "estate", "building", "home", "address", "photos"]

    def __init__(self, *args, estates, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_places(estates, self.data)

    def clean(self):
        return self.clean_places(super().clean())


# -- the steps of an order ---------------------------------------------------------------------------


class NoteForm(BaseForm):
    note = forms.CharField(label=_("说明"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(BaseForm):
    reason = forms.CharField(label=_("理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class DispatchForm(BaseForm):
    to = forms.ModelChoiceField(label=_("承办单位"), queryset=Organization.objects.none())
    note = forms.CharField(label=_("派单说明"), max_length=1000, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = assignable_orgs(user)


def assignable_orgs(user):
    return Organization.objects.visible_to(user).filter(kind__in=ASSIGNABLE_KINDS).order_by("kind", "name")


class ReplyForm(BaseForm):
    text = forms.CharField(label=_("办理结果"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    photos = PhotosField(label=_("现场照片（可多张）"))


YES_NO = [("1", _("已解决")), ("0", _("未解决"))]


class VisitForm(BaseForm):
    solved = forms.TypedChoiceField(label=_("问题解决了吗？"), choices=YES_NO, coerce=lambda v: v == "1",
                                    widget=forms.RadioSelect)
    satisfaction = forms.ChoiceField(label=_("满意度"), choices=Satisfaction.choices, widget=forms.RadioSelect)
    reached = forms.TypedChoiceField(label=_("是否联系上反映人"), choices=[("1", _("联系上")), ("0", _("未联系上"))],
                                     coerce=lambda v: v == "1", required=False, empty_value=True)
    note = forms.CharField(label=_("意见（可不填）"), max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionForm(BaseForm):
    days = forms.IntegerField(label=_("延期工作日"), min_value=1, max_value=30, initial=3)
    reason = forms.CharField(label=_("理由"), max_length=1000)


class DecideExtensionForm(BaseForm):
    approve = forms.TypedChoiceField(label=_("审批"), choices=[("1", _("批准")), ("0", _("驳回"))],
                                     coerce=lambda v: v == "1", widget=forms.RadioSelect)
    note = forms.CharField(label=_("说明"), max_length=1000, required=False)


class SuperviseForm(BaseForm):
    note = forms.CharField(label=_("督办意见"), max_length=1000)


class MergeForm(BaseForm):
    into = forms.CharField(label=_("合并到工单编号"), max_length=24)
    note = forms.CharField(label=_("说明"), max_length=1000, required=False)


class ReclassifyForm(BaseForm):
    category = forms.ChoiceField(label=_("类别"), choices=CATEGORIES)
    subcategory = forms.CharField(label=_("子类"), max_length=48, required=False)
    tier = forms.ChoiceField(label=_("难易"), choices=Tier.choices)
    level = forms.ChoiceField(label=_("处置层级"), choices=Level.choices)
    urgent = forms.BooleanField(label=_("紧急"), required=False)


ACTION_FORMS = {
    "dispatch": DispatchForm, "accept": NoteForm, "start": NoteForm, "return": ReasonForm, "reply": ReplyForm,
    "visit": VisitForm, "close": NoteForm, "reopen": ReasonForm, "request_extension": ExtensionForm,
    "decide_extension": DecideExtensionForm, "supervise": SuperviseForm, "escalate": ReasonForm, "merge": MergeForm,
    "cancel": ReasonForm, "reclassify": ReclassifyForm,
}


# -- lists -----------------------------------------------------------------------------------------


class RoutingRuleForm(forms.ModelForm):
    category = forms.ChoiceField(label=_("类别"), choices=[("", _("任意类别"))] + CATEGORIES, required=False)
    mode = forms.ChoiceField(label=_("小区管理方式"), choices=[("", _("任意"))] + list(Stewardship.Mode.choices),
                             required=False)

    class Meta:
        model = RoutingRule
        fields = ["priority", "category", "level", "mode", "target", "organization", "note"]

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = assignable_orgs(user)
        self.fields["level"].choices = [("", _("任意层级"))] + list(Level.choices)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("target") == RoutingRule.Target.ORGANIZATION and not cleaned.get("organization"):
            self.add_error("organization", _("交办给指定单位时必须选择单位"))
        if cleaned.get("target") != RoutingRule.Target.ORGANIZATION:
            cleaned["organization"] = None
        return cleaned
