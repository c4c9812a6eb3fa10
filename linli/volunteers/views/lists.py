"""Pages of the three lists (三张清单) and micro-wishes (微心愿)."""

from django import forms as djforms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from linli.core import uploads
from linli.core.access import get_visible_or_404, member_required
from linli.people import pickers
from linli.people.models import Organization, Person
from linli.people.pickers import PersonPicker
from linli.people.scopes import scope_for
from linli.people.services import log_sensitive_access
from linli.volunteers import filters, lists, wishes
from linli.volunteers.forms import WEEKDAYS, managed_communities
from linli.volunteers.models import (
    Match,
    Need,
    Offer,
    Skill,
    Volunteer,
    Wish,
)
from linli.volunteers.permissions import can_manage
from linli.volunteers.views import _page, _person, apply

# -- the three lists -----------------------------------------------------------------------------------------


class OfferForm(djforms.Form):
    list_kind = djforms.ChoiceField(label=gettext_lazy("清单"), choices=Offer.List.choices)
    source = djforms.ChoiceField(label=gettext_lazy("提供方类别"), choices=Offer.Source.choices)
    skill = djforms.ChoiceField(label=gettext_lazy("服务类别"), choices=Skill.choices)
    title = djforms.CharField(label=gettext_lazy("内容"), max_length=100)
    weekdays = djforms.TypedMultipleChoiceField(label=gettext_lazy("可服务日"), choices=WEEKDAYS, coerce=int,
                                                required=False, widget=djforms.CheckboxSelectMultiple)
    times = djforms.CharField(label=gettext_lazy("时间说明"), max_length=80, required=False)
    organization = djforms.ModelChoiceField(label=gettext_lazy("以单位名义（可选）"), queryset=Organization.objects.none(),
                                            required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(pk__in=scope_for(user).own_org_ids)


class NeedForm(djforms.Form):
    person = djforms.ModelChoiceField(label=gettext_lazy("居民（代为登记时选择）"), queryset=Person.objects.none(),
                                      required=False)
    skill = djforms.ChoiceField(label=gettext_lazy("服务类别"), choices=Skill.choices)
    title = djforms.CharField(label=gettext_lazy("需求"), max_length=100)
    weekdays = djforms.TypedMultipleChoiceField(label=gettext_lazy("希望的日子"), choices=WEEKDAYS, coerce=int,
                                                required=False, widget=djforms.CheckboxSelectMultiple)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if scope_for(user).sees_sensitive:
            self.fields["person"].queryset = Person.objects.visible_to(user)
            self.fields["person"].widget = PersonPicker(url="volunteers:people_search")
            self.fields["person"].widget.choices = self.fields["person"].choices
        else:
            del self.fields["person"]


@member_required
def list_offers(request):
    """The three lists of the user's communities: supply, volunteer services, needs (own, or all for staff)."""
    offers = Offer.objects.visible_to(request.user).filter(active=True).select_related("person", "organization",
                                                                                       "estate", "community")
    needs = Need.objects.visible_to(request.user).select_related("person", "estate").order_by("-created_at")[:100]
    return render(request, "volunteers/lists.html", {
        "supply": [o for o in offers if o.list_kind == Offer.List.SUPPLY],
        "service": [o for o in offers if o.list_kind == Offer.List.SERVICE],
        "needs": needs, "staff": scope_for(request.user).is_staff_member,
        "managed": managed_communities(request.user),
        "offer_form": OfferForm(user=request.user), "need_form": NeedForm(user=request.user),
        "person": _person(request),
    })


@require_POST
@member_required
def offer_new(request):
    form = OfferForm(request.POST, user=request.user)
    if form.is_valid():
        data = dict(form.cleaned_data)
        org = data.pop("organization")
        person = None if org else _person(request)
        if org is None and person is None:
            raise Http404
        if apply(request, lists.offer_add, person=person, organization=org, **data):
            messages.success(request, _("已列入清单"))
    else:
        messages.error(request, _("请检查填写的内容"))
    return redirect("volunteers:list_offers")


@require_POST
@member_required
def need_new(request):
    form = NeedForm(request.POST, user=request.user)
    if form.is_valid():
        data = dict(form.cleaned_data)
        person = data.pop("person", None) or _person(request)
        if person is None:
            raise Http404
        need = apply(request, lists.need_add, person=person, **data)
        if need:
            lists.match_propose(need=need)
            messages.success(request, _("已登记需求"))
            return redirect("volunteers:need_detail", pk=need.pk)
    else:
        messages.error(request, _("请检查填写的内容"))
    return redirect("volunteers:list_offers")


@member_required
def need_detail(request, pk):
    need = get_visible_or_404(Need.objects.select_related("person", "community", "estate"), request.user, pk=pk)
    manager = can_manage(request.user, need.community)
    matches = need.matches.select_related("offer__person", "offer__organization")
    if not manager:
        matches = matches.filter(status=Match.Status.CONFIRMED)
    return render(request, "volunteers/need_detail.html", {"need": need, "matches": matches, "manager": manager})


@require_POST
@member_required
def need_action(request, pk):
    need = get_visible_or_404(Need.objects.select_related("community"), request.user, pk=pk)
    action = request.POST.get("action")
    if action == "propose":
        if not can_manage(request.user, need.community):
            raise lists.PermissionDenied
        n = len(lists.match_propose(need=need))
        messages.success(request, _("推荐了 %(n)s 个供给") % {"n": n})
    elif action in ("confirm", "reject"):
        match = Match.objects.filter(need=need, pk=request.POST.get("match") or 0).first()
        if match is None:
            raise Http404
        fn = lists.match_confirm if action == "confirm" else lists.match_reject
        if apply(request, fn, match=match):
            messages.success(request, _("已确认对接") if action == "confirm" else _("已不采用"))
    elif action in ("done", "close"):
        if apply(request, lists.need_close, need=need, done=action == "done"):
            messages.success(request, _("需求已关闭"))
    else:
        raise Http404
    return redirect("volunteers:need_detail", pk=pk)


# -- micro-wishes -----------------------------------------------------------------------------------------------


class WishForm(djforms.Form):
    beneficiary = djforms.ModelChoiceField(label=gettext_lazy("心愿人（代为登记时选择）"), queryset=Person.objects.none(),
                                           required=False)
    title = djforms.CharField(label=gettext_lazy("心愿（公开，请勿写姓名、住址、电话）"), max_length=100)
    detail = djforms.CharField(label=gettext_lazy("详细情况（不公开）"), widget=djforms.Textarea(attrs={"rows": 3}),
                               required=False)
    category = djforms.ChoiceField(label=gettext_lazy("类别"), choices=Wish.Category.choices)
    source = djforms.ChoiceField(label=gettext_lazy("来源"), choices=Wish.Source.choices, initial="online")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if scope_for(user).sees_sensitive:
            # A search, not a list of the street's thousands of names (issue 18 item 6).
            self.fields["beneficiary"].queryset = Person.objects.visible_to(user)
            self.fields["beneficiary"].widget = PersonPicker(url="volunteers:people_search")
            self.fields["beneficiary"].widget.choices = self.fields["beneficiary"].choices
        else:
            del self.fields["beneficiary"]
            del self.fields["source"]


def wish_pool(request):
    """The public wish wall: checked wishes, no personal details (anyone may look; volunteers claim)."""
    qs = Wish.objects.public().select_related("community", "claimed_by_org", "claimed_by_user__person", "beneficiary")
    data = request.GET.copy()
    data.setdefault("status", Wish.Status.OPEN)
    status = data["status"]
    qs = filters.PublicWishFilterSet(data, queryset=qs).qs  # the API's filters; a bad value is ignored here
    scope = scope_for(request.user)
    can_claim = Volunteer.objects.filter(person_id=scope.person_id, active=True).exists() or bool(scope.own_org_ids)
    return render(request, "volunteers/wish_pool.html", {"page": _page(request, qs, 30), "status": status,
                                                         "can_claim": can_claim})


@member_required
def wish_list(request):
    """Full records: the community's sensitive roles see all, a resident their own wishes, a claimant theirs."""
    qs = Wish.objects.visible_to(request.user).select_related("beneficiary", "community", "estate")
    status = request.GET.get("status", "")
    qs = filters.WishFilterSet(request.GET, queryset=qs).qs  # the API's filters; a bad value is ignored here
    page = _page(request, qs)
    person_id = scope_for(request.user).person_id
    for wish in page:
        if wish.beneficiary_id != person_id:
            log_sensitive_access(user=request.user, person=wish.beneficiary, action="wish_list", path=request.path)
    return render(request, "volunteers/wish_list.html", {"page": page, "status": status,
                                                         "statuses": Wish.Status.choices})


@member_required
def wish_new(request):
    form = WishForm(request.POST or None, user=request.user)
    pickers.take_query(form, request)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        beneficiary = data.pop("beneficiary", None) or _person(request)
        if beneficiary is None:
            raise Http404
        wish = apply(request, wishes.wish_post, beneficiary=beneficiary, **data)
        if wish:
            messages.success(request, _("心愿已提交，社区审核后公开"))
            return redirect("volunteers:wish_detail", pk=wish.pk)
    return render(request, "volunteers/form.html", {
        "form": form, "title": _("提交微心愿"),
        "intro": _("社区核实后，心愿会在心愿墙上公开（不显示姓名、住址和电话），由志愿者或爱心单位认领。")})


def wish_detail(request, pk):
    """The full record for those who may see it (logged); the public part for everyone else."""
    wish = None
    if request.user.is_authenticated:
        wish = Wish.objects.visible_to(request.user).select_related("beneficiary", "estate").filter(pk=pk).first()
    full = wish is not None
    if wish is None:
        wish = Wish.objects.public().filter(pk=pk).first()
        if wish is None:
            raise Http404
    scope = scope_for(request.user)
    if full and wish.beneficiary_id != scope.person_id:
        log_sensitive_access(user=request.user, person=wish.beneficiary, action="wish_view", path=request.path)
    orgs = Organization.objects.filter(pk__in=scope.own_org_ids)
    return render(request, "volunteers/wish_detail.html", {
        "wish": wish, "full": full, "events": wish.events.select_related("actor") if full else [],
        "can_review": full and wish.status == "pending" and (can_manage(request.user, wish.community)
                                                              or wishes._community_staff(request.user, wish.community)),
        "is_claimant": request.user.is_authenticated and wish.claimed_by_user_id == request.user.pk,
        "is_beneficiary": full and wish.beneficiary_id == scope.person_id,
        "can_claim": wish.status == "open" and (
            Volunteer.objects.filter(person_id=scope.person_id, active=True).exists() or orgs.exists()),
        "orgs": orgs,
    })


def wish_photo(request, pk):
    """The photo of a fulfilled wish, served by the app (public like the wall; no media server needed)."""
    wish = Wish.objects.public().filter(pk=pk).exclude(photo="").first()
    if wish is None:
        raise Http404
    return uploads.serve(wish.photo, name=f"wish-{wish.pk}", inline=True)


@require_POST
@member_required
def wish_action(request, pk, action):
    wish = Wish.objects.visible_to(request.user).filter(pk=pk).first() or Wish.objects.public().filter(pk=pk).first()
    if wish is None:
        raise Http404
    post = request.POST
    if action == "review":
        done = apply(request, wishes.wish_review, wish=wish, approve=post.get("approve") == "1",
                     reason=post.get("reason", ""), title=post.get("title") or None)
    elif action == "claim":
        org = Organization.objects.filter(pk__in=scope_for(request.user).own_org_ids,
                                          pk=post.get("organization") or 0).first()
        done = apply(request, wishes.wish_claim, wish=wish, organization=org)
    elif action == "fulfil":
        done = apply(request, wishes.wish_fulfil, wish=wish, photo=request.FILES.get("photo"), note=post.get("note", ""))
    elif action == "thank":
        done = apply(request, wishes.wish_thank, wish=wish, thanks=post.get("thanks", ""))
    elif action == "give_up":
        done = apply(request, wishes.wish_give_up, wish=wish, reason=post.get("reason", ""))
    elif action == "withdraw":
        done = apply(request, wishes.wish_withdraw, wish=wish, reason=post.get("reason", ""))
    else:
        raise Http404
    if done:
        messages.success(request, _("已更新"))
    return redirect("volunteers:wish_detail", pk=pk)
