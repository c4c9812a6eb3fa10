"""Pages of joint meetings (吹哨报到)."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.assembly import services as assembly_services
from linli.assembly.models import Meeting as AssemblyMeeting
from linli.assembly.models import Referral
from linli.core.access import get_visible_or_404, staff_required
from linli.core.htmx import is_htmx
from linli.meetings import permissions
from linli.meetings import services as svc
from linli.meetings.models import JointMeeting, JointMeetingInvite
from linli.people.models import Organization
from linli.places.models import Division
from linli.workorders.models import Tier, WorkOrder
from linli.workorders.views import division_prefixes

# -- helpers -------------------------------------------------------------------------------------------------


def order_url(order) -> str:
    """The work order's page."""
    return reverse("workorders:order", args=[order.code])


def convenable_streets(user):
    """The streets ``user`` may convene meetings in."""
    return [s for s in Division.objects.visible_to(user).filter(level=Division.Level.STREET).order_by("path")
            if permissions.can_convene(user, s)]


def departments_for(street):
    """Departments of the street's district (or inside the street)."""
    ancestors = division_prefixes(street.path)
    return Organization.objects.filter(kind=Organization.Kind.DEPARTMENT).filter(
        division__path__in=ancestors).order_by("field", "name") | Organization.objects.filter(
        kind=Organization.Kind.DEPARTMENT, division__path__startswith=street.path).order_by("field", "name")


def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "message_dict"):
        for key, errors in exc.message_dict.items():
            form.add_error(key if key in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _orders_from_codes(user, street, text: str) -> list[WorkOrder]:
    codes = [c.strip() for c in (text or "").replace("，", ",").replace("\n", ",").replace(" ", ",").split(",")
             if c.strip()]
    found = {o.code: o for o in WorkOrder.objects.visible_to(user).filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError({"orders": _("找不到工单：%(c)s") % {"c": "、".join(missing)}})
    return [found[c] for c in codes]


# -- forms ---------------------------------------------------------------------------------------------------


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value):
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")
        return value


class _Form(forms.Form):
    """Chinese labels carry no trailing colon (as the work-order forms)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class MeetingForm(_Form):
    street = forms.ModelChoiceField(label=gettext_lazy("街道"), queryset=Division.objects.none())
    title = forms.CharField(label=gettext_lazy("会议名称"), max_length=120)
    topic = forms.CharField(label=gettext_lazy("议题"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    scheduled_at = forms.DateTimeField(label=gettext_lazy("召开时间"), widget=DateTimeInput,
                                       input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    place = forms.CharField(label=gettext_lazy("地点"), max_length=120, required=False)
    orders = forms.CharField(label=gettext_lazy("关联工单编号"), required=False,
                             help_text=gettext_lazy("多个编号用逗号或空格分隔"))
    departments = forms.ModelMultipleChoiceField(label=gettext_lazy("邀请部门"), queryset=Organization.objects.none(),
                                                 widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args, streets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = Division.objects.filter(pk__in=[s.pk for s in streets])
        depts = Organization.objects.none()
        for s in streets:
            depts = depts | departments_for(s)
        self.fields["departments"].queryset = depts.distinct().order_by("field", "name")
        if len(streets) == 1:
            self.fields["street"].initial = streets[0].pk

    def clean_scheduled_at(self):
        """A new meeting is called for now or later (the form only convenes; a meeting already called keeps its
        time, and its minutes and tasks are recorded whenever). The current minute counts as now."""
        at = self.cleaned_data["scheduled_at"]
        if at < timezone.now().replace(second=0, microsecond=0):
            raise forms.ValidationError(_("召开时间已经过去，新会议请选择现在以后的时间"), code="past")
        return at


class MinutesForm(_Form):
    minutes = forms.CharField(label=gettext_lazy("会议纪要"), widget=forms.Textarea(attrs={"rows": 5}))
    decisions = forms.CharField(label=gettext_lazy("议定事项"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class TaskForm(_Form):
    department = forms.ModelChoiceField(label=gettext_lazy("承办部门"), queryset=Organization.objects.none(),
                                        empty_label=gettext_lazy("请选择已邀请的部门"))
    text = forms.CharField(label=gettext_lazy("任务内容"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=gettext_lazy("完成期限"), widget=forms.DateInput(attrs={"type": "date"}))
    about = forms.ModelChoiceField(label=gettext_lazy("关联工单"), queryset=WorkOrder.objects.none(), required=False,
                                   empty_label=gettext_lazy("不关联（地点为本街道）"))
    tier = forms.ChoiceField(label=gettext_lazy("难易"), choices=Tier.choices, initial=Tier.HARD)

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Organization.objects.filter(
            pk__in=meeting.invites.values("department_id")).order_by("name")
        self.fields["about"].queryset = WorkOrder.objects.filter(meeting_links__meeting=meeting).order_by("pk")


class InviteForm(_Form):
    departments = forms.ModelMultipleChoiceField(label=gettext_lazy("邀请部门"), queryset=Organization.objects.none(),
                                                 widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = departments_for(meeting.street).exclude(
            pk__in=meeting.invites.values("department_id"))


class LinkForm(_Form):
    orders = forms.CharField(label=gettext_lazy("关联工单编号"), help_text=gettext_lazy("多个编号用逗号或空格分隔"))


# -- meetings ------------------------------------------------------------------------------------------------


@staff_required
def meeting_list(request):
    qs = JointMeeting.objects.visible_to(request.user).select_related("street", "convened_by")
    status = request.GET.get("status", "")
    if status in JointMeeting.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "meetings/list.html", {
        "page": page, "status": status, "statuses": JointMeeting.Status.choices,
        "can_convene": bool(convenable_streets(request.user)),
    })


@staff_required
def meeting_new(request):
    streets = convenable_streets(request.user)
    if not streets:
        raise PermissionDenied(_("只有街道管理员可以召集吹哨报到会议"))
    initial, about = {}, []
    if request.method == "GET" and request.GET.get("orders"):
        initial, about = _initial_from_orders(request.user, streets, request.GET["orders"])
    form = MeetingForm(request.POST or None, streets=streets, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            orders = _orders_from_codes(request.user, data["street"], data["orders"])
            meeting = svc.meeting_convene(
                street=data["street"], title=data["title"], topic=data["topic"], scheduled_at=data["scheduled_at"],
                place=data["place"], orders=orders, departments=data["departments"], actor=request.user)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("已召集会议「%(t)s」") % {"t": meeting.title})
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(request, "meetings/form.html", {
        "form": form, "about": about, "back": order_url(about[0]) if len(about) == 1 else None})


def _initial_from_orders(user, streets, text: str) -> tuple[dict, list[WorkOrder]]:
    """``?orders=CODE,CODE`` (the "提请吹哨" link of an order's page): the codes, the street of the orders and
    their texts as the topic. Codes the user cannot see are kept as typed, for the form to refuse on submit."""
    initial = {"orders": text}
    try:
        about = _orders_from_codes(user, None, text)
    except ValidationError:
        return initial, []
    by_pk = {st.pk: st for st in streets}
    street_ids = {o.street_id for o in about}
    if len(street_ids) == 1 and next(iter(street_ids)) in by_pk:
        initial["street"] = next(iter(street_ids))
    initial["topic"] = "\n".join(f"{o.code}：{(o.title or o.text)[:200]}" for o in about)
    return initial, about


def _meeting(request, pk):
    return get_visible_or_404(JointMeeting.objects.select_related("street", "convened_by"), request.user, pk=pk)


def _detail_context(request, meeting, **extra):
    invites = list(meeting.invites.select_related("department", "reported_by").order_by("id"))
    for invite in invites:
        invite.meeting = meeting
    links = list(meeting.links.select_related("order", "order__assignee_org").order_by("id"))
    for link in links:
        link.url = order_url(link.order)
    tasks = list(meeting.tasks.select_related("order", "department").order_by("id"))
    for task in tasks:
        task.url = order_url(task.order)
    actions = svc.meeting_actions(request.user, meeting)
    context = {
        "meeting": meeting, "invites": invites, "links": links, "tasks": tasks, "actions": actions,
        "reported": sum(1 for i in invites if i.reported_at), "can_report": set(actions["report"]),
        "absent": [i.department.name for i in invites if i.absent],
        "close_early": timezone.now() < meeting.scheduled_at,
    }
    if actions["manage"]:
        context.setdefault("minutes_form", MinutesForm(initial={"minutes": meeting.minutes,
                                                                "decisions": meeting.decisions}))
        context.setdefault("task_form", TaskForm(meeting=meeting))
        context.setdefault("invite_form", InviteForm(meeting=meeting))
        context.setdefault("link_form", LinkForm())
    # Matters sent here by a 议事会 (issue 19 item 7): where each came from.
    context["referrals"] = Referral.objects.filter(joint_meeting_ref=meeting.pk).select_related("from_meeting")
    context.update(extra)
    return context


@staff_required
def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    return render(request, "meetings/detail.html", _detail_context(request, meeting))


def _write(request, pk):
    """A POST on a meeting: visible (else 404), and a manager of it (else 403)."""
    if request.method != "POST":
        raise Http404
    meeting = _meeting(request, pk)
    if not permissions.can_manage_meeting(request.user, meeting):
        raise PermissionDenied(_("您无权对该会议执行此操作"))
    return meeting


def _refused(request, meeting, exc, **forms_):
    messages.error(request, "；".join(exc.messages))
    return render(request, "meetings/detail.html", _detail_context(request, meeting, **forms_), status=400)


@staff_required
def meeting_report(request, pk):
    """报到 of one invited department (htmx: the invite's row)."""
    if request.method != "POST":
        raise Http404
    invite = get_visible_or_404(JointMeetingInvite.objects.select_related("meeting", "department"), request.user,
                                pk=pk)
    if not permissions.can_report(request.user, invite):
        raise PermissionDenied(_("只有被邀请部门的人员可以报到"))
    try:
        invite = svc.meeting_report(invite=invite, actor=request.user, attendees=request.POST.get("attendees", ""))
    except ValidationError as exc:
        if is_htmx(request):
            return render(request, "meetings/_invite_row.html",
                          {"invite": invite, "error": "；".join(exc.messages), "can_report": set()}, status=400)
        messages.error(request, "；".join(exc.messages))
        return redirect("meetings:meeting_detail", pk=invite.meeting_id)
    if is_htmx(request):
        return render(request, "meetings/_invite_row.html", {"invite": invite, "can_report": set()})
    messages.success(request, _("%(d)s 已报到") % {"d": invite.department})
    return redirect("meetings:meeting_detail", pk=invite.meeting_id)


@staff_required
def meeting_minutes(request, pk):
    meeting = _write(request, pk)
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            svc.meeting_record_minutes(meeting=meeting, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            return _refused(request, meeting, exc, minutes_form=form)
        messages.success(request, _("已登记会议纪要，议定事项已写入关联工单"))
        return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(request, "meetings/detail.html", _detail_context(request, meeting, minutes_form=form),
                  status=400)


@staff_required
def meeting_task_new(request, pk):
    meeting = _write(request, pk)
    form = TaskForm(request.POST, meeting=meeting)
    if form.is_valid():
        data = form.cleaned_data
        try:
            task = svc.meeting_add_task(meeting=meeting, department=data["department"], text=data["text"],
                                        deadline=data["deadline"], about=data["about"], tier=data["tier"],
                                        actor=request.user)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("已向 %(d)s 交办任务工单 %(c)s") % {"d": task.department, "c": task.order.code})
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(request, "meetings/detail.html", _detail_context(request, meeting, task_form=form),
                  status=400)


@staff_required
def meeting_invite(request, pk):
    meeting = _write(request, pk)
    form = InviteForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            svc.meeting_invite(meeting=meeting, departments=form.cleaned_data["departments"], actor=request.user)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("已邀请部门"))
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(request, "meetings/detail.html", _detail_context(request, meeting, invite_form=form),
                  status=400)


@staff_required
def meeting_link(request, pk):
    meeting = _write(request, pk)
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            orders = _orders_from_codes(request.user, meeting.street, form.cleaned_data["orders"])
            svc.meeting_link_orders(meeting=meeting, orders=orders, actor=request.user)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("已关联工单"))
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(request, "meetings/detail.html", _detail_context(request, meeting, link_form=form),
                  status=400)


@staff_required
def meeting_close(request, pk):
    meeting = _write(request, pk)
    try:
        svc.meeting_close(meeting=meeting, actor=request.user, note=request.POST.get("note", ""))
    except ValidationError as exc:
        return _refused(request, meeting, exc)
    messages.success(request, _("会议已结束"))
    return redirect("meetings:meeting_detail", pk=meeting.pk)


# -- a 议事会's matter sent straight to a joint meeting (issue 19 item 7: helper "linkage", docs/linkage.md) ----------


class MatterForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("上报的事项"), widget=forms.Textarea(attrs={"rows": 3}))
    joint_meeting = forms.ModelChoiceField(label=gettext_lazy("加入已召集的会议（不选则新召集一次）"),
                                           queryset=JointMeeting.objects.none(), required=False)
    scheduled_at = forms.DateTimeField(label=gettext_lazy("新召集会议的召开时间"), widget=DateTimeInput,
                                       required=False, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])

    def __init__(self, *args, street, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["joint_meeting"].queryset = JointMeeting.objects.filter(street=street).exclude(
            status=JointMeeting.Status.CLOSED).order_by("-scheduled_at")


@staff_required
def matter_from_assembly(request, pk):
    """A 议事会 passes a matter it cannot settle straight to the street's 吹哨报到 meeting (the street's admins)."""
    user = request.user
    meeting = get_visible_or_404(AssemblyMeeting.objects.select_related("estate__community", "division"), user, pk=pk)
    street = assembly_services.street_of(meeting)
    if not permissions.can_convene(user, street):
        raise PermissionDenied(_("只有本街道的管理员可以召集吹哨报到会议"))
    form = MatterForm(request.POST or None, street=street)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            joint = svc.matter_to_joint_meeting(meeting=meeting, text=data["text"], actor=user,
                                                joint_meeting=data["joint_meeting"],
                                                scheduled_at=data["scheduled_at"])
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("已提交吹哨报到会议"))
            return redirect("meetings:meeting_detail", pk=joint.pk)
    return render(request, "meetings/form.html", {
        "form": form, "back": reverse("assembly:meeting_detail", args=[meeting.pk]),
        "title": _("提交吹哨报到：%(t)s") % {"t": meeting.title}})
