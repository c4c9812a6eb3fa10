"""The registry export: formula-like names come out inert, and every export is a line of the audit log."""

import csv
import io

from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from linli.core.exports import command_username
from linli.people.models import AuditEvent, Occupancy, Person

LINK = '=HYPERLINK("http://x","点我")'


def hostile_resident(world):
    person = Person.objects.create(name=LINK, phone="13700000001")
    Occupancy.objects.create(person=person, home=world.home_a2, relation="tenant")
    return person


def test_a_formula_name_in_the_csv_export_starts_with_a_quote(world, client_for):
    hostile_resident(world)
    response = client_for("street_admin").get(reverse("registry:export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[11] for r in rows if "HYPERLINK" in r[11]] == ["'" + LINK]


def test_a_formula_name_in_the_xlsx_export_is_text_not_a_formula(world, client_for):
    hostile_resident(world)
    response = client_for("street_admin").get(reverse("registry:export", args=["xlsx"]))
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert [(c.value, c.data_type) for c in cells] == [("'" + LINK, "s")]
    assert ws.cell(row=2, column=11).value == 62.5  # the area is still a number


def test_an_export_from_the_page_is_logged_with_who_what_and_how_many_rows(world, client_for):
    client_for("street_admin").get(reverse("registry:export", args=["csv"]), {"division": "500104001001"})
    event = AuditEvent.objects.get(kind="export")
    assert (event.kind, event.actor, event.username, event.target, event.count) == (
        "export", world.street_admin, "street_admin", "places.registry:500104001001", 2)
    assert event.path == "/places/registry/export.csv?division=500104001001"
    assert event.ip == "127.0.0.1"
    assert event.data == {"format": "csv", "homes": 2, "phones": "full"}


def test_a_read_only_export_is_logged_as_masked(world, client_for):
    client_for("auditor").get(reverse("registry:export", args=["xlsx"]))
    event = AuditEvent.objects.get(kind="export")
    assert (event.actor, event.count, event.data) == (world.auditor, 4, {"format": "xlsx", "homes": 4,
                                                                        "phones": "masked"})


def test_a_refused_export_and_the_template_write_no_audit_row(world, client_for):
    assert client_for("stranger").get(reverse("registry:export", args=["csv"])).status_code == 404
    client_for("street_admin").get(reverse("registry:template", args=["csv"]))
    assert AuditEvent.objects.filter(kind="export").count() == 0


def test_an_export_from_the_command_line_is_logged_under_the_os_user(world, tmp_path):
    call_command("export-registry", str(tmp_path / "all.csv"), stdout=io.StringIO())
    event = AuditEvent.objects.get(kind="export")
    assert (event.kind, event.actor, event.username, event.target, event.count, event.path, event.ip) == (
        "export", None, command_username(), "places.registry:all", 4, "", None)
    assert event.username.startswith("cli:")
