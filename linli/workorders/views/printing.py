"""QR posters for estates and buildings (PDF)."""

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import render

from linli.core.access import get_visible_or_404, staff_required
from linli.places.filters import search_q
from linli.places.models import Building, Estate
from linli.workorders import posters

from .base import _page

# -- posters -----------------------------------------------------------------------------------------


@staff_required
def poster_list(request):
    estates = Estate.objects.managed_by_staff_of(request.user)
    q = request.GET.get("q", "").strip()
    if q:
        estates = estates.filter(search_q(q, "name"))
    page = _page(request, estates.select_related("community").prefetch_related(
        Prefetch("buildings", queryset=Building.objects.order_by("number"))).order_by("community__path", "name"), 20)
    for estate in page:
        # The address to share in the estate's WeChat group: the same link as the poster's QR code.
        estate.wechat_link = posters.report_url(request, posters.make_token(estate=estate))
        # Issue 19: the estate's public board (三公开) is named by the same token (its A4 print is its own poster).
        estate.board_token = posters.make_token(estate=estate)
    return render(request, "workorders/posters.html", {"page": page, "q": q})


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@staff_required
def poster_estate(request, pk):
    estate = get_visible_or_404(Estate.objects.managed_by_staff_of(request.user).select_related("community"),
                                request.user, pk=pk)
    return _pdf(posters.estate_poster(request, estate), f"poster-estate-{estate.pk}.pdf")


@staff_required
def poster_building(request, pk):
    estates = Estate.objects.managed_by_staff_of(request.user)
    building = get_visible_or_404(Building.objects.filter(estate__in=estates).select_related("estate__community"),
                                  request.user, pk=pk)
    return _pdf(posters.building_poster(request, building), f"poster-building-{building.pk}.pdf")
