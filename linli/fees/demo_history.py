"""A year of fees on the demo street (``linli demo``, issue 17): seed 001 on 新工二村.

新工二村 was renovated and is managed with 新工村 by the state custodian; its cleaning fee (the cluster's 8 元/户/月,
先服务后收费) is billed every month of the last twelve and this one. Thirteen months ago fewer than one household
in five paid; as the service showed, more and more started to pay — settling what they owed at once (the money goes
to the oldest bills first, as every payment does) and paying a quarter ahead (预存, which each new bill uses at once)
— until more than nine in ten pay. So the share of each month's bills paid by the end of that month (当月收缴率)
rises from under 20 % to over 90 %; a few households never pay.

Everything goes through the fee services (``bill_period``, ``payment_record``): bills, allocations, receipts, the
ledger's hash chain and the fee events are what the services write, dated on their day. Deterministic (a fixed
seed), dates counted back from today. Idempotent: nothing is added when 新工村 already has bills.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from linli.people.models import User
from linli.places.models import Estate, Home

from . import services
from .models import Bill
from .money import add_months, month_end

ESTATE = "新工二村"
SEED = 1001  # seed 001
FIRST_SHARE, LAST_SHARE = 0.15, 0.93  # households paying, thirteen months ago and now
MONTHS = 13  # the twelve full months before this one, and this one


def share(month: int) -> float:
    """The share of households that pay by month ``month`` (0 … MONTHS-1): slow at first, then faster."""
    x = month / (MONTHS - 1)
    return FIRST_SHARE + (LAST_SHARE - FIRST_SHARE) * x ** 0.9


def load(*, out) -> None:
    estate = Estate.objects.filter(name=ESTATE, community__parent__code="500104001").first()
    actor = User.objects.filter(username="custodian_manager").first()
    if estate is None or actor is None or Bill.objects.filter(estate=estate).exists():
        return
    rng = random.Random(SEED)
    now = timezone.now()
    today = timezone.localdate(now)
    first = add_months(today.replace(day=1), -(MONTHS - 1))
    homes = list(Home.objects.filter(estate=estate).order_by("pk"))
    rng.shuffle(homes)
    # The month each household starts to pay (None: never), so that the share rises as share() says.
    starts: dict[int, int | None] = {}
    for i, home in enumerate(homes):
        rank = (i + 0.5) / len(homes)
        starts[home.pk] = next((m for m in range(MONTHS) if share(m) >= rank), None)
    payments = 0
    for m in range(MONTHS):
        month = add_months(first, m)
        billed_at = _at(month, 1, 8)
        services.bill_period(period=f"{month.year}-{month.month:02d}", estate=estate, actor=actor, now=billed_at)
        last_day = min(month_end(month), today)
        for home in sorted(homes, key=lambda h: h.pk):
            start = starts[home.pk]
            if start is None or start > m:
                continue
            bills = Bill.objects.filter(home=home)
            owed = bills.filter(outstanding__gt=0).aggregate(s=Sum("outstanding"))["s"] or Decimal(0)
            if owed <= 0:
                continue  # this month's bill was paid from the money paid ahead
            ahead = 2 * bills.order_by("-period_start").values_list("amount", flat=True).first()
            day = rng.randint(2, max(2, last_day.day))
            paid_at = _at(month, min(day, last_day.day), rng.randint(8, 19))
            if paid_at > now:
                paid_at = now - datetime.timedelta(minutes=5)
            services.payment_record(
                home=home, amount=owed + ahead, method=rng.choice(("wechat", "wechat", "alipay", "cash")),
                idempotency_key=f"demo-history:{home.pk}:{month:%Y%m}", actor=actor,
                paid_on=timezone.localdate(paid_at), note=("补缴欠费并预存两个月" if start == m and m else "本月并预存两个月"), now=paid_at)
            payments += 1
    out(f"收费历史：{ESTATE} {len(homes)} 户开账 {MONTHS} 个月、缴费 {payments} 笔，"
        f"当月收缴率由 {share(0):.0%} 升至 {share(MONTHS - 1):.0%} 左右（南明经验，种子 001）。")


def _at(month: datetime.date, day: int, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(month.replace(day=day), datetime.time(hour, 0)))
