"""Pages of triage: try the classifier on a text, correct it, browse and edit a street's taxonomy."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.access import staff_required
from linli.core.htmx import is_htmx
from linli.people.scopes import scope_for
from linli.triage import labels, permissions, selectors, services
from linli.triage.models import LEVEL_CHOICES, TIER_CHOICES, StreetSubcategory, TriageCorrection

MAX_TEXT = 2000


def _street(request, code):
    """A street the user serves, else 404 (the same answer as a street that does not exist)."""
    street = services.streets_for(request.user).filter(code=code).first()
    if street is None:
        raise Http404
    return street




@staff_required
def index(request):
    streets = list(services.streets_for(request.user))
    corrections = TriageCorrection.objects.visible_to(request.user).select_related("street", "actor")[:20]
    return render(request, "triage/index.html", {
        "streets": streets, "corrections": corrections, "max_text": MAX_TEXT,
        "corrected": selectors.corrections_by_category(request.user), "corrected_days": selectors.CORRECTION_DAYS,
        "can_correct": permissions.may_correct_somewhere(request.user),
    })


@staff_required
@require_POST
def try_text(request):
    text = (request.POST.get("text") or "").strip()[:MAX_TEXT]
    streets = services.streets_for(request.user)
    street = streets.filter(code=request.POST.get("street") or "").first() or streets.first()
    context = {"text": text, "street": street, "choices": labels.subcategory_choices()}
    if text:
        result = services.classify(text, street=street)
        context.update(result=result, limit_hours=result["explanation"]["limit_hours"],
                       can_correct=street is not None and services.can_correct(request.user, street))
    else:
        context["error"] = _("请输入诉求内容")
    template = "triage/_result.html" if is_htmx(request) else "triage/try.html"
    return render(request, template, context)


@staff_required
@require_POST
def correct(request):
    street = _street(request, request.POST.get("street") or "")
    predicted = {"category": request.POST.get("predicted_category", ""),
                 "subcategory": request.POST.get("predicted_subcategory", "")}
    try:
        predicted["confidence"] = float(request.POST.get("confidence") or "")
    except ValueError:
        predicted["confidence"] = None
    try:
        services.correction_record(text=request.POST.get("text", "")[:MAX_TEXT], street=street, actor=request.user,
                                   subcategory=request.POST.get("subcategory", ""), predicted=predicted)
    except ValidationError as exc:
        return render(request, "triage/_corrected.html", {"error": " ".join(exc.messages)}, status=400)
    if is_htmx(request):
        return render(request, "triage/_corrected.html", {"ok": True})
    return redirect("triage:index")


@staff_required
def street_taxonomy(request, code):
    street = _street(request, code)
    items = services.taxonomy_seed(street=street)
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(labels.category_label(item.category), []).append(item)
    return render(request, "triage/taxonomy.html", {
        "street": street, "groups": groups, "can_write": scope_for(request.user).can_write_division(street),
        "tiers": TIER_CHOICES, "levels": LEVEL_CHOICES,
    })


@staff_required
@require_POST
def subcategory_edit(request, code, pk):
    street = _street(request, code)
    item = get_object_or_404(StreetSubcategory, street=street, pk=pk)
    if not scope_for(request.user).can_write_division(street):
        raise PermissionDenied(_("您无权修改该街道的分类"))
    error = ""
    try:
        limit = int(request.POST.get("limit_hours", ""))
    except ValueError:
        limit = 0
    try:
        item = services.subcategory_update(item=item, actor=request.user, name=request.POST.get("name", ""),
                                           tier=request.POST.get("tier", ""), level=request.POST.get("level", ""),
                                           limit_hours=limit)
    except ValidationError as exc:
        error = " ".join(exc.messages)
        item.refresh_from_db()
    if is_htmx(request):
        return render(request, "triage/_subcategory_row.html", {
            "item": item, "street": street, "can_write": True, "tiers": TIER_CHOICES, "levels": LEVEL_CHOICES,
            "error": error, "saved": not error,
        }, status=400 if error else 200)
    if error:
        return render(request, "triage/_subcategory_row.html", {"item": item, "error": error}, status=400)
    return redirect("triage:street_taxonomy", code=street.code)
