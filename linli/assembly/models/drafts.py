"""A notice drafted by an estate's committee for the street's review (issue 19).

A notice (公示) is public from the moment it exists, so a committee's draft is not a Notice: it is a NoticeDraft,
submitted to the street, returned with a reason (revised and submitted again) or approved; on approval the
reviewing admin posts it (services.notice_post) and the draft keeps the notice it became. The committee speaks for
the owners of its estate (Beijing art. 44(1)(8): it posts and reports to the owners) but what it posts goes through
the street, which guides and supervises it (Beijing arts. 44(11), 51).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.events import Event

from .meetings import _staff_estates


class NoticeDraftQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The admins of the estate's community, street or district and the estate's committee; never the
        residents (a draft is not public yet)."""
        from linli.people.scopes import scope_for

        scope = scope_for(user)
        q = models.Q(estate_id__in=scope.committee_estate_ids)
        if scope.is_registry_admin:  # the street, community and district review; a property company does not
            q |= models.Q(estate__in=_staff_estates(user))
        return self.filter(q)


def _draft_attachment_path(instance, filename):
    return f"assembly/notice-drafts/{instance.estate_id}/{filename}"


class NoticeDraft(models.Model):
    """A notice an estate's committee drafts for the street's review; posted by the reviewer when approved."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待街道审核")
        RETURNED = "returned", _("已退回修改")
        APPROVED = "approved", _("审核通过并已发布")

    class Scope(models.TextChoices):
        BUILDING = "building", _("楼栋")
        ESTATE = "estate", _("小区")

    estate = models.ForeignKey("places.Estate", verbose_name=_("小区"), on_delete=models.PROTECT,
                               related_name="notice_drafts")
    building = models.ForeignKey("places.Building", verbose_name=_("楼栋"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(_("公示范围"), max_length=16, choices=Scope.choices, default=Scope.ESTATE)
    title = models.CharField(_("标题"), max_length=150)
    body = models.TextField(_("正文"))
    posted_on = models.DateField(_("公示开始"))
    ends_on = models.DateField(_("公示结束"))
    attachment = models.FileField(_("附件"), upload_to=_draft_attachment_path, blank=True)
    attachment_name = models.CharField(_("附件名称"), max_length=120, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED,
                              db_index=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("起草人"), on_delete=models.PROTECT,
                                   related_name="+")
    drafted_at = models.DateTimeField(_("起草时间"), default=timezone.now)
    submitted_at = models.DateTimeField(_("提交审核时间"), default=timezone.now)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_reason = models.CharField(_("退回理由"), max_length=300, blank=True)
    notice = models.OneToOneField("assembly.Notice", verbose_name=_("发布的公示"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="draft")

    objects = NoticeDraftQuerySet.as_manager()

    class Meta:
        verbose_name = _("公示草稿")
        verbose_name_plural = _("公示草稿")
        ordering = ["-submitted_at", "-id"]

    def __str__(self):
        return self.title


class NoticeDraftEvent(Event):
    """Append-only history of a notice draft: submitted, returned (with the reason), revised, approved."""

    draft = models.ForeignKey(NoticeDraft, verbose_name=_("公示草稿"), on_delete=models.PROTECT, related_name="events")

    class Meta:
        verbose_name = _("公示草稿记录")
        verbose_name_plural = _("公示草稿记录")
        ordering = ["draft_id", "at", "id"]

    def __str__(self):
        return f"{self.draft_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
