"""Labelled files (CSV, TSV, XLSX) and Linli's own labelled set with its honest split (no Django here)."""

from __future__ import annotations

from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus.csv"
HOLDOUT_MOD = 5  # a fifth of the template instances is held out
MAX_ROWS = 500_000  # rows of one labelled file


def read_table(path) -> list[dict]:
    """Rows of a CSV (any common encoding), TSV or XLSX file as dicts keyed by the header row.

    Read through the upload gate (linli/core/uploads.py, which needs no Django settings): the zip of an .xlsx is
    checked before openpyxl opens it; size, rows and cells are capped. Its refusals come back as ValueError.
    """
    # Imported here on purpose: the upload gate imports Django's exceptions, and the engine itself loads without Django.
    from linli.core import uploads

    path = Path(path)
    suffix = path.suffix.lower()
    raw = path.read_bytes()
    try:
        if suffix in (".xlsx", ".xlsm"):
            table = uploads.read_xlsx(raw, rows=MAX_ROWS)
        else:
            table = uploads.read_csv(raw, rows=MAX_ROWS, delimiter="\t" if suffix in (".tsv", ".tab") else ",")
    except uploads.UploadError as exc:
        raise ValueError(f"{path.name}: {exc.messages[0]}") from None
    if not table:
        return []
    header = [str(h).strip() if h is not None else "" for h in table[0][1]]
    out = []
    for _number, values in table[1:]:
        cells = ["" if v is None else str(v) for v in values]
        cells += [""] * (len(header) - len(cells))
        out.append(dict(zip(header, cells, strict=False)))
    return [r for r in out if any(v.strip() for v in r.values())]


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
