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


# -- which body speaks for the owners (issue 19: owners' committees and 物业管理委员会) -----------------------------
# Other apps call speaking_body(estate, on=None); the committee pages and the list of the street use the rest.

TITLE_ORDER = {"chair": 0, "vice_chair": 1, "secretary": 2, "member": 3, "alternate": 4}


def committee_members(committee, on=None) -> list:
    """The current seats (people.Post) of ``committee``: chair, vice-chair(s), members, alternates, each with its
    ``person``."""
    from linli.people.models import Post

    posts = Post.objects.current(on).filter(organization_id=committee.organization_id).select_related("person")
    return sorted(posts, key=lambda p: (TITLE_ORDER.get(p.title, 9), p.starts_on, p.pk))


def below_half(committee, on=None) -> bool:
    """Beijing art. 48: within a term, fewer than half of the seats it began with are held even after alternates
    stepped in — the community or the street is to call a temporary assembly to elect the committee anew. Seats it
    began with: those installed when it was elected or formed (its first event of that kind)."""
    first = committee.events.filter(kind__in=("elected", "formed")).order_by("at", "id").first()
    if first is None:
        return False
    began = sum(1 for seat in first.data.get("seats", []) if seat.get("title") != "alternate")
    held = sum(1 for post in committee_members(committee, on) if post.title != "alternate")
    return began > 0 and held * 2 < began


def speaking_body(estate, on=None):
    """The body that speaks for the owners of ``estate`` on ``on`` (today): the serving owners' committee (业主委员会)
    or else the serving 物业管理委员会 (Beijing art. 56: it acts in the committee's place), as an assembly.Committee
    with ``.members`` (its current people.Post seats, chair first; ``.seated`` without the alternates); None when
    neither serves."""
    from linli.assembly.models import Committee

    bodies = Committee.objects.serving(on).filter(estate=estate).select_related("organization", "estate")
    # An owners' committee first: once elected it speaks, the 物管会 stays only until the filing (art. 59).
    body = sorted(bodies, key=lambda c: (c.kind != Committee.Kind.OWNERS, -c.term_starts.toordinal()))
    if not body:
        return None
    committee = body[0]
    committee.members = committee_members(committee, on)
    committee.seated = [m for m in committee.members if m.title != "alternate"]  # without the alternates
    return committee


def committee_overview(estates, today=None) -> dict:
    """For the street's list: every serving body of ``estates`` with its term end (within six months flagged),
    filing and report status, and the estates with neither body."""
    from django.utils import timezone

    from linli.assembly.models import Committee

    today = today or timezone.localdate()
    rows = list(Committee.objects.serving(today).filter(estate__in=estates).select_related(
        "estate__community", "organization").order_by("term_ends", "estate__name"))
    for c in rows:
        c.ending_soon = c.ends_within(Committee.TERM_REPORT_MONTHS, today)
        c.filing = c.filing_status(today)
        c.report = c.report_status(today)
    served = {c.estate_id for c in rows}
    without = [e for e in estates.select_related("community").order_by("community__code", "name")
               if e.pk not in served]
    return {"rows": rows, "without": without,
            "owners": sum(1 for c in rows if c.kind == Committee.Kind.OWNERS),
            "management": sum(1 for c in rows if c.kind == Committee.Kind.MANAGEMENT),
            "overdue": sum(1 for c in rows if c.filing == "overdue" or c.report == "overdue")}


# -- surveys (issue 19 item 5: 逐户征求意见) -----------------------------------------------------------------------
# Counts are of homes (逐户), never of area: a survey is an opinion survey, not a vote under Civil Code art. 278.

UNANSWERED_ROWS = 300  # homes not yet answered shown at once (narrow by building for more)


def survey_current_responses(survey):
    """Each home's answer that counts (the latest; corrections supersede)."""
    from linli.assembly.models import SurveyResponse

    return SurveyResponse.objects.filter(survey=survey, superseded_by__isnull=True)


def _share(part: int, whole: int):
    from decimal import ROUND_HALF_UP, Decimal

    if not whole:
        return Decimal("0.0")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def survey_progress(survey, *, building_id=None, unanswered: bool = False) -> dict:
    """Answered homes out of the homes asked, by building and in total; with ``unanswered`` also the homes that have
    not answered (for the next door-to-door visit; staff only), of one building if ``building_id``."""
    from django.db.models import Count

    from linli.places.models import Building

    homes = survey.homes()
    asked = dict(homes.values_list("building_id").annotate(n=Count("id")).values_list("building_id", "n"))
    answered = dict(survey_current_responses(survey).values_list("home__building_id").annotate(
        n=Count("id")).values_list("home__building_id", "n"))
    buildings = Building.objects.filter(pk__in=asked).select_related("estate").order_by("estate__name", "number")
    rows = [{"building": b, "homes": asked[b.pk], "answered": answered.get(b.pk, 0),
             "share": _share(answered.get(b.pk, 0), asked[b.pk])} for b in buildings]
    total_homes, total_answered = sum(asked.values()), sum(answered.values())
    out = {"rows": rows, "homes": total_homes, "answered": total_answered, "share": _share(total_answered, total_homes)}
    if unanswered:
        todo = homes.exclude(pk__in=survey_current_responses(survey).values("home_id"))
        if building_id:
            todo = todo.filter(building_id=building_id)
        out["unanswered"] = list(todo.select_related("building").order_by(
            "building__number", "entrance", "number")[:UNANSWERED_ROWS])
        out["unanswered_more"] = todo.count() > UNANSWERED_ROWS
    return out


def survey_results(survey, *, with_homes: bool, building_id=None) -> dict:
    """For each question: how many homes chose each option (share of the homes that answered the survey), and the
    text answers — with the home for staff (``with_homes``), without it for the committee. Of one building if
    ``building_id``."""
    responses = survey_current_responses(survey).select_related("home__building").order_by("home_id")
    if building_id:
        responses = responses.filter(home__building_id=building_id)
    responses = list(responses)
    questions = list(survey.questions.prefetch_related("options"))
    counts = {q.pk: {} for q in questions}
    texts = {q.pk: [] for q in questions}
    answered = {q.pk: 0 for q in questions}
    for r in responses:
        for q in questions:
            value = r.answers.get(str(q.pk))
            if value in (None, "", []):
                continue
            answered[q.pk] += 1
            if q.is_choice:
                for option_id in value:
                    counts[q.pk][option_id] = counts[q.pk].get(option_id, 0) + 1
            else:
                texts[q.pk].append({"text": value, "home": r.home if with_homes else None})
    base = len(responses)
    out = []
    for q in questions:
        options = [{"option": o, "count": counts[q.pk].get(o.pk, 0), "share": _share(counts[q.pk].get(o.pk, 0), base)}
                   for o in q.options.all()]
        out.append({"question": q, "answered": answered[q.pk], "options": options, "texts": texts[q.pk]})
    return {"responses": base, "questions": out}


def survey_results_by_building(survey, *, with_homes: bool) -> list[dict]:
    """``survey_results`` for each building with at least one answer."""
    from linli.places.models import Building

    ids = survey_current_responses(survey).values("home__building_id")
    return [{"building": b, **survey_results(survey, with_homes=with_homes, building_id=b.pk)}
            for b in Building.objects.filter(pk__in=ids).select_related("estate").order_by("estate__name", "number")]


def survey_home_rows(survey):
    """Every home asked with its current answer (None if none yet), in the order of the buildings (staff only)."""
    responses = {r.home_id: r for r in survey_current_responses(survey).select_related("actor", "person")}
    homes = survey.homes().select_related("building__estate").order_by("building__estate__name", "building__number",
                                                                       "entrance", "number")
    for home in homes.iterator(chunk_size=2000):
        yield home, responses.get(home.pk)


def surveys_for_resident(user) -> list[dict]:
    """The open surveys of the homes ``user`` lives in now, one row per survey and home, with the home's current
    answer (None: not answered yet). For the resident's list, and for the resident home's button (residents app)."""
    from linli.assembly.models import Survey
    from linli.people.scopes import scope_for
    from linli.places.models import Home

    scope = scope_for(user)
    if not scope.home_ids:
        return []
    homes = list(Home.objects.filter(pk__in=scope.home_ids).select_related("building"))
    rows = []
    for survey in Survey.objects.visible_to(user).filter(published_at__isnull=False, closed_at__isnull=True).order_by(
            "closes_on", "id").select_related("estate", "building", "community"):
        if not survey.is_open():
            continue
        for home in homes:
            if survey.covers(home):
                answer = survey_current_responses(survey).filter(home=home).first()
                rows.append({"survey": survey, "home": home, "answer": answer})
    return rows


# -- issue 19 (reach): the committee member's desk and the quarterly rating -------------------------------------


def committees_of(user, on=None):
    """The bodies (assembly.Committee terms, serving on ``on``) on which ``user`` holds a current seat."""
    from linli.assembly.models import Committee

    org_ids = scope_for(user).committee_org_ids
    if not org_ids:
        return Committee.objects.none()
    return (Committee.objects.serving(on).filter(organization_id__in=org_ids)
            .select_related("organization", "estate__community").order_by("estate__name", "pk"))


def ratings_of(committee):
    """Every rating row of a body, newest quarter first, corrections beside what they supersede."""
    from linli.assembly.models import ServiceRating

    return (ServiceRating.objects.filter(committee=committee)
            .select_related("company", "rated_by__person", "superseded_by").order_by("-year", "-quarter", "company_id", "-id"))


def ratings_due(committee, today):
    """[(year, quarter, company)] of the rateable quarters (current and previous) whose company the body has not
    rated yet: what the desk asks for."""
    from linli.assembly.models import ServiceRating
    from linli.assembly.services.ratings import companies_of_quarter, rateable_quarters

    done = set(ServiceRating.objects.filter(committee=committee).values_list("year", "quarter", "company_id"))
    return [(year, quarter, company) for year, quarter in rateable_quarters(today)
            for company in companies_of_quarter(committee.estate, year, quarter)
            if (year, quarter, company.pk) not in done]


def standing_ratings(estate_ids, year: int, quarter: int) -> dict:
    """{(estate id, company id): the mean (1–5, an exact Fraction) of the estate's latest standing rating of the company in the
    quarter}, for the assessment (linli/dashboard/assessment.py reads it: layers, the dashboard is above). Where an
    estate had two bodies in the quarter (a new term), the one rated last counts."""
    from fractions import Fraction

    from linli.assembly.models import ServiceRating

    out, seen = {}, set()
    rows = (ServiceRating.objects.standing().of_quarter(year, quarter).filter(estate_id__in=estate_ids)
            .order_by("estate_id", "company_id", "-rated_at", "-id"))
    for r in rows:
        key = (r.estate_id, r.company_id)
        if key not in seen:
            seen.add(key)
            out[key] = Fraction(sum(r.scores.values()), len(r.scores))
    return out
