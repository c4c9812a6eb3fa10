"""Fees and funds: fee plans, bills, payments, relief, the hash-chained ledger and public accounts.

Money is ``Decimal`` to the fen (0.01 元) everywhere; the arithmetic is in ``money.py`` and the rules in
``services/``. Nothing auditable is deleted: a payment is voided, a ledger entry is reversed, a relief
is revoked — each with a reason and a named person.
"""

from .bills import Bill, BillingRun, BillQuerySet
from .ledger import (
    COMMON_PARTS_INCOME,
    EXPENSE_CATEGORIES,
    INCOME_CATEGORIES,
    Category,
    FeeEvent,
    LedgerEntry,
    LedgerHead,
    LedgerQuerySet,
    PublicLink,
    new_token,
)
from .payments import Allocation, Payment, PaymentIntent, PaymentQuerySet, ReceiptCounter
from .plans import FEE_READER_ROLES, MONEY, FeePlan, FeePlanQuerySet, Frequency, fee_q, staff_estate_q
from .reliefs import Relief, ReliefQuerySet

__all__ = [
    "FEE_READER_ROLES",
    "MONEY",
    "staff_estate_q",
    "fee_q",
    "Frequency",
    "FeePlanQuerySet",
    "FeePlan",
    "BillQuerySet",
    "Bill",
    "BillingRun",
    "PaymentQuerySet",
    "Payment",
    "Allocation",
    "ReceiptCounter",
    "PaymentIntent",
    "ReliefQuerySet",
    "Relief",
    "FeeEvent",
    "new_token",
    "PublicLink",
    "Category",
    "INCOME_CATEGORIES",
    "EXPENSE_CATEGORIES",
    "COMMON_PARTS_INCOME",
    "LedgerQuerySet",
    "LedgerEntry",
    "LedgerHead",
]
