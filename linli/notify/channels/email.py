"""E-mail through Django's configured ``EMAIL_BACKEND`` (SMTP in production: EMAIL_HOST, EMAIL_PORT,
EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS / EMAIL_USE_SSL, DEFAULT_FROM_EMAIL from the environment).

Subject = the title, body = the text and the link. The provider id is the Message-ID Linli sets. A refused recipient
(or any 5xx answer of the server) is a PermanentFailure; a connection that fails, times out or is dropped, and a
4xx answer (greylisting, mailbox busy), are TemporaryFailure.
"""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid

from .base import Channel, Outgoing, PermanentFailure, TemporaryFailure
from .common import already_sent, mark_sent

log = logging.getLogger("linli.notify")


def _masked(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


class Email(Channel):
    name = "email"

    def send(self, *, address: str, message: Outgoing, key: str) -> str:
        done = already_sent("email", key)
        if done:
            return done
        body = message.body or ""
        if message.link:
            body = f"{body}\n\n{message.link}" if body else message.link
        msgid = make_msgid(domain=getattr(settings, "LINLI_EMAIL_MESSAGE_ID_DOMAIN", None) or None)
        mail = EmailMessage(subject=message.title, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[address],
                            headers={"Message-ID": msgid, "X-Linli-Key": key})
        try:
            mail.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [c for c, _m in exc.recipients.values()]
            code = str(codes[0]) if codes else "refused"
            if codes and all(400 <= c < 500 for c in codes):
                raise TemporaryFailure(f"smtp_{code}", "recipient deferred") from exc
            raise PermanentFailure(f"smtp_{code}", "recipient refused") from exc
        except smtplib.SMTPServerDisconnected as exc:
            raise TemporaryFailure("connection", str(exc)[:200]) from exc
        except smtplib.SMTPResponseException as exc:  # sender refused, data error, auth failed …
            text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
            failure = TemporaryFailure if 400 <= exc.smtp_code < 500 else PermanentFailure
            raise failure(f"smtp_{exc.smtp_code}", text[:200]) from exc
        except (smtplib.SMTPException, TimeoutError, ConnectionError, OSError) as exc:
            raise TemporaryFailure("connection", str(exc)[:200]) from exc
        mark_sent("email", key, msgid)
        log.info("email: sent to %s (%s)", _masked(address), msgid)
        return msgid
