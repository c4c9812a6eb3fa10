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
)
from linli.notify.services import notify, recipients
from linli.people.models import Occupancy, User
from linli.places.models import Division, Estate

# -- notices -------------------------------------------------------------------------------------------------


@transaction.atomic
def notice_post(
    *, title: str, body: str, scope: str, posted_on: datetime.date, ends_on: datetime.date, actor,
    estate: Estate | None = None, building=None, community: Division | None = None, motion: Motion | None = None,
    meeting: Meeting | None = None, attachments=(),
) -> Notice:
    """Post a notice (公示) for a building, an estate or a community; ``attachments`` are (name, file) pairs."""
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
                                   motion=motion, meeting=meeting, created_by=actor)
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
