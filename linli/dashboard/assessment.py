"""Monthly assessment (考核): the figures of each company, estate and community, their score, rank and change of rank.

The rules, in the words of docs/dashboard-assessment.md:

* **Subjects.** Per district and month: the property companies and state custodians that managed an estate of the
  district that month (each estate's *manager of the month* is the stewardship covering most of its days; market,
  custodian and bundled arrangements name a company, self-managed and unmanaged estates none), every estate and
  every community of the district.
* **Figures** (each a number between 0 and 1 once made into a *component*):
  - response 响应率, resolution 解决率, satisfaction 满意率 — exactly as ``linli.workorders.rates`` defines them
    (its event walk ``tally_events`` is reused; a company is charged for the dispatches and callbacks rates charge
    it with, an estate and a community for those of their orders);
  - complaints per 100 homes 每百户诉求量 — orders received in the month from the residents' channels (居民扫码,
    窗口, 来电, 微信群, 12345, Open311, 接口; not 巡查/网格员 reports, which staff find, nor 吹哨报到 tasks) per 100
    homes; component = 1 − per100 ÷ cap (cap: the district's ``complaints_cap``, default 10), not below 0;
    12345 orders alone are shown beside it (the seed-000 metric);
  - on-time 按时办结率 — orders whose reply deadline (``reply_due``) fell in the month and has passed: replied
    (办结反馈) no later than the deadline ÷ all of them (an order still unanswered is late); charged to the
    organisation holding the order, to its estate and community;
  - repeat 重复诉求率 — orders received in the month (residents' channels) merged into an earlier one
    (``duplicate_of``) or flagged at intake as repeating an open order of the same estate (``triage.repeats``),
    ÷ orders received; component = 1 − rate;
  - fees 物业费收缴率 — paid ÷ due (billed − relief) of the bills whose period starts in the twelve months ending with
    the month (``linli.fees.selectors.collection_by_estate``), as known when the month is computed;
  - committee 业委会评价 (issue 19) — the owners' committees' quarterly ratings of the company (each 1–5, the mean of
    six items; ``linli.assembly.selectors.standing_ratings``), of the quarter the month is in, as they stand when
    the month is computed: a company's = the mean of its estates' latest ratings of it; an estate's = the rating of
    its manager of the month; a community has none. Component = (mean − 1) ÷ 4 (1 → 0, 5 → 1); missing where no
    committee has rated;
  - inspection 检查覆盖率 (issue 20) — inspection rounds done ÷ rounds due in the month
    (``linli.facilities.rounds_selectors.estate_coverage``: a route's period is due once it has ended, or when its
    round is done; Beijing 物业管理条例 art. 88's patrols): an estate's own routes, a community's estates, a company's
    estates of the month; missing where no round was due.
* **Score** = 100 × Σ wᵢ·componentᵢ ÷ Σ wᵢ over the components that exist for the subject (a figure with nothing to
  count drops out with its weight, as in rates.py); exact (``Fraction``) until rounded half-up to 2 places.
* **Rank** within the district (every subject kind) and within the street (estates, communities), by score,
  highest first; equal scores (as shown, to 2 places) share a rank and the next rank skips (1, 2, 2, 4). A subject
  without a score is not ranked. **Change of rank** = last month's rank − this month's (positive: up).
"""

from __future__ import annotations

import calendar
import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.assembly import selectors as assembly_selectors
from linli.core.access import require, scope_for
from linli.dashboard.models import AssessmentWeights, MonthlyScore, ScoreEvent, Subject
from linli.facilities import rounds_selectors
from linli.fees import selectors as fee_selectors
from linli.people.models import Organization, Role
from linli.places.models import Division, Estate, Home, Stewardship
from linli.workorders import rates
from linli.workorders.models import Channel, Status, WorkOrder

# -- the components and their weights --------------------------------------------------------------------------

COMPONENTS = ("response", "resolution", "satisfaction", "complaints", "on_time", "repeat", "fees", "committee",
              "inspection")
LABELS = {
    "response": gettext_lazy("响应率"), "resolution": gettext_lazy("解决率"), "satisfaction": gettext_lazy("满意率"),
    "complaints": gettext_lazy("每百户诉求量"), "on_time": gettext_lazy("按时办结率"),
    "repeat": gettext_lazy("重复诉求率"), "fees": gettext_lazy("物业费收缴率"),
    "committee": gettext_lazy("业委会评价"), "inspection": gettext_lazy("检查覆盖率"),
}
DEFAULT_WEIGHTS = {"response": 10, "resolution": 20, "satisfaction": 25, "complaints": 15, "on_time": 10,
                   "repeat": 10, "fees": 10, "committee": 0, "inspection": 0}
DEFAULT_COMPLAINTS_CAP = Decimal("10")
# Orders that residents bring (counted per 100 homes and for repeats); patrol and grid reports are found by staff.
RESIDENT_CHANNELS = (Channel.RESIDENT, Channel.WALK_IN, Channel.PHONE, Channel.WECHAT, Channel.HOTLINE,
                     Channel.OPEN311, Channel.API)
RATE = Decimal("0.0001")
SCORE = Decimal("0.01")


@dataclass(frozen=True)
class Weights:
    """The weights in force for a district and month, and the row they come from (None: the defaults)."""

    values: dict[str, int]
    complaints_cap: Decimal
    row: AssessmentWeights | None = None

    @property
    def total(self) -> int:
        return sum(self.values.values())

    def as_dict(self) -> dict:
        return {**{k: self.values[k] for k in COMPONENTS}, "complaints_cap": str(self.complaints_cap)}


def default_weights() -> Weights:
    configured = getattr(settings, "LINLI_ASSESSMENT_WEIGHTS", None) or {}
    values = {k: int(configured.get(k, DEFAULT_WEIGHTS[k])) for k in COMPONENTS}
    cap = Decimal(str(getattr(settings, "LINLI_ASSESSMENT_COMPLAINTS_CAP", DEFAULT_COMPLAINTS_CAP)))
    return Weights(values, cap)


def weights_for(district: Division, month: datetime.date) -> Weights:
    """The weights of ``district`` for ``month``: the latest row effective from that month or before."""
    row = (AssessmentWeights.objects.filter(district=district, effective_from__lte=first_day(month))
           .order_by("-effective_from", "-id").first())
    if row is None:
        return default_weights()
    return Weights({k: getattr(row, k) for k in COMPONENTS}, row.complaints_cap, row)


# -- months ----------------------------------------------------------------------------------------------------


def first_day(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def previous_month(month: datetime.date) -> datetime.date:
    return first_day(first_day(month) - datetime.timedelta(days=1))


def last_day(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def parse_month(text: str | None, *, default: datetime.date | None = None) -> datetime.date:
    """``2026-11`` → 2026-11-01; empty → ``default`` (or last month). ValueError with a message for people."""
    text = (text or "").strip()
    if not text:
        return default or previous_month(timezone.localdate())
    try:
        year, month = text.split("-")
        return datetime.date(int(year), int(month), 1)
    except ValueError:
        raise ValueError(_("无法识别的月份：%(m)s；请用 2026-11 这样的格式") % {"m": text}) from None


def is_closed(month: datetime.date, today: datetime.date | None = None) -> bool:
    return first_day(month) < first_day(today or timezone.localdate())


# -- arithmetic ------------------------------------------------------------------------------------------------


def _round(value: Fraction | None, places: Decimal) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(places, rounding=ROUND_HALF_UP)


def _ratio(num, den) -> Fraction | None:
    return Fraction(num) / Fraction(den) if den else None


def score_of(components: dict[str, Fraction | None], weights: dict[str, int]) -> Fraction | None:
    """100 × Σ wᵢ·cᵢ ÷ Σ wᵢ over the components that exist (not None) and weigh something; None if none does."""
    present = {k: v for k, v in components.items() if v is not None and weights.get(k)}
    total = sum(weights[k] for k in present)
    if not total:
        return None
    return 100 * sum(weights[k] * v for k, v in present.items()) / total


def rank(scores: list[tuple[object, Decimal | None]]) -> dict[object, int]:
    """Competition ranking, highest first: equal scores share a rank and the next one skips (1, 2, 2, 4)."""
    return rates.competition_ranks(scores)


@dataclass
class Figures:
    """The counts behind one subject's figures for a month."""

    tally: rates.Tally = field(default_factory=rates.Tally)
    homes: int = 0
    orders: int = 0  # received from the residents' channels
    hotline: int = 0
    repeats: int = 0
    due: int = 0  # reply deadlines that fell in the month and passed
    on_time: int = 0
    fees_due: Decimal = Decimal("0")
    fees_paid: Decimal = Decimal("0")
    # issue 19: the committees' ratings (each the mean 1–5 of one estate's standing rating), summed, and how many
    committee_total: Fraction = Fraction(0)
    committee_n: int = 0
    # issue 20: inspection rounds done and due in the month (linli/facilities/rounds_selectors.py)
    inspection_due: int = 0
    inspection_done: int = 0

    def add(self, other: Figures) -> None:
        self.tally.add(other.tally)
        for name in ("homes", "orders", "hotline", "repeats", "due", "on_time", "fees_due", "fees_paid",
                     "committee_total", "committee_n", "inspection_due", "inspection_done"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def rates(self, cap: Decimal) -> dict[str, Fraction | None]:
        """Each figure as people read it (a rate, or complaints per 100 homes), exact."""
        per100 = _ratio(100 * self.orders, self.homes)
        return {
            "response": self.tally.response_fraction(), "resolution": self.tally.resolution_fraction(),
            "satisfaction": self.tally.satisfaction_fraction(), "complaints": per100,
            "on_time": _ratio(self.on_time, self.due), "repeat": _ratio(self.repeats, self.orders),
            "fees": min(Fraction(1), _ratio(self.fees_paid, self.fees_due)) if self.fees_due > 0 else None,
            "committee": committee_component(self.committee_total, self.committee_n),
            "inspection": _ratio(self.inspection_done, self.inspection_due),
        }

    def components(self, cap: Decimal) -> dict[str, Fraction | None]:
        """The figures made into 0..1, higher is better."""
        figures = self.rates(cap)
        per100, repeat = figures["complaints"], figures["repeat"]
        cap_f = Fraction(cap)
        figures["complaints"] = None if per100 is None else (
            max(Fraction(0), 1 - per100 / cap_f) if cap_f > 0 else None)
        figures["repeat"] = None if repeat is None else 1 - repeat
        return figures

    def counts(self) -> dict:
        t = self.tally
        return {"dispatched": t.dispatched, "responded": t.responded, "pending": t.pending, "visited": t.visited,
                "solved": t.solved, "satisfied": t.satisfied, "basic": t.basic, "unsatisfied": t.unsatisfied,
                "homes": self.homes, "orders": self.orders, "hotline": self.hotline, "repeats": self.repeats,
                "due": self.due, "on_time": self.on_time, "fees_due": str(self.fees_due),
                "fees_paid": str(self.fees_paid), "committee_ratings": self.committee_n,
                "committee_mean": None if not self.committee_n else str(_round(
                    self.committee_total / self.committee_n, SCORE)),
                "inspection_due": self.inspection_due, "inspection_done": self.inspection_done}


def committee_component(total: Fraction, n: int) -> Fraction | None:
    """The committees' ratings (``n`` of them, each a mean 1–5, summed in ``total``) made into 0..1: (mean − 1) ÷ 4,
    so that the lowest rating is 0 and the highest full marks; None (missing) when no committee has rated."""
    if not n:
        return None
    return (Fraction(total) / n - 1) / 4


def quarter_of_month(month: datetime.date) -> tuple[int, int]:
    return month.year, (month.month - 1) // 3 + 1


# -- reading the month -----------------------------------------------------------------------------------------


@dataclass
class Subjects:
    """Who is assessed in a district for a month, and how estates tie to streets, communities and managers."""

    estates: dict[int, dict]  # pk → {name, community, street, manager, mode}
    communities: dict[int, dict]  # pk → {name, street}
    companies: dict[int, Organization]


def _manager_of_month(rows, month: datetime.date) -> tuple[int | None, str]:
    """The stewardship covering most days of the month (ties: the later one) → (provider id or None, mode)."""
    start, end = first_day(month), last_day(month)
    best, best_days = None, 0
    for row in sorted(rows, key=lambda r: r["start"]):
        days = (min(end, row["end"] or end) - max(start, row["start"])).days + 1
        if days > 0 and days >= best_days:
            best, best_days = row, days
    if best is None:
        return None, ""
    provider = best["provider_id"] if best["mode"] in Stewardship.PROFESSIONAL else None
    return provider, best["mode"]


def subjects_of(district: Division, month: datetime.date) -> Subjects:
    communities = {pk: {"name": name, "street": parent}
                   for pk, name, parent in Division.objects.filter(
                       level=Division.Level.COMMUNITY, path__startswith=district.path)
                   .values_list("pk", "name", "parent_id")}
    estates = {pk: {"name": name, "community": community, "street": communities.get(community, {}).get("street"),
                    "manager": None, "mode": ""}
               for pk, name, community in Estate.objects.filter(community_id__in=list(communities))
               .values_list("pk", "name", "community_id")}
    stewardships = defaultdict(list)
    for row in (Stewardship.objects.live().filter(estate_id__in=list(estates), start__lte=last_day(month))
                .filter(Q(end__isnull=True) | Q(end__gte=first_day(month)))
                .values("estate_id", "provider_id", "mode", "start", "end")):
        stewardships[row["estate_id"]].append(row)
    for pk, rows in stewardships.items():
        estates[pk]["manager"], estates[pk]["mode"] = _manager_of_month(rows, month)
    companies = {o.pk: o for o in Organization.objects.filter(
        pk__in={e["manager"] for e in estates.values() if e["manager"]})}
    return Subjects(estates, communities, companies)


def _tallies(district: Division, period: rates.Period, now: datetime.datetime):
    """One walk of the month's events (``rates.tally_events``, the rates' own definitions) → tallies per
    organisation, estate and community."""
    rows, stream, places = rates.event_rows(rates.division_orders_q(district, "order__"), period, now,
                                            ("order__estate_id", "order__community_id"))
    facts = Counter()
    with transaction.atomic(using=rows.db):
        rates._settings_for_a_report(rows.db)
        for order_id, org_id, kind, value in rates.tally_events(stream, period, now):
            facts[(org_id, *places.get(order_id, (None, None)), kind, value)] += 1
    by_org, by_estate, by_comm = defaultdict(rates.Tally), defaultdict(rates.Tally), defaultdict(rates.Tally)
    for (org_id, estate_id, community_id, kind, value), n in facts.items():
        rates._apply(by_org[org_id], kind, value, n)
        rates._apply(by_estate[estate_id], kind, value, n)
        rates._apply(by_comm[community_id], kind, value, n)
    return by_org, by_estate, by_comm


def month_figures(district: Division, month: datetime.date, subjects: Subjects, *,
                  now: datetime.datetime | None = None) -> dict[tuple[str, int], Figures]:
    """Figures per subject key ((Subject, pk)) for the month."""
    now = now or timezone.now()
    period = rates.parse_period(f"{month:%Y-%m}")
    in_district = rates.division_orders_q(district)
    by_estate: dict[int, Figures] = defaultdict(Figures)
    by_comm: dict[int, Figures] = defaultdict(Figures)
    by_org: dict[int, Figures] = defaultdict(Figures)

    t_org, t_estate, t_comm = _tallies(district, period, now)
    for pk, t in t_estate.items():
        if pk is not None:
            by_estate[pk].tally = t
    for pk, t in t_comm.items():
        if pk is not None:
            by_comm[pk].tally = t
    for pk, t in t_org.items():
        if pk in subjects.companies:
            by_org[pk].tally = t

    for estate_id, n in Home.objects.filter(estate_id__in=list(subjects.estates)).values_list(
            "estate_id").annotate(n=Count("pk")).order_by():
        by_estate[estate_id].homes = n
    for estate_id, e in subjects.estates.items():
        by_comm[e["community"]].homes += by_estate[estate_id].homes if estate_id in by_estate else 0

    repeat = Q(duplicate_of__isnull=False) | Q(triage__has_key="repeats")
    received = (WorkOrder.objects.filter(in_district, received_at__gte=period.start, received_at__lt=period.end,
                                         channel__in=RESIDENT_CHANNELS)
                .values_list("estate_id", "community_id", "channel")
                .annotate(n=Count("pk"), rep=Count("pk", filter=repeat)).order_by())
    for estate_id, community_id, channel, n, rep in received:
        for target in ([by_estate[estate_id]] if estate_id else []) + ([by_comm[community_id]] if community_id
                                                                       else []):
            target.orders += n
            target.repeats += rep
            target.hotline += n if channel == Channel.HOTLINE else 0

    due = (WorkOrder.objects.filter(in_district, reply_due__gte=period.start, reply_due__lt=min(period.end, now))
           .exclude(status__in=(Status.MERGED, Status.CANCELLED))
           .values_list("estate_id", "community_id", "assignee_org_id")
           .annotate(n=Count("pk"), ok=Count("pk", filter=Q(replied_at__isnull=False,
                                                            replied_at__lte=F("reply_due")))).order_by())
    for estate_id, community_id, org_id, n, ok in due:
        targets = []
        if estate_id:
            targets.append(by_estate[estate_id])
        if community_id:
            targets.append(by_comm[community_id])
        if org_id in subjects.companies:
            targets.append(by_org[org_id])
        for target in targets:
            target.due += n
            target.on_time += ok

    fees_from = first_day(month)
    for _i in range(11):
        fees_from = previous_month(fees_from)
    for estate_id, c in fee_selectors.collection_by_estate(list(subjects.estates), fees_from,
                                                           last_day(month)).items():
        by_estate[estate_id].fees_due = c.due
        by_estate[estate_id].fees_paid = c.paid
        community = subjects.estates[estate_id]["community"]
        by_comm[community].fees_due += c.due
        by_comm[community].fees_paid += c.paid

    # issue 19: the committees' ratings of the quarter the month is in, as they stand now. A company: every estate's
    # standing rating of it; an estate: the rating of its manager of the month; a community: none.
    for (estate_id, company_id), mean in assembly_selectors.standing_ratings(
            list(subjects.estates), *quarter_of_month(month)).items():
        if company_id in subjects.companies:
            by_org[company_id].committee_total += mean
            by_org[company_id].committee_n += 1
        if subjects.estates[estate_id]["manager"] == company_id:
            by_estate[estate_id].committee_total += mean
            by_estate[estate_id].committee_n += 1

    # issue 20: inspection rounds done ÷ due, per estate, its community and its manager of the month.
    for estate_id, c in rounds_selectors.estate_coverage(list(subjects.estates), month,
                                                         timezone.localdate(now)).items():
        community, manager = subjects.estates[estate_id]["community"], subjects.estates[estate_id]["manager"]
        for target in [by_estate[estate_id], by_comm[community]] + ([by_org[manager]] if manager else []):
            target.inspection_due += c.due
            target.inspection_done += c.done

    # A company's estate figures are those of the estates it managed that month (its rates are its own).
    for estate_id, e in subjects.estates.items():
        if e["manager"] and estate_id in by_estate:
            f, target = by_estate[estate_id], by_org[e["manager"]]
            target.homes += f.homes
            target.orders += f.orders
            target.hotline += f.hotline
            target.repeats += f.repeats
            target.fees_due += f.fees_due
            target.fees_paid += f.fees_paid

    out = {}
    for pk in subjects.estates:
        out[Subject.ESTATE, pk] = by_estate.get(pk) or Figures()
    for pk in subjects.communities:
        out[Subject.COMMUNITY, pk] = by_comm.get(pk) or Figures()
    for pk in subjects.companies:
        out[Subject.COMPANY, pk] = by_org.get(pk) or Figures()
    return out


# -- the stored month -----------------------------------------------------------------------------------------


def latest_event(district: Division, month: datetime.date) -> ScoreEvent | None:
    return ScoreEvent.objects.filter(district=district, month=first_day(month)).order_by("-id").first()


def is_frozen(district: Division, month: datetime.date) -> bool:
    return ScoreEvent.objects.filter(district=district, month=first_day(month),
                                     kind=ScoreEvent.Kind.FROZEN).exists()


def current_scores(district: Division, month: datetime.date):
    """The month's current rows (those of its latest event), or an empty queryset."""
    event = latest_event(district, month)
    if event is None:
        return MonthlyScore.objects.none()
    return MonthlyScore.objects.filter(event=event)


def _label(org: Organization) -> str:
    if org.ownership == Organization.Ownership.STATE or org.kind == Organization.Kind.PROPERTY_CENTRE:
        return str(Stewardship.Mode.CUSTODIAN.label)
    return str(Subject.COMPANY.label)


def build_rows(district: Division, month: datetime.date, *, now: datetime.datetime | None = None,
               weights: Weights | None = None) -> list[MonthlyScore]:
    """The month's score rows (not saved), ranked, with last month's ranks."""
    month = first_day(month)
    weights = weights or weights_for(district, month)
    subjects = subjects_of(district, month)
    figures = month_figures(district, month, subjects, now=now)
    modes = dict(Stewardship.Mode.choices)
    rows = []
    for (subject, pk), f in figures.items():
        shown = f.rates(weights.complaints_cap)
        score = _round(score_of(f.components(weights.complaints_cap), weights.values), SCORE)
        row = MonthlyScore(district=district, month=month, subject=subject, score=score, homes=f.homes,
                           orders=f.orders, hotline=f.hotline, counts=f.counts(),
                           response_rate=_round(shown["response"], RATE),
                           resolution_rate=_round(shown["resolution"], RATE),
                           satisfaction_rate=_round(shown["satisfaction"], RATE),
                           complaints_per_100=_round(shown["complaints"], SCORE),
                           on_time_rate=_round(shown["on_time"], RATE), repeat_rate=_round(shown["repeat"], RATE),
                           fee_rate=_round(shown["fees"], RATE), committee_rate=_round(shown["committee"], RATE),
                           inspection_rate=_round(shown["inspection"], RATE))
        if subject == Subject.ESTATE:
            e = subjects.estates[pk]
            row.estate_id, row.community_id, row.street_id = pk, e["community"], e["street"]
            row.organization_id, row.name, row.label = e["manager"], e["name"], str(modes.get(e["mode"], ""))
        elif subject == Subject.COMMUNITY:
            c = subjects.communities[pk]
            row.community_id, row.street_id, row.name = pk, c["street"], c["name"]
        else:
            org = subjects.companies[pk]
            row.organization_id, row.name, row.label = pk, org.name, _label(org)
        rows.append(row)

    for subject in Subject.values:
        group = [r for r in rows if r.subject == subject]
        _rank_rows(group, "rank_district")
        if subject != Subject.COMPANY:
            by_street = defaultdict(list)
            for r in group:
                by_street[r.street_id].append(r)
            for members in by_street.values():
                _rank_rows(members, "rank_street")

    previous = {r.key: r for r in current_scores(district, previous_month(month))}
    for r in rows:
        if (before := previous.get(r.key)) is not None:
            r.prev_rank_district, r.prev_rank_street = before.rank_district, before.rank_street
    return rows


def _rank_rows(rows: list[MonthlyScore], attribute: str) -> None:
    for i, place in rank([(i, r.score) for i, r in enumerate(rows)]).items():
        setattr(rows[i], attribute, place)


def _changes(old: list[MonthlyScore], new: list[MonthlyScore], limit: int = 200) -> dict:
    """What a recomputation changed: the subjects whose score or rank differ (at most ``limit`` listed)."""
    before = {r.key: r for r in old}
    changed = []
    for r in new:
        b = before.pop(r.key, None)
        if b is None or (b.score, b.rank_district, b.rank_street) != (r.score, r.rank_district, r.rank_street):
            changed.append({"subject": r.subject, "id": r.key[1], "name": r.name,
                            "score": [None if b is None or b.score is None else str(b.score),
                                      None if r.score is None else str(r.score)],
                            "rank": [None if b is None else b.rank_district, r.rank_district]})
    gone = [{"subject": b.subject, "id": b.key[1], "name": b.name, "score": [str(b.score), None]}
            for b in before.values()]
    changed += gone
    return {"changed": len(changed), "items": changed[:limit]}


def can_recompute(user, district: Division) -> bool:
    """District admins of the district (or above) may compute, freeze and recompute its scores."""
    scope = scope_for(user)
    return Role.DISTRICT_ADMIN in scope.roles and scope.can_write_division(district)


@transaction.atomic
def scores_compute(*, month: datetime.date, district: Division, actor=None, reason: str = "",
                   freeze: bool = False, now: datetime.datetime | None = None) -> ScoreEvent:
    """Compute and store ``district``'s scores for ``month`` under a new ``ScoreEvent``.

    * an open month (or a closed one not frozen yet) → kind ``computed`` (provisional), or ``frozen`` with
      ``freeze=True`` once the month has closed (the month-end job; a district admin may do it by hand);
    * a frozen month → only a recomputation: a person (``actor``, a district admin) and a ``reason`` are required;
      kind ``recomputed``, with what changed. The rows it replaces stay (history), as the event's predecessors'.
    A person's call is checked here (``can_recompute``); the job passes ``actor=None`` (the system)."""
    month = first_day(month)
    now = now or timezone.now()
    if district.level != Division.Level.DISTRICT:
        raise ValidationError({"district": [_("考核按区计算：请选择一个区")]})
    # One computation of a district at a time: the second waits here, then sees the first one's event.
    Division.objects.select_for_update().filter(pk=district.pk).first()
    if actor is not None:
        require(can_recompute(actor, district), _("只有本区的区级管理员可以计算或重算考核得分"))
    frozen = is_frozen(district, month)
    closed = is_closed(month, timezone.localdate(now))
    if frozen:
        if actor is None:
            return latest_event(district, month)  # the job ran already: a frozen month never changes by itself
        if not reason.strip():
            raise ValidationError({"reason": [_("重算已冻结的月份须填写原因")]})
        kind = ScoreEvent.Kind.RECOMPUTED
    elif freeze:
        if not closed:
            raise ValidationError({"month": [_("%(m)s 尚未结束，不能冻结") % {"m": f"{month:%Y-%m}"}]})
        kind = ScoreEvent.Kind.FROZEN
    else:
        kind = ScoreEvent.Kind.COMPUTED
    weights = weights_for(district, month)
    old = list(current_scores(district, month))
    rows = build_rows(district, month, now=now, weights=weights)
    data = {"weights": weights.as_dict(), "weights_row": weights.row.pk if weights.row else None,
            "subjects": len(rows)}
    if old:
        data["changes"] = _changes(old, rows)
    event = ScoreEvent.objects.create(kind=kind, district=district, month=month, actor=actor, reason=reason.strip(),
                                      data=data, at=now)
    for r in rows:
        r.event = event
    MonthlyScore.objects.bulk_create(rows, batch_size=2000)
    return event


def months_to_freeze(*, today: datetime.date | None = None, months: int = 1) -> list[tuple[int, str, datetime.date]]:
    """(district id, code, month) of every district's last ``months`` closed months that are not frozen yet."""
    today = today or timezone.localdate()
    month, out = previous_month(today), []
    districts = list(Division.objects.filter(level=Division.Level.DISTRICT).order_by("path").values_list("pk", "code"))
    for _i in range(months):
        frozen = set(ScoreEvent.objects.filter(month=month, kind=ScoreEvent.Kind.FROZEN)
                     .values_list("district_id", flat=True))
        out += [(pk, code, month) for pk, code in districts if pk not in frozen]
        month = previous_month(month)
    return out


def freeze_closed_months(*, today: datetime.date | None = None, months: int = 1) -> list[ScoreEvent]:
    """The month-end work in one process: freeze every district's last ``months`` closed months not frozen yet
    (the periodic job queues one task per district instead, ``linli.dashboard.tasks``)."""
    return [scores_compute(month=month, district=Division.objects.get(pk=pk), freeze=True)
            for pk, _code, month in months_to_freeze(today=today, months=months)]


# -- weights ---------------------------------------------------------------------------------------------------


def can_edit_weights(user, district: Division) -> bool:
    return can_recompute(user, district)


@transaction.atomic
def weights_change(*, district: Division, effective_from: datetime.date | None, values: dict,
                   complaints_cap, reason: str, actor) -> AssessmentWeights:
    """A new weights row for ``district`` from ``effective_from`` (the 1st of a month); never an edit in place.
    A month already frozen is not changed by it (recompute it, with a reason, to apply the new weights)."""
    require(can_edit_weights(actor, district), _("只有本区的区级管理员可以调整考核权重"))
    errors, clean = {}, {}
    if district.level != Division.Level.DISTRICT:
        errors["district"] = [_("考核权重按区设置")]
    for k in COMPONENTS:
        try:
            clean[k] = int(values.get(k))
        except (TypeError, ValueError):
            clean[k] = -1
        if not 0 <= clean[k] <= 100:
            errors[k] = [_("%(name)s的权重须为0到100之间的整数") % {"name": LABELS[k]}]
    if not errors and sum(clean.values()) <= 0:
        errors["response"] = [_("权重不能全部为0")]
    try:
        complaints_cap = Decimal(str(complaints_cap))
        if not complaints_cap.is_finite() or complaints_cap <= 0:
            raise ValueError
    except (ArithmeticError, ValueError):
        errors["complaints_cap"] = [_("每百户诉求量满分线须为大于0的数")]
    if not (reason or "").strip():
        errors["reason"] = [_("请填写调整原因")]
    if effective_from is None or effective_from.day != 1:
        errors["effective_from"] = [_("权重自某月1日起生效")]
    if errors:
        raise ValidationError(errors)
    return AssessmentWeights.objects.create(
        district=district, effective_from=effective_from, complaints_cap=complaints_cap, reason=reason.strip(),
        created_by=actor, **clean)


# -- who sees the rankings -------------------------------------------------------------------------------------

VIEWER_ROLES = frozenset({Role.STREET_ADMIN, Role.DISTRICT_ADMIN, Role.AUDITOR})


@dataclass(frozen=True)
class Reach:
    """What of a district's ranking a user sees: all of it, or the subjects of some streets."""

    whole: bool = False
    streets: frozenset[int] = frozenset()

    def __bool__(self):
        return self.whole or bool(self.streets)


def _depth(path: str) -> int:
    return path.count("/")


def ranking_districts(user):
    """Districts whose ranking ``user`` may open: street and district admins and auditors of the district or of
    one of its streets (a street's people see their own street's part, see ``ranking_reach``)."""
    scope = scope_for(user)
    if not scope.roles & VIEWER_ROLES:
        return Division.objects.none()
    q = Q(pk__in=[])
    for p in scope.paths:
        if _depth(p) <= 1:
            q |= Q(path__startswith=p)
        elif _depth(p) == 2:
            q |= Q(path=p.split("/")[0] + "/")
    return Division.objects.filter(q, level=Division.Level.DISTRICT)


def ranking_reach(user, district: Division) -> Reach:
    scope = scope_for(user)
    if not scope.roles & VIEWER_ROLES:
        return Reach()
    if any(district.path.startswith(p) for p in scope.paths):
        return Reach(whole=True)
    street_paths = [p for p in scope.paths if _depth(p) == 2 and p.startswith(district.path)]
    if not street_paths:
        return Reach()
    return Reach(streets=frozenset(Division.objects.filter(path__in=street_paths).values_list("pk", flat=True)))


def visible_rows(rows, reach: Reach):
    """The rows of a month a reach sees: all, or its streets' estates and communities and the companies that
    managed an estate there that month."""
    if reach.whole:
        return rows
    in_streets = Q(street_id__in=reach.streets)
    companies = MonthlyScore.objects.filter(in_streets, event_id__in=rows.values("event_id"),
                                            subject=Subject.ESTATE, organization__isnull=False
                                            ).values("organization_id")
    return rows.filter(in_streets | Q(subject=Subject.COMPANY, organization_id__in=companies))
