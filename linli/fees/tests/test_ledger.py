"""The ledger: append-only, corrections are reversing entries, and any later change to stored rows is found."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from linli.core.events import AppendOnlyError
from linli.fees import services
from linli.fees.models import LedgerEntry

D = datetime.date


def receipt():
    return SimpleUploadedFile("发票.jpg", b"\xff\xd8 fake jpeg", content_type="image/jpeg")


@pytest.fixture
def entries(world):
    out = [
        services.ledger_record(estate=world.estate_a, direction="income", category="subsidy",
                               amount=Decimal("5000"), occurred_on=D(2026, 11, 3), description="街道老旧小区物业补贴",
                               evidence=receipt(), actor=world.manager_a),
        services.ledger_record(estate=world.estate_a, direction="expense", category="cleaning",
                               amount=Decimal("1800.50"), occurred_on=D(2026, 11, 30), description="11月保洁工资",
                               evidence=receipt(), actor=world.manager_a),
        services.ledger_record(estate=world.estate_b, direction="income", category="donation",
                               amount=Decimal("300"), occurred_on=D(2026, 11, 30), description="居民捐赠",
                               evidence=receipt(), actor=world.street_admin),
    ]
    return out


def test_entries_are_chained_per_estate(world, entries):
    a1, a2, b1 = entries
    assert (a1.seq, a2.seq, b1.seq) == (1, 2, 1)
    assert a2.prev_hash == a1.row_hash and a1.prev_hash == "0" * 64 == b1.prev_hash
    assert a1.evidence_sha256 and a1.approved_by == world.manager_a and a1.approver_role == "property_manager"
    assert services.ledger_verify() == []


def test_a_correction_is_a_reversing_entry(world, entries):
    rev = services.ledger_reverse(entry=entries[1], reason="金额有误", actor=world.manager_a)
    assert (rev.seq, rev.amount, rev.reverses_id) == (3, Decimal("-1800.50"), entries[1].pk)
    with pytest.raises(ValidationError, match="该记录已冲销"):
        services.ledger_reverse(entry=entries[1], reason="again", actor=world.manager_a)
    assert LedgerEntry.objects.filter(estate=world.estate_a).count() == 3
    assert services.ledger_verify() == []


def test_entries_cannot_be_saved_again_or_deleted_through_the_orm(entries):
    entry = entries[0]
    entry.description = "改"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_changing_a_stored_amount_with_raw_sql_is_detected(world, entries):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE fees_ledgerentry SET amount = 50000 WHERE id = %s", [entries[0].pk])
    problems = services.ledger_verify()
    assert problems == [f"小区 {world.estate_a.pk} 第 1 条：内容与其哈希不符（记录被改动）"]


def test_rehashing_a_changed_row_still_breaks_the_link_to_the_next(world, entries):
    entry = LedgerEntry.objects.get(pk=entries[0].pk)
    entry.description = "伪造的摘要"
    forged = entry.compute_hash()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE fees_ledgerentry SET description = %s, row_hash = %s WHERE id = %s",
                       ["伪造的摘要", forged, entry.pk])
    assert services.ledger_verify() == [
        f"小区 {world.estate_a.pk} 第 2 条：与上一条的链接不符（上一条被改动、删除或插入）"]


def test_deleting_the_last_row_with_raw_sql_is_detected(world, entries):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM fees_ledgerentry WHERE id = %s", [entries[1].pk])
    assert services.ledger_verify() == [f"小区 {world.estate_a.pk}：链头记有 2 条，台账有 1 条（末尾记录被删除或改动）"]


def test_the_command_fails_when_the_ledger_was_tampered_with(world, entries, capsys):
    call_command("ledger", "verify")
    assert "2 个小区，3 条记录，未发现改动" in capsys.readouterr().out
    with connection.cursor() as cursor:
        cursor.execute("UPDATE fees_ledgerentry SET occurred_on = '2026-01-01' WHERE id = %s", [entries[2].pk])
    with pytest.raises(SystemExit) as exc:
        call_command("ledger", "verify")
    assert exc.value.code == 1
    assert "内容与其哈希不符" in capsys.readouterr().out


def test_an_entry_needs_evidence_and_the_right_category(world):
    with pytest.raises(ValidationError) as refused:
        services.ledger_record(estate=world.estate_a, direction="income", category="parking", amount=Decimal("1"),
                               occurred_on=D(2026, 1, 1), description="x", evidence=None, actor=world.manager_a)
    assert list(refused.value.message_dict) == ["evidence"]
    with pytest.raises(ValidationError) as refused:
        services.ledger_record(estate=world.estate_a, direction="income", category="cleaning", amount=Decimal("1"),
                               occurred_on=D(2026, 1, 1), description="x", evidence=receipt(), actor=world.manager_a)
    assert list(refused.value.message_dict) == ["category"]
    assert LedgerEntry.objects.count() == 0


@pytest.mark.parametrize("name", ["staff_a", "auditor", "grid_worker", "resident_a"])
def test_read_only_roles_cannot_enter_the_ledger(world, name):
    with pytest.raises(PermissionDenied):
        services.ledger_record(estate=world.estate_a, direction="income", category="parking", amount=Decimal("1"),
                               occurred_on=D(2026, 1, 1), description="x", evidence=receipt(),
                               actor=getattr(world, name))
    assert LedgerEntry.objects.count() == 0
