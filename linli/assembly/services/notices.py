"""Notices (公示): posting, withdrawing, acknowledging."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.assembly import permissions
from linli.assembly.models import (
    Acknowledgement,
    Meeting,
    Motion,
    Notice,
    NoticeAttachment,
    NoticeDraft,
    NoticeDraftEvent,
)
from linli.notify.services import notify, recipients
from linli.people.models import Occupancy, User
from linli.places.models import Division, Estate

# -- notices -------------------------------------------------------------------------------------------------


@transaction.atomic
def notice_post(
    *, title: str, body: str, scope: str, posted_on: datetime.date, ends_on: datetime.date, actor,
    estate: Estate | None = None, building=None, community: Division | None = None, motion: Motion | None = None,
    meeting: Meeting | None = None, attachments=(), now=None,
) -> Notice:
    """Post a notice (公示) for a building, an estate or a community; ``attachments`` are (name, file) pairs;
    ``now``: when it is posted (a motion's result, posted when the motion is closed)."""
    permissions.require(permissions.can_write(
        actor, estate=building.estate if building is not None else estate, division=community))
    if not title.strip() or not body.strip():
        raise ValidationError(_("请填写标题和正文"))
    if ends_on < posted_on:
        raise ValidationError({"ends_on": _("公示结束日期不能早于开始日期")})
    if scope == Notice.Scope.BUILDING:
        if building is None:
            raise ValidationError({"building": _("楼栋公示必须指定楼栋")})
        estate = building.estate
    elif scope == Notice.Scope.ESTATE:
        if estate is None:
            raise ValidationError({"estate": _("小区公示必须指定小区")})
        building = None
    elif scope == Notice.Scope.COMMUNITY:
        if community is None or community.level != Division.Level.COMMUNITY:
            raise ValidationError({"community": _("社区公示必须指定社区")})
        estate = building = None
    else:
        raise ValidationError({"scope": _("未知的公示范围")})
    if estate is not None:
        community = estate.community
    if motion is not None and motion.closed_at is not None:
        latest = timezone.localdate(motion.closed_at) + datetime.timedelta(days=Notice.DECISION_POSTING_DAYS)
        if posted_on > latest:
            raise ValidationError({"posted_on": _("表决结果应在作出决定后3日内公示")})
    notice = Notice.objects.create(title=title.strip(), body=body.strip(), scope=scope, community=community,
                                   estate=estate, building=building, posted_on=posted_on, ends_on=ends_on,
                                   motion=motion, meeting=meeting, created_by=actor,
                                   created_at=now or timezone.now())
    for name, file in attachments:
        NoticeAttachment.objects.create(notice=notice, name=name or getattr(file, "name", "附件"), file=file)
    _tell_residents(notice)
    return notice


def notice_residents(notice: Notice):
    """The accounts of the people who live (now) where the notice is posted: its building, estate or community."""
    homes = Occupancy.objects.current()
    if notice.building_id:
        homes = homes.filter(home__building_id=notice.building_id)
    elif notice.estate_id:
        homes = homes.filter(home__estate_id=notice.estate_id)
    else:
        homes = homes.filter(home__estate__community_id=notice.community_id)
    return recipients(User.objects.filter(is_active=True, person_id__in=homes.values("person_id")))


def _tell_residents(notice: Notice) -> None:
    """One notification per resident (inbox and their channel), once per notice, in the posting transaction."""
    notify(users=list(notice_residents(notice)), title=_("新公示：%(t)s") % {"t": notice.title},
           body=_("公示期 %(a)s 至 %(b)s") % {"a": notice.posted_on.isoformat(), "b": notice.ends_on.isoformat()},
           kind="notice", link=reverse("assembly:notice_detail", args=[notice.pk]), key=f"notice:{notice.pk}")


@transaction.atomic
def notice_withdraw(*, notice: Notice, reason: str, actor, now=None) -> Notice:
    """Take a notice down (it is kept, with who and why)."""
    permissions.require(permissions.can_write_notice(actor, notice))
    if notice.withdrawn_at is not None:
        raise ValidationError(_("公示已撤回"))
    if notice.motion_id:
        raise ValidationError(_("表决结果公示不能撤回"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写撤回原因")})
    notice.withdrawn_at, notice.withdrawn_reason = now or timezone.now(), f"{reason.strip()}（{actor}）"
    notice.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    return notice


def notice_acknowledge(*, notice: Notice, user, now=None) -> Acknowledgement:
    """A resident has read the notice; acknowledging twice changes nothing."""
    permissions.require(permissions.can_acknowledge(user), _("只有居民可以确认已阅"))
    ack, _created = Acknowledgement.objects.get_or_create(notice=notice, user=user,
                                                          defaults={"at": now or timezone.now()})
    return ack


# -- issue 19 (review): a committee's notice, posted by the street after review ----------------------------------
# The committee posts to the owners (Beijing art. 44(1)(8), art. 45 para. 4: what it decided, within three days)
# through the street, which guides and supervises it (arts. 44(11), 51): a draft is submitted, returned with a
# reason or approved; on approval the reviewer posts it as a notice (notice_post) and the residents are told.


def review_recipients(estate: Estate):
    """The accounts that review a committee's drafts of ``estate``: admins of its community and its street."""
    from linli.people.models import Role

    community = estate.community
    divisions = [community.pk] + ([community.parent_id] if community.parent_id else [])
    users = User.objects.filter(
        is_active=True, memberships__role__in=[Role.COMMUNITY_ADMIN, Role.STREET_ADMIN],
        memberships__division_id__in=divisions).distinct()
    return list(recipients(users))


def _draft_fields(*, estate, scope, building, title, body, posted_on, ends_on):
    if not title.strip() or not body.strip():
        raise ValidationError(_("请填写标题和正文"))
    if ends_on < posted_on:
        raise ValidationError({"ends_on": _("公示结束日期不能早于开始日期")})
    if scope == NoticeDraft.Scope.BUILDING:
        if building is None or building.estate_id != estate.pk:
            raise ValidationError({"building": _("楼栋公示必须指定本小区的楼栋")})
    elif scope == NoticeDraft.Scope.ESTATE:
        building = None
    else:
        raise ValidationError({"scope": _("业委会公示的范围只能是本小区或其中一栋楼")})
    return building


def _tell_draft_reviewers(draft: NoticeDraft) -> None:
    notify(users=review_recipients(draft.estate), kind="committee_draft",
           title=_("业委会提交公示待审核：%(t)s") % {"t": draft.title}, body=str(draft.estate),
           link=reverse("assembly:draft_notice", args=[draft.pk]),
           key=f"draft-notice:{draft.pk}:{draft.submitted_at.isoformat()}")


@transaction.atomic
def notice_draft_submit(
    *, estate: Estate, title: str, body: str, posted_on: datetime.date, ends_on: datetime.date, actor,
    scope: str = NoticeDraft.Scope.ESTATE, building=None, attachment=None, now=None,
) -> NoticeDraft:
    """A committee member's notice of their estate, submitted for the street's review; ``attachment`` is
    (name, file) or None."""
    now = now or timezone.now()
    permissions.require(permissions.can_draft(actor, estate), _("只有本小区业主委员会/物业管理委员会成员可以起草"))
    building = _draft_fields(estate=estate, scope=scope, building=building, title=title, body=body,
                             posted_on=posted_on, ends_on=ends_on)
    name, file = attachment if attachment else ("", None)
    draft = NoticeDraft.objects.create(
        estate=estate, building=building, scope=scope, title=title.strip(), body=body.strip(), posted_on=posted_on,
        ends_on=ends_on, attachment=file or "", attachment_name=(name or "")[:120], drafted_by=actor,
        drafted_at=now, submitted_at=now)
    NoticeDraftEvent.objects.create(draft=draft, kind="submitted", actor=actor, at=now)
    _tell_draft_reviewers(draft)
    return draft


@transaction.atomic
def notice_draft_revise(
    *, draft: NoticeDraft, title: str, body: str, posted_on: datetime.date, ends_on: datetime.date, actor,
    scope: str = NoticeDraft.Scope.ESTATE, building=None, attachment=None, now=None,
) -> NoticeDraft:
    """Revise a returned draft and submit it again; the text before is kept on the "revised" event."""
    now = now or timezone.now()
    draft = NoticeDraft.objects.select_for_update().get(pk=draft.pk)
    permissions.require(permissions.can_draft(actor, draft.estate), _("只有本小区业主委员会/物业管理委员会成员可以修改草稿"))
    if draft.status != NoticeDraft.Status.RETURNED:
        raise ValidationError(_("只有被退回的草稿可以修改后重新提交"))
    building = _draft_fields(estate=draft.estate, scope=scope, building=building, title=title, body=body,
                             posted_on=posted_on, ends_on=ends_on)
    before = {"title": draft.title, "body": draft.body, "scope": draft.scope, "building": draft.building_id,
              "posted_on": draft.posted_on.isoformat(), "ends_on": draft.ends_on.isoformat(),
              "attachment": draft.attachment.name or ""}
    draft.title, draft.body, draft.scope, draft.building = title.strip(), body.strip(), scope, building
    draft.posted_on, draft.ends_on = posted_on, ends_on
    if attachment:
        draft.attachment_name, draft.attachment = (attachment[0] or "")[:120], attachment[1]
    draft.status, draft.submitted_at = NoticeDraft.Status.SUBMITTED, now
    draft.save()
    NoticeDraftEvent.objects.create(draft=draft, kind="revised", actor=actor, at=now, data={"before": before})
    _tell_draft_reviewers(draft)
    return draft


@transaction.atomic
def notice_draft_review(*, draft: NoticeDraft, actor, approve: bool, reason: str = "", now=None) -> NoticeDraft:
    """Approve a committee's notice — the reviewer posts it at once (from its first day, or today if that has
    passed) — or return it with a reason."""
    now = now or timezone.now()
    draft = NoticeDraft.objects.select_for_update().get(pk=draft.pk)
    permissions.require(permissions.can_review(actor, draft.estate), _("只有本小区所在社区、街道的管理员可以审核"))
    if draft.status != NoticeDraft.Status.SUBMITTED:
        raise ValidationError(_("该草稿不在待审核状态"))
    if approve:
        today = timezone.localdate(now)
        posted_on = max(draft.posted_on, today)
        if draft.ends_on < posted_on:
            raise ValidationError(_("公示期已过（%(end)s），请退回业委会修改日期") % {"end": draft.ends_on.isoformat()})
        attachments = [(draft.attachment_name, draft.attachment)] if draft.attachment else []
        notice = notice_post(title=draft.title, body=draft.body, scope=draft.scope, estate=draft.estate,
                             building=draft.building, posted_on=posted_on, ends_on=draft.ends_on, actor=actor,
                             attachments=attachments, now=now)
        draft.status, draft.notice, draft.review_reason = NoticeDraft.Status.APPROVED, notice, ""
        kind, data = "approved", {"notice": notice.pk}
    else:
        if not reason.strip():
            raise ValidationError({"reason": _("退回须写明理由")})
        draft.status, draft.review_reason = NoticeDraft.Status.RETURNED, reason.strip()[:300]
        kind, data = "returned", {"reason": reason.strip()[:300]}
    draft.reviewed_by, draft.reviewed_at = actor, now
    draft.save(update_fields=["status", "notice", "review_reason", "reviewed_by", "reviewed_at"])
    NoticeDraftEvent.objects.create(draft=draft, kind=kind, actor=actor, at=now, data=data)
    verdict = _("审核通过并已发布") if approve else _("退回修改")
    notify(users=[draft.drafted_by], kind="committee_draft", link=reverse("assembly:draft_notice", args=[draft.pk]),
           title=_("公示草稿%(v)s：%(t)s") % {"v": verdict, "t": draft.title}, body=data.get("reason", ""),
           key=f"draft-notice:{draft.pk}:{kind}:{now.isoformat()}")
    return draft
