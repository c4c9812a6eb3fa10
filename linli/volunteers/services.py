"""State changes of volunteers, activities, points and rewards. Pages, API, CLI and demo all call these.

Every function is keyword-only, checks who may do it (PermissionDenied → 403), validates
(ValidationError → 400), runs in a transaction and returns the object.

Points are an append-only ledger: a balance is the sum of a person's entries. Anything that spends
points locks the person's ``PointsAccount`` row first and the reward row after it (rows of one kind
always in primary-key order), so two redemptions can never take the same points or the last item twice.
"""

from __future__ import annotations

import datetime
import secrets

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.volunteers.models import (
    Activity,
    BoardEntry,
    Participation,
    PointsAccount,
    PointsEntry,
    Redemption,
    Reward,
    Skill,
    Team,
    Volunteer,
)
from linli.volunteers.permissions import can_manage, is_self, require_manager
from linli.volunteers.scoping import community_of_person

QR_SALT = "linli.volunteers.checkin"
# A QR code works from half an hour before the start until half an hour after the end.
QR_MARGIN = datetime.timedelta(minutes=30)


def _now(now):
    return now or timezone.now()


def _is_self(actor, person) -> bool:
    return actor is not None and is_self(actor, person)


def _clean_skills(skills) -> list[str]:
    skills = list(dict.fromkeys(skills or []))
    unknown = [s for s in skills if s not in Skill.values]
    if unknown:
        raise ValidationError({"skills": _("未知的技能：%(s)s") % {"s": "、".join(unknown)}})
    return skills


def _clean_weekdays(days) -> list[int]:
    days = sorted({int(d) for d in days or []})
    if any(d < 0 or d > 6 for d in days):
        raise ValidationError({"weekdays": _("可服务日应为 0（周一）到 6（周日）")})
    return days


# -- volunteers and teams -------------------------------------------------------------------------


@transaction.atomic
def team_create(*, actor, community, name: str, kind: str, description: str = "") -> Team:
    """Create a volunteer team of a community (admins of the community only)."""
    require_manager(actor, community)
    if kind not in Team.Kind.values:
        raise ValidationError({"kind": _("未知的队伍类别")})
    if Team.objects.filter(community=community, name=name.strip()).exists():
        raise ValidationError({"name": _("本社区已有同名队伍")})
    return Team.objects.create(community=community, name=name.strip(), kind=kind, description=description)


@transaction.atomic
def volunteer_enrol(
    *, actor, person, community=None, skills=(), teams=(), weekdays=(), availability: str = "", badge: str = "",
    shows_party_identity: bool = False, duty: str = "", pledge: str = "",
) -> Volunteer:
    """Register ``person`` as a volunteer: by an admin of the community, or by the person themselves."""
    community = community or community_of_person(person)
    if community is None:
        raise ValidationError({"community": _("请指定社区（该人员没有登记住址）")})
    if not (can_manage(actor, community) or _is_self(actor, person)):
        raise PermissionDenied(_("只有社区管理员或本人可以登记志愿者"))
    if badge and not can_manage(actor, community):
        raise PermissionDenied(_("称号由社区授予"))
    if Volunteer.objects.filter(person=person).exists():
        raise ValidationError({"person": _("该人员已登记为志愿者")})
    if shows_party_identity and not person.is_party_member:
        raise ValidationError({"shows_party_identity": _("只有登记为党员的人员才能亮明党员身份")})
    teams = list(teams)
    if any(t.community_id != community.pk for t in teams):
        raise ValidationError({"teams": _("只能加入本社区的队伍")})
    volunteer = Volunteer.objects.create(
        person=person, community=community, skills=_clean_skills(skills), weekdays=_clean_weekdays(weekdays),
        availability=availability, badge=badge, shows_party_identity=shows_party_identity, duty=duty, pledge=pledge,
    )
    volunteer.teams.set(teams)
    return volunteer


EDITABLE_BY_SELF = {"skills", "weekdays", "availability", "shows_party_identity", "duty", "pledge"}


@transaction.atomic
def volunteer_update(*, actor, volunteer: Volunteer, teams=None, **fields) -> Volunteer:
    """Change a profile: the person edits their skills, times and pledge; badges, teams and status are the community's."""
    manager = can_manage(actor, volunteer.community)
    if not manager and not (_is_self(actor, volunteer.person) and set(fields) <= EDITABLE_BY_SELF and teams is None):
        raise PermissionDenied(_("只有社区管理员或本人可以修改"))
    if "skills" in fields:
        fields["skills"] = _clean_skills(fields["skills"])
    if "weekdays" in fields:
        fields["weekdays"] = _clean_weekdays(fields["weekdays"])
    if fields.get("shows_party_identity") and not volunteer.person.is_party_member:
        raise ValidationError({"shows_party_identity": _("只有登记为党员的人员才能亮明党员身份")})
    for key, value in fields.items():
        setattr(volunteer, key, value)
    volunteer.save()
    if teams is not None:
        teams = list(teams)
        if any(t.community_id != volunteer.community_id for t in teams):
            raise ValidationError({"teams": _("只能加入本社区的队伍")})
        volunteer.teams.set(teams)
    return volunteer


# -- activities -----------------------------------------------------------------------------------


def can_run(actor, activity: Activity) -> bool:
    """The organiser and the community's admins check people in and out."""
    return activity.organiser_id == getattr(actor, "pk", None) or can_manage(actor, activity.community)


@transaction.atomic
def activity_create(
    *, actor, title: str, kind: str, community, starts_at, ends_at, estate=None, team=None, place: str = "",
    capacity: int | None = None, points_fixed: int = 0, points_per_hour: int = 0, points_cap: int | None = None,
    organiser=None,
) -> Activity:
    """Publish an activity with its points rule (admins of the community)."""
    require_manager(actor, community)
    if kind not in Activity.Kind.values:
        raise ValidationError({"kind": _("未知的活动类别")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("结束时间必须晚于开始时间")})
    if estate is not None and estate.community_id != community.pk:
        raise ValidationError({"estate": _("小区不在该社区")})
    if team is not None and team.community_id != community.pk:
        raise ValidationError({"team": _("队伍不在该社区")})
    return Activity.objects.create(
        title=title, kind=kind, community=community, estate=estate, team=team, place=place, starts_at=starts_at,
        ends_at=ends_at, capacity=capacity, points_fixed=points_fixed, points_per_hour=points_per_hour,
        points_cap=points_cap, organiser=organiser or actor,
    )


def qr_token(activity: Activity) -> str:
    """The signed token printed in the activity's QR code."""
    return signing.dumps([activity.pk, activity.qr_nonce], salt=QR_SALT, compress=True)


def activity_for_token(token: str) -> Activity | None:
    try:
        pk, nonce = signing.loads(token, salt=QR_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return Activity.objects.filter(pk=pk, qr_nonce=nonce).select_related("community", "estate").first()


@transaction.atomic
def activity_renew_qr(*, actor, activity: Activity) -> Activity:
    """A new code; printed copies of the old one stop working."""
    if not can_run(actor, activity):
        raise PermissionDenied(_("只有组织者或社区管理员可以更换二维码"))
    activity.qr_nonce = secrets.token_hex(4)
    activity.save(update_fields=["qr_nonce"])
    return activity


def _locked_activity(activity: Activity) -> Activity:
    return Activity.objects.select_for_update().get(pk=activity.pk)


def _check_capacity(activity: Activity) -> None:
    if activity.capacity is not None:
        taken = activity.participations.exclude(status=Participation.Status.CANCELLED).count()
        if taken >= activity.capacity:
            raise ValidationError(_("名额已满"))


def _may_act_for(actor, activity, person, via) -> None:
    if via == Participation.Via.QR:
        if not _is_self(actor, person):
            raise PermissionDenied(_("扫码只能为自己签到"))
    elif not can_run(actor, activity):
        raise PermissionDenied(_("只有组织者或社区管理员可以为他人签到"))


@transaction.atomic
def activity_sign_up(*, actor, activity: Activity, person, now=None) -> Participation:
    """Sign ``person`` up (themselves, or the organiser for them)."""
    if not (_is_self(actor, person) or can_run(actor, activity)):
        raise PermissionDenied(_("只能为自己报名"))
    activity = _locked_activity(activity)
    if activity.status != Activity.Status.OPEN or _now(now) >= activity.ends_at:
        raise ValidationError(_("活动已结束或已取消"))
    existing = Participation.objects.filter(activity=activity, person=person).first()
    if existing is not None and existing.status != Participation.Status.CANCELLED:
        return existing
    _check_capacity(activity)
    if existing is not None:
        existing.status, existing.signed_up_at = Participation.Status.SIGNED_UP, _now(now)
        existing.save(update_fields=["status", "signed_up_at"])
        return existing
    return Participation.objects.create(activity=activity, person=person, signed_up_at=_now(now))


@transaction.atomic
def activity_cancel_sign_up(*, actor, participation: Participation) -> Participation:
    if not (_is_self(actor, participation.person) or can_run(actor, participation.activity)):
        raise PermissionDenied(_("只能取消自己的报名"))
    if participation.status != Participation.Status.SIGNED_UP:
        raise ValidationError(_("已签到的报名不能取消"))
    participation.status = Participation.Status.CANCELLED
    participation.save(update_fields=["status"])
    return participation


def _check_window(activity, now, via):
    if activity.status != Activity.Status.OPEN:
        raise ValidationError(_("活动已结束或已取消"))
    if now < activity.starts_at - QR_MARGIN:
        raise ValidationError(_("活动还没有开始签到（开始前 30 分钟起可签到）"))
    if via == Participation.Via.QR and now > activity.ends_at + QR_MARGIN:
        raise ValidationError(_("活动已结束，二维码失效"))


@transaction.atomic
def activity_check_in(*, actor, activity: Activity, person, via: str = Participation.Via.ORGANISER,
                      now=None) -> Participation:
    """Check in (by the organiser, or by the person scanning the QR code); a walk-in is signed up on the spot."""
    now = _now(now)
    _may_act_for(actor, activity, person, via)
    activity = _locked_activity(activity)
    _check_window(activity, now, via)
    part = Participation.objects.select_for_update().filter(activity=activity, person=person).first()
    if part is None or part.status == Participation.Status.CANCELLED:
        _check_capacity(activity)
        if part is None:
            part = Participation(activity=activity, person=person, signed_up_at=now)
    elif part.status in (Participation.Status.CHECKED_IN, Participation.Status.DONE):
        return part  # scanning twice changes nothing
    part.status, part.checked_in_at, part.checked_in_via = Participation.Status.CHECKED_IN, now, via
    part.save()
    return part


def points_for(activity: Activity, minutes: int) -> int:
    """The activity's rule: the fixed points plus points per full hour, capped."""
    points = activity.points_fixed + activity.points_per_hour * (minutes // 60)
    if activity.points_cap is not None:
        points = min(points, activity.points_cap)
    return points


def counted_minutes(activity: Activity, checked_in_at, checked_out_at) -> int:
    """Minutes between check-in and check-out, counted only inside the activity's time."""
    start = max(checked_in_at, activity.starts_at)
    end = min(checked_out_at, activity.ends_at)
    return max(0, int((end - start).total_seconds() // 60))


@transaction.atomic
def activity_check_out(*, actor, activity: Activity, person, via: str = Participation.Via.ORGANISER,
                       now=None) -> Participation:
    """Check out: the hours are counted and the points of the rule go into the ledger (once)."""
    now = _now(now)
    _may_act_for(actor, activity, person, via)
    activity = _locked_activity(activity)
    part = Participation.objects.select_for_update().filter(activity=activity, person=person).first()
    if part is None or part.status not in (Participation.Status.CHECKED_IN, Participation.Status.DONE):
        raise ValidationError(_("尚未签到"))
    if part.status == Participation.Status.DONE:
        return part
    if via == Participation.Via.QR and now > activity.ends_at + QR_MARGIN:
        raise ValidationError(_("活动已结束，二维码失效，请联系组织者签退"))
    part.checked_out_at, part.checked_out_via = now, via
    part.minutes = counted_minutes(activity, part.checked_in_at, now)
    part.points = points_for(activity, part.minutes)
    part.status = Participation.Status.DONE
    part.save()
    if part.points:
        PointsEntry.objects.create(
            account=account_for(person), amount=part.points, kind=PointsEntry.Kind.ACTIVITY,
            reason=_("参加活动：%(t)s（%(h)s 小时）") % {"t": activity.title, "h": part.hours},
            community=activity.community, estate=activity.estate, participation=part, actor=actor, at=now,
        )
    return part


# -- points ---------------------------------------------------------------------------------------


def account_for(person) -> PointsAccount:
    """The person's ledger account (created on first use, safe when two requests race to create it)."""
    account = PointsAccount.objects.filter(person=person).first()
    if account is None:
        try:
            with transaction.atomic():
                account = PointsAccount.objects.create(person=person)
        except IntegrityError:
            account = PointsAccount.objects.get(person=person)
    return account


def balance(person) -> int:
    """The sum of the person's ledger entries."""
    return PointsEntry.objects.filter(account__person=person).aggregate(s=Sum("amount"))["s"] or 0


def _lock_accounts(*people) -> dict[int, PointsAccount]:
    accounts = [account_for(p) for p in people]
    locked = PointsAccount.objects.select_for_update().filter(pk__in=[a.pk for a in accounts]).order_by("pk")
    return {a.person_id: a for a in locked}


@transaction.atomic
def points_adjust(*, actor, person, amount: int, reason: str, community, estate=None, now=None) -> PointsEntry:
    """Grant (amount > 0) or deduct (amount < 0) points by hand, with a reason; never below zero."""
    require_manager(actor, community)
    if not amount:
        raise ValidationError({"amount": _("积分不能为 0")})
    if not reason.strip():
        raise ValidationError({"reason": _("请写明事由")})
    if estate is not None and estate.community_id != community.pk:
        raise ValidationError({"estate": _("小区不在该社区")})
    account = _lock_accounts(person)[person.pk]
    if amount < 0 and balance(person) + amount < 0:
        raise ValidationError({"amount": _("积分余额不足，不能扣减为负数")})
    kind = PointsEntry.Kind.GRANT if amount > 0 else PointsEntry.Kind.DEDUCT
    return PointsEntry.objects.create(account=account, amount=amount, kind=kind, reason=reason.strip(),
                                      community=community, estate=estate, actor=actor, at=_now(now))


@transaction.atomic
def points_reverse(*, actor, entry: PointsEntry, reason: str, now=None) -> PointsEntry:
    """Cancel an entry made by mistake with an opposite entry (the original stays); never below zero."""
    require_manager(actor, entry.community)
    if not reason.strip():
        raise ValidationError({"reason": _("请写明冲正原因")})
    if entry.kind in (PointsEntry.Kind.REVERSAL, PointsEntry.Kind.REDEMPTION):
        raise ValidationError(_("兑换请作废兑换记录；冲正记录不能再冲正"))
    person = entry.account.person
    account = _lock_accounts(person)[person.pk]
    if PointsEntry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("该记录已冲正"))
    if balance(person) - entry.amount < 0:
        raise ValidationError(_("积分已被使用，冲正后余额将为负数"))
    return PointsEntry.objects.create(
        account=account, amount=-entry.amount, kind=PointsEntry.Kind.REVERSAL,
        reason=_("冲正：%(r)s") % {"r": reason.strip()}, community=entry.community, estate=entry.estate,
        reverses=entry, actor=actor, at=_now(now),
    )


# -- rewards --------------------------------------------------------------------------------------


@transaction.atomic
def reward_create(*, actor, community, name: str, cost: int, kind: str = Reward.Kind.ITEM, stock: int | None = None,
                  description: str = "") -> Reward:
    require_manager(actor, community)
    if kind not in Reward.Kind.values:
        raise ValidationError({"kind": _("未知的奖励类别")})
    if cost <= 0:
        raise ValidationError({"cost": _("所需积分必须大于 0")})
    return Reward.objects.create(community=community, name=name, kind=kind, cost=cost, stock=stock,
                                 description=description)


@transaction.atomic
def redeem(*, actor, reward: Reward, person, quantity: int = 1, now=None) -> Redemption:
    """Exchange points for a reward: stock and points are taken together or not at all, never below zero."""
    if not (_is_self(actor, person) or can_manage(actor, reward.community)):
        raise PermissionDenied(_("只能用自己的积分兑换"))
    if quantity < 1:
        raise ValidationError({"quantity": _("数量至少为 1")})
    # Lock order: ledger account rows (by pk), then the reward row.
    account = _lock_accounts(person)[person.pk]
    reward = Reward.objects.select_for_update().get(pk=reward.pk)
    if not reward.active:
        raise ValidationError(_("该奖励已下架"))
    if reward.stock is not None and reward.stock < quantity:
        raise ValidationError(_("库存不足"))
    cost = reward.cost * quantity
    if balance(person) < cost:
        raise ValidationError(_("积分不足"))
    if reward.stock is not None:
        reward.stock -= quantity
        reward.save(update_fields=["stock"])
    entry = PointsEntry.objects.create(
        account=account, amount=-cost, kind=PointsEntry.Kind.REDEMPTION,
        reason=_("兑换：%(n)s × %(q)s") % {"n": reward.name, "q": quantity}, community=reward.community,
        actor=actor, at=_now(now),
    )
    return Redemption.objects.create(reward=reward, person=person, quantity=quantity, points=cost, entry=entry,
                                     actor=actor, at=_now(now))


@transaction.atomic
def redemption_hand_over(*, actor, redemption: Redemption, now=None) -> Redemption:
    require_manager(actor, redemption.reward.community)
    redemption = Redemption.objects.select_for_update().get(pk=redemption.pk)
    if redemption.status != Redemption.Status.REDEEMED:
        raise ValidationError(_("该兑换已领取或已作废"))
    redemption.status, redemption.handed_over_at = Redemption.Status.HANDED_OVER, _now(now)
    redemption.save(update_fields=["status", "handed_over_at"])
    return redemption


@transaction.atomic
def redemption_void(*, actor, redemption: Redemption, reason: str, now=None) -> Redemption:
    """Undo a redemption not yet handed over: the points come back by a new entry and the stock is returned."""
    require_manager(actor, redemption.reward.community)
    if not reason.strip():
        raise ValidationError({"reason": _("请写明作废原因")})
    account = _lock_accounts(redemption.person)[redemption.person_id]
    reward = Reward.objects.select_for_update().get(pk=redemption.reward_id)
    redemption = Redemption.objects.select_for_update().get(pk=redemption.pk)
    if redemption.status != Redemption.Status.REDEEMED:
        raise ValidationError(_("已领取或已作废的兑换不能作废"))
    PointsEntry.objects.create(
        account=account, amount=redemption.points, kind=PointsEntry.Kind.REVERSAL,
        reason=_("兑换作废：%(r)s") % {"r": reason.strip()}, community=reward.community, reverses=redemption.entry,
        actor=actor, at=_now(now),
    )
    if reward.stock is not None:
        reward.stock += redemption.quantity
        reward.save(update_fields=["stock"])
    redemption.status, redemption.void_reason = Redemption.Status.VOIDED, reason.strip()
    redemption.save(update_fields=["status", "void_reason"])
    return redemption


# -- 红黑榜 ----------------------------------------------------------------------------------------


@transaction.atomic
def board_entry_add(*, actor, community, kind: str, reason: str, person=None, organization=None,
                    start=None, end=None) -> BoardEntry:
    require_manager(actor, community)
    if kind not in BoardEntry.Kind.values:
        raise ValidationError({"kind": _("未知的榜单")})
    if (person is None) == (organization is None):
        raise ValidationError(_("请指定一位人员或一个单位"))
    if not reason.strip():
        raise ValidationError({"reason": _("请写明事由")})
    start = start or timezone.localdate()
    if end is not None and end < start:
        raise ValidationError({"end": _("公示结束不能早于开始")})
    return BoardEntry.objects.create(community=community, kind=kind, person=person, organization=organization,
                                     reason=reason.strip(), start=start, end=end, created_by=actor)


@transaction.atomic
def board_entry_void(*, actor, entry: BoardEntry, reason: str, now=None) -> BoardEntry:
    require_manager(actor, entry.community)
    if entry.voided_at:
        raise ValidationError(_("已撤销"))
    if not reason.strip():
        raise ValidationError({"reason": _("请写明撤销原因")})
    entry.voided_at, entry.void_reason = _now(now), reason.strip()
    entry.save(update_fields=["voided_at", "void_reason"])
    return entry
