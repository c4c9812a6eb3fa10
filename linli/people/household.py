"""Households and the walk-in desk (issue 18): staff register a resident with their phone, residents invite family
members by phone, and owners remove a family member. Every change is a line of the audit log.

* ``desk_register``: desk staff (permissions.DESK_ROLES) create a person, their occupancy of a home of their scope
  and a resident account without a password, and the resident gets an SMS that they can sign in with their phone.
* ``household_add``: the head of a household invites a member by phone (a ``HouseholdInvitation`` accepted when the
  number signs in with a code, linli/people/signin.py); desk staff, who see the person in front of them, link
  them at once.
* ``household_remove``: an owner or the desk ends a family member's occupancy (ended, never deleted).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.text import clean_text, mask_name, mask_phone
from linli.people import permissions, sms
from linli.people.models import AuditEvent, HouseholdInvitation, Occupancy, Person, User
from linli.people.phones import phone_variants
from linli.people.scopes import forget_scopes
from linli.people.services import audit
from linli.people.signin import account_for, phone_or_error

INVITATION_DAYS = 7
INVITATIONS_PER_HOME_DAY = 10


def _name(value) -> str:
    name = clean_text(value).strip()[:60]
    if not name:
        raise ValidationError(_("请填写姓名。"), code="required")
    return name


def _home_label(home) -> str:
    return f"{home.estate.name} {home}"


def members(home) -> list[Occupancy]:
    """Who lives in ``home`` now, owners first, each with their person."""
    return list(Occupancy.objects.current().filter(home=home).select_related("person").order_by("relation", "pk"))


def pending(home, now=None) -> list[HouseholdInvitation]:
    now = now or timezone.now()
    return list(HouseholdInvitation.objects.filter(home=home, accepted_at__isnull=True, revoked_at__isnull=True,
                                                   expires_at__gt=now).order_by("-created_at"))


def desk_register(*, actor, name, phone, home, relation=Occupancy.Relation.OWNER, request=None, now=None) -> User:
    """Register a resident at the desk: person, occupancy of ``home``, account; an SMS tells them to sign in."""
    if not permissions.can_register_at_desk(actor, home):
        raise PermissionDenied(_("您不能为这户登记居民。"))
    if relation not in Occupancy.Relation.values:
        raise ValidationError(_("请选择与房屋的关系。"), code="invalid")
    now = now or timezone.now()
    name, phone = _name(name), phone_or_error(phone)
    variants = phone_variants(phone)
    taken = User.objects.filter(person__phone__in=variants).select_related("person").first()
    if taken is not None:
        raise ValidationError(
            _("手机号 %(phone)s 已有账号（%(name)s），不能重复登记。请居民直接用这个手机号获取验证码登录；"
              "如是这户的家庭成员，请在“家庭成员”中添加。") % {"phone": mask_phone(phone),
                                                   "name": mask_name(taken.person.name)},
            code="duplicate_phone")
    with transaction.atomic():
        same = list(Person.objects.filter(phone__in=variants)[:2])
        if len(same) == 1 and same[0].name == name:
            person = same[0]  # already in the registry (an import): the same person, not a second one
        elif same:
            raise ValidationError(
                _("手机号 %(phone)s 已登记给另一位人员（%(name)s）。请核对号码，或先在登记中更正。") % {
                    "phone": mask_phone(phone), "name": mask_name(same[0].name)}, code="duplicate_phone")
        else:
            person = Person.objects.create(name=name, phone=phone)
        if not Occupancy.objects.current().filter(person=person, home=home).exists():
            Occupancy.objects.create(person=person, home=home, relation=relation, start=timezone.localdate(now))
        user = account_for(person, home=home)
        forget_scopes()
        audit(action=AuditEvent.Action.DESK_REGISTER, user=actor, request=request, target=_home_label(home)[:120],
              data={"person": person.pk, "account": user.pk, "relation": relation})
        sms.send(phone=phone, key=f"welcome:{user.pk}", kind="welcome", text=_(
            "【邻里】%(name)s您好，您已登记为%(home)s的住户。打开邻里，选“手机验证码登录”，输入本手机号即可登录，"
            "不需要密码。") % {"name": name, "home": _home_label(home)})
    return user


def household_add(*, actor, home, name, phone, request=None, now=None):
    """Add a member to ``home``: desk staff link them at once (an ``Occupancy``), the head of the household invites
    them (a ``HouseholdInvitation``, sent by SMS). Returns what was made."""
    if not permissions.can_invite_to_household(actor, home):
        raise PermissionDenied(_("您不能为这户添加家庭成员。"))
    now = now or timezone.now()
    name, phone = _name(name), phone_or_error(phone)
    variants = phone_variants(phone)
    if Occupancy.objects.current().filter(home=home, person__phone__in=variants).exists():
        raise ValidationError(_("手机号 %(phone)s 已是这户的成员。") % {"phone": mask_phone(phone)}, code="member")
    with transaction.atomic():
        if permissions.can_register_at_desk(actor, home):
            same = list(Person.objects.filter(phone__in=variants)[:2])
            if len(same) > 1:
                raise ValidationError(_("手机号 %(phone)s 登记给了多位人员，请先在登记中更正。") % {
                    "phone": mask_phone(phone)}, code="duplicate_phone")
            person = same[0] if same else Person.objects.create(name=name, phone=phone)
            occ = Occupancy.objects.create(person=person, home=home, relation=Occupancy.Relation.FAMILY,
                                           start=timezone.localdate(now))
            forget_scopes()
            audit(action=AuditEvent.Action.HOUSEHOLD, user=actor, request=request, target=_home_label(home)[:120],
                  data={"added": person.pk, "by": "desk"})
            return occ
        since = now - datetime.timedelta(days=1)
        if HouseholdInvitation.objects.filter(home=home, created_at__gte=since).count() >= INVITATIONS_PER_HOME_DAY:
            raise ValidationError(_("这户今天发出的邀请已达上限，请明天再试，或到社区服务台办理。"), code="daily_limit")
        # A second invitation of the same number replaces the first.
        HouseholdInvitation.objects.filter(home=home, phone=phone, accepted_at__isnull=True,
                                           revoked_at__isnull=True).update(revoked_at=now)
        invitation = HouseholdInvitation.objects.create(
            home=home, phone=phone, name=name, invited_by=actor, created_at=now,
            expires_at=now + datetime.timedelta(days=INVITATION_DAYS))
        audit(action=AuditEvent.Action.HOUSEHOLD, user=actor, request=request, target=_home_label(home)[:120],
              data={"invited": invitation.pk})
        inviter = actor.person.name if actor.person_id else actor.get_username()
        sms.send(phone=phone, key=f"invite:{invitation.pk}", kind="invitation", text=_(
            "【邻里】%(inviter)s邀请您作为家庭成员加入%(home)s。%(days)s天内打开邻里，选“手机验证码登录”，"
            "输入本手机号即可加入。") % {"inviter": mask_name(inviter), "home": _home_label(home), "days": INVITATION_DAYS})
    return invitation


def invitation_revoke(*, actor, invitation, request=None, now=None) -> HouseholdInvitation:
    if not permissions.can_invite_to_household(actor, invitation.home):
        raise PermissionDenied(_("您不能撤回这个邀请。"))
    now = now or timezone.now()
    HouseholdInvitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now)
    audit(action=AuditEvent.Action.HOUSEHOLD, user=actor, request=request,
          target=_home_label(invitation.home)[:120], data={"revoked": invitation.pk})
    invitation.refresh_from_db()
    return invitation


def household_remove(*, actor, occupancy, request=None, now=None) -> Occupancy:
    """End a family member's occupancy of the home (the row stays, with its end date)."""
    if not permissions.can_remove_from_household(actor, occupancy):
        raise PermissionDenied(_("您不能移除这位家庭成员。"))
    today = timezone.localdate(now)
    # Current occupancies are those whose end is today or later: ending yesterday ends it now.
    Occupancy.objects.filter(pk=occupancy.pk).update(end=today - datetime.timedelta(days=1))
    forget_scopes()
    audit(action=AuditEvent.Action.HOUSEHOLD, user=actor, request=request, target=_home_label(occupancy.home)[:120],
          data={"removed": occupancy.person_id})
    occupancy.refresh_from_db()
    return occupancy
