"""Delivery channels: email over Django's mail backend (SMTP in production), and an SMS
interface for real providers.

An SMS provider is a class with `send(*, phone, text, message_id)` that raises on failure (the
outbox then retries). Set `RETURNDESK_SMS_PROVIDER` to its dotted path. Providers such as
Alibaba Cloud SMS or Tencent Cloud SMS need an approved signature and template per message;
map `message_id`/`text` to their API in such a class. `LogSmsProvider` (the default) only logs;
`MemorySmsProvider` keeps messages in memory for tests.
"""

from __future__ import annotations

import logging
from email.utils import parseaddr
from typing import ClassVar, Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


def message_id(key: str) -> str:
    """A stable RFC 5322 Message-ID for a message key: a re-send carries the same id, so the
    receiving side can recognise a duplicate."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].partition("@")[2] or "returndesk.local"
    return f"<{key}@{domain}>"


def send_email(*, to: list[str], subject: str, body: str, key: str) -> None:
    EmailMessage(
        subject, body, settings.DEFAULT_FROM_EMAIL, to, headers={"Message-ID": message_id(key)}
    ).send(fail_silently=False)


class SmsProvider(Protocol):
    def send(self, *, phone: str, text: str, message_id: str) -> None: ...


class LogSmsProvider:
    """Writes the message to the log: for installations without an SMS contract."""

    def send(self, *, phone: str, text: str, message_id: str) -> None:
        log.info("SMS %s to %s: %s", message_id, phone, text)


class MemorySmsProvider:
    """Keeps sent messages in `sent` (tests)."""

    sent: ClassVar[list[dict]] = []

    def send(self, *, phone: str, text: str, message_id: str) -> None:
        self.sent.append({"phone": phone, "text": text, "message_id": message_id})


def sms_provider() -> SmsProvider:
    return import_string(settings.RETURNDESK_SMS_PROVIDER)()


def send_sms(*, phone: str, text: str, key: str) -> None:
    sms_provider().send(phone=phone, text=text, message_id=key)
