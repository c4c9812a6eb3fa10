"""Owners to their committee: proposals and answers; requests for an assembly signed by the owners.

Law (../shared/law/):
- Beijing art. 44(1)(5) (物业管理条例 art. 15(3)): the committee learns the opinions and suggestions of owners and
  users in good time. No article sets a time or form of answer; Linli records the answer, with who and when.
- Beijing art. 35 para. 2 (物业管理条例 art. 13 para. 2): "经百分之二十以上业主提议，业主委员会应当组织召开业主大会
  临时会议". One threshold, by head: 20% or more of the owners ("以上" includes the number, Civil Code art. 1259).
  Neither text sets an area threshold: the page shows the signed area for information only. Owners are counted as
  Civil Code art. 278 counts them (SPC interpretation art. 9), from the registry (services.motions.electorate).
- Neither text sets a number of days to convene. The meeting is announced 15 days before it is held (Beijing art.
  35 para. 4; 物业管理条例 art. 14); if the committee does not convene it, owners may ask the street to order it
  within a time limit and the street convenes it itself after that (Beijing art. 36). Where no owners' committee
  serves, a 物业管理委员会 organises the owners' decisions in its place (art. 56); where neither does, the request
  goes to the street (art. 36).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.assembly import permissions, tally
from linli.assembly.models import (
    AssemblyRequest,
    AssemblyRequestEvent,
    Channel,
    Committee,
    Proposal,
    ProposalAnswer,
    RequestSignature,
)
from linli.notify.services import notify, recipients
from linli.people.models import Post, Role, User
from linli.places.models import Estate, Home

from .motions import electorate

# Beijing art. 35 para. 2 / 物业管理条例 art. 13 para. 2: 20% or more of the owners (by head).
REQUEST_OWNERS_SHARE = Fraction(1, 5)
REQUEST_SOURCE = "北京市物业管理条例第三十五条第二款；物业管理条例第十三条第二款"
NOTICE_DAYS_BEFORE_MEETING = 15  # Beijing art. 35 para. 4; 物业管理条例 art. 14


def serving_body(estate: Estate):
    """The body that speaks for the owners of ``estate`` now: its serving owners' committee, else its 物业管理委员会
    (Beijing art. 56); None when neither serves."""
    terms = Committee.objects.serving().filter(estate=estate).select_related("organization")
    by_kind = {t.kind: t for t in terms}
    return by_kind.get(Committee.Kind.OWNERS) or by_kind.get(Committee.Kind.MANAGEMENT)


def body_members(committee: Committee):
    """The active accounts of the current members of a body."""
    persons = Post.objects.current().filter(organization=committee.organization).values("person_id")
    return list(recipients(User.objects.filter(is_active=True, person_id__in=persons)))


def street_admins(estate: Estate):
    street_id = estate.community.parent_id
    return list(recipients(User.objects.filter(is_active=True, memberships__role=Role.STREET_ADMIN,
                                               memberships__division_id=street_id).distinct()))


# -- proposals -----------------------------------------------------------------------------------------------


@transaction.atomic
def proposal_submit(*, estate: Estate, title: str, text: str, actor, attachment=None, now=None) -> Proposal:
    """An owner's proposal to the committee of their estate; ``attachment`` is (name, file) or None."""
    now = now or timezone.now()
    permissions.require(permissions.can_propose(actor, estate), _("只有本小区业主可以向业委会提出提议"))
    body = serving_body(estate)
    if body is None:
        raise ValidationError(_("本小区目前没有业主委员会或物业管理委员会，请向社区或街道反映"))
    if not title.strip():
        raise ValidationError({"title": _("请填写标题")})
    if not text.strip():
        raise ValidationError({"text": _("请填写内容")})
    name, file = attachment if attachment else ("", None)
    proposal = Proposal.objects.create(
        estate=estate, body_org=body.organization, title=title.strip()[:150], text=text.strip(),
        attachment=file or "", attachment_name=(name or "")[:120], person_id=actor.person_id, submitted_by=actor,
        submitted_at=now)
    notify(users=body_members(body), kind="owner_proposal", title=_("业主提议：%(t)s") % {"t": proposal.title},
           body=str(estate), link=reverse("assembly:proposal_detail", args=[proposal.pk]),
           key=f"proposal:{proposal.pk}")
    return proposal


@transaction.atomic
def proposal_answer(*, proposal: Proposal, text: str, actor, now=None) -> ProposalAnswer:
    """The committee's answer (a further answer is a new row); the owner is told."""
    now = now or timezone.now()
    permissions.require(permissions.can_answer_proposal(actor, proposal), _("只有本小区业委会/物管会成员可以答复"))
    if not text.strip():
        raise ValidationError({"text": _("请填写答复内容")})
    answer = ProposalAnswer.objects.create(proposal=proposal, text=text.strip(), actor=actor, at=now,
                                           kind="answered")
    notify(users=list(recipients(User.objects.filter(pk=proposal.submitted_by_id, is_active=True))),
           kind="owner_proposal", title=_("业委会已答复您的提议：%(t)s") % {"t": proposal.title},
           link=reverse("assembly:proposal_detail", args=[proposal.pk]), key=f"proposal-answer:{answer.pk}")
    return answer


# -- requests for an assembly (Beijing art. 35) ---------------------------------------------------------------


def request_figures(request: AssemblyRequest, on=None) -> dict:
    """Signed owners and area against the electorate of the estate as the registry stands (``on``, today)."""
    groups = electorate(request.estate, on=on)
    signed = set(request.signatures.filter(withdrawn_at__isnull=True).values_list("key", flat=True))
    total_owners = len(groups)
    total_area = sum((h.area for g in groups for h in g["homes"]), Decimal(0))
    signed_groups = [g for g in groups if g["key"] in signed]
    owners = len(signed_groups)
    area = sum((h.area for g in signed_groups for h in g["homes"]), Decimal(0))
    return {
        "owners": owners, "total_owners": total_owners, "area": area, "total_area": total_area,
        "owners_percent": tally.percent(owners, total_owners), "area_percent": tally.percent(area, total_area),
        "needed_owners": needed_owners(total_owners),
        "reached": threshold_reached(owners, total_owners),
    }


def needed_owners(total_owners: int) -> int:
    """The fewest owners that make 20% or more of ``total_owners``."""
    share = REQUEST_OWNERS_SHARE
    return -(-total_owners * share.numerator // share.denominator)


def threshold_reached(owners: int, total_owners: int) -> bool:
    """20% or more of the owners (以上 includes 20% itself, Civil Code art. 1259), exact."""
    return total_owners > 0 and tally.at_least(owners, total_owners, REQUEST_OWNERS_SHARE)


def owner_groups_of(estate: Estate, user, on=None) -> list[dict]:
    """The owners (as art. 278 counts them) of ``estate`` that ``user`` is one of (online: for oneself only)."""
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return []
    return [g for g in electorate(estate, on=on) if person_id in g["persons"]]


def _sign(request: AssemblyRequest, group: dict, *, channel: str, actor, now, sheet=None) -> RequestSignature:
    sig = RequestSignature.objects.select_for_update().filter(request=request, key=group["key"]).first()
    if sig is not None and sig.withdrawn_at is None:
        raise ValidationError(_("该业主已签名（%(at)s，%(channel)s）") % {
            "at": timezone.localtime(sig.signed_at).strftime("%Y-%m-%d %H:%M"), "channel": sig.get_channel_display()})
    kind = "signed" if sig is None else "signed_again"
    if sig is None:
        sig = RequestSignature(request=request, key=group["key"])
    sig.label, sig.channel, sig.signed_by, sig.signed_at = str(group["label"])[:200], channel, actor, now
    sig.sheet, sig.withdrawn_at = sheet or "", None
    sig.save()
    AssemblyRequestEvent.objects.create(request=request, kind=kind, actor=actor, at=now, data={
        "key": group["key"], "channel": channel, "sheet": sig.sheet.name if sig.sheet else ""})
    _check_reached(request, actor=actor, now=now)
    return sig


def _check_reached(request: AssemblyRequest, *, actor, now) -> None:
    """Once 20% of the owners have signed: mark the request reached and tell the body that convenes the meeting
    (the owners' committee, else the 物业管理委员会, else the street: Beijing arts. 35, 56, 36). Once only."""
    if request.status == AssemblyRequest.Status.REACHED:
        return
    figures = request_figures(request, on=timezone.localdate(now))
    if not figures["reached"]:
        return
    body = serving_body(request.estate)
    if body is not None:
        users, convener = body_members(body), str(body.organization)
    else:
        users, convener = street_admins(request.estate), str(request.estate.community.parent or "")
    request.status, request.reached_at, request.convener = AssemblyRequest.Status.REACHED, now, convener[:150]
    request.reached_owners, request.reached_total_owners = figures["owners"], figures["total_owners"]
    request.reached_area, request.reached_total_area = figures["area"], figures["total_area"]
    request.save()
    AssemblyRequestEvent.objects.create(request=request, kind="reached", actor=actor, at=now, data={
        "owners": figures["owners"], "total_owners": figures["total_owners"], "area": str(figures["area"]),
        "total_area": str(figures["total_area"]), "convener": convener, "notified": [u.pk for u in users]})
    notify(users=users, kind="assembly_request",
           title=_("%(p)s的业主提议召开业主大会临时会议：已达 20%%") % {"p": request.estate},
           body=_("提议事项：%(m)s。经百分之二十以上业主提议，业主委员会应当组织召开业主大会临时会议（%(src)s）；"
                  "会议召开十五日前通知全体业主并公示（第三十五条第四款）。") % {"m": request.matter, "src": REQUEST_SOURCE},
           link=reverse("assembly:request_detail", args=[request.pk]), key=f"assembly-request:{request.pk}:reached")


@transaction.atomic
def request_start(*, estate: Estate, matter: str, reason: str, actor, now=None) -> AssemblyRequest:
    """An owner starts a request for an extraordinary assembly and signs it first."""
    now = now or timezone.now()
    permissions.require(permissions.can_propose(actor, estate), _("只有本小区业主可以发起提议"))
    if not matter.strip():
        raise ValidationError({"matter": _("请填写提议事项")})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写理由")})
    groups = owner_groups_of(estate, actor, on=timezone.localdate(now))
    if not groups:
        raise ValidationError(_("只有本小区业主可以发起提议"))
    request = AssemblyRequest.objects.create(estate=estate, matter=matter.strip()[:150], reason=reason.strip(),
                                             started_by=actor, started_at=now)
    AssemblyRequestEvent.objects.create(request=request, kind="started", actor=actor, at=now,
                                        data={"matter": request.matter})
    for group in groups:
        _sign(request, group, channel=Channel.ONLINE, actor=actor, now=now)
    return request


@transaction.atomic
def request_sign(*, request: AssemblyRequest, actor, now=None) -> RequestSignature:
    """An owner signs online, for themselves (the owner as art. 278 counts them: all their homes, once)."""
    now = now or timezone.now()
    request = AssemblyRequest.objects.select_for_update().get(pk=request.pk)
    permissions.require(permissions.can_propose(actor, request.estate), _("只有本小区业主可以签名"))
    groups = owner_groups_of(request.estate, actor, on=timezone.localdate(now))
    if not groups:
        raise ValidationError(_("只有本小区业主可以签名"))
    # A person who is an owner twice over (sole owner of one home, co-owner of another) signs for both.
    unsigned = [g for g in groups if not request.signatures.filter(key=g["key"], withdrawn_at__isnull=True).exists()]
    if not unsigned:
        return _sign(request, groups[0], channel=Channel.ONLINE, actor=actor, now=now)  # refused: names the signature
    return [_sign(request, g, channel=Channel.ONLINE, actor=actor, now=now) for g in unsigned][0]


def find_owner(estate: Estate, *, building: str, room: str, on=None) -> dict:
    """The owner (as art. 278 counts them) of the home ``building``/``room`` of ``estate``, for a paper sheet."""
    home = Home.objects.filter(estate=estate, building__number__in=[building.strip(), f"{building.strip()}栋"],
                               number=room.strip()).first()
    if home is None:
        raise ValidationError({"room": _("本小区没有这套房屋：%(b)s %(r)s") % {"b": building, "r": room}})
    for group in electorate(estate, on=on):
        if any(h.pk == home.pk for h in group["homes"]):
            return group
    raise ValidationError({"room": _("本小区没有这套房屋：%(b)s %(r)s") % {"b": building, "r": room}})


@transaction.atomic
def request_sign_paper(*, request: AssemblyRequest, building: str, room: str, sheet, actor, now=None
                       ) -> RequestSignature:
    """A paper signature entered by an admin of the estate from the owner's signed sheet (its scan kept), with
    who entered it; the owner of the home counts once, with all their homes."""
    now = now or timezone.now()
    request = AssemblyRequest.objects.select_for_update().get(pk=request.pk)
    permissions.require(permissions.can_record_paper_signature(actor, request), _("只有本小区的管理员可以录入纸质签名"))
    if not sheet:
        raise ValidationError({"sheet": _("请上传签名页扫描件")})
    group = find_owner(request.estate, building=building, room=room, on=timezone.localdate(now))
    return _sign(request, group, channel=Channel.PAPER, actor=actor, now=now, sheet=sheet)


@transaction.atomic
def request_withdraw(*, request: AssemblyRequest, actor, now=None) -> RequestSignature:
    """An owner withdraws their signature (a new event; the signature row keeps when it was withdrawn). A request
    already reached stays reached: the owners' proposal was made then."""
    now = now or timezone.now()
    request = AssemblyRequest.objects.select_for_update().get(pk=request.pk)
    keys = [g["key"] for g in owner_groups_of(request.estate, actor, on=timezone.localdate(now))]
    sig = RequestSignature.objects.select_for_update().filter(request=request, key__in=keys,
                                                             withdrawn_at__isnull=True).first()
    if sig is None:
        raise ValidationError(_("您没有有效的签名可以撤回"))
    sig.withdrawn_at = now
    sig.save(update_fields=["withdrawn_at"])
    AssemblyRequestEvent.objects.create(request=request, kind="withdrawn", actor=actor, at=now, data={"key": sig.key})
    return sig
