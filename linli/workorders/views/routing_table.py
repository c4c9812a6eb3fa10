"""The routing table (派单规则) of a street."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.access import staff_required
from linli.people.scopes import scope_for
from linli.places.models import Stewardship
from linli.workorders import forms as f
from linli.workorders import permissions
from linli.workorders.models import (
    RoutingRule,
)
from linli.workorders.routing import ensure_default_rules, rules_memo

# -- the routing table ------------------------------------------------------------------------------


def _streets(user):
    return permissions.routing_streets(user)  # the inbox's link to this page asks the same


def _street_or_404(request):
    streets = _streets(request.user)
    code = request.GET.get("street") or request.POST.get("street")
    street = streets.filter(code=code).first() if code else streets.first()
    if street is None:
        raise Http404
    return street, streets


def _require_street_writer(user, street):
    if not scope_for(user).can_write_division(street):
        raise PermissionDenied(_("只有街道（或区级）管理员可以修改派单规则"))


@staff_required
def routing_rules(request):
    street, streets = _street_or_404(request)
    rules = list(RoutingRule.objects.filter(street=street).select_related("organization").order_by("priority", "id"))
    modes = dict(Stewardship.Mode.choices)
    for rule in rules:
        rule.category_name = f.CATEGORY_NAMES.get(rule.category, rule.category)
        rule.mode_name = modes.get(rule.mode, rule.mode)
    return render(request, "workorders/routing.html", {
        "street": street, "streets": streets, "rules": rules, "can_write": scope_for(request.user).can_write_division(
            street), "categories": f.CATEGORY_NAMES,
    })


@staff_required
@require_POST
def routing_defaults(request):
    street, _streets_ = _street_or_404(request)
    _require_street_writer(request.user, street)
    n = ensure_default_rules(street)
    if n:
        messages.success(request, _("已为 %(s)s 载入 %(n)s 条默认派单规则") % {"s": street, "n": n})
    else:
        messages.error(request, _("%(s)s 已有派单规则，未做修改") % {"s": street})
    return redirect(f"{reverse('workorders:routing')}?street={street.code}")


@staff_required
def routing_edit(request, pk=None):
    if pk is None:
        street, _streets_ = _street_or_404(request)
        rule = RoutingRule(street=street)
    else:
        rule = RoutingRule.objects.filter(pk=pk, street__in=_streets(request.user)).select_related("street").first()
        if rule is None:
            raise Http404
        street = rule.street
    if request.method == "POST":
        _require_street_writer(request.user, street)
    form = f.RoutingRuleForm(request.POST or None, instance=rule, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        rules_memo.clear()  # the intake reads the table from the cache (linli/core/memo.py)
        messages.success(request, _("已保存派单规则 #%(p)s") % {"p": form.instance.priority})
        return redirect(f"{reverse('workorders:routing')}?street={street.code}")
    return render(request, "workorders/routing_form.html", {"form": form, "street": street, "rule": rule,
                                                            "can_write": scope_for(request.user).can_write_division(
                                                                street)})
