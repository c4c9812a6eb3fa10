"""Signing in with a phone number and a one-time code (手机验证码登录), for residents who never chose a password.

1. ``code_request(phone=…)``: the number is normalised (full-width digits, +86, spaces); a 6-digit code is drawn,
   only its keyed hash (HMAC-SHA256 with SECRET_KEY and a salt of its own) is stored, and the code is sent by SMS
   when the number can sign in. A row is written for *every* number, with an account or not, so that the answer
   and the limits are the same for both: nobody learns from this page whether a number is registered.
2. ``code_verify(phone=…, code=…)``: the newest unused code of the number, within its 5 minutes, at most 5 tries
   (counted by a conditional UPDATE before the comparison, so that parallel tries cannot pass the limit), compared
   in constant time; a right code is used once. The account is then the one whose person has this phone.

Limits (settings, README "Configuration"): one code per number per ``LINLI_SIGNIN_CODE_INTERVAL_SECONDS`` (60),
``LINLI_SIGNIN_CODES_PER_PHONE_DAY`` (10) per number and local day, and per client address the rate limits
``LINLI_RATELIMIT_SIGNIN_CODE`` (codes, 10/h) and ``LINLI_RATELIMIT_SIGNIN_VERIFY`` (tries, 30/h) of
linli/core/ratelimit.py. The per-number SMS limits of the channels apply on top.

Who a number signs in as: the one active account whose person has this phone (staff accounts of the admin site,
``is_staff``/superusers, never: they sign in with their password). A person of the registry who lives in a home now
and has no account gets one (a resident registered by an import or at the desk). A number with pending household
invitations gets a person and an account, and every pending invitation of the number is accepted: the person
becomes a family member of that home. A number shared by several accounts (an elderly couple with one phone) asks,
once its code is right, which of them is signing in (``SeveralAccounts``, ``choose_account``).
"""

from __future__ import annotations

import datetime
import hmac
import secrets
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from linli.core.text import mask_phone
from linli.people import sms
from linli.people.models import HouseholdInvitation, Membership, Occupancy, Person, Role, SignInCode, User
from linli.people.phones import normalize_phone, phone_variants
from linli.people.scopes import forget_scopes

CODE_KIND = "signin_code"
DIGITS = 6


def code_minutes() -> int:
    return int(getattr(settings, "LINLI_SIGNIN_CODE_MINUTES", 5))


def max_tries() -> int:
    return int(getattr(settings, "LINLI_SIGNIN_CODE_TRIES", 5))


def interval_seconds() -> int:
    return int(getattr(settings, "LINLI_SIGNIN_CODE_INTERVAL_SECONDS", 60))


def per_day() -> int:
    return int(getattr(settings, "LINLI_SIGNIN_CODES_PER_PHONE_DAY", 10))


def code_hash(phone: str, code: str, salt: str) -> str:
    return salted_hmac("linli.people.signin_code", f"{phone}:{code}:{salt}", algorithm="sha256").hexdigest()


def phone_or_error(value) -> str:
    phone = normalize_phone(value)
    if not phone:
        raise ValidationError(_("请输入正确的11位手机号码。"), code="invalid_phone")
    return phone


# -- who a number signs in as ----------------------------------------------------------------------------------

@dataclass
class Holder:
    """What a number stands for: its accounts, its registered people without one, its pending invitations."""

    users: list = field(default_factory=list)
    people: list = field(default_factory=list)
    invitations: list = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.users or self.people or self.invitations)


def pending_invitations(phone: str, now=None):
    now = now or timezone.now()
    return HouseholdInvitation.objects.filter(phone=phone, accepted_at__isnull=True, revoked_at__isnull=True,
                                              expires_at__gt=now).select_related("home__estate")


def holder_of(phone: str, now=None) -> Holder:
    variants = phone_variants(phone)
    users = list(User.objects.filter(person__phone__in=variants, is_active=True, is_staff=False,
                                     is_superuser=False).select_related("person"))
    with_account = set(User.objects.filter(person__phone__in=variants).values_list("person_id", flat=True))
    living = Occupancy.objects.current(on=timezone.localdate(now)).values("person_id")
    people = list(Person.objects.filter(phone__in=variants, pk__in=living).exclude(pk__in=with_account))
    return Holder(users=users, people=people, invitations=list(pending_invitations(phone, now)))


def _new_username() -> str:
    while True:
        name = f"r{secrets.token_hex(4)}"
        if not User.objects.filter(username=name).exists():
            return name


def account_for(person: Person, *, home=None) -> User:
    """A new resident account for ``person`` (no password: they sign in with codes), with the resident role of the
    estate of ``home`` (or of their first current home)."""
    user = User(username=_new_username(), display_name=person.name[:60], person=person)
    user.set_unusable_password()
    user.save()
    if home is None:
        occ = Occupancy.objects.current().filter(person=person).select_related("home").order_by("pk").first()
        home = occ.home if occ else None
    if home is not None:
        Membership.objects.create(user=user, role=Role.RESIDENT, estate_id=home.estate_id)
    return user


def accept_invitations(person: Person, invitations, now=None) -> list[Occupancy]:
    """Make ``person`` a family member of each invitation's home (unless they live there already)."""
    now = now or timezone.now()
    made = []
    for invitation in invitations:
        if not Occupancy.objects.current().filter(person=person, home_id=invitation.home_id).exists():
            made.append(Occupancy.objects.create(person=person, home_id=invitation.home_id,
                                                 relation=Occupancy.Relation.FAMILY, start=timezone.localdate(now)))
        HouseholdInvitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(accepted_at=now,
                                                                                              person=person)
    return made


# -- the two steps ---------------------------------------------------------------------------------------------

def code_request(*, phone, ip: str | None = None, now=None) -> SignInCode:
    """Draw a code for ``phone`` and send it when the number can sign in (same answer either way). Raises
    ValidationError ``invalid_phone``, ``too_soon`` (with ``params["seconds"]``) or ``daily_limit``."""
    now = now or timezone.now()
    phone = phone_or_error(phone)
    with transaction.atomic():
        last = SignInCode.objects.filter(phone=phone).order_by("-created_at", "-pk").first()
        if last is not None and (wait := interval_seconds() - int((now - last.created_at).total_seconds())) > 0:
            raise ValidationError(_("验证码已发送，请 %(seconds)s 秒后再重新获取。") % {"seconds": wait},
                                  code="too_soon", params={"seconds": wait})
        midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        if per_day() and SignInCode.objects.filter(phone=phone, created_at__gte=midnight).count() >= per_day():
            raise ValidationError(_("这个手机号今天获取验证码的次数已达上限，请明天再试，或到社区服务台办理。"),
                                  code="daily_limit")
        # Only the newest code counts: the earlier ones of this number stop working.
        SignInCode.objects.filter(phone=phone, used_at__isnull=True).update(used_at=now)
        code = f"{secrets.randbelow(10 ** DIGITS):0{DIGITS}d}"
        salt = secrets.token_hex(16)
        row = SignInCode.objects.create(phone=phone, salt=salt, code_hash=code_hash(phone, code, salt),
                                        created_at=now, expires_at=now + datetime.timedelta(minutes=code_minutes()),
                                        ip=ip)
        if holder_of(phone, now).any:
            text = _("【邻里】您的登录验证码是 %(code)s，%(minutes)s 分钟内有效。请勿告诉他人，工作人员不会向您索要。") % {
                "code": code, "minutes": code_minutes()}
            sms.send(phone=phone, text=text, kind=CODE_KIND, key=f"signin:{row.pk}", code=code)
    return row


WRONG = "wrong"


def _refuse(message, code):
    raise ValidationError(message, code=code)


def code_verify(*, phone, code, now=None) -> User:
    """The account ``phone`` signs in as, when ``code`` is its newest code, unused, within its minutes and tries.
    Raises ValidationError ``invalid_phone``, ``wrong`` (with the tries left), ``too_many`` or ``expired``, and
    ``SeveralAccounts`` when the number belongs to several accounts (the code is used: the person then chooses)."""
    now = now or timezone.now()
    phone = phone_or_error(phone)
    typed = "".join(ch for ch in unicodedata.normalize("NFKC", str(code or "")) if not ch.isspace())
    row = (SignInCode.objects.filter(phone=phone, used_at__isnull=True, expires_at__gt=now)
           .order_by("-created_at", "-pk").first())
    if row is None:
        _refuse(_("验证码已失效，请重新获取。"), "expired")
    # The try is counted before the comparison, in one conditional UPDATE: parallel tries cannot pass the limit.
    if not SignInCode.objects.filter(pk=row.pk, used_at__isnull=True, attempts__lt=max_tries()).update(
            attempts=F("attempts") + 1):
        _refuse(_("验证码输错次数过多，请重新获取验证码。"), "too_many")
    right = len(typed) == DIGITS and typed.isdigit()
    # Compared in constant time whatever was typed (a wrong length compares a hash of it too).
    if not hmac.compare_digest(row.code_hash, code_hash(phone, typed, row.salt)) or not right:
        left = max_tries() - (row.attempts + 1)
        if left <= 0:
            _refuse(_("验证码输错次数过多，请重新获取验证码。"), "too_many")
        raise ValidationError(_("验证码不正确，还可以再试 %(left)s 次。") % {"left": left}, code=WRONG,
                              params={"left": left})
    # Used once: a parallel request with the same code a moment ago leaves this one nothing.
    if not SignInCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now):
        _refuse(_("验证码已失效，请重新获取。"), "expired")
    with transaction.atomic():
        return _sign_in_as(phone, now)


class SeveralAccounts(Exception):
    """The number (proven by its code) belongs to several accounts or registered people, e.g. an elderly couple
    with one phone: the person chooses who they are among ``options`` [(key, name, homes)]."""

    def __init__(self, options: list[tuple[str, str, str]]):
        super().__init__("several accounts")
        self.options = options


def _homes_of(person_ids) -> dict[int, str]:
    homes: dict[int, list[str]] = {}
    for occ in (Occupancy.objects.current().filter(person_id__in=person_ids)
                .select_related("home__building", "home__estate").order_by("pk")):
        homes.setdefault(occ.person_id, []).append(f"{occ.home.estate.name} {occ.home}")
    return {pk: "、".join(found) for pk, found in homes.items()}


def options_of(holder: Holder) -> list[tuple[str, str, str]]:
    """The accounts a number may sign in as (``u<id>``), else its registered people without one (``p<id>``)."""
    if holder.users:
        homes = _homes_of([u.person_id for u in holder.users])
        return [(f"u{u.pk}", u.person.name, homes.get(u.person_id, "")) for u in holder.users]
    homes = _homes_of([p.pk for p in holder.people])
    return [(f"p{p.pk}", p.name, homes.get(p.pk, "")) for p in holder.people]


def _sign_in_as(phone: str, now, choice: str = "") -> User:
    holder = holder_of(phone, now)
    options = options_of(holder)
    if len(options) > 1:
        if choice not in {key for key, _name, _homes in options}:
            raise SeveralAccounts(options)
        chosen = choice
    else:
        chosen = options[0][0] if options else ""
    if chosen.startswith("u"):
        user = next(u for u in holder.users if f"u{u.pk}" == chosen)
        person = user.person
    elif chosen.startswith("p"):
        person = next(p for p in holder.people if f"p{p.pk}" == chosen)
        user = account_for(person)
    elif holder.invitations:
        first = holder.invitations[0]
        person = Person.objects.create(name=first.name, phone=phone)
        accept_invitations(person, holder.invitations, now)
        user = account_for(person, home=first.home)
        holder.invitations = []
    else:  # the number lost its account between the two steps
        _refuse(_("验证码已失效，请重新获取。"), "expired")
    if holder.invitations:
        accept_invitations(person, holder.invitations, now)
    forget_scopes()
    return user


def choose_account(*, phone, choice: str, now=None) -> User:
    """After a right code for a number of several accounts (``SeveralAccounts``): sign in as the one chosen; a key
    that is not among the number's options raises SeveralAccounts again."""
    now = now or timezone.now()
    phone = phone_or_error(phone)
    with transaction.atomic():
        return _sign_in_as(phone, now, choice=str(choice or ""))


def masked(phone) -> str:
    return mask_phone(normalize_phone(phone) or str(phone or ""))
