"""The development channel: writes one masked line to the log instead of sending (the default for SMS and WeChat
when ``LINLI_NOTIFY_CHANNELS`` does not name a real adapter), so that the demo shows the whole pipeline."""

import logging

from .base import Channel, Outgoing, mask_address

log = logging.getLogger("linli.notify")



class LogChannel(Channel):
    name = "log"

    def send(self, *, address: str, message: Outgoing, key: str) -> str:
        log.info("notify (log channel) to %s [%s]: %s", mask_address(address), key, message.title)
        return f"log:{key}"
