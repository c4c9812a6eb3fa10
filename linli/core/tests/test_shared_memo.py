"""Shared memos (linli/core/memo.py): a per-process copy in front of Django's cache, cleared by the writer."""

from django.db import transaction

from linli.core.memo import Memo

memo = Memo("test shared memo", ttl=60, shared=True)


def counting(value):
    calls = []

    def compute():
        calls.append(1)
        return value

    return compute, calls


def test_a_process_without_a_copy_reads_the_cache_not_the_table(db):
    compute, calls = counting(["rows"])
    assert memo.get("k", compute) == ["rows"]
    memo.forget_here()  # another process, or this one after its copy expired
    assert memo.get("k", compute) == ["rows"]
    assert len(calls) == 1


def test_clearing_makes_every_process_read_the_table_again(db):
    assert memo.get("k", lambda: ["old"]) == ["old"]
    memo.clear()
    assert memo.get("k", lambda: ["new"]) == ["new"]
    memo.forget_here()
    assert memo.get("k", lambda: ["stale"]) == ["new"]  # the new generation is in the cache


def test_a_clear_inside_a_transaction_is_repeated_after_the_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            memo.clear()
            memo.get("k", lambda: ["read before the commit"])  # a racing reader caches the old rows
    assert memo.get("k", lambda: ["committed"]) == ["committed"]
