"""Transactional outbox: enqueue inside the business transaction, deliver after commit.

Delivery never holds a database transaction or row lock while talking to a mail or SMS server:
a worker claims a message in a short transaction (attempts + 1, `available_at` moved one lease
ahead), sends, then records the result only if its claim still stands. A worker killed between
sending and recording leaves the message pending; it is due again when the lease ends and is
sent again with the same message id (docs/operations.md, "Delivery guarantees").

Wake-ups: the worker is woken once per committed transaction that wrote messages (not once per
message), and not at all while an earlier wake-up is still waiting in huey's queue: that one
has not started, so when it runs it delivers every message committed before it, ours included.
The periodic scan (every minute) delivers anything a wake-up missed.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from returndesk.core.config import config_scope

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
    on_commit_once(_wake_worker)
    return message


def on_commit_once(func) -> None:
    """`transaction.on_commit(func)`, unless the transaction already runs `func` on commit in
    every case where this call would: registered in the same savepoints or fewer, so no partial
    rollback can drop that registration and keep this one's messages."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        current = set(connection.savepoint_ids)
        if any(
            registered is func and sids <= current for sids, registered, _robust in connection.run_on_commit
        ):
            return
    transaction.on_commit(func)


def wake_queued(task) -> bool:
    """Whether a run of `task` is waiting in huey's queue, not yet started."""
    from huey.contrib.djhuey import HUEY

    return any(isinstance(queued, task.task_class) for queued in HUEY.pending())


def _wake_worker() -> None:
    from ..tasks import outbox_deliver_due, outbox_deliver_soon

    try:
        if not wake_queued(outbox_deliver_soon):
            outbox_deliver_due()
    except Exception:  # the periodic scan delivers it later; never fail the committed request
        log.exception("could not schedule outbox delivery")


def _claim(message: OutboxMessage) -> bool:
    """Claim a message read as due: one conditional UPDATE moves it one lease ahead only if it is
    still pending and due and nobody has claimed it since we read it (attempts unchanged); a
    concurrent worker's claim makes ours match no row."""
    now = timezone.now()
    claimed = OutboxMessage.objects.filter(
        id=message.id, state=OutboxMessage.State.PENDING, available_at__lte=now, attempts=message.attempts
    ).update(attempts=message.attempts + 1, available_at=now + lease())
    if claimed:
        message.attempts += 1
    return bool(claimed)


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
    # One read of the configuration caches' versions (templates) for the batch, as for a request.
    with config_scope():
        for message in list(due.order_by("available_at", "id")[:limit]):
            if _claim(message):
                _deliver(message, HANDLERS)
                done += 1
    return done


def _deliver(message: OutboxMessage, handlers: dict) -> None:
    """Run the topic's handler and record the outcome (under the claim just made)."""
    try:
        handler = handlers.get(message.topic)
        if handler is None:
            raise LookupError(f"no handler for topic {message.topic}")
        delivered, error = bool(handler(message.payload)), ""
    except Exception as exc:
        log.warning("outbox %s attempt %s failed: %s", message.id, message.attempts, exc)
        delivered, error = None, f"{type(exc).__name__}: {exc}"[:2000]
    _record(message, delivered=delivered, error=error)
