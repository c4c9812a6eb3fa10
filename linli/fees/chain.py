"""The hash chain shared by append-only ledgers (the fees ledger, the repair fund's ledger).

A chained row stores ``prev_hash`` (the ``row_hash`` of the row before it in the same chain, or 64 zeros for the
first row) and ``row_hash`` = sha256 of its canonical content, which includes ``prev_hash``: changing, removing or
reordering a stored row breaks the chain. Each chain has a head row (its last ``seq`` and hash), locked with
``select_for_update`` while a row is appended, so that two writers never fork it.

A model subclasses :class:`HashChained` and says what its hash covers in ``chain_content()``; the service appends
with :func:`seal` (one row) or :func:`seal_many` (rows in bulk) under the locked head, and :func:`verify_chain` recomputes a chain from its rows and its head.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from django.db import models

GENESIS = "0" * 64


class HashChained(models.Model):
    """Abstract: ``prev_hash`` and ``row_hash`` of a row of a hash chain, and the hash of its content."""

    prev_hash = models.CharField(max_length=64)
    row_hash = models.CharField(max_length=64)

    class Meta:
        abstract = True

    def chain_content(self) -> dict:
        """The row's content that the hash covers, without ``prev_hash`` (added by ``canonical``)."""
        raise NotImplementedError

    def canonical(self) -> str:
        """The content that the hash covers, as one stable JSON string."""
        return json.dumps({**self.chain_content(), "prev_hash": self.prev_hash},
                          ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical().encode()).hexdigest()


def seal(row: HashChained, head) -> None:
    """Link ``row`` after ``head`` (a locked head row with ``seq`` and ``hash``), save both. The caller set
    ``row.seq = head.seq + 1`` and ``row.prev_hash = head.hash`` before computing anything it derives from them."""
    row.row_hash = row.compute_hash()
    row.save()
    head.seq, head.hash = row.seq, row.row_hash
    head.save(update_fields=["seq", "hash"])


def seal_many(rows: list[HashChained], head) -> list[HashChained]:
    """Link ``rows`` (unsaved, of one model) one after the other after ``head`` (locked), numbering them from
    ``head.seq + 1``, and write them in bulk: a first collection of thousands of homes in a few statements."""
    if not rows:
        return rows
    seq, prev = head.seq, head.hash
    for row in rows:
        seq += 1
        row.seq, row.prev_hash = seq, prev
        row.row_hash = prev = row.compute_hash()
    type(rows[0]).objects.bulk_create(rows, batch_size=1000)
    head.seq, head.hash = seq, prev
    head.save(update_fields=["seq", "hash"])
    return rows


def verify_chain(rows: Iterable[HashChained], heads: dict, *, key: str, label: str) -> list[str]:
    """Recompute the chains of ``rows`` (ordered by ``key`` then ``seq``) against their ``heads`` ({key value:
    head}); a list of problems in Chinese, empty when nothing stored was changed. ``label`` names a chain in the
    messages ("小区", "账户")."""
    problems = []
    seen = set()
    chain, expected_seq, prev = None, 0, GENESIS
    for row in rows:
        row_key = getattr(row, key)
        if row_key != chain:
            if chain is not None:
                problems += _check_head(label, chain, expected_seq, prev, heads.get(chain))
            chain, expected_seq, prev = row_key, 0, GENESIS
            seen.add(chain)
        expected_seq += 1
        where = f"{label} {row_key} 第 {row.seq} 条"
        if row.seq != expected_seq:
            problems.append(f"{where}：序号应为 {expected_seq}（有记录被删除或插入）")
            expected_seq = row.seq
        if row.prev_hash != prev:
            problems.append(f"{where}：与上一条的链接不符（上一条被改动、删除或插入）")
        if row.compute_hash() != row.row_hash:
            problems.append(f"{where}：内容与其哈希不符（记录被改动）")
        prev = row.row_hash
    if chain is not None:
        problems += _check_head(label, chain, expected_seq, prev, heads.get(chain))
    for chain_key, head in heads.items():
        if chain_key not in seen and head.seq:
            problems.append(f"{label} {chain_key}：链头记有 {head.seq} 条，但台账为空（记录被删除）")
    return problems


def _check_head(label, chain_key, seq, last_hash, head) -> list[str]:
    if head is None:
        return [f"{label} {chain_key}：缺少链头"]
    if head.seq != seq or head.hash != last_hash:
        return [f"{label} {chain_key}：链头记有 {head.seq} 条，台账有 {seq} 条（末尾记录被删除或改动）"]
    return []
