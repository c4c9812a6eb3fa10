"""The one filterset of work-order lists: the staff inbox (``/workorders/``) and ``GET /api/v1/workorders/`` filter
the same orders with the same rules. The page shows some of the filters as selects (``PAGE_FILTERS``); the API takes
all of them. A filter with a bad value is a 400 naming it in the API and is left out on the page."""

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from linli.core.api import IdFilter
from linli.core.text import normalize
from linli.places.models import Division
from linli.workorders.models import ACTIVE_STATUSES, Channel, Kind, Level, Status, Tier, WorkOrder


class CommaChoiceField(forms.CharField):
    """``received,dispatched``: one value or several separated by commas, each one of ``choices``."""

    def __init__(self, *, choices=(), **kwargs):
        self.choices = list(choices)
        super().__init__(**kwargs)

    def to_python(self, value):
        return [v.strip() for v in (super().to_python(value) or "").split(",") if v.strip()]

    def validate(self, value):
        allowed = {str(v) for v, _label in self.choices}
        wrong = [v for v in value if v not in allowed]
        if wrong:
            # Django's own message (and its translations), as a ChoiceField gives it
            raise forms.ValidationError(forms.ChoiceField.default_error_messages["invalid_choice"],
                                        code="invalid_choice", params={"value": wrong[0]})


class CommaChoicesFilter(filters.Filter):
    """``?status=received,dispatched``: any of the listed values (the page's select sends one)."""

    field_class = CommaChoiceField

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__in": value}) if len(value) > 1 else qs.filter(
            **{self.field_name: value[0]})


def day_start(day: datetime.date) -> datetime.datetime:
    """The first instant of a local day (a day filter is a range of ``received_at``: an index range, where a
    ``__date`` lookup would read every row)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class WorkOrderFilterSet(filters.FilterSet):
    """Filters of a list of work orders, applied on top of ``WorkOrder.objects.visible_to(user)``."""

    q = filters.CharFilter(method="filter_q", label=_("编号或内容"))
    status = CommaChoicesFilter(choices=Status.choices, label=_("状态"))
    channel = filters.ChoiceFilter(choices=Channel.choices, label=_("渠道"))
    kind = filters.ChoiceFilter(choices=Kind.choices, label=_("诉求类型"))
    # Any code: orders imported from 12345 may carry a category outside the taxonomy's twelve.
    category = filters.CharFilter(label=_("类别"))
    tier = filters.ChoiceFilter(choices=Tier.choices, label=_("难易"))
    level = filters.ChoiceFilter(choices=Level.choices, label=_("层级"))
    urgent = filters.BooleanFilter(label=_("紧急"))  # true/false, or 1/0 as the page's select sends
    needs_triage = filters.BooleanFilter(label=_("待人工分拣"))
    estate = IdFilter(field_name="estate_id", label=_("小区"))
    assignee_org = IdFilter(field_name="assignee_org_id", label=_("承办单位"))
    overdue = filters.BooleanFilter(method="filter_overdue", label=_("已超期"))
    division = filters.CharFilter(method="filter_division", label=_("区划代码"))
    since = filters.DateFilter(method="filter_since", label=_("受理日期从"))
    until = filters.DateFilter(method="filter_until", label=_("至"))

    class Meta:
        model = WorkOrder
        fields = ["q", "status", "channel", "kind", "category", "tier", "level", "urgent", "needs_triage", "estate",
                  "assignee_org", "overdue", "division", "since", "until"]

    def get_form_class(self):
        """The form's fields read nothing of the request or the user (no queryset, no per-user choices), so its
        class is built once per process; each form still copies the fields, as every Django form does (0.3 ms a
        list page less)."""
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    def filter_q(self, qs, name, value):
        """A code (or any part of it), the external id, or words of the title or text (Traditional and full-width
        input normalised)."""
        text = normalize(value)
        if not text:
            return qs
        return qs.filter(Q(code__icontains=text) | Q(external_id=text) | Q(title__icontains=text)
                         | Q(text__icontains=text))

    def filter_overdue(self, qs, name, value):
        """``true``: overdue and still in hand; ``false``: the others."""
        if value is None:
            return qs
        active = Q(overdue=True, status__in=ACTIVE_STATUSES)
        return qs.filter(active) if value else qs.exclude(active)

    def filter_division(self, qs, name, value):
        """The orders of a district, street or community by its code, as the rates count them (an unknown code:
        none). The dashboard's figures link to the inbox with it."""
        from linli.workorders.rates import division_orders_q

        division = Division.objects.filter(code=value.strip()).first() if value else None
        if not value:
            return qs
        return qs.filter(division_orders_q(division)) if division else qs.none()

    def filter_since(self, qs, name, value):
        return qs.filter(received_at__gte=day_start(value)) if value else qs

    def filter_until(self, qs, name, value):
        return qs.filter(received_at__lt=day_start(value + datetime.timedelta(days=1))) if value else qs


def _yes_no():
    return [("1", _("紧急")), ("0", _("一般"))]


def page_filters(filterset: WorkOrderFilterSet, *, estates, categories) -> list[dict]:
    """The filters the inbox page shows, in its order, each with its choices and the value the request sent.

    ``estates`` and ``categories``: (value, label) pairs for those selects (the estates the user serves)."""
    choices = {
        "status": Status.choices, "channel": Channel.choices, "category": list(categories), "tier": Tier.choices,
        "level": Level.choices, "urgent": _yes_no(), "estate": list(estates),
    }
    data = filterset.data or {}
    out = []
    for name in PAGE_FILTERS:
        field = filterset.form[name]
        value = data.get(name, "")
        options = ([("", _("全部")), *choices[name], *_several(filterset, name, value, choices[name])]
                   if name in choices else None)
        out.append({"name": name, "label": field.label, "id": field.auto_id, "value": value, "choices": options})
    return out


def _several(filterset, name: str, value: str, choices) -> list[tuple[str, str]]:
    """An address that asks for several values (``status=visited,closed``, as the dashboard's links do) gets an
    option of its own, labelled with their names, so that the select shows the filter the list applies: the values
    the filter read (``CommaChoiceField``); a value outside the choices gives none, as the filter applies none."""
    form = filterset.form
    picked = form.cleaned_data.get(name) if filterset.is_bound and not form.has_error(name) else None
    if not isinstance(picked, list) or len(picked) < 2:
        return []
    labels = {str(v): label for v, label in choices}
    return [(value, "、".join(str(labels[v]) for v in picked))]


# What the inbox shows as selects and date inputs (the search box is ``q``); the API takes every filter.
PAGE_FILTERS = ["status", "channel", "category", "tier", "level", "urgent", "estate", "since", "until"]
