"""The home page: what a signed-in user serves, with the entry points for their role."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from linli.people.models import Membership, Occupancy
from linli.people.scopes import scope_for
from linli.places.models import Division, Estate, Home
from linli.places.selectors import coverage


@login_required
def home(request):
    user = request.user
    scope = scope_for(user)
    memberships = Membership.objects.filter(user=user).select_related("division", "estate", "cluster", "organization")
    context = {"memberships": memberships, "scope": scope}
    if scope.is_staff_member:
        estates = Estate.objects.visible_to(user)
        top = Division.objects.visible_to(user).order_by("path").first()
        context.update(
            estate_count=estates.count(),
            home_count=Home.objects.visible_to(user).count(),
            top_division=top,
            coverage=coverage(top, estates=estates) if top else None,
        )
    if scope.home_ids:
        context["occupancies"] = (
            Occupancy.objects.current()
            .filter(person_id=scope.person_id)
            .select_related("home__building", "home__estate__community")
        )
        context["my_estates"] = [
            (estate, estate.current_stewardship())
            for estate in Estate.objects.filter(pk__in=scope.resident_estate_ids).select_related("community")
        ]
    return render(request, "core/home.html", context)
