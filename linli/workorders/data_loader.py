"""Load the holiday table shipped in data/holidays.csv (used by the data migration that fills the Holiday table)."""

import csv
import datetime
from pathlib import Path

HOLIDAYS_CSV = Path(__file__).parent / "data" / "holidays.csv"


def read_holidays(path: Path = HOLIDAYS_CSV) -> list[tuple[datetime.date, bool, str]]:
    with open(path, encoding="utf-8") as fh:
        return [(datetime.date.fromisoformat(r["date"]), r["is_workday"] == "1", r["name"]) for r in csv.DictReader(fh)]


def load_holidays(Holiday, path: Path = HOLIDAYS_CSV) -> int:
    """Insert or update every row of the file; returns how many rows the file has."""
    rows = read_holidays(path)
    for date, is_workday, name in rows:
        Holiday.objects.update_or_create(date=date, defaults={"is_workday": is_workday, "name": name})
    return len(rows)
