"""Signatures: one HMAC-SHA256 key per purpose, derived from SECRET_KEY, checked in constant time.

A key derived for one purpose (the sandbox payment callback, …) signs nothing else, so a signature made for
one use can never be replayed in another, and no purpose ever sees SECRET_KEY itself. Verification also
accepts signatures made with a key in ``SECRET_KEY_FALLBACKS`` so that the key can be rotated.
Tokens that carry data (QR posters, check-in codes) use ``django.core.signing`` with their own salt, which
is the same construction (salted HMAC, constant-time comparison).
"""

import hmac

from django.conf import settings
from django.utils.crypto import salted_hmac


def _as_bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()


def sign(purpose: str, message: str | bytes, *, secret: str | None = None) -> str:
    """The hex HMAC-SHA256 of ``message`` under the key of ``purpose`` (e.g. ``"fees.gateway.sandbox"``): Django's
    salted_hmac, whose key is derived from SECRET_KEY (or ``secret``) and the purpose."""
    if not purpose:
        raise ValueError("a signature needs a purpose")
    return salted_hmac(f"linli.crypto.{purpose}", _as_bytes(message), secret=secret, algorithm="sha256").hexdigest()


def verify(purpose: str, message: str | bytes, signature: str | bytes | None) -> bool:
    """Whether ``signature`` is ``sign(purpose, message)`` under the current key or a fallback (constant time)."""
    if not signature:
        return False
    given = _as_bytes(signature)
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    # Every key is tried (no early exit), so the time taken does not tell which one matched.
    ok = False
    for secret in secrets:
        ok |= hmac.compare_digest(sign(purpose, message, secret=secret).encode(), given)
    return ok


# -- the installation's secret key ------------------------------------------------------------------

# Keys that were ever written in Linli's source or docs: anyone can read them, so none may sign anything.
KNOWN_KEYS = frozenset({
    "linli-insecure-development-key-set-SECRET_KEY-in-production",
    "change-me", "changeme", "secret", "django-insecure",
})
KEY_FILE = "secret_key"


def weak_secret_key(key: str | None) -> bool:
    """Whether ``key`` is known, short or repetitive (Django's own rule: 50+ characters, 5+ different ones)."""
    key = key or ""
    return (key in KNOWN_KEYS or key.startswith("django-insecure-") or len(key) < 50 or len(set(key)) < 5)


def installation_secret_key(data_dir) -> str:
    """This installation's key, made once (random, 64 characters) and kept in ``data_dir/secret_key`` (0600).

    Two processes starting at once agree: the key is written to a private temporary file and linked into place,
    which fails for the second one, who then reads the first one's key."""
    import os
    import secrets
    from pathlib import Path

    path = Path(data_dir) / KEY_FILE
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    if key:
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48) + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text().strip()
