"""The rows of a synthetic city and the bulk writer that inserts them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection

from linli.people.models import Occupancy, Organization, Person
from linli.places.models import Building, Cluster, Division, Estate, Home, Stewardship


# -- the rows --------------------------------------------------------------------------------------
@dataclass(eq=False)
class Table:
    """One table written in bulk: the columns the generator supplies (``id`` first); the others get defaults."""

    model: type
    supplied: tuple[str, ...]
    db_table: str = ""
    columns: tuple[str, ...] = ()
    _extra_fields: list = field(default_factory=list)

    def __post_init__(self):
        meta = self.model._meta
        self.db_table = meta.db_table
        by_attname = {f.attname: f for f in meta.local_concrete_fields}
        unknown = set(self.supplied) - set(by_attname)
        if unknown:
            raise RuntimeError(f"{self.db_table}: no such columns {sorted(unknown)}")
        self._extra_fields = [f for a, f in by_attname.items() if a not in self.supplied]
        self.columns = tuple(by_attname[a].column for a in self.supplied) + tuple(
            f.column for f in self._extra_fields
        )

    def extras(self) -> tuple:
        """Default values of the columns not supplied, ready for the database (``now`` once per chunk)."""
        return tuple(f.get_db_prep_save(f.get_default(), connection) for f in self._extra_fields)


DIVISION = Table(Division, ("id", "name", "initials", "code", "level", "parent_id", "path"))
ORGANIZATION = Table(
    Organization, ("id", "name", "initials", "kind", "ownership", "field", "division_id", "credit_code", "phone")
)
CLUSTER = Table(Cluster, ("id", "name", "initials", "street_id"))
ESTATE = Table(
    Estate, ("id", "name", "initials", "community_id", "cluster_id", "kind", "governance", "built_year", "address")
)
STEWARDSHIP = Table(
    Stewardship,
    ("id", "estate_id", "mode", "provider_id", "lead_estate_id", "start", "end", "contract_no", "contract_start",
     "contract_end", "basis", "note", "basis_kind"),
)
BUILDING = Table(Building, ("id", "estate_id", "number", "floors", "built_year"))
HOME = Table(Home, ("id", "building_id", "estate_id", "entrance", "floor", "number", "area"))
PERSON = Table(
    Person,
    ("id", "name", "initials", "phone", "is_party_member", "is_elderly_alone", "is_disabled", "is_hardship"),
)
OCCUPANCY = Table(Occupancy, ("id", "person_id", "home_id", "relation", "start", "end"))
# Parents before children (the foreign keys are deferred on both databases, but the order reads well).
TABLES = (DIVISION, ORGANIZATION, CLUSTER, ESTATE, STEWARDSHIP, BUILDING, HOME, PERSON, OCCUPANCY)


class Writer:
    """Bulk writes for one database: COPY on PostgreSQL, executemany on SQLite, ids assigned here."""

    def __init__(self):
        connection.ensure_connection()
        self.vendor = connection.vendor
        if self.vendor not in ("postgresql", "sqlite"):
            raise RuntimeError(f"seed supports PostgreSQL and SQLite, not {self.vendor}")
        if self.vendor == "sqlite":
            # A big page cache keeps the indexes of a million-row table in memory while it grows.
            connection.connection.execute("PRAGMA cache_size = -262144")

    def begin_chunk(self) -> dict[str, int]:
        """Inside a transaction: keep other writers out of the tables and return each table's last id."""
        names = [t.db_table for t in TABLES]
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute("SET LOCAL synchronous_commit = off")
                cursor.execute(f"LOCK TABLE {', '.join(names)} IN SHARE ROW EXCLUSIVE MODE")
                self._sequences = {}
                last = {}
                for name in names:
                    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [name])
                    seq = cursor.fetchone()[0]
                    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {name}")
                    top = cursor.fetchone()[0]
                    if seq:
                        cursor.execute(f"SELECT last_value, is_called FROM {seq}")
                        value, called = cursor.fetchone()
                        top = max(top, value if called else value - 1)
                        self._sequences[name] = seq
                    last[name] = top
                return last
            # SQLite: the atomic block began with BEGIN IMMEDIATE, so this connection holds the write lock.
            cursor.execute("SELECT name, seq FROM sqlite_sequence")
            sequences = dict(cursor.fetchall())
            last = {}
            for name in names:
                cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{name}"')
                last[name] = max(cursor.fetchone()[0], sequences.get(name) or 0)
            return last

    def write(self, table: Table, rows: list[tuple]) -> None:
        if not rows:
            return
        extras = table.extras()
        if extras:
            rows = [row + extras for row in rows]
        cols = ", ".join(f'"{c}"' for c in table.columns)
        if self.vendor == "postgresql":
            with connection.cursor() as cursor, cursor.cursor.copy(
                f'COPY "{table.db_table}" ({cols}) FROM STDIN'
            ) as copy:
                write_row = copy.write_row
                for row in rows:
                    write_row(row)
        else:
            marks = ", ".join("?" * len(table.columns))
            connection.connection.executemany(f'INSERT INTO "{table.db_table}" ({cols}) VALUES ({marks})', rows)

    def end_chunk(self, last: dict[str, int]) -> None:
        """Move PostgreSQL's id sequences past the ids written (SQLite's AUTOINCREMENT follows by itself)."""
        if self.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for name, seq in self._sequences.items():
                if last.get(name):
                    cursor.execute("SELECT setval(%s, %s, true)", [seq, last[name]])

    def analyze(self) -> None:
        """Fresh planner statistics for the tables that grew (PostgreSQL would do it later by itself)."""
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute(f"ANALYZE {', '.join(t.db_table for t in TABLES)}")
            else:
                cursor.execute("PRAGMA optimize")
