"""Forms of the renovation pages; the rules themselves are in services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.assembly.models import Motion, SelectionCase, Survey
from linli.facilities.models import Facility
from linli.fees.models import FeePlan
from linli.people.models import Organization
from linli.places.models import Building, Estate, Stewardship

from .models import ProjectFacility

DATE = forms.DateInput(attrs={"type": "date"})


def _providers(user):
    return Organization.objects.visible_to(user).filter(kind__in=("property_company", "service_station"))


class ProjectForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("小区（片区改造时为牵头小区）"), queryset=Estate.objects.none())
    estates = forms.ModelMultipleChoiceField(
        label=_("片区改造：同一项目的其他小区"), queryset=Estate.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("几个小区一起改造（同一预算、同一施工单位）时勾选；只改造一个小区时不选"))
    title = forms.CharField(label=_("项目名称"), max_length=150)
    summary = forms.CharField(label=_("改造内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    budget = forms.DecimalField(label=_("投资估算（元）"), required=False, min_value=0, decimal_places=2)
    survey = forms.ModelChoiceField(label=_("需求征询（意见征询）"), queryset=Survey.objects.none(), required=False)

    def __init__(self, *args, estates, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates
        self.fields["estates"].queryset = estates.select_related("community").order_by("community__name", "name")
        self.fields["estates"].label_from_instance = lambda e: f"{e.community.name} {e.name}"
        self.fields["survey"].queryset = Survey.objects.visible_to(user).order_by("-opens_on")


class StageForm(forms.Form):
    direction = forms.ChoiceField(label=_("操作"), choices=[("advance", _("进入下一阶段")), ("back", _("退回上一阶段"))])
    plan = forms.CharField(label=_("改造方案（进入方案公示时填写）"), required=False,
                           widget=forms.Textarea(attrs={"rows": 4}))
    note = forms.CharField(label=_("说明（退回时必填理由）"), required=False, max_length=500)


class CommentForm(forms.Form):
    body = forms.CharField(label=_("我的意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class AnswerForm(forms.Form):
    comment = forms.IntegerField(widget=forms.HiddenInput)
    body = forms.CharField(label=_("答复"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class FacilityLinkForm(forms.Form):
    facility = forms.ModelChoiceField(label=_("已登记的设施"), queryset=Facility.objects.none())
    action = forms.ChoiceField(label=_("方式"), choices=ProjectFacility.Action.choices)
    note = forms.CharField(label=_("说明"), required=False, max_length=200)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = Facility.objects.filter(estate__in=project.estates.all()).exclude(
            pk__in=project.facility_links.values("facility_id")).select_related("estate")
        if project.is_cluster:
            self.fields["facility"].label_from_instance = lambda f: f"{f.estate.name} · {f.name}"


class FacilityCreateForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("所在小区"), queryset=Estate.objects.none(), required=False,
                                    help_text=_("设施属于改造范围内的一个小区；不选则为楼栋所在小区或牵头小区"))
    kind = forms.ChoiceField(label=_("类别"), choices=Facility.Kind.choices)
    name = forms.CharField(label=_("名称"), max_length=100)
    building = forms.ModelChoiceField(label=_("楼栋"), queryset=Building.objects.none(), required=False)
    location = forms.CharField(label=_("位置"), required=False, max_length=200)
    installed_on = forms.DateField(label=_("安装日期"), required=False, widget=DATE)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = project.estates.all()
        self.fields["building"].queryset = Building.objects.filter(estate__in=project.estates.all()).select_related(
            "estate")
        if project.is_cluster:
            self.fields["building"].label_from_instance = lambda b: f"{b.estate.name} {b.number}"
        else:
            del self.fields["estate"]


HANDOVER_MODES = [(m.value, m.label) for m in (Stewardship.Mode.MARKET, Stewardship.Mode.CUSTODIAN,
                                               Stewardship.Mode.BUNDLED, Stewardship.Mode.SELF)]


class HandoverForm(forms.Form):
    estates = forms.ModelMultipleChoiceField(label=_("本次移交的小区"), queryset=Estate.objects.none(),
                                             widget=forms.CheckboxSelectMultiple)
    mode = forms.ChoiceField(label=_("管理方式"), choices=HANDOVER_MODES)
    provider = forms.ModelChoiceField(label=_("物业服务人"), queryset=Organization.objects.none(), required=False)
    motions = forms.ModelMultipleChoiceField(
        label=_("业主共同决定（选聘表决）"), queryset=Motion.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("市场化物业、国有托管、业主自管须依据已通过的选聘表决：每个移交的小区各选一项"))
    lead_estate = forms.ModelChoiceField(label=_("套管牵头小区"), queryset=Estate.objects.none(), required=False)
    start = forms.DateField(label=_("接管日期"), widget=DATE)
    contract_no = forms.CharField(label=_("合同编号"), required=False, max_length=60)
    contract_end = forms.DateField(label=_("合同到期"), required=False, widget=DATE)
    fee_name = forms.CharField(label=_("收费项目"), max_length=50, initial="物业服务费")
    fee_basis = forms.ChoiceField(label=_("计费方式"), choices=[
        (FeePlan.Basis.PER_HOME, FeePlan.Basis.PER_HOME.label), (FeePlan.Basis.PER_AREA, FeePlan.Basis.PER_AREA.label)])
    fee_rate = forms.DecimalField(label=_("单价（元/月）"), min_value=0, decimal_places=2)
    grace_months = forms.IntegerField(label=_("先服务后收费：免收月数"), min_value=0, max_value=24, initial=3)
    fee_decision = forms.CharField(label=_("收费依据"), max_length=200,
                                   help_text=_("业主大会决定、街道文件或备案编号"))
    note = forms.CharField(label=_("说明"), required=False, max_length=200)

    def __init__(self, *args, project, user, **kwargs):
        super().__init__(*args, **kwargs)
        pending = Estate.objects.filter(pk__in=project.estate_rows.filter(stewardship__isnull=True).values("estate_id"))
        self.fields["estates"].queryset = pending
        self.fields["estates"].initial = list(pending.values_list("pk", flat=True))
        self.fields["provider"].queryset = _providers(user)
        self.fields["motions"].queryset = Motion.objects.filter(
            estate__in=pending, matter="hire_manager", status=Motion.Status.CLOSED, approved=True).select_related(
            "estate")
        self.fields["motions"].label_from_instance = lambda m: f"{m.estate.name}：{m.title}"
        self.fields["lead_estate"].queryset = Estate.objects.visible_to(user).exclude(pk__in=pending)


class EmergencyForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("小区"), queryset=Estate.objects.none())
    mode = forms.ChoiceField(label=_("服务人类型"), choices=[
        (Stewardship.Mode.MARKET.value, _("物业服务企业")), (Stewardship.Mode.CUSTODIAN.value, _("国有企业"))])
    provider = forms.ModelChoiceField(label=_("应急物业服务人"), queryset=Organization.objects.none())
    start = forms.DateField(label=_("服务开始"), widget=DATE)
    end = forms.DateField(label=_("服务结束（不超过六个月）"), widget=DATE)
    document = forms.CharField(label=_("街道办事处确定文件"), max_length=200)
    services = forms.CharField(label=_("服务内容"), widget=forms.Textarea(attrs={"rows": 3}),
                               initial=_("供水、垃圾清运、电梯运行等维持基本生活的服务"))
    costs = forms.CharField(label=_("服务费用"), widget=forms.Textarea(attrs={"rows": 2}))
    monthly_cost = forms.DecimalField(label=_("每月费用（元）"), required=False, min_value=0, decimal_places=2)

    def __init__(self, *args, estates, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = estates
        self.fields["provider"].queryset = _providers(user)


class CaseLinkForm(forms.Form):
    selection_case = forms.ModelChoiceField(label=_("选聘案"), queryset=SelectionCase.objects.none())

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["selection_case"].queryset = SelectionCase.objects.filter(estate=service.estate)
