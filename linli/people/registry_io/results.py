"""What an import reports: counts and row errors."""

from __future__ import annotations

from dataclasses import dataclass, field

from .columns import COLUMN_BY_KEY, COLUMNS

# -- results ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RowError:
    """A problem in the file: the row as Excel numbers it (header = 1), the column header, a message."""

    row: int | None
    column: str
    message: str

    def __str__(self):
        where = f"第{self.row}行" if self.row else "文件"
        return f"{where}{' ' + self.column if self.column else ''}：{self.message}"


COUNT_LABELS = (
    ("estates_created", "新建小区"),
    ("estates_changed", "更新小区信息"),
    ("buildings_created", "新建楼栋"),
    ("homes_created", "新建房屋"),
    ("homes_changed", "房屋面积/楼层变更"),
    ("persons_created", "新建人员"),
    ("persons_changed", "补充手机号的人员"),
    ("occupancies_created", "新建居住关系"),
    ("rows_unchanged", "无变化的行"),
)


@dataclass
class ImportResult:
    """What an import did (or, in a dry run, would do)."""

    filename: str = ""
    rows: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys([k for k, _ in COUNT_LABELS], 0))
    errors: list[RowError] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # readable lines: what an existing record changes to
    ignored_columns: list[str] = field(default_factory=list)
    committed: bool = False

    MAX_CHANGES = 500

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def count_items(self) -> list[tuple[str, int]]:
        return [(label, self.counts[key]) for key, label in COUNT_LABELS]

    @property
    def writes_anything(self) -> bool:
        return any(v for k, v in self.counts.items() if k != "rows_unchanged")

    def error(self, row: int | None, key_or_header: str, message: str) -> None:
        col = COLUMN_BY_KEY[key_or_header].header if key_or_header in COLUMN_BY_KEY else key_or_header
        self.errors.append(RowError(row, col, message))

    def change(self, line: str) -> None:
        if len(self.changes) < self.MAX_CHANGES:
            self.changes.append(line)

    def sort_errors(self) -> None:
        order = {c.header: i for i, c in enumerate(COLUMNS)}
        self.errors.sort(key=lambda e: (e.row or 0, order.get(e.column, -1)))
