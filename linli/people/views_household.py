"""Pages of households and of the walk-in desk (linli/people/household.py has the rules).

* ``/people/household/``: the homes a resident lives in, each with its members and pending invitations;
  invite a member by phone; an owner removes a family member.
* ``/people/homes/<id>/household/``: one home's household, for its residents and the desk staff of its estate
  (anyone else: 404, as for a home they may not see).
* ``/people/desk/``: desk staff register a resident (name, phone, home found by typing, relation).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.people import household, permissions
from linli.people.forms import DeskRegisterForm, MemberForm
from linli.people.home_picker import search_homes
from linli.people.models import HouseholdInvitation, Occupancy
from linli.people.scopes import scope_for
from linli.places.models import Home


def _home_or_404(user, home_id) -> Home:
    home = get_object_or_404(Home.objects.select_related("building", "estate"), pk=home_id)
    if not permissions.can_see_household(user, home):
        raise Http404
    return home


def _household(user, home, form=None) -> dict:
    me = scope_for(user).person_id
    rows = [{"occ": occ, "removable": permissions.can_remove_from_household(user, occ), "me": occ.person_id == me}
            for occ in household.members(home)]
    can_invite = permissions.can_invite_to_household(user, home)
    return {"home": home, "rows": rows, "can_invite": can_invite, "form": form or MemberForm(),
            "invitations": household.pending(home) if can_invite else [],
            "desk": permissions.can_register_at_desk(user, home)}


@login_required
def my_household(request):
    """The households of the homes the signed-in resident lives in."""
    scope = scope_for(request.user)
    if not scope.home_ids:
        raise Http404
    homes = Home.objects.filter(pk__in=scope.home_ids).select_related("building", "estate").order_by("pk")
    return render(request, "people/household.html", {"households": [_household(request.user, h) for h in homes]})


@login_required
def home_household(request, home_id):
    """One home's household; POST adds a member (an invitation, or a link at the desk)."""
    home = _home_or_404(request.user, home_id)
    form = MemberForm(request.POST or None)
    if request.method == "POST":
        if not permissions.can_invite_to_household(request.user, home):
            raise PermissionDenied
        if form.is_valid():
            try:
                made = household.household_add(actor=request.user, home=home, request=request, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc.messages[0])
            else:
                if isinstance(made, Occupancy):
                    messages.success(request, _("已把 %(name)s 加为这户的家庭成员。") % {"name": made.person.name})
                else:
                    messages.success(request, _("已向 %(phone)s 发出邀请短信；对方用这个手机号获取验证码登录后即加入。")
                                     % {"phone": made.masked_phone})
                return redirect(_back(request, home))
    return render(request, "people/household.html", {"households": [_household(request.user, home, form)],
                                                     "one": True})


def _back(request, home) -> str:
    if home.pk in scope_for(request.user).home_ids:
        return reverse("people:household")
    return reverse("people:home_household", args=[home.pk])


@login_required
@require_POST
def remove_member(request, occupancy_id):
    occ = get_object_or_404(Occupancy.objects.current().select_related("home__estate", "home__building", "person"),
                            pk=occupancy_id)
    _home_or_404(request.user, occ.home_id)
    household.household_remove(actor=request.user, occupancy=occ, request=request)  # PermissionDenied: 403
    messages.success(request, _("已将 %(name)s 移出这户。") % {"name": occ.person.name})
    return redirect(_back(request, occ.home))


@login_required
@require_POST
def revoke_invitation(request, invitation_id):
    invitation = get_object_or_404(HouseholdInvitation.objects.select_related("home__estate", "home__building"),
                                   pk=invitation_id)
    _home_or_404(request.user, invitation.home_id)
    household.invitation_revoke(actor=request.user, invitation=invitation, request=request)
    messages.success(request, _("邀请已撤回。"))
    return redirect(_back(request, invitation.home))


def _desk_required(view):
    @login_required
    def wrapper(request, *args, **kwargs):
        if not permissions.is_desk_staff(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@_desk_required
def desk_register(request):
    """Register a resident at the walk-in desk; the home is found by typing, among the homes of the staff's scope."""
    form = DeskRegisterForm(request.POST or None)
    query = request.GET.get("home_q", "") if request.method == "GET" else ""
    picked = None
    home_id = request.POST.get("home") or request.GET.get("home")
    if home_id and str(home_id).isdigit():
        picked = permissions.desk_homes(request.user).select_related("building", "estate").filter(pk=home_id).first()
    if request.method == "POST" and form.is_valid():
        if picked is None:
            form.add_error(None, _("请先查找并选择房屋。"))
        else:
            try:
                user = household.desk_register(actor=request.user, home=picked, request=request, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc.messages[0])
            else:
                messages.success(request, _("已登记 %(name)s 为 %(home)s 的住户，并已发短信告诉他/她可以用手机号登录。")
                                 % {"name": user.person.name, "home": f"{picked.estate.name} {picked}"})
                return redirect(reverse("people:home_household", args=[picked.pk]))
    results = search_homes(permissions.desk_homes(request.user), query) if query else []
    return render(request, "people/desk_register.html", {
        "form": form, "picker": {"q": query, "picked": picked, "results": results, "searched": bool(query)}})


@_desk_required
def desk_homes(request):
    """htmx: the homes matching the words typed, among those the staff may register residents in."""
    query = request.GET.get("home_q", "")
    results = search_homes(permissions.desk_homes(request.user), query)
    return render(request, "people/_home_results.html", {"picker": {"q": query, "results": results, "searched": bool(query)}})
