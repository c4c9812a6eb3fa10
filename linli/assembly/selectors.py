"""Reads shared by the pages and the API."""

from linli.assembly.models import Notice
from linli.core.text import names_in, redact
from linli.people.models import Organization
from linli.people.scopes import scope_for


def sees_choices(user, motion) -> bool:
    """How each owner voted: never on a secret vote, and never for the property company (it may be the very
    manager the owners are voting on); the community, street and district see it on an open vote."""
    scope = scope_for(user)
    return not motion.secret and bool(scope.paths or scope.admin_estate_ids)


def public_notices(estate, today):
    """The notices of an estate's public board (公示栏) as anyone may read them: phone and ID numbers and names
    written in the title and body masked, except the lines of the organisations that serve the estate (the
    community, the street, the property company), which a notice is meant to publish."""
    from django.db.models import Q

    community = estate.community
    stewardship = estate.current_stewardship(today)
    orgs = Organization.objects.filter(Q(division_id__in=[community.pk, community.parent_id]) | Q(
        pk=getattr(stewardship, "provider_id", None)))
    keep = [phone for phone in orgs.values_list("phone", flat=True) if phone]
    notices = list(Notice.objects.public_for(estate, today).filter(ends_on__gte=today).prefetch_related("attachments"))
    for notice in notices:
        names = names_in(f"{notice.title}\n{notice.body}")  # a name in the title is masked in the body too
        notice.public_title = redact(notice.title, names=names, keep=keep)
        notice.public_body = redact(notice.body, names=names, keep=keep)
    return notices


# -- paper ballots: finding the owner of a sheet, and how far the count has come --------------------------------

PAPER_ROWS = 60  # electors shown at once on the paper-entry page: narrow by building and room for more


def paper_entry_electors(motion, *, building: str = "", room: str = "", name: str = "", hide_voted: bool = False):
    """The electors of ``motion`` matching a paper sheet's building, room (门牌号, with or without the entrance)
    and owner's name, each with its homes, its persons (for the masked phone) and its current ballot; at most
    ``PAPER_ROWS`` of them, in the order of the homes."""
    from django.db.models import Min, Prefetch, Q

    from linli.assembly.models import ElectorHome
    from linli.core.text import normalize

    electors = motion.electors.all()
    building, room, name = (normalize(v or "").strip() for v in (building, room, name))
    place = Q()  # one filter() call, so that the building and the room are those of one and the same home
    if building:  # "3", "3栋" and "3号楼" find the building numbered any of these ways, and never 13栋
        bare = building.removesuffix("栋").removesuffix("号楼")
        place &= Q(homes__home__building__number__in=[bare, f"{bare}栋", f"{bare}号楼"])
    if room:
        place &= Q(homes__home__number__iexact=room)
    if place:
        electors = electors.filter(place)
    if name:
        electors = electors.filter(label__icontains=name)
    if hide_voted:
        electors = electors.filter(ballot__isnull=True)
    homes = ElectorHome.objects.select_related("home__building").order_by("home__building__number",
                                                                          "home__entrance", "home__number")
    return list(electors.distinct().annotate(first_home=Min("homes__home_id")).select_related(
        "ballot__current__actor").prefetch_related(Prefetch("homes", queryset=homes), "persons").order_by(
        "first_home", "id")[:PAPER_ROWS])


def ballot_progress(motion) -> dict:
    """How far the count has come: electors and area that have voted, out of the electorate (no choices)."""
    from decimal import Decimal

    from django.db.models import Count, Sum

    total = motion.electors.aggregate(n=Count("id"), area=Sum("area"))
    voted = motion.electors.filter(ballot__isnull=False).aggregate(n=Count("id"), area=Sum("area"))
    cent = Decimal("0.01")  # SQLite sums decimals with float noise (1265.98000000000): areas are to the cent

    def area(value):
        return Decimal(value or 0).quantize(cent)

    return {"voted": voted["n"], "total": total["n"], "voted_area": area(voted["area"]),
            "total_area": area(total["area"])}
