"""Pages of fees and funds: plans, billing runs, a home's account, payments, relief, ledger, figures,
Excel, and the public accounts (收支公开) that anyone can open from the estate's QR code."""

from .accounts import home_account, payment_new, payment_void, receipt, relief_new, relief_revoke
from .base import XLSX, fee_staff_required
from .books import ledger, ledger_reverse, public
from .committee import committee_estate, committee_home
from .estates import arrears, billing, estate, plan_new, qr_svg, run_page, run_step
from .online import intent_page, pay_online
from .overview import figures, index, my_bills
from .spreadsheets import import_payments, import_template, statement

__all__ = [
    "XLSX",
    "fee_staff_required",
    "index",
    "my_bills",
    "pay_online",
    "intent_page",
    "figures",
    "estate",
    "qr_svg",
    "plan_new",
    "billing",
    "run_page",
    "run_step",
    "arrears",
    "home_account",
    "payment_new",
    "receipt",
    "payment_void",
    "relief_new",
    "relief_revoke",
    "ledger",
    "ledger_reverse",
    "public",
    "statement",
    "import_template",
    "import_payments",
    # issue 19 (reach)
    "committee_estate",
    "committee_home",
]
