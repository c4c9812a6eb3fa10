"""The system actor: who acts when no person does (the deadline sweep, the 12345 and registry imports, the
retention command, scheduled closings).

Services refuse ``actor=None``; a machine write passes ``system_actor()`` instead, so that every check is an
explicit decision and every event row still names who acted. The system is a reserved account: inactive and
without a usable password, so that nobody can sign in as it or hold an API key for it.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from linli.core.memo import Memo

SYSTEM_USERNAME = "linli-system"

# The account is made once and never changes: every intake that dispatches names it, so it is read once per process
# for up to five minutes. The admin of accounts clears the memo when it saves this one.
system_memo = Memo("system actor", ttl=300)


def system_actor():
    """The reserved account that stands for the system (created on first use)."""
    user = system_memo.get(SYSTEM_USERNAME, _load_system_actor)
    _refuse_if_usable(user)  # also on the kept copy: nobody may have made it usable since
    return user


def _refuse_if_usable(user) -> None:
    if user.is_active or user.has_usable_password():
        # Someone made the reserved account usable: it no longer stands for the system (see is_system).
        raise RuntimeError(f"the reserved account {SYSTEM_USERNAME} must stay inactive and without a password")


def _load_system_actor():
    User = get_user_model()
    user = User.objects.filter(username=SYSTEM_USERNAME).first()
    if user is None:
        user = User(username=SYSTEM_USERNAME, display_name=str(_("系统")), is_active=False)
        user.set_unusable_password()
        user.save()
    return user


def is_system(user) -> bool:
    """True for the reserved system account only (never for a person who can sign in)."""
    return (
        user is not None
        and getattr(user, "pk", None) is not None
        and getattr(user, "username", None) == SYSTEM_USERNAME
        and not getattr(user, "is_active", True)
        and not user.has_usable_password()
    )
