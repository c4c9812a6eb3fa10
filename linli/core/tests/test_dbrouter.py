"""Issue 14, item 7: with DATABASE_REPLICA_URL, reads inside reading_from_replica() (the boards, rates, coverage and
exports) go to the ``replica`` alias; writes, and reads outside it, go to ``default``; without it nothing changes.

The replica here is a second alias on the same database, as Django's test runner makes one of ``TEST: {"MIRROR":
"default"}`` (what linli/settings.py sets for DATABASE_REPLICA_URL): a second connection to the test database."""

import copy
import csv
import io
import runpy
from pathlib import Path

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linli.core.dbrouter import ReplicaRouter, reading_from_replica, replica_reads
from linli.people.models import AuditEvent
from linli.places.models import Division

SETTINGS = Path(__file__).resolve().parents[2] / "settings.py"

BOTH = ["default", "replica"]


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup):
    """The alias DATABASE_REPLICA_URL adds, as Django's test runner sets up a mirror: the test database's own
    settings under a second name (its own connection). For this module only (unless the suite already runs with
    DATABASE_REPLICA_URL): other tests keep one database."""
    if "replica" in connections.settings:
        yield
        return
    replica = copy.deepcopy(connections["default"].settings_dict)
    replica["TEST"] = {**replica.get("TEST", {}), "MIRROR": "default"}
    connections.settings["replica"] = replica
    yield
    connections["replica"].close()
    del connections["replica"]
    del connections.settings["replica"]


@pytest.fixture
def router(settings):
    settings.DATABASE_ROUTERS = ["linli.core.dbrouter.ReplicaRouter"]


def captured(alias):
    return CaptureQueriesContext(connections[alias])


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_reads_inside_the_context_go_to_the_replica_and_see_what_default_committed(router):
    Division.objects.create(code="9001", name="测试区", level="district")
    with captured("default") as on_default, captured("replica") as on_replica:
        with reading_from_replica():
            names = list(Division.objects.filter(code="9001").values_list("name", flat=True))
            assert Division.objects.all().db == "replica"
    assert names == ["测试区"]
    assert len(on_replica.captured_queries) == 1 and not on_default.captured_queries


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_writes_inside_the_context_and_reads_outside_it_go_to_default(router):
    with captured("default") as on_default, captured("replica") as on_replica:
        with reading_from_replica():
            division = Division.objects.create(code="9002", name="写入区", level="district")
            division.name = "改名区"
            division.save()
        assert Division.objects.get(code="9002").name == "改名区"
    assert division._state.db == "default"
    assert not on_replica.captured_queries
    sql = [q["sql"] for q in on_default.captured_queries]
    assert any(s.startswith("INSERT") for s in sql) and any(s.startswith("UPDATE") for s in sql)
    assert any(s.startswith("SELECT") for s in sql)


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_an_object_read_from_the_replica_is_read_again_from_default_outside_the_context(router):
    Division.objects.create(code="9003", name="父区", level="district")
    with reading_from_replica():
        division = Division.objects.get(code="9003")
    assert division._state.db == "replica"
    with captured("default") as on_default, captured("replica") as on_replica:
        assert Division.objects.filter(parent=division).count() == 0
    assert on_default.captured_queries and not on_replica.captured_queries


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_registry_export_reads_from_the_replica_and_writes_its_audit_line_to_default(router, world, client_for):
    client = client_for("street_admin")
    with captured("default") as on_default, captured("replica") as on_replica:
        response = client.get(reverse("registry:export", args=["csv"]), {"division": "500104001001"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3  # the header and the two homes of the community, read from the replica
    replica_sql = [q["sql"] for q in on_replica.captured_queries]
    default_sql = [q["sql"] for q in on_default.captured_queries]
    assert any("places_home" in s for s in replica_sql)
    assert not any("places_home" in s for s in default_sql)
    assert all(s.startswith("SELECT") for s in replica_sql)
    assert any(s.startswith("INSERT") and "people_auditevent" in s for s in default_sql)
    assert AuditEvent.objects.filter(kind="export").count() == 1


@pytest.mark.django_db(transaction=True, databases=BOTH)
@pytest.mark.parametrize("name, url", [
    ("rates", "/workorders/rates/"), ("coverage", "/places/coverage/"), ("board", "/workorders/board/"),
])
def test_the_figure_pages_read_from_the_replica(router, world, client_for, name, url):
    client = client_for("street_admin")
    with captured("replica") as on_replica:
        assert client.get(url, follow=True).status_code == 200
    assert on_replica.captured_queries, name


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_figure_pages_still_refuse_strangers(router, world, client_for):
    for url in ("/workorders/rates/", "/places/coverage/", "/workorders/board/"):
        assert client_for("resident_a").get(url).status_code in (403, 404), url
        assert client_for("street_admin").get(url, follow=True).status_code == 200, url


def test_without_a_replica_alias_the_context_reads_from_default(monkeypatch):
    monkeypatch.delitem(connections.settings, "replica")
    with reading_from_replica():
        assert ReplicaRouter().db_for_read(Division) == "default"
    assert ReplicaRouter().db_for_write(Division) == "default"


def test_the_decorator_applies_the_context_and_only_during_the_call(router):
    seen = []

    @replica_reads
    def view(request):
        seen.append(ReplicaRouter().db_for_read(Division))
        return "x"

    assert view(None) == "x" and seen == ["replica"]
    assert ReplicaRouter().db_for_read(Division) == "default"
    assert ReplicaRouter().allow_migrate("replica", "places") is False
    assert ReplicaRouter().allow_migrate("default", "places") is None


def test_settings_add_the_alias_and_the_router_only_with_database_replica_url(monkeypatch, tmp_path):
    monkeypatch.setenv("LINLI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_REPLICA_URL", raising=False)
    plain = runpy.run_path(str(SETTINGS))
    assert set(plain["DATABASES"]) == {"default"} and "DATABASE_ROUTERS" not in plain
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://linli_ro@10.0.0.6:5432/linli")
    replicated = runpy.run_path(str(SETTINGS))
    assert replicated["DATABASES"]["replica"]["HOST"] == "10.0.0.6"
    assert replicated["DATABASES"]["replica"]["TEST"] == {"MIRROR": "default"}
    assert replicated["DATABASE_ROUTERS"] == ["linli.core.dbrouter.ReplicaRouter"]
