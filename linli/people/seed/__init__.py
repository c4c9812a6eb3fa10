"""A synthetic city in bulk, for load tests and benchmarks: ``linli seed --homes N [--seed S]``.

districts → streets → communities → estates (300–500 homes each, mixed kinds and stewardship modes)
→ buildings → homes, with one resident Person and an owner Occupancy per home.

It adds to whatever is in the database: district codes are "9xxxxx" (never a real 区划代码), taken from
the first free number, and every id is read from the table's current maximum inside the transaction
that writes it. The rows are generated in chunks of at most 100,000 homes and written in one
transaction per chunk, with PostgreSQL ``COPY`` (psycopg 3) or SQLite ``executemany``, so that a million
homes take minutes. ``initials`` and ``Division.path`` are computed exactly as ``save()`` would.
"""

from .city import GOVERNANCE, KIND_WEIGHTS, KINDS, MODES, SUFFIXES, City, seed
from .names import (
    DIGITS,
    GIVEN_FEMALE,
    GIVEN_MALE,
    NUMERALS,
    PHONE_PREFIXES,
    PLACE_CHARS,
    SURNAMES,
    NameMaker,
)
from .tables import (
    BUILDING,
    CLUSTER,
    DIVISION,
    ESTATE,
    HOME,
    OCCUPANCY,
    ORGANIZATION,
    PERSON,
    STEWARDSHIP,
    TABLES,
    Table,
    Writer,
)

__all__ = [
    "SURNAMES",
    "GIVEN_MALE",
    "GIVEN_FEMALE",
    "PHONE_PREFIXES",
    "NameMaker",
    "PLACE_CHARS",
    "NUMERALS",
    "DIGITS",
    "Table",
    "DIVISION",
    "ORGANIZATION",
    "CLUSTER",
    "ESTATE",
    "STEWARDSHIP",
    "BUILDING",
    "HOME",
    "PERSON",
    "OCCUPANCY",
    "TABLES",
    "Writer",
    "KINDS",
    "KIND_WEIGHTS",
    "MODES",
    "GOVERNANCE",
    "SUFFIXES",
    "City",
    "seed",
]
