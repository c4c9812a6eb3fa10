"""The interface every outside channel implements. Channels know nothing of Linli's models: the notify services
resolve the address (phone, openid, e-mail) and record the outcome; a channel only sends one message."""

from __future__ import annotations

from dataclasses import dataclass

from linli.core.text import mask_phone


@dataclass(frozen=True)
class Outgoing:
    title: str  # short: the SMS text and the template's first line
    body: str = ""
    link: str = ""  # absolute URL (LINLI_PUBLIC_URL + path), or ""
    kind: str = ""  # the notification's kind: picks the SMS / WeChat template
    code: str = ""  # a one-time sign-in code: the only variable of a verification-code SMS template


def mask_address(address: str) -> str:
    """An address as it may be shown or logged: a phone number masked, an e-mail's name cut to its first letter,
    anything else (an openid) to its first four characters."""
    if not address:
        return ""
    if "@" in address:
        name, _at, domain = address.partition("@")
        return f"{name[:1]}***@{domain}" if domain else "***"
    if address.lstrip("+").isdigit():
        return mask_phone(address)
    return address[:4] + "…"


class ChannelError(Exception):
    """A failed send. ``code`` is the provider's error code (or a short word of ours), ``message`` its text."""

    def __init__(self, code: str, message: str = ""):
        super().__init__(f"{code}: {message}" if message else code)
        self.code, self.message = code, message


class TemporaryFailure(ChannelError):
    """Worth trying again later (rate limited, timeout, provider busy). ``retry_after`` seconds, if known."""

    def __init__(self, code: str, message: str = "", retry_after: int | None = None):
        super().__init__(code, message)
        self.retry_after = retry_after


class PermanentFailure(ChannelError):
    """Trying again cannot help (invalid number, template not approved, user unsubscribed): given up at once."""


class Channel:
    name = ""  # "sms", "wechat" or "email"

    def send(self, *, address: str, message: Outgoing, key: str) -> str:
        """Send ``message`` to ``address``; ``key`` is the delivery's idempotency key (passed to the provider as its
        out-id where it has one). Returns the provider's message id; raises TemporaryFailure or PermanentFailure."""
        raise NotImplementedError
