"""Transactional outbox: enqueue inside the business transaction, deliver after commit.

Delivery never holds a database transaction or row lock while talking to a mail or SMS server:
a worker claims a message in a short transaction (attempts + 1, `available_at` moved one lease
ahead), sends, then records the result only if its claim still stands. A worker killed between
sending and recording leaves the message pending; it is due again when the lease ends and is
sent again with the same message id (docs/operations.md, "Delivery guarantees").
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import OutboxMessage

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


def lease() -> timedelta:
    return timedelta(seconds=settings.RETURNDESK_DELIVERY_LEASE_SECONDS)


def backoff(attempts: int) -> timedelta:
    """30 s, 1, 2, 4 … 64 min after failed attempt 1, 2, 3 …"""
    return timedelta(seconds=30 * 2 ** (attempts - 1))


def outbox_enqueue(*, topic: str, payload: dict, dedupe_key: str) -> OutboxMessage:
    """Record a side effect in the caller's transaction and wake the worker once it commits."""
    message = OutboxMessage.objects.create(
        topic=topic, payload=payload, dedupe_key=dedupe_key, available_at=timezone.now()
    )
    transaction.on_commit(_wake_worker)
    return message


def _wake_worker() -> None:
    from ..tasks import outbox_deliver_due

    try:
        outbox_deliver_due()
    except Exception:  # the periodic scan delivers it later; never fail the committed request
        log.exception("could not schedule outbox delivery")


def _claim(message_id: int) -> OutboxMessage | None:
    now = timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(id=message_id, state=OutboxMessage.State.PENDING, available_at__lte=now)
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        message.available_at = now + lease()
        message.save(update_fields=["attempts", "available_at"])
    return message


def _record(message: OutboxMessage, *, delivered: bool | None, error: str = "") -> bool:
    """Store the outcome if this worker's claim (its attempt number) still stands."""
    now = timezone.now()
    if delivered is not None:
        state = OutboxMessage.State.SENT if delivered else OutboxMessage.State.SKIPPED
        fields = {"state": state, "processed_at": now, "last_error": ""}
    elif message.attempts >= MAX_ATTEMPTS:
        fields = {"state": OutboxMessage.State.FAILED, "processed_at": now, "last_error": error}
    else:
        fields = {"available_at": now + backoff(message.attempts), "last_error": error}
    return bool(
        OutboxMessage.objects.filter(
            id=message.id, state=OutboxMessage.State.PENDING, attempts=message.attempts
        ).update(**fields)
    )


def outbox_deliver_due(*, limit: int = 100) -> int:
    """Deliver due pending messages through their topic's handler (handlers.HANDLERS): True =
    sent, False = nobody to tell (skipped), an exception = try again with back-off, up to
    MAX_ATTEMPTS. Returns how many messages were handled."""
    from ..handlers import HANDLERS

    done = 0
    now = timezone.now()
    due = OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING, available_at__lte=now)
    for message_id in due.order_by("available_at", "id").values_list("id", flat=True)[:limit]:
        message = _claim(message_id)
        if message is None:
            continue
        try:
            handler = HANDLERS.get(message.topic)
            if handler is None:
                raise LookupError(f"no handler for topic {message.topic}")
            delivered, error = bool(handler(message.payload)), ""
        except Exception as exc:
            log.warning("outbox %s attempt %s failed: %s", message.id, message.attempts, exc)
            delivered, error = None, f"{type(exc).__name__}: {exc}"[:2000]
        _record(message, delivered=delivered, error=error)
        done += 1
    return done
