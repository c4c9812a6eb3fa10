"""Micro-wishes (微心愿, seed 001): posted → checked → public → claimed → fulfilled, and the overdue sweep.

The beneficiary is a vulnerable resident, so the full record is sensitive: only the community's sensitive
roles, the beneficiary and the claimant see it; everyone else sees the public part (title, community,
status, the claimant's masked name, the photo and the thank-you). Every change writes a ``WishEvent``.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core import uploads
from linli.notify.services import notify, recipients
from linli.people.models import User
from linli.people.scopes import scope_for
from linli.volunteers.models import Volunteer, Wish, WishEvent
from linli.volunteers.permissions import can_manage
from linli.volunteers.scoping import community_of_person, estate_of_person

CLAIM_DAYS = 14  # a claimed wish must be fulfilled within this many days, or it goes back to the pool
PHOTO_EDGE = 1600  # px on the longer side of a stored wish photo


def _event(wish, kind, actor, now, **data):
    return WishEvent.objects.create(wish=wish, kind=kind, actor=actor, at=now, data=data)


def _tell_wisher(wish, title: str, key: str) -> None:
    """A notification to the beneficiary's accounts (inbox and their channel), once per key, in this transaction."""
    notify(users=recipients(User.objects.filter(person_id=wish.beneficiary_id, is_active=True)), title=title,
           kind="wish", link=reverse("volunteers:wish_detail", args=[wish.pk]), key=key)


def _community_staff(actor, community) -> bool:
    """Sensitive roles serving the community (admins and grid workers) enter wishes from paper forms."""
    scope = scope_for(actor)
    return scope.sees_sensitive and any(community.path.startswith(p) for p in scope.paths)


@transaction.atomic
def wish_post(*, actor, beneficiary, title: str, detail: str = "", category: str = Wish.Category.GOODS,
              source: str = Wish.Source.ONLINE, now=None) -> Wish:
    """Post a wish: the resident online, or community staff on their behalf from a paper form."""
    now = now or timezone.now()
    estate = estate_of_person(beneficiary)
    community = estate.community if estate else community_of_person(beneficiary)
    if community is None:
        raise ValidationError(_("心愿人没有登记住址"))
    is_self = scope_for(actor).person_id == beneficiary.pk
    if not (is_self or _community_staff(actor, community)):
        raise PermissionDenied(_("只能为自己提交，或由社区工作人员代为登记"))
    if not title.strip():
        raise ValidationError({"title": _("请填写心愿")})
    if category not in Wish.Category.values or source not in Wish.Source.values:
        raise ValidationError(_("类别或来源无效"))
    wish = Wish.objects.create(community=community, estate=estate, beneficiary=beneficiary, title=title.strip(),
                               detail=detail, category=category, source=source, entered_by=actor, created_at=now)
    _event(wish, "posted", actor, now, source=source)
    return wish


@transaction.atomic
def wish_review(*, actor, wish: Wish, approve: bool, reason: str = "", title: str | None = None, now=None) -> Wish:
    """The community checks a wish (and may rewrite its public title so that it names nobody)."""
    if not can_manage(actor, wish.community) and not _community_staff(actor, wish.community):
        raise PermissionDenied(_("只有社区工作人员可以审核心愿"))
    now = now or timezone.now()
    wish = Wish.objects.select_for_update().get(pk=wish.pk)
    if wish.status != Wish.Status.PENDING:
        raise ValidationError(_("该心愿已审核"))
    if not approve and not reason.strip():
        raise ValidationError({"reason": _("请写明未通过的原因")})
    if title:
        wish.title = title.strip()
    wish.status = Wish.Status.OPEN if approve else Wish.Status.REJECTED
    wish.checked_by, wish.checked_at, wish.reject_reason = actor, now, "" if approve else reason.strip()
    wish.save()
    _event(wish, "approved" if approve else "rejected", actor, now, reason=reason)
    return wish


@transaction.atomic
def wish_claim(*, actor, wish: Wish, organization=None, now=None, days: int = CLAIM_DAYS) -> Wish:
    """A volunteer (or staff of an organisation, for it) claims an open wish; the first claim wins."""
    now = now or timezone.now()
    scope = scope_for(actor)
    if organization is not None:
        if organization.pk not in scope.own_org_ids:
            raise PermissionDenied(_("只能以本单位名义认领"))
    elif not Volunteer.objects.filter(person_id=scope.person_id, active=True).exists():
        raise PermissionDenied(_("请先登记为志愿者，或以单位名义认领"))
    if scope.person_id == wish.beneficiary_id:
        raise ValidationError(_("不能认领自己的心愿"))
    # A conditional UPDATE: of two people claiming at once, exactly one changes the row.
    changed = Wish.objects.filter(pk=wish.pk, status=Wish.Status.OPEN).update(
        status=Wish.Status.CLAIMED, claimed_by_user=actor, claimed_by_org=organization, claimed_at=now,
        claim_due=now + datetime.timedelta(days=days))
    if not changed:
        raise ValidationError(_("该心愿已被认领或不在认领中"))
    wish = Wish.objects.get(pk=wish.pk)
    event = _event(wish, "claimed", actor, now, organization=organization.pk if organization else None,
                   due=wish.claim_due.isoformat())
    _tell_wisher(wish, _("您的微心愿「%(t)s」已被认领") % {"t": wish.title}, key=f"wish:{wish.pk}:claimed:{event.pk}")
    return wish


def _check_photo(photo):
    """The photo through the upload gate: checked by content, pixels before decoding, re-encoded without EXIF.

    The wall is public and the photo is taken at a vulnerable resident's home: its GPS must never be published.
    """
    try:
        return uploads.image(photo, label=_("照片"), max_edge=PHOTO_EDGE)
    except uploads.UploadError as exc:
        raise ValidationError({"photo": exc.messages}) from None


@transaction.atomic
def wish_fulfil(*, actor, wish: Wish, photo, note: str = "", now=None) -> Wish:
    """The claimant marks the wish fulfilled, with a photo."""
    now = now or timezone.now()
    wish = Wish.objects.select_for_update().get(pk=wish.pk)
    if wish.claimed_by_user_id != actor.pk and not can_manage(actor, wish.community):
        raise PermissionDenied(_("只有认领人可以登记完成"))
    if wish.status != Wish.Status.CLAIMED:
        raise ValidationError(_("只有已认领的心愿可以登记完成"))
    if photo is None:
        raise ValidationError({"photo": _("请上传照片")})
    photo = _check_photo(photo)
    wish.photo.save(photo.name, photo, save=False)
    wish.status, wish.fulfilled_at, wish.fulfil_note = Wish.Status.FULFILLED, now, note
    wish.save()
    _event(wish, "fulfilled", actor, now, note=note)
    _tell_wisher(wish, _("您的微心愿「%(t)s」已实现") % {"t": wish.title}, key=f"wish:{wish.pk}:fulfilled")
    return wish


@transaction.atomic
def wish_thank(*, actor, wish: Wish, thanks: str, now=None) -> Wish:
    """The beneficiary (or staff writing it down for them) says thank you."""
    now = now or timezone.now()
    if scope_for(actor).person_id != wish.beneficiary_id and not _community_staff(actor, wish.community):
        raise PermissionDenied(_("只有心愿人或社区工作人员可以填写感谢"))
    if wish.status != Wish.Status.FULFILLED:
        raise ValidationError(_("心愿实现后才能感谢"))
    if not thanks.strip():
        raise ValidationError({"thanks": _("请填写感谢的话")})
    wish.thanks = thanks.strip()
    wish.save(update_fields=["thanks"])
    _event(wish, "thanked", actor, now)
    return wish


@transaction.atomic
def wish_give_up(*, actor, wish: Wish, reason: str = "", now=None) -> Wish:
    """The claimant gives the wish back to the pool."""
    now = now or timezone.now()
    if wish.claimed_by_user_id != actor.pk and not can_manage(actor, wish.community):
        raise PermissionDenied(_("只有认领人可以放弃认领"))
    if not _release(wish, now, claimed_by_user_id=wish.claimed_by_user_id):
        raise ValidationError(_("该心愿不在认领中"))
    _event(wish, "given_up", actor, now, reason=reason)
    return Wish.objects.get(pk=wish.pk)


@transaction.atomic
def wish_withdraw(*, actor, wish: Wish, reason: str = "", now=None) -> Wish:
    now = now or timezone.now()
    if scope_for(actor).person_id != wish.beneficiary_id and not can_manage(actor, wish.community):
        raise PermissionDenied(_("只有心愿人或社区管理员可以撤回"))
    changed = Wish.objects.filter(pk=wish.pk, status__in=[Wish.Status.PENDING, Wish.Status.OPEN]).update(
        status=Wish.Status.WITHDRAWN)
    if not changed:
        raise ValidationError(_("已认领或已实现的心愿不能撤回"))
    _event(wish, "withdrawn", actor, now, reason=reason)
    return Wish.objects.get(pk=wish.pk)


def _release(wish, now, **match) -> bool:
    return bool(Wish.objects.filter(pk=wish.pk, status=Wish.Status.CLAIMED, **match).update(
        status=Wish.Status.OPEN, claimed_by_user=None, claimed_by_org=None, claimed_at=None, claim_due=None))


def wishes_release_overdue(*, now=None, batch: int = 500) -> list[int]:
    """Return every claim past its deadline to the pool; safe to run twice or in two workers at once.

    Rows are locked (``SKIP LOCKED`` on PostgreSQL: two workers split them) and released in batches, each with
    a ``released_overdue`` event; a row that is no longer claimed or no longer overdue is left alone.
    """
    now = now or timezone.now()
    released = []
    while True:
        with transaction.atomic():
            rows = list(Wish.objects.select_for_update(skip_locked=True)
                        .filter(status=Wish.Status.CLAIMED, claim_due__lt=now).order_by("pk")
                        .values_list("pk", "claimed_by_user_id", "claim_due")[:batch])
            if not rows:
                return released
            Wish.objects.filter(pk__in=[r[0] for r in rows], status=Wish.Status.CLAIMED, claim_due__lt=now).update(
                status=Wish.Status.OPEN, claimed_by_user=None, claimed_by_org=None, claimed_at=None, claim_due=None)
            WishEvent.objects.bulk_create([
                WishEvent(wish_id=pk, kind="released_overdue", at=now,
                          data={"claimed_by_user": user_id, "due": due.isoformat()})
                for pk, user_id, due in rows])
            released += [r[0] for r in rows]


def wishes_claimed_by(person) -> list[Wish]:
    """Wishes claimed (and fulfilled) through the person's account, newest first (for their own page)."""
    return list(Wish.objects.filter(claimed_by_user__person=person).order_by("-claimed_at", "-pk")[:20])
