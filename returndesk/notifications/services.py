"""Transactional outbox: enqueue inside the business transaction, deliver after commit."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


def outbox_enqueue(*, topic: str, payload: dict, dedupe_key: str) -> OutboxMessage:
    """Record a side effect in the caller's transaction and wake the worker once it commits."""
    message = OutboxMessage.objects.create(
        topic=topic, payload=payload, dedupe_key=dedupe_key, available_at=timezone.now()
    )
    transaction.on_commit(_wake_worker)
    return message


def _wake_worker() -> None:
    from .tasks import outbox_deliver_due

    try:
        outbox_deliver_due()
    except Exception:  # the periodic scan delivers it later; never fail the committed request
        log.exception("could not schedule outbox delivery")


def outbox_deliver_due(*, limit: int = 100) -> int:
    """Deliver due pending messages; each is claimed under a row lock so two workers never
    deliver the same message. Failures back off exponentially and stop after MAX_ATTEMPTS."""
    from .handlers import HANDLERS

    done = 0
    now = timezone.now()
    ids = list(
        OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING, available_at__lte=now)
        .order_by("available_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    for message_id in ids:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(id=message_id, state=OutboxMessage.State.PENDING)
                .first()
            )
            if message is None:
                continue
            handler = HANDLERS.get(message.topic)
            message.attempts += 1
            try:
                if handler is None:
                    raise LookupError(f"no handler for topic {message.topic}")
                delivered = handler(message.payload)
                message.state = OutboxMessage.State.SENT if delivered else OutboxMessage.State.SKIPPED
                message.processed_at = timezone.now()
                message.last_error = ""
            except Exception as exc:
                log.warning("outbox %s attempt %s failed: %s", message.id, message.attempts, exc)
                message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                if message.attempts >= MAX_ATTEMPTS:
                    message.state = OutboxMessage.State.FAILED
                    message.processed_at = timezone.now()
                else:
                    message.available_at = timezone.now() + timedelta(
                        seconds=30 * 2 ** (message.attempts - 1)
                    )
            message.save(update_fields=["state", "attempts", "available_at", "last_error", "processed_at"])
            done += 1
    return done
