"""The monthly statement: formula-like text comes out inert, amounts stay numbers, every download is logged."""

import datetime
import io
from decimal import Decimal

from django.urls import reverse
from openpyxl import load_workbook

from linli.fees import services
from linli.people.models import AuditEvent

D = datetime.date
LINK = '=HYPERLINK("http://x","点我")'


def hostile_month(world):
    services.fee_plan_create(actor=world.manager_a, estate=world.estate_a, rate=Decimal("10"),
                             effective_from=D(2026, 1, 1), decision="业主大会决定", services="保洁", responsible="经理",
                             name=LINK)
    services.bill_period(period="2026-11", estate=world.estate_a, actor=world.manager_a)
    payment = services.payment_record(home=world.home_a1, amount=Decimal("10"), method="cash", idempotency_key="k",
                                      actor=world.staff_a, paid_on=D(2026, 11, 5))
    services.payment_void(payment=payment, reason="+1+1", actor=world.staff_a)


def statement(client, world):
    return client.get(reverse("fees:statement", args=[world.estate_a.pk]), {"month": "2026-11"})


def test_formula_text_in_the_statement_is_text_and_amounts_stay_numbers(world, client_for):
    hostile_month(world)
    wb = load_workbook(io.BytesIO(statement(client_for("manager_a"), world).content))
    bill = list(wb["本月账单"].iter_rows(min_row=2, max_row=2))[0]
    assert (bill[1].value, bill[1].data_type) == ("'" + LINK, "s")
    payment = list(wb["本月收款"].iter_rows(min_row=2, max_row=2))[0]
    assert (payment[6].value, payment[6].data_type) == ("'+1+1", "s")
    assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)
    # Amounts are still numbers that a spreadsheet can sum.
    summary = list(wb["收支汇总"].iter_rows(min_row=4))
    assert [(r[0].value, r[2].value, r[2].data_type) for r in summary] == [
        ("收入", 10, "n"), ("收入合计", 10, "n"), ("支出合计", 0, "n"), ("结余", 10, "n")]

def test_a_statement_download_is_logged_with_the_rows_of_bills_and_payments(world, client_for):
    hostile_month(world)
    statement(client_for("auditor"), world)
    event = AuditEvent.objects.get(kind="export")
    assert (event.kind, event.actor, event.target, event.count, event.ip) == (
        "export", world.auditor, f"fees.statement:{world.estate_a.pk}:2026-11", 3, "127.0.0.1")
    assert event.data == {"format": "xlsx", "estate": "锦霞小区"}


def test_a_refused_statement_writes_no_audit_row(world, client_for):
    hostile_month(world)
    assert statement(client_for("stranger"), world).status_code == 404
    assert AuditEvent.objects.filter(kind="export").count() == 0
