"""What owners put to their committee: proposals and suggestions (业主提议/建议), and the request of 20% of the
owners for an assembly (Beijing art. 35; 物业管理条例 art. 13).

- A proposal goes to the estate's owners' committee or 物业管理委员会, which answers it. The committee's duty
  to learn the opinions and suggestions of owners and users is Beijing art. 44(1)(5) (物业管理条例 art. 15(3));
  no article sets a time or a form for the answer: answering in Linli is a service, recorded with who and when.
- A request for an assembly (提议召开业主大会临时会议): "经百分之二十以上业主提议，业主委员会应当组织召开业主大会临时
  会议" (Beijing art. 35 para. 2; 物业管理条例 art. 13 para. 2, the same 20%). Owners sign it like ballots: one
  signature per owner as Civil Code art. 278 counts them (SPC interpretation art. 9: one per home, a person with
  several homes once, the developer's unsold homes once), online by the owner or on paper entered by staff.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.events import Event

from .motions import Channel


class Proposal(models.Model):
    """A proposal or suggestion an owner sends to the estate's committee (Beijing art. 44(1)(5))."""

    estate = models.ForeignKey("places.Estate", verbose_name=_("小区"), on_delete=models.PROTECT,
                               related_name="owner_proposals")
    # The body it was sent to (the owners' committee or the 物业管理委员会 serving then).
    body_org = models.ForeignKey("people.Organization", verbose_name=_("收件机构"), on_delete=models.PROTECT,
                                 related_name="+")
    title = models.CharField(_("标题"), max_length=150)
    text = models.TextField(_("内容"))
    attachment = models.FileField(_("附件"), upload_to="assembly/proposals/%Y/%m/", blank=True)
    attachment_name = models.CharField(_("附件名称"), max_length=120, blank=True)
    person = models.ForeignKey("people.Person", verbose_name=_("提议业主"), on_delete=models.PROTECT,
                               related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提交账号"), on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("业主提议")
        verbose_name_plural = _("业主提议")
        ordering = ["-submitted_at", "-id"]

    def __str__(self):
        return self.title


class ProposalAnswer(Event):
    """The committee's answer to a proposal, with who and when; a further answer is a new row."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("业主提议"), on_delete=models.PROTECT,
                                 related_name="answers")
    text = models.TextField(_("答复"))

    class Meta:
        verbose_name = _("提议答复")
        verbose_name_plural = _("提议答复")
        ordering = ["proposal_id", "at", "id"]

    def __str__(self):
        return f"{self.proposal_id} {self.at:%Y-%m-%d %H:%M}"


class AssemblyRequest(models.Model):
    """Owners' request that the committee convene an extraordinary assembly (Beijing art. 35 para. 2)."""

    class Status(models.TextChoices):
        COLLECTING = "collecting", _("征集签名中")
        REACHED = "reached", _("已达到法定人数")

    estate = models.ForeignKey("places.Estate", verbose_name=_("小区"), on_delete=models.PROTECT,
                               related_name="assembly_requests")
    matter = models.CharField(_("提议事项"), max_length=150)
    reason = models.TextField(_("理由"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.PROTECT,
                                   related_name="+")
    started_at = models.DateTimeField(_("发起时间"), default=timezone.now)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.COLLECTING,
                              db_index=True)
    # Written once, when 20% of the owners had signed: the figures then, and who was told to convene.
    reached_at = models.DateTimeField(_("达到时间"), null=True, blank=True)
    reached_owners = models.PositiveIntegerField(_("达到时签名人数"), null=True, blank=True)
    reached_total_owners = models.PositiveIntegerField(_("达到时业主总人数"), null=True, blank=True)
    reached_area = models.DecimalField(_("达到时签名面积"), max_digits=14, decimal_places=2, null=True, blank=True)
    reached_total_area = models.DecimalField(_("达到时总面积"), max_digits=14, decimal_places=2, null=True,
                                             blank=True)
    convener = models.CharField(_("召集方"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("召开业主大会提议")
        verbose_name_plural = _("召开业主大会提议")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return self.matter


class RequestSignature(models.Model):
    """An owner's current signature on a request (one per owner as art. 278 counts them); every signing and
    withdrawal is an AssemblyRequestEvent."""

    request = models.ForeignKey(AssemblyRequest, verbose_name=_("提议"), on_delete=models.PROTECT,
                                related_name="signatures")
    key = models.CharField(_("业主标识"), max_length=200)
    label = models.CharField(_("业主"), max_length=200)
    channel = models.CharField(_("方式"), max_length=8, choices=Channel.choices)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签名/录入人"), on_delete=models.PROTECT,
                                  related_name="+")
    signed_at = models.DateTimeField(_("签名时间"), default=timezone.now)
    sheet = models.FileField(_("纸质签名扫描件"), upload_to="assembly/requests/%Y/%m/", blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("提议签名")
        verbose_name_plural = _("提议签名")
        ordering = ["request_id", "id"]
        constraints = [models.UniqueConstraint(fields=["request", "key"], name="request_signature_once_per_owner")]

    def __str__(self):
        return f"{self.request_id} · {self.key}"


class AssemblyRequestEvent(Event):
    """Append-only history of a request: started, signed (online or paper, with who entered it), withdrawn,
    reached (with the figures and whom it notified)."""

    request = models.ForeignKey(AssemblyRequest, verbose_name=_("提议"), on_delete=models.PROTECT,
                                related_name="events")

    class Meta:
        verbose_name = _("提议记录")
        verbose_name_plural = _("提议记录")
        ordering = ["request_id", "at", "id"]

    def __str__(self):
        return f"{self.request_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
