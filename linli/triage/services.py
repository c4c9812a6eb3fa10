"""Triage on the Django side: street taxonomies, corrections, the current model, and the repeat adapter.

The classifier itself lives in ``linli.triage.engine`` (no Django); this module only connects it to the
registry and the database.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import replace
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.memo import Memo
from linli.core.text import mask_phone
from linli.places.models import Division, Estate
from linli.triage import engine, permissions
from linli.triage.engine import repeats, taxonomy
from linli.triage.models import (
    LEVEL_CHOICES,
    TIER_CHOICES,
    StreetSubcategory,
    TaxonomyChange,
    TriageCorrection,
)
from linli.triage.permissions import CORRECTOR_ROLES, can_correct, streets_for  # noqa: F401 (re-exported)

# A street's own tier/level/limit per subcategory, read by every work-order intake; kept in Django's cache behind
# each process and cleared by whatever writes it (subcategory_update, taxonomy_seed, the admin; linli/core/memo.py).
overrides_memo = Memo("street taxonomy", ttl=10, shared=True)

PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


# -- the model ----------------------------------------------------------------------------------------
def retrained_model_path() -> Path:
    """Where ``linli triage retrain`` writes the model learnt from corrections (used when present)."""
    return Path(settings.DATA_DIR) / "triage" / "model.npz"


def current_model_path() -> Path:
    path = retrained_model_path()
    return path if path.exists() else engine.DEFAULT_MODEL


def street_of(*, estate: Estate | None = None, division: Division | None = None) -> Division | None:
    """The street above an estate or a division (None above street level)."""
    node = estate.community if estate is not None else division
    while node is not None and node.level != Division.Level.STREET:
        node = node.parent
    return node


def overrides_for(street: Division | None) -> dict:
    if street is None:
        return {}
    return overrides_memo.get(street.pk, lambda: {
        row["code"]: {"tier": row["tier"], "level": row["level"], "limit_hours": row["limit_hours"],
                      "name": row["name"]}
        for row in StreetSubcategory.objects.filter(street=street).values("code", "tier", "level", "limit_hours",
                                                                          "name")
    })


def classify(text: str, *, street: Division | None = None, model_path=None) -> dict:
    """The engine's decision for one text, with the street's own tier, level and time limits."""
    return engine.load(model_path or current_model_path()).classify(text, overrides=overrides_for(street))


# -- street taxonomy -----------------------------------------------------------------------------------
def taxonomy_seed(*, street: Division) -> list[StreetSubcategory]:
    """The street's copy of the taxonomy, created from the default file the first time (idempotent)."""
    if street.level != Division.Level.STREET:
        raise ValidationError(_("分类只能按街道设置"))
    have = set(StreetSubcategory.objects.filter(street=street).values_list("code", flat=True))
    missing = [
        StreetSubcategory(street=street, code=s.code, category=s.category, category_name=s.category_name,
                          name=s.name, tier=s.tier, level=s.level, limit_hours=s.limit_hours, position=i)
        for i, s in enumerate(taxonomy.default().subcategories.values())
        if s.code not in have
    ]
    if missing:
        StreetSubcategory.objects.bulk_create(missing, ignore_conflicts=True)
        overrides_memo.clear()  # the intake reads the street's taxonomy from the cache
    return list(StreetSubcategory.objects.filter(street=street).order_by("position"))


def subcategory_update(*, item: StreetSubcategory, actor, name: str, tier: str, level: str,
                       limit_hours: int, now: datetime.datetime | None = None) -> StreetSubcategory:
    """A street admin changes one subcategory of their street; the change is recorded."""
    permissions.require(permissions.can_edit_taxonomy(actor, item.street), _("您无权修改该街道的分类"))
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise ValidationError(_("名称不能为空，且不超过64个字"))
    if tier not in dict(TIER_CHOICES) or level not in dict(LEVEL_CHOICES):
        raise ValidationError(_("难易或办理层级无效"))
    if not isinstance(limit_hours, int) or not 1 <= limit_hours <= 24 * 365:
        raise ValidationError(_("办理时限应在1到8760小时之间"))
    fields = ("name", "tier", "level", "limit_hours")
    with transaction.atomic():
        item = StreetSubcategory.objects.select_for_update().get(pk=item.pk)
        before = {f: getattr(item, f) for f in fields}
        after = {"name": name, "tier": tier, "level": level, "limit_hours": limit_hours}
        if before == after:
            return item
        for f, v in after.items():
            setattr(item, f, v)
        item.updated_by = actor
        item.updated_at = now or timezone.now()
        item.save(update_fields=[*fields, "updated_by", "updated_at"])
        TaxonomyChange.objects.create(item=item, before=before, after=after, actor=actor, at=item.updated_at)
        overrides_memo.clear()  # the intake reads the street's taxonomy from the cache (again after the commit)
    return item


# -- corrections ---------------------------------------------------------------------------------------
def correction_record(*, text: str, street: Division, actor, subcategory: str, predicted: dict | None = None,
                      order_ref: str = "", now: datetime.datetime | None = None) -> TriageCorrection:
    """Store a staff member's correction of a proposal (append-only); retraining learns from it."""
    permissions.require(permissions.can_correct(actor, street), _("您无权更正该街道的分拣结果"))
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("诉求内容不能为空"))
    sub = taxonomy.default().get(subcategory)
    known = StreetSubcategory.objects.filter(street=street, code=subcategory).exists()
    if sub is None and not known:
        raise ValidationError(_("未知的分类：%(code)s") % {"code": subcategory})
    predicted = predicted or {}
    # PIPL art. 6: a phone number in the text teaches the model nothing; keep it masked.
    text = PHONE.sub(lambda m: mask_phone(m.group(0)), text)
    return TriageCorrection.objects.create(
        text=text[:4000], street=street, actor=actor, at=now or timezone.now(), order_ref=order_ref,
        predicted_category=predicted.get("category") or "", predicted_subcategory=predicted.get("subcategory") or "",
        confidence=predicted.get("confidence"), category=subcategory.split(".")[0], subcategory=subcategory,
    )


def corrections_for_training() -> tuple[list[str], list[str]]:
    """(texts, labels) of all stored corrections; the latest correction of a text wins."""
    latest = {}
    for text, sub in TriageCorrection.objects.order_by("at", "pk").values_list("text", "subcategory"):
        latest[text] = sub
    return list(latest), list(latest.values())


# -- repeats (for the work-order intake) ----------------------------------------------------------------
def _item(obj) -> repeats.Item:
    if isinstance(obj, repeats.Item):
        return obj
    get = obj.get if isinstance(obj, dict) else (lambda k, d=None: getattr(obj, k, d))

    def first(*names):
        for n in names:
            v = get(n)
            if v not in (None, ""):
                return v
        return None

    triage = first("triage") or {}
    return repeats.Item(
        id=first("id", "pk"),
        text=first("text", "description", "content") or "",
        estate=first("estate_id", "estate"),
        building=first("building_id", "building"),
        created=first("created", "created_at", "received_at"),
        phone=first("phone", "caller_phone") or "",
        category=first("category") or (triage.get("category") if isinstance(triage, dict) else "") or "",
    )


def propose_repeats(order_like, candidates, *, days: int = repeats.DAYS, threshold: float = repeats.THRESHOLD,
                    now: datetime.datetime | None = None) -> dict:
    """Merge proposals and the repeated-caller flag (重复来电) for a new work order.

    ``order_like`` and ``candidates`` are objects or dicts with id/pk, text (or description), estate(_id),
    building(_id), created (or created_at), phone (or caller_phone) and optionally category. The caller
    fetches the open candidates it may see (same estate, last ``days`` days, plus the caller's items).
    Returns {"proposals": [{"id", "score", "similarity", "reasons"}], "repeated_caller", "caller_items"}.
    """
    new = _item(order_like)
    others = [_item(c) for c in candidates]
    # Without a category on both sides the classifier supplies one (a few hundred microseconds each).
    if not new.category and new.text:
        new = replace(new, category=classify(new.text)["category"])
    others = [o if o.category or not o.text else replace(o, category=classify(o.text)["category"]) for o in others]
    return repeats.check(new, others, days=days, threshold=threshold, now=now or timezone.now()).to_dict()
