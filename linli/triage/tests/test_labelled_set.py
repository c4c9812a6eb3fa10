"""The labelled set of issue 16 as shipped: enough texts, valid labels, and a test set kept apart from training."""

import csv
import json
from collections import Counter
from pathlib import Path

import opencc
import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
LABELLED = DATA / "labelled"
COLUMNS = ["text", "category", "subcategory", "second", "urgent", "writer", "batch"]


def rows(pattern):
    out = []
    for path in sorted(LABELLED.glob(pattern)):
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            assert reader.fieldnames == COLUMNS, path.name
            out += [dict(r, file=path.name) for r in reader]
    return out


@pytest.fixture(scope="module")
def taxonomy():
    t = json.loads((DATA / "taxonomy.json").read_text(encoding="utf-8"))
    categories = t["categories"] if isinstance(t, dict) else t
    return {c["code"]: {s["code"] for s in c.get("subcategories", [])} for c in categories}


@pytest.fixture(scope="module")
def train():
    return rows("train_*.csv")


@pytest.fixture(scope="module")
def independent():
    return rows("independent_*.csv")


def test_the_training_set_has_8000_texts_and_400_per_category_from_several_writers(train, taxonomy):
    counts = Counter(r["category"] for r in train)
    assert len(train) >= 8000
    assert set(counts) == set(taxonomy)
    assert min(counts.values()) >= 400, counts
    assert len({r["writer"] for r in train}) >= 5


def test_the_independent_set_has_1200_texts_from_a_writer_of_its_own(independent, train, taxonomy):
    assert len(independent) >= 1200
    assert set(Counter(r["category"] for r in independent)) == set(taxonomy)
    assert not {r["writer"] for r in independent} & {r["writer"] for r in train}


def test_every_label_is_a_code_of_the_taxonomy(train, independent, taxonomy):
    bad = [(r["file"], r["text"][:30]) for r in train + independent
           if r["category"] not in taxonomy or r["subcategory"] not in taxonomy[r["category"]]
           or (r["second"] and r["second"] not in taxonomy) or r["urgent"] not in ("0", "1")
           or not r["text"].strip() or not r["batch"]]
    assert bad == []


def test_no_text_of_the_independent_set_is_in_the_training_set(train, independent):
    to_simplified = opencc.OpenCC("t2s")

    def key(text):
        return "".join(ch for ch in to_simplified.convert(text) if ch.isalnum()).lower()

    seen = {key(r["text"]) for r in train}
    assert [r["text"] for r in independent if key(r["text"]) in seen] == []
    assert len({key(r["text"]) for r in train}) > 0.99 * len(train)
