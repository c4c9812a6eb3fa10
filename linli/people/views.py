"""Pages about people: the home page (what a signed-in user serves), a scoped list (masked) and a person's record
(sensitive parts logged)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from linli.core.access import get_visible_or_404, member_required, staff_required
from linli.core.htmx import is_htmx
from linli.core.landing import landing_for
from linli.people import permissions
from linli.people.filters import PersonFilterSet
from linli.people.models import AuditEvent, Membership, Occupancy, Person
from linli.people.scopes import scope_for
from linli.people.services import audit, log_sensitive_access
from linli.places.models import Division, Estate, Home
from linli.places.selectors import coverage


@login_required
def home(request):
    user = request.user
    scope = scope_for(user)
    # The first page after sign-in, when an app above registered one for this user (core/landing.py).
    if not request.GET.get("home") and (first := landing_for(scope, user)):
        return redirect(first)
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


@staff_required
def person_list(request):
    q = request.GET.get("q", "").strip()
    # The API's filters (a bad value is ignored here); digits find nobody unless the role sees full numbers.
    qs = PersonFilterSet(request.GET, queryset=Person.objects.visible_to(request.user), request=request).qs
    phone_refused = q.isdigit() and not permissions.can_search_by_phone(request.user)
    page = Paginator(qs.order_by("name", "pk"), 50).get_page(request.GET.get("page"))
    # Each page of names shown is a line of the audit log (PIPL): who listed how many people, from where.
    audit(action=AuditEvent.Action.LIST_PERSONAL, user=request.user, request=request, target="people.persons",
          count=len(page.object_list),
          # The kind of search, to find at a glance a run of number searches (how masked phones are rebuilt).
          data={"page": page.number, "search": ("number" if q.isdigit() else "name") if q else ""})
    template = "people/_person_rows.html" if is_htmx(request) else "people/person_list.html"
    return render(request, template, {"page": page, "q": q, "phone_refused": phone_refused})


@member_required
def person_detail(request, pk):
    person = get_visible_or_404(Person, request.user, pk=pk)
    scope = scope_for(request.user)
    is_self = person.pk == scope.person_id
    show_sensitive = scope.sees_sensitive or is_self
    show_phone = permissions.can_see_full_phone(request.user, person)
    if show_sensitive and person.has_sensitive_flags and not is_self:
        log_sensitive_access(user=request.user, person=person, action="view", path=request.path)
    occupancies = (
        Occupancy.objects.visible_to(request.user).filter(person=person)
        .select_related("home__building", "home__estate")
        .order_by("-start")
    )
    return render(request, "people/person_detail.html", {
        "person": person, "show_sensitive": show_sensitive, "show_phone": show_phone, "occupancies": occupancies,
    })
