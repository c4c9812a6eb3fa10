"""Normalisation and segmentation of a resident's message (no Django here).

``clean``: Traditional → Simplified (OpenCC), full-width → half-width (NFKC), whitespace collapsed, emoji,
links and runs of punctuation removed. ``words``: jieba segmentation with Linli's domain dictionary
(``data/domain_dict.txt``) only, HMM off — loading it takes a millisecond (jieba's general dictionary takes
a second and segments five times slower), and unknown text falls back to single characters, which the
character n-grams of ``features`` cover anyway. jieba is imported on first use, so Django starts as fast
as before; its cache file goes to the system temporary directory and it never uses the network.
"""

from __future__ import annotations

import re
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

from linli.core.text import normalize as _normalize

DOMAIN_DICT = Path(__file__).resolve().parent.parent / "data" / "domain_dict.txt"

_NOISE = re.compile(
    r"https?://\S+|www\.\S+|[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\u200B-\u200D]|【|】|\[|\]"
)
_REPEAT = re.compile(r"([!?.,~。！？，、…])\1+")
_SPACE = re.compile(r"\s+")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")

_lock = threading.Lock()
_tokenizer = None


# Numbers of buildings, units, floors and rooms say where, not what: the model sees a placeholder ("#栋").
NORMALIZER = "linli-norm/2"  # kept in every model file: a model is scored with the normaliser it was trained with
_PLACE_NUMBER = re.compile(
    r"[0-9一二三四五六七八九十两百零]+(?=\s?(?:号楼|栋|幢|座|单元|层|楼|室|户|号|期|区|门|排|车位))"
    r"|\d+(?:-\d+){1,3}|(?<![0-9])\d{3,4}(?![0-9])"
)
_REPEAT_ANY = re.compile(r"([^\w\s])\1+")


def canonical(text: object) -> str:
    """What the model reads: ``clean`` (Simplified, half-width, no emoji), lower case, any punctuation
    mark repeated once, and numbers of buildings, units, floors and rooms replaced by "#" (12栋3单元502 →
    #栋#单元#). Training and scoring both go through here, so "１２棟" and "12栋" are the same to it."""
    value = clean(text).lower()
    value = _REPEAT_ANY.sub(r"\1", value)
    return _PLACE_NUMBER.sub("#", value)


def clean(text: object) -> str:
    """The text as it is matched: Simplified, half-width, no emoji or links, one space at most."""
    value = _normalize(text)
    value = _NOISE.sub(" ", value)
    value = _REPEAT.sub(r"\1", value)
    return _SPACE.sub(" ", value).strip()


@lru_cache(maxsize=1)
def domain_words() -> frozenset[str]:
    """The words of the domain dictionary."""
    with DOMAIN_DICT.open(encoding="utf-8") as fh:
        return frozenset(line.split()[0] for line in fh if line.strip())


def tokenizer():
    """The jieba tokenizer on the domain dictionary, built once per process on first use."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                tk = jieba.Tokenizer(dictionary=str(DOMAIN_DICT))
                tk.tmp_dir = tempfile.gettempdir()  # jieba's prefix-dict cache stays in the temp dir
                tk.initialize()
                _tokenizer = tk
    return _tokenizer


def words(cleaned: str) -> list[str]:
    """Words of an already cleaned text: jieba on the domain dictionary; spaces and punctuation dropped."""
    return [w for w in tokenizer().cut(cleaned.lower(), HMM=False) if w.strip() and (w.isalnum() or len(w) > 1)]


def features(text: str, *, is_clean: bool = False) -> set[str]:
    """What the classifier looks at: domain words (two characters or more) and character bigrams."""
    cleaned = text if is_clean else clean(text)
    feats = {w for w in words(cleaned) if len(w) > 1 and not w.isascii()}
    for run in _HAN_RUN.findall(cleaned):
        if len(run) == 1:
            feats.add(run)
        feats.update(run[i:i + 2] for i in range(len(run) - 1))
    return feats
