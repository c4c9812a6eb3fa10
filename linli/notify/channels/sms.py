"""What both SMS providers share (``SmsChannel``), above all the per-number limits, checked before the provider is called (both providers): at most
``LINLI_SMS_PER_NUMBER_HOUR`` messages to one number in a clock hour and ``LINLI_SMS_PER_NUMBER_DAY`` in a local
calendar day (0 = no limit). The counters are in Django's cache, shared by every process when the cache is Redis
(or the database table). Over a limit the send is a TemporaryFailure("rate_limited") whose ``retry_after`` is the
seconds to the end of the window that is full. The cache key holds a keyed hash of the number, never the number.

A send that the provider answered with a refusal is given back (``Reservation.release``): nothing reached the
phone. A timeout is not given back: the message may have gone out.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import salted_hmac

from linli.core.text import mask_phone

from .base import Channel, Outgoing, PermanentFailure, TemporaryFailure
from .common import already_sent, by_kind, mark_sent, seconds_to_local_midnight

log = logging.getLogger("linli.notify")


def normalize_number(phone: str) -> str:
    """The digits of a mainland mobile number without its country code (+86 138 1234 5678 → 13812345678)."""
    digits = re.sub(r"\D", "", phone or "")
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            return digits[len(prefix):]
    return digits


def _number_tag(phone: str) -> str:
    return salted_hmac("linli.notify.sms_limits", normalize_number(phone)).hexdigest()[:24]


def _incr(key: str, ttl: int) -> int:
    cache.add(key, 0, ttl)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, ttl)
        return 1


class Reservation:
    def __init__(self, keys: list[str]):
        self.keys = keys

    def release(self) -> None:
        """Give the message back to the counters (the provider refused it: nothing was sent)."""
        for key in self.keys:
            try:
                cache.decr(key)
            except Exception:  # expired or cache down: the window is over anyway
                pass


def reserve(phone: str) -> Reservation:
    """Count one message to ``phone``; raise TemporaryFailure("rate_limited") when that passes a limit."""
    per_hour = int(getattr(settings, "LINLI_SMS_PER_NUMBER_HOUR", 5) or 0)
    per_day = int(getattr(settings, "LINLI_SMS_PER_NUMBER_DAY", 10) or 0)
    if not per_hour and not per_day:
        return Reservation([])
    now = timezone.localtime()
    tag = _number_tag(phone)
    to_hour_end = max(1, 3600 - (now.minute * 60 + now.second))
    to_day_end = seconds_to_local_midnight(now)
    windows = [(f"notify:sms:{tag}:h:{now:%Y%m%d%H}", per_hour, to_hour_end),
               (f"notify:sms:{tag}:d:{now:%Y%m%d}", per_day, to_day_end)]
    windows = [w for w in windows if w[1]]
    try:
        counts = [_incr(key, ttl + 60) for key, _limit, ttl in windows]
    except Exception:  # a cache that is down lets the message through (the provider has its own limits)
        log.warning("sms limits: cache unavailable, %s not counted", mask_phone(phone))
        return Reservation([])
    reservation = Reservation([key for key, _limit, _ttl in windows])
    full = [ttl for (_key, limit, ttl), count in zip(windows, counts, strict=True) if count > limit]
    if full:
        reservation.release()
        retry_after = max(full)
        log.info("sms limits: %s is over its limit, retry in %ss", mask_phone(phone), retry_after)
        raise TemporaryFailure("rate_limited", "per-number SMS limit reached", retry_after=retry_after)
    return reservation


def template_values(message, names: list[str], max_chars: int) -> dict:
    """The template variables of an SMS: each name in ``LINLI_SMS_TEMPLATE_VARS`` (title, body, link, kind) with its
    value, cut to ``max_chars`` (providers refuse longer variables; a link is never cut)."""
    values = {}
    for name in names:
        value = str(getattr(message, name, "") or "")
        values[name] = value if name == "link" or len(value) <= max_chars else value[: max_chars - 1] + "…"
    return values


class SmsChannel(Channel):
    """What both SMS providers share: the per-number limits, the template by kind, the variables, the sent mark.
    A subclass implements ``_send(phone, template, values, key) -> provider id``."""

    name = "sms"
    provider = ""

    def send(self, *, address: str, message: Outgoing, key: str) -> str:
        done = already_sent(f"sms-{self.provider}", key)
        if done:
            log.info("sms %s: %s already sent as %s", self.provider, key, done)
            return done
        template = by_kind(getattr(settings, "LINLI_SMS_TEMPLATES", {}), message.kind)
        if not template:
            raise PermanentFailure("not_configured", f"no SMS template for kind {message.kind or 'default'!r}")
        # A verification-code template (the providers' own kind of template) has one variable, the code.
        names = ["code"] if message.code else list(getattr(settings, "LINLI_SMS_TEMPLATE_VARS", ["title"]))
        values = template_values(message, names, int(getattr(settings, "LINLI_SMS_VAR_MAX_CHARS", 35)))
        reservation = reserve(address)
        try:
            provider_id = self._send(address, template, values, key)
        except PermanentFailure:
            reservation.release()
            raise
        except TemporaryFailure as exc:
            if exc.code not in ("timeout", "connection", "http_5xx"):  # the provider answered: nothing was sent
                reservation.release()
            raise
        mark_sent(f"sms-{self.provider}", key, provider_id)
        log.info("sms %s: sent to %s (%s)", self.provider, mask_phone(address), provider_id)
        return provider_id

    def _send(self, phone: str, template: str, values: dict, key: str) -> str:
        raise NotImplementedError
