"""The 12345 export: a reply that looks like a formula comes out inert; every export is in the audit log."""

import csv
import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from linli.core.exports import command_username
from linli.people.models import AuditEvent
from linli.workorders import services as s
from linli.workorders.models import WorkOrder
from linli.workorders.tests.test_hotline import ROWS
from linli.workorders.tests.test_hotline import csv_bytes as hotline_csv

LINK = '=HYPERLINK("http://x","点我")'


def replied_with(desk, text):
    from linli.people.actors import system_actor
    from linli.workorders import hotline

    hotline.import_file(hotline_csv(ROWS[:1]), "orders.csv", actor=system_actor())
    order = s.workorder_accept(order=WorkOrder.objects.get(external_id="GD2026001"), actor=desk.manager_a)
    return s.workorder_reply(order=order, actor=desk.manager_a, text=text)


@pytest.mark.parametrize("text", [LINK, "+1+1", "-1+1", "@SUM(A1)"])
def test_a_formula_reply_in_the_csv_export_starts_with_a_quote(desk, tmp_path, text):
    replied_with(desk, text)
    path = tmp_path / "replies.csv"
    call_command("export-12345", str(path), stdout=io.StringIO())
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    assert rows[1][2] == "'" + text


def test_a_formula_reply_in_the_gbk_csv_export_starts_with_a_quote(desk, tmp_path):
    replied_with(desk, "+1+1")
    path = tmp_path / "replies.csv"
    call_command("export-12345", str(path), "--encoding", "gbk", stdout=io.StringIO())
    assert list(csv.reader(io.StringIO(path.read_bytes().decode("gbk"))))[1][2] == "'+1+1"


def test_a_formula_reply_in_the_xlsx_export_is_text_not_a_formula(desk, tmp_path):
    replied_with(desk, LINK)
    path = tmp_path / "replies.xlsx"
    call_command("export-12345", str(path), stdout=io.StringIO())
    cell = load_workbook(path).active.cell(row=2, column=3)
    assert (cell.value, cell.data_type) == ("'" + LINK, "s")


def test_every_export_is_logged_under_the_os_user_with_the_number_of_rows(desk, tmp_path):
    replied_with(desk, "已处理")
    call_command("export-12345", str(tmp_path / "r.json"), "--since", "2020-01-01", stdout=io.StringIO())
    event = AuditEvent.objects.get(kind="export")
    assert (event.kind, event.actor, event.username, event.target, event.count, event.data) == (
        "export", None, command_username(), "workorders.12345", 1, {"format": "json", "since": "2020-01-01"})
