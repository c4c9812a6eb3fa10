"""The three lists (三张清单, seed 004): offers, needs, the volunteer-service list, and matching them.

Matching is a proposal, never a decision: ``match_propose`` scores the offers of the need's community by
skill (must be equal), place (same estate 3, whole community 2, another estate of the community 1) and
time (shared weekdays 2, no days given 1, no shared day → not proposed), keeps the best three and a
community admin confirms one with ``match_confirm``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.people.scopes import scope_for
from linli.volunteers.models import Match, Need, Offer, Skill
from linli.volunteers.permissions import can_manage, require_manager
from linli.volunteers.scoping import community_of_person, estate_of_person
from linli.volunteers.services import _clean_weekdays

PROPOSALS_PER_NEED = 3


@transaction.atomic
def offer_add(*, actor, list_kind: str, source: str, skill: str, title: str, community=None, estate=None, person=None,
              organization=None, weekdays=(), times: str = "") -> Offer:
    """Add to the supply or service list: an admin for anyone, a person for themselves, staff of an organisation for it."""
    scope = scope_for(actor)
    if person is None and organization is None:
        raise ValidationError(_("请指定提供人或提供单位"))
    if community is None:
        community = (estate.community if estate else None) or (community_of_person(person) if person else None)
    if community is None:
        raise ValidationError({"community": _("请指定社区")})
    own = (person is not None and scope.person_id == person.pk) or (
        organization is not None and organization.pk in scope.own_org_ids)
    if not (own or can_manage(actor, community)):
        raise PermissionDenied(_("只能登记自己或本单位的供给"))
    if list_kind not in Offer.List.values or source not in Offer.Source.values or skill not in Skill.values:
        raise ValidationError(_("清单、提供方类别或服务类别无效"))
    if source == Offer.Source.PARTY_MEMBER and (person is None or not person.is_party_member):
        raise ValidationError({"source": _("只有登记为党员的人员可以列入党员供给")})
    if estate is not None and estate.community_id != community.pk:
        raise ValidationError({"estate": _("小区不在该社区")})
    return Offer.objects.create(list_kind=list_kind, source=source, community=community, estate=estate, person=person,
                                organization=organization, skill=skill, title=title, weekdays=_clean_weekdays(weekdays),
                                times=times, created_by=actor)


@transaction.atomic
def offer_withdraw(*, actor, offer: Offer) -> Offer:
    scope = scope_for(actor)
    own = offer.person_id == scope.person_id or offer.organization_id in scope.own_org_ids
    if not (own or can_manage(actor, offer.community)):
        raise PermissionDenied(_("只能撤下自己或本单位的供给"))
    offer.active = False
    offer.save(update_fields=["active"])
    return offer


@transaction.atomic
def need_add(*, actor, person, skill: str, title: str, estate=None, weekdays=()) -> Need:
    """A resident's need, entered by the resident or by staff of the community (sensitive roles)."""
    estate = estate or estate_of_person(person)
    community = estate.community if estate else community_of_person(person)
    if community is None:
        raise ValidationError({"person": _("该居民没有登记住址")})
    scope = scope_for(actor)
    staff = scope.sees_sensitive and any(community.path.startswith(p) for p in scope.paths)
    if not (scope.person_id == person.pk or staff):
        raise PermissionDenied(_("只能登记自己的需求，或由社区工作人员代为登记"))
    if skill not in Skill.values:
        raise ValidationError({"skill": _("未知的服务类别")})
    return Need.objects.create(community=community, estate=estate, person=person, skill=skill, title=title,
                               weekdays=_clean_weekdays(weekdays), created_by=actor)


def score(need: Need, offer: Offer) -> tuple[int, list[str]] | None:
    """How well an offer fits a need, with the reasons; None when it does not fit at all."""
    if offer.skill != need.skill or offer.community_id != need.community_id or not offer.active:
        return None
    reasons = [str(_("类别相同"))]
    if offer.estate_id and offer.estate_id == need.estate_id:
        points, reasons = 3, reasons + [str(_("同一小区"))]
    elif offer.estate_id is None:
        points, reasons = 2, reasons + [str(_("服务全社区"))]
    else:
        points, reasons = 1, reasons + [str(_("同一社区"))]
    if need.weekdays and offer.weekdays:
        shared = set(need.weekdays) & set(offer.weekdays)
        if not shared:
            return None
        points, reasons = points + 2, reasons + [str(_("时间吻合"))]
    else:
        points += 1
    return points, reasons


@transaction.atomic
def match_propose(*, need: Need, now=None) -> list[Match]:
    """Propose the best offers for an open need (running it again adds nothing new)."""
    need = Need.objects.select_for_update().get(pk=need.pk)
    if need.status not in (Need.Status.OPEN, Need.Status.PROPOSED):
        return []
    offers = Offer.objects.filter(community_id=need.community_id, skill=need.skill, active=True)
    if need.person_id:
        offers = offers.exclude(person_id=need.person_id)
    scored = []
    for offer in offers:
        result = score(need, offer)
        if result:
            scored.append((result[0], offer.pk, offer, result[1]))
    scored.sort(key=lambda x: (-x[0], x[1]))
    out = []
    for points, _pk, offer, reasons in scored[:PROPOSALS_PER_NEED]:
        match, _created = Match.objects.get_or_create(
            need=need, offer=offer, defaults={"score": points, "reasons": "、".join(reasons),
                                              "proposed_at": now or timezone.now()})
        out.append(match)
    if out and need.status == Need.Status.OPEN:
        need.status = Need.Status.PROPOSED
        need.save(update_fields=["status"])
    return out


@transaction.atomic
def match_confirm(*, actor, match: Match, now=None) -> Match:
    """The community admin confirms one proposal; the others for the same need are set aside."""
    require_manager(actor, match.need.community)
    need = Need.objects.select_for_update().get(pk=match.need_id)
    match = Match.objects.select_for_update().get(pk=match.pk)
    if match.status != Match.Status.PROPOSED or need.status != Need.Status.PROPOSED:
        raise ValidationError(_("该推荐已处理"))
    now = now or timezone.now()
    Match.objects.filter(need=need, status=Match.Status.PROPOSED).exclude(pk=match.pk).update(
        status=Match.Status.REJECTED, decided_by=actor, decided_at=now)
    match.status, match.decided_by, match.decided_at = Match.Status.CONFIRMED, actor, now
    match.save(update_fields=["status", "decided_by", "decided_at"])
    need.status = Need.Status.MATCHED
    need.save(update_fields=["status"])
    return match


@transaction.atomic
def match_reject(*, actor, match: Match, now=None) -> Match:
    require_manager(actor, match.need.community)
    match = Match.objects.select_for_update().get(pk=match.pk)
    if match.status != Match.Status.PROPOSED:
        raise ValidationError(_("该推荐已处理"))
    match.status, match.decided_by, match.decided_at = Match.Status.REJECTED, actor, now or timezone.now()
    match.save(update_fields=["status", "decided_by", "decided_at"])
    need = match.need
    if not need.matches.filter(status=Match.Status.PROPOSED).exists() and need.status == Need.Status.PROPOSED:
        need.status = Need.Status.OPEN
        need.save(update_fields=["status"])
    return match


@transaction.atomic
def need_close(*, actor, need: Need, done: bool = True) -> Need:
    if not (scope_for(actor).person_id == need.person_id or can_manage(actor, need.community)):
        raise PermissionDenied(_("只有居民本人或社区管理员可以关闭需求"))
    if need.status in (Need.Status.DONE, Need.Status.CLOSED):
        raise ValidationError(_("该需求已关闭"))
    need.status = Need.Status.DONE if done else Need.Status.CLOSED
    need.save(update_fields=["status"])
    return need
