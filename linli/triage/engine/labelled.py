"""Labelled files (CSV, TSV, XLSX) and Linli's own labelled set with its honest split (no Django here)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus.csv"
HOLDOUT_MOD = 5  # a fifth of the template instances is held out


def read_table(path) -> list[dict]:
    """Rows of a CSV (any common encoding), TSV or XLSX file as dicts keyed by the header row."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        rows = wb.active.iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, [])]
        out = [{h: ("" if v is None else str(v)) for h, v in zip(header, row, strict=False)} for row in rows]
        wb.close()
        return [r for r in out if any(v.strip() for v in r.values())]
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError(f"{path}: 无法识别文件编码 (not UTF-8 or GB18030)")
    delimiter = "\t" if suffix in (".tsv", ".tab") else ","
    return [{(k or "").strip(): (v or "") for k, v in row.items()}
            for row in csv.DictReader(io.StringIO(text), delimiter=delimiter)]


def read_labelled(path, text_column: str, label_column: str) -> tuple[list[str], list[str]]:
    """(texts, labels) of a labelled file; rows without text or label are skipped."""
    rows = read_table(path)
    if rows and (text_column not in rows[0] or label_column not in rows[0]):
        raise ValueError(f"列不存在 (no such column): 有 {', '.join(rows[0])}")
    texts, labels = [], []
    for row in rows:
        text, label = (row.get(text_column) or "").strip(), (row.get(label_column) or "").strip()
        if text and label:
            texts.append(text)
            labels.append(label)
    return texts, labels


def corpus_rows(path=CORPUS) -> list[dict]:
    return read_table(path)


def _held(digest: str, fold: int) -> bool:
    return bool(digest) and int(digest, 16) % HOLDOUT_MOD == fold


def split(rows: list[dict], *, fold: int = 0, by: str = "instance") -> tuple[list[dict], list[dict]]:
    """(train, test) of the project's set. ``by="instance"``: a test text's filled core sentence never
    occurs in training, as the main problem or as a second one. ``by="template"``: stricter, the whole
    phrase template is unseen (measures phrasings the generator never showed)."""
    if by == "instance":
        main, second = "instance", "second_instance"

        def held(value):
            return _held(value, fold)
    else:
        main, second = "group", "second"

        def held(value):
            return bool(value) and int(value.rsplit("#", 1)[1]) % HOLDOUT_MOD == fold
    test = [r for r in rows if held(r[main])]
    train = [r for r in rows if not held(r[main]) and not held(r.get(second, ""))]
    return train, test
