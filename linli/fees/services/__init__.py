"""State changes of fees and funds. Pages, the API, the CLI, the import and the gateway all call these.

Every function is keyword-only, validates, runs in a transaction, writes its ``FeeEvent`` and returns
the object. Money rows of one home are locked in primary-key order (the home row first, then its bills),
so two payments on one home at the same moment are serialised.
"""

from .billing import BILL_COLUMNS, MONTHLY, bill_period, billing_run_start, billing_run_step
from .ledger import ledger_record, ledger_reverse, ledger_verify, public_link_for
from .online import SANDBOX_PURPOSE, PaymentGateway, SandboxGateway, gateway, gateways
from .payments import payment_record, payment_void, prepayment_quote
from .plans import (
    FOREVER,
    SERVED_MODES,
    BillingStart,
    billable_days,
    billing_start,
    billing_start_of,
    billing_window,
    fee_plan_create,
    plans_by_estate,
    stewardship_rows,
    why_nothing_billed,
)
from .reliefs import relief_grant, relief_revoke

__all__ = [
    "FOREVER",
    "fee_plan_create",
    "billing_start",
    "plans_by_estate",
    "billable_days",
    "billing_window",
    "billing_start_of",
    "BillingStart",
    "SERVED_MODES",
    "stewardship_rows",
    "why_nothing_billed",
    "ledger_record",
    "ledger_reverse",
    "ledger_verify",
    "public_link_for",
    "payment_record",
    "payment_void",
    "prepayment_quote",
    "billing_run_start",
    "billing_run_step",
    "MONTHLY",
    "BILL_COLUMNS",
    "bill_period",
    "PaymentGateway",
    "SANDBOX_PURPOSE",
    "SandboxGateway",
    "gateways",
    "gateway",
    "relief_grant",
    "relief_revoke",
]
