"""Pages of resident orders (群众点单) and the parcel station (驿站), under /volunteers/ (the paths they had)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.access import get_visible_or_404, member_required
from linli.people.models import Occupancy, Person
from linli.people.scopes import scope_for
from linli.places.models import Home
from linli.services import services as svc
from linli.services.models import Offering, Parcel, Provider, ResidentOrder
from linli.volunteers.views import _page, apply


@member_required
def order_list(request):
    scope = scope_for(request.user)
    providers = Provider.objects.visible_to(request.user).filter(active=True).select_related("organization", "estate")
    my_estates = scope.resident_estate_ids
    offerings = Offering.objects.filter(provider__in=providers, active=True, provider__estate_id__in=sorted(my_estates)
                                        ).select_related("provider__organization")
    qs = ResidentOrder.objects.visible_to(request.user).select_related("offering", "provider__organization",
                                                                       "estate", "person", "home__building")
    return render(request, "services/order_list.html", {
        "offerings": offerings, "page": _page(request, qs), "person_id": scope.person_id,
        "provider_orgs": set(scope.own_org_ids), "staff": scope.is_staff_member,
    })


@require_POST
@member_required
def order_place(request, pk):
    offering = get_visible_or_404(Offering.objects.select_related("provider"), request.user, pk=pk)
    qty = request.POST.get("quantity", "1")
    order = apply(request, svc.order_place, offering=offering, quantity=int(qty) if qty.isdigit() else 0,
                  note=request.POST.get("note", ""))
    if order:
        messages.success(request, _("已下单：%(n)s，金额 %(a)s 元（线下结算）") % {"n": offering.name, "a": order.amount})
    return redirect("services:order_list")


@require_POST
@member_required
def order_action(request, pk, action):
    order = get_visible_or_404(ResidentOrder.objects.select_related("provider", "offering"), request.user, pk=pk)
    fns = {"accept": svc.order_accept, "refuse": svc.order_refuse, "complete": svc.order_complete,
           "cancel": svc.order_cancel}
    if action not in fns:
        raise Http404
    kwargs = {}
    if action in ("refuse", "cancel"):
        kwargs["reason"] = request.POST.get("reason", "")
    if action == "complete":
        kwargs["to_station"] = request.POST.get("to_station") == "1"
    if apply(request, fns[action], order=order, **kwargs):
        messages.success(request, _("已更新"))
    return redirect("services:order_list")


@member_required
def parcel_list(request):
    scope = scope_for(request.user)
    mine = Parcel.objects.filter(recipient_id=scope.person_id or 0).order_by("-arrived_at")[:20]
    station = Parcel.objects.visible_to(request.user).exclude(recipient_id=scope.person_id or 0).filter(
        status__in=svc.OPEN_PARCELS).select_related("recipient", "home__building", "estate")[:200]
    pool = Parcel.objects.delivery_pool(request.user).select_related("home__building", "estate")
    deliveries = Parcel.objects.filter(courier_id=scope.person_id or 0, status=Parcel.Status.OUT_FOR_DELIVERY
                                       ).select_related("home__building", "estate", "recipient")
    return render(request, "services/parcel_list.html", {
        "mine": mine, "station": station if scope.is_staff_member else [], "pool": pool, "deliveries": deliveries,
        "staff": scope.is_staff_member,
    })


@require_POST
@member_required
def parcel_new(request):
    """The station keeper types the recipient's phone number (as on the parcel's label)."""
    phone = "".join(ch for ch in request.POST.get("phone", "") if ch.isdigit())
    recipients = list(Person.objects.visible_to(request.user).filter(phone=phone)[:2]) if phone else []
    if len(recipients) != 1:
        messages.error(request, _("没有找到唯一的收件人，请核对手机号"))
        return redirect("services:parcel_list")
    recipient = recipients[0]
    occ = (Occupancy.objects.current().filter(person=recipient, home__in=Home.objects.visible_to(request.user))
           .select_related("home__estate__community").order_by("pk").first())
    if occ is None:
        raise Http404
    home = occ.home
    parcel = apply(request, svc.parcel_register, home=home, recipient=recipient,
                   description=request.POST.get("description", "").strip() or _("快递"),
                   bulky=request.POST.get("bulky") == "1")
    if parcel:
        messages.success(request, _("已登记，取件码 %(c)s") % {"c": parcel.code})
    return redirect("services:parcel_list")


@require_POST
@member_required
def parcel_action(request, pk, action):
    parcel = (Parcel.objects.visible_to(request.user) | Parcel.objects.delivery_pool(request.user)).filter(
        pk=pk).select_related("estate__community").first()
    if parcel is None:
        raise Http404
    code = request.POST.get("code", "")
    fns = {"pick_up": (svc.parcel_pick_up, {"code": code}), "request": (svc.parcel_request_delivery, {}),
           "take": (svc.parcel_take, {}), "deliver": (svc.parcel_deliver, {"code": code})}
    if action not in fns:
        raise Http404
    fn, kwargs = fns[action]
    if apply(request, fn, parcel=parcel, **kwargs):
        messages.success(request, _("已更新"))
    return redirect("services:parcel_list")
