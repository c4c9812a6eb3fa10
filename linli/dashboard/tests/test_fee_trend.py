"""The fee trend of the dashboard: each month's bills as paid by the end of that month and of the next, from the
days the money was paid — not today's state of old bills (which makes the recent months look worse only because
they are recent)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from linli.fees import selectors, services
from linli.fees.models import Payment

D = datetime.date


def at(month, day):
    return timezone.make_aware(datetime.datetime(2026, month, day, 10))


def pay(world, home, amount, key, when):
    return services.payment_record(home=home, amount=Decimal(amount), method="cash", idempotency_key=key,
                                   actor=world.staff_a, now=when)


def bill(world, month):
    services.bill_period(period=f"2026-{month:02d}", estate=world.estate_a, actor=world.manager_a, now=at(month, 1))


def test_each_month_counts_what_was_paid_by_its_end_and_by_the_end_of_the_next(world):
    """Estate A, two homes at 10 元 a month, January to April 2026:
    A-101 pays January and two months ahead on 15 January; A-102 pays January late (10 February, with February);
    a payment of A-101 in April is voided; A-102 settles March and April on 20 May."""
    services.fee_plan_create(actor=world.manager_a, estate=world.estate_a, rate=Decimal("10"),
                             effective_from=D(2026, 1, 1), decision="业主大会决定")
    bill(world, 1)
    pay(world, world.home_a1, "30", "a1-jan", at(1, 15))
    bill(world, 2)  # A-101's February from the money paid ahead in January
    pay(world, world.home_a2, "20", "a2-feb", at(2, 10))
    bill(world, 3)  # A-101's March from the money paid ahead
    bill(world, 4)
    voided = pay(world, world.home_a1, "10", "a1-apr", at(4, 10))
    services.payment_void(payment=voided, reason="收款登记错误", actor=world.manager_a, now=at(4, 11))
    pay(world, world.home_a2, "20", "a2-may", at(5, 20))
    assert Payment.objects.count() == 4

    trend = selectors.trend_paid_in_time([world.estate_a.pk], 4, until=D(2026, 4, 1), today=D(2026, 5, 25))
    assert [(m.label, m.due, m.rate, m.next_rate) for m in trend] == [
        ("2026-01", Decimal("20.00"), Decimal("50.0"), Decimal("100.0")),  # A-102 paid January in February
        ("2026-02", Decimal("20.00"), Decimal("100.0"), Decimal("100.0")),
        ("2026-03", Decimal("20.00"), Decimal("50.0"), Decimal("50.0")),  # A-102 paid March only in May
        ("2026-04", Decimal("20.00"), Decimal("0.0"), None),  # the voided payment never counts; May is not over
    ]
    assert [m.ended for m in trend] == [True, True, True, True]
    # Today's state says the opposite: every old bill is settled, so collection seems to fall month by month.
    now = [(label, c.rate) for label, c in selectors.trend([world.estate_a.pk], 4, until=D(2026, 4, 1))]
    assert now == [("2026-01", 1.0), ("2026-02", 1.0), ("2026-03", 1.0), ("2026-04", 0.5)]


def test_the_month_not_yet_over_is_labelled_so_far(world):
    from linli.dashboard.selectors import fee_trend

    today = timezone.localdate()
    trend = fee_trend([world.estate_a.pk], today, months=2)
    assert trend[-1]["label"] == f"{today:%Y-%m}（至今）" and trend[-1]["ended"] is False
    assert trend[0]["label"] == trend[0]["month"] and trend[0]["next_rate"] is None  # no bills: nothing to divide
