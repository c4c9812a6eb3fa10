"""The development channel: writes one masked line to the log instead of sending (the default for SMS and WeChat
when ``LINLI_NOTIFY_CHANNELS`` does not name a real adapter), so that the demo shows the whole pipeline."""

import logging

from linli.core.text import mask_phone

from .base import Channel, Outgoing

log = logging.getLogger("linli.notify")


def _mask(address: str) -> str:
    if "@" in address:
        name, _at, domain = address.partition("@")
        return f"{name[:1]}***@{domain}"
    if address.lstrip("+").isdigit():
        return mask_phone(address)
    return address[:4] + "…"


class LogChannel(Channel):
    name = "log"

    def send(self, *, address: str, message: Outgoing, key: str) -> str:
        log.info("notify (log channel) to %s [%s]: %s", _mask(address), key, message.title)
        return f"log:{key}"
