"""The estate ledger (收支公开): append-only entries in a hash chain, reversal, verification, the public link."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.places.models import Estate

from .. import permissions
from ..chain import seal, verify_chain
from ..models import (
    EXPENSE_CATEGORIES,
    INCOME_CATEGORIES,
    Category,
    LedgerEntry,
    LedgerHead,
    PublicLink,
)
from .plans import _event

# -- the ledger --------------------------------------------------------------------------------------


def _ledger_append(*, estate_id: int, direction: str, category: str, amount: Decimal, occurred_on, description: str,
                   approved_by, approver_role: str, payment=None, reverses=None, evidence=None,
                   evidence_name: str = "", now=None) -> LedgerEntry:
    head = LedgerHead.objects.select_for_update().filter(estate_id=estate_id).first()
    if head is None:
        try:
            with transaction.atomic():
                head = LedgerHead.objects.create(estate_id=estate_id)
        except IntegrityError:
            pass
        head = LedgerHead.objects.select_for_update().get(estate_id=estate_id)
    entry = LedgerEntry(
        estate_id=estate_id, seq=head.seq + 1, direction=direction, category=category, amount=amount,
        occurred_on=occurred_on, description=description[:200], approved_by=approved_by,
        approver_role=approver_role, payment=payment, reverses=reverses,
        created_at=now or timezone.now(),
        prev_hash=head.hash,
    )
    if evidence is not None:
        data = evidence.read()
        entry.evidence_sha256 = hashlib.sha256(data).hexdigest()
        entry.evidence.save(evidence_name or getattr(evidence, "name", "evidence"), ContentFile(data), save=False)
    seal(entry, head)
    return entry


@transaction.atomic
def ledger_record(*, estate: Estate, direction: str, category: str, amount: Decimal, occurred_on: datetime.date,
                  description: str, evidence, actor, now=None) -> LedgerEntry:
    """Enter income or an expense in the estate's accounts, with its evidence (a photo or a file); the
    person entering it approves it under their role. Resident fees come from payments, not from here."""
    permissions.require_manager(actor, estate)
    if direction == "income" and category not in INCOME_CATEGORIES:
        raise ValidationError({"category": _("该类别不是收入类别")})
    if direction == "expense" and category not in EXPENSE_CATEGORIES:
        raise ValidationError({"category": _("该类别不是支出类别")})
    if category == Category.RESIDENT_FEES:
        raise ValidationError({"category": _("居民缴费由收款自动记账")})
    amount = Decimal(amount)
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": _("金额必须大于0，最多两位小数")})
    amount = amount.quantize(Decimal("0.01"))
    if evidence is None:
        raise ValidationError({"evidence": _("请上传凭证（照片或文件）")})
    if not description.strip():
        raise ValidationError({"description": _("请填写摘要")})
    entry = _ledger_append(
        estate_id=estate.pk, direction=direction, category=category, amount=amount, occurred_on=occurred_on,
        description=description.strip(), approved_by=actor, approver_role=permissions.role_on(actor, estate),
        evidence=evidence, now=now,
    )
    _event("ledger_recorded", actor=actor, estate=estate, now=now, entry=entry.pk, amount=str(amount))
    return entry


def _ledger_reverse(*, entry: LedgerEntry, reason: str, actor, role: str, now=None) -> LedgerEntry:
    return _ledger_append(
        estate_id=entry.estate_id, direction=entry.direction, category=entry.category, amount=-entry.amount,
        occurred_on=timezone.localdate(now or timezone.now()), description=f"冲销 #{entry.seq}：{reason.strip()}",
        approved_by=actor, approver_role=role, payment=entry.payment, reverses=entry, now=now,
    )


@transaction.atomic
def ledger_reverse(*, entry: LedgerEntry, reason: str, actor, now=None) -> LedgerEntry:
    """Correct an entry by a reversing entry (冲销) with the negated amount; the original stays."""
    estate = Estate.objects.get(pk=entry.estate_id)
    permissions.require_manager(actor, estate)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写冲销原因")})
    if entry.reverses_id:
        raise ValidationError(_("冲销记录不能再冲销"))
    if entry.payment_id:
        raise ValidationError(_("收款记账请通过作废收款冲销"))
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("该记录已冲销"))
    rev = _ledger_reverse(entry=entry, reason=reason, actor=actor, role=permissions.role_on(actor, estate), now=now)
    _event("ledger_reversed", actor=actor, estate=estate, now=now, entry=entry.pk, reversal=rev.pk)
    return rev


def ledger_verify(*, estate_ids: Iterable[int] | None = None) -> list[str]:
    """Recompute every chain; a list of problems (empty when nothing stored was changed)."""
    heads = LedgerHead.objects.all()
    entries = LedgerEntry.objects.all()
    if estate_ids is not None:
        heads, entries = heads.filter(estate_id__in=estate_ids), entries.filter(estate_id__in=estate_ids)
    return verify_chain(entries.order_by("estate_id", "seq").iterator(chunk_size=5000),
                        {h.estate_id: h for h in heads}, key="estate_id", label="小区")


# -- public link ---------------------------------------------------------------------------------------


def public_link_for(estate: Estate) -> PublicLink:
    link, _created = PublicLink.objects.get_or_create(estate=estate)
    return link
