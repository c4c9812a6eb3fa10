"""先服务后收费 (issue 15 item 5): money follows service.

Billing of a period starts at the later of the plan's start, the end of its grace period and the start of the
stewardship of the provider it bills for, and stops at the earlier of the plan's end and the stewardship's end;
each end is prorated by day. A billing run that bills nothing says why, per estate and plan.
"""

import datetime
from decimal import Decimal

from linli.fees import services
from linli.fees.models import Bill
from linli.people.models import Occupancy, Person
from linli.places.services import stewardship_change

D = datetime.date


def lived_in(world):
    """Estate B (脱管 so far) gets an owner in its only home."""
    Occupancy.objects.create(person=Person.objects.create(name="黄德明"), home=world.home_b1, relation="owner")


def hire(world, start, provider=None, mode="market"):
    return stewardship_change(estate=world.estate_b, mode=mode, provider=provider or world.company, start=start,
                              actor=world.street_admin, basis="业主大会决定选聘", basis_kind="decision",
                              basis_ref="motion:1")


def test_reproduction_a_plan_older_than_the_stewardship_bills_from_the_takeover_not_the_whole_month(world):
    """Reproduced on the demo: the plan took effect on 1 July, the manager took over on 15 July, and July was
    billed in full. Only the 17 days served are billed: 10 × 17/31 = 5.48."""
    lived_in(world)
    hire(world, D(2026, 7, 15))
    services.fee_plan_create(actor=world.street_admin, estate=world.estate_b, rate=Decimal("10"),
                             effective_from=D(2026, 7, 1), decision="业主大会决定 2026-2号")
    services.bill_period(period="2026-07", estate=world.estate_b, actor=world.street_admin)
    bill = Bill.objects.get(home=world.home_b1)
    assert (bill.days, bill.amount) == (17, Decimal("5.48"))
