"""Billing runs: a period's bills for every home, in resumable chunks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.deferred import gettext_noop
from linli.notify.services import Message, notify_many, recipients
from linli.people.models import Occupancy, User
from linli.places.models import Estate, Home

from .. import permissions
from ..models import (
    Bill,
    BillingRun,
    Payment,
    Relief,
)
from ..money import (
    ZERO,
    Period,
    intersect,
    monthly_charge,
    parse_period,
    prorated,
    to_fen,
)
from .payments import _allocate_credit
from .plans import (
    _event,
    _occupied,
    _relief_for,
    billing_window,
    plans_by_estate,
    stewardship_rows,
    why_nothing_billed,
)

# -- billing -----------------------------------------------------------------------------------------


def _run_homes(run: BillingRun):
    period = parse_period(run.period)
    estate_ids = plans_by_estate(period, [run.estate_id] if run.estate_id else None)
    return Home.objects.filter(estate_id__in=list(estate_ids)), estate_ids, period


@transaction.atomic
def billing_run_start(*, period: str, actor, estate: Estate | None = None, now=None) -> BillingRun:
    """Start (or resume) billing ``period`` for one estate or, with no estate (the CLI, as the system actor), for
    every estate."""
    try:
        parsed = parse_period(period)
    except ValueError as exc:
        raise ValidationError({"period": ValidationError(str(exc), code="invalid_period")}) from None
    if estate is not None:
        permissions.require_manager(actor, estate)
    elif not permissions.can_bill_every_estate(actor):
        if actor is None:
            raise PermissionDenied(_("您无权管理该小区的收费和台账"))
        raise ValidationError(_("请选择小区"))
    existing = BillingRun.objects.filter(period=parsed.code, estate=estate, status=BillingRun.Status.RUNNING).first()
    if existing:
        return existing
    run = BillingRun(period=parsed.code, estate=estate, started_by=actor, started_at=now or timezone.now())
    homes = _run_homes(run)[0]
    run.total_homes = homes.count()
    run.save()
    _event("billing_started", actor=actor, estate=estate, run=run.pk, period=parsed.code, homes=run.total_homes)
    return run


def billing_run_step(*, run: BillingRun, chunk: int = 2000, now=None) -> BillingRun:
    """Bill the next ``chunk`` homes of the run. Safe to repeat: a bill that exists is left as it is."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _billing_step(run=run, chunk=chunk, now=now or timezone.now())
        except IntegrityError:  # another run billed some of these homes meanwhile: read again
            if attempt == 2:
                raise
            run.refresh_from_db()
    raise AssertionError("unreachable")


def _billing_step(*, run: BillingRun, chunk: int, now) -> BillingRun:
    run = BillingRun.objects.select_for_update().get(pk=run.pk)
    if run.status == BillingRun.Status.DONE:
        return run
    homes_qs, plans, period = _run_homes(run)
    if run.estate_id:
        batch = homes_qs.filter(pk__gt=run.last_home_id)
    else:
        # Every estate: walk all homes by primary key and skip those without a plan. Filtering on a long
        # list of estates here would make the database scan the whole table at every chunk.
        batch = Home.objects.filter(pk__gt=run.last_home_id)
    batch = list(batch.order_by("pk").values_list("pk", "estate_id", "area")[:chunk])
    homes = [h for h in batch if h[1] in plans]
    if not batch:
        run.status = BillingRun.Status.DONE
        run.finished_at = now
        run.done_homes = run.total_homes
        run.notes = _nothing_billed(run, plans, period)
        run.save()
        _event("billing_done", actor=run.started_by, estate=run.estate, run=run.pk, period=run.period,
               bills=run.bills_created, amount=str(run.amount_billed), now=now)
        return run
    lo, hi = batch[0][0], batch[-1][0]
    ids = {h[0] for h in homes}
    occupied = defaultdict(list)
    for home_id, start, end in Occupancy.objects.filter(home_id__gte=lo, home_id__lte=hi).values_list(
        "home_id", "start", "end"
    ).order_by():
        if home_id in ids:
            occupied[home_id].append((start, end))
    existing = set(
        Bill.objects.filter(home_id__gte=lo, home_id__lte=hi, period=period.code).values_list("home_id", "plan_id")
        .order_by()
    )
    reliefs = defaultdict(list)
    for relief in Relief.objects.active().filter(home_id__gte=lo, home_id__lte=hi, start__lte=period.end,
                                                 end__gte=period.start).order_by("pk"):
        reliefs[relief.home_id].append(relief)
    rows = []
    whole, months = [(period.start, period.end)], len(period.months())
    whole_days = (period.end - period.start).days + 1
    # 先服务后收费: the days each plan may bill in each estate of the chunk (one rule, ``billing_window``).
    history = stewardship_rows({h[1] for h in homes})
    windows = {(e, plan.pk): billing_window(plan, history.get(e, []), period.start, period.end)
               for e in {h[1] for h in homes} for plan in plans.get(e, [])}
    for home_id, estate_id, area in homes:
        occ = _occupied(occupied.get(home_id, []))
        for plan in plans.get(estate_id, []):
            if (home_id, plan.pk) in existing:
                continue
            window = windows[estate_id, plan.pk]
            if not window:
                continue
            billable = intersect(occ, window)
            if not billable:
                continue
            monthly = monthly_charge(basis=plan.basis, rate=plan.rate, type_rates=plan.type_rates, area=area)
            if billable == whole:  # the common case, the same result without fractions
                amount, days = to_fen(monthly * months), whole_days
            else:
                exact, days = prorated(monthly, period, billable)
                amount = to_fen(exact)
            if amount <= 0:
                continue
            home_reliefs = reliefs.get(home_id)
            relief = min(to_fen(_relief_for(home_reliefs, monthly=monthly, period=period, billable=billable)),
                         amount) if home_reliefs else ZERO
            rows.append((home_id, estate_id, plan.pk, days, monthly, amount, relief, amount - relief))
    _insert_bills(rows, period=period, run=run, now=now)
    _tell_occupants(run=run, lo=lo, hi=hi, period=period)
    new_total = sum((r[5] for r in rows), ZERO)
    # Prepayments (预存) pay the new bills at once.
    billed_homes = {r[0] for r in rows}
    if billed_homes:
        with_credit = set(
            Payment.objects.filter(home_id__gte=lo, home_id__lte=hi, unallocated__gt=0, voided_at__isnull=True)
            .values_list("home_id", flat=True).order_by()
        ) & billed_homes
        for home_id in sorted(with_credit):
            _allocate_credit(home_id, now)  # dated with the run, as its bills are
    run.last_home_id = hi
    run.done_homes = min(run.done_homes + len(homes), run.total_homes)
    run.bills_created += len(rows)
    run.amount_billed += new_total
    run.save()
    return run


def _nothing_billed(run: BillingRun, plans: dict, period: Period) -> list[dict]:
    """Why each estate and plan of the run billed no home in it (its ``notes``), in a few queries."""
    if run.estate_id and not plans:
        return [{"estate": run.estate_id, "estate_name": run.estate.name, "plan": None, "plan_name": "",
                 "msg": NO_PLAN[period.frequency], "params": {}}]
    new = set(Bill.objects.filter(run=run).values_list("estate_id", "plan_id").distinct().order_by())
    idle = [(e, plan) for e, items in plans.items() for plan in items if (e, plan.pk) not in new]
    if not idle:
        return []
    billed = Bill.objects.filter(period=period.code)
    if run.estate_id:
        billed = billed.filter(estate_id=run.estate_id)
    counts = {(e, p): n for e, p, n in billed.values_list("estate_id", "plan_id").annotate(n=Count("pk")).order_by()}
    history = stewardship_rows({e for e, _plan in idle})
    names = dict(Estate.objects.filter(pk__in={e for e, _plan in idle}).values_list("pk", "name"))
    notes = []
    for estate_id, plan in sorted(idle, key=lambda x: (x[0], x[1].pk)):
        msg, params = why_nothing_billed(plan, history.get(estate_id, []), period,
                                         billed=counts.get((estate_id, plan.pk), 0))
        notes.append({"estate": estate_id, "estate_name": names.get(estate_id, ""), "plan": plan.pk,
                      "plan_name": plan.name, "msg": msg, "params": params})
    return notes


NO_PLAN = {"monthly": gettext_noop("无有效收费方案（按月收取的）"), "quarterly": gettext_noop("无有效收费方案（按季收取的）"),
           "yearly": gettext_noop("无有效收费方案（按年收取的）")}


def _tell_occupants(*, run: BillingRun, lo: int, hi: int, period: Period) -> int:
    """One notification per new bill of this chunk to the accounts of the home's current occupants (their inbox and
    channel), key "bill:<id>", in the chunk's transaction: a few statements for the whole chunk."""
    bills = list(Bill.objects.filter(run=run, home_id__gte=lo, home_id__lte=hi, period=period.code)
                 .values_list("pk", "home_id", "outstanding").order_by("pk"))
    if not bills:
        return 0
    people = defaultdict(set)
    for home_id, person_id in Occupancy.objects.current().filter(home_id__in={b[1] for b in bills}).values_list(
            "home_id", "person_id").order_by():
        people[home_id].add(person_id)
    users = defaultdict(list)
    for user in recipients(User.objects.filter(is_active=True, person_id__in=set().union(*people.values()))):
        users[user.person_id].append(user)
    link = reverse("fees:my_bills")
    messages = [Message(users=[u for p in sorted(people[home_id]) for u in users[p]], kind="bill", link=link,
                        key=f"bill:{pk}", title=_("%(p)s 物业费账单：%(a)s 元") % {"p": period.code, "a": outstanding})
                for pk, home_id, outstanding in bills if people.get(home_id) and outstanding > 0]
    return len(notify_many(messages))


MONTHLY = Decimal("0.0001")
BILL_COLUMNS = ("home_id", "estate_id", "plan_id", "days", "monthly", "amount", "relief", "outstanding",
                "period", "period_start", "period_end", "paid", "run_id", "created_at")


def _insert_bills(rows: list[tuple], *, period: Period, run: BillingRun, now) -> None:
    """Write new bills with one ``executemany``: the ORM's per-object work was 90% of a billing run.

    The values are the ones ``Bill(...).save()`` would store (checked by the tests against ORM reads).
    """
    if not rows:
        return
    created = connection.ops.adapt_datetimefield_value(now)
    rows = [(h, e, p, d, m.quantize(MONTHLY, ROUND_HALF_UP), a, r, o) for h, e, p, d, m, a, r, o in rows]
    if connection.vendor == "sqlite":
        tail = (period.code, period.start.isoformat(), period.end.isoformat(), "0.00", run.pk, created)
        data = [(h, e, p, d, str(m), str(a), str(r), str(o)) + tail for h, e, p, d, m, a, r, o in rows]
    else:
        tail = (period.code, period.start, period.end, ZERO, run.pk, created)
        data = [row + tail for row in rows]
    columns = ", ".join(f'"{c}"' for c in BILL_COLUMNS)
    marks = ", ".join(["%s"] * len(BILL_COLUMNS))
    with connection.cursor() as cursor:
        cursor.executemany(f'INSERT INTO "{Bill._meta.db_table}" ({columns}) VALUES ({marks})', data)


def bill_period(*, period: str, actor, estate: Estate | None = None, chunk: int = 2000,
                progress: Callable[[BillingRun], None] | None = None, now=None) -> BillingRun:
    """Run a whole billing period, chunk by chunk (the CLI, tests and benchmarks)."""
    run = billing_run_start(period=period, estate=estate, actor=actor, now=now)
    while run.status != BillingRun.Status.DONE:
        run = billing_run_step(run=run, chunk=chunk, now=now)
        if progress:
            progress(run)
    return run
