"""Webhooks: subscriptions per event type, signed POSTs, retries with exponential back-off, a
delivery log, and manual replay.

`webhook_publish` runs inside the business transaction and writes one WebhookDelivery per
subscribed endpoint (unique per endpoint and event id), so a rolled-back change sends nothing.
Delivery claims a row in a short transaction, POSTs with no transaction open, and records the
answer only if the claim still stands; a worker killed in between leaves the row to be sent
again after the lease, with the same event id and body (docs/operations.md).

Every case event asks which endpoints subscribe: the active endpoints are cached per process
(core.config; a trigger on the endpoint table invalidates the cache, migration 0004), so with
none configured publishing costs no query.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from returndesk.core.config import ConfigCache

from ..models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from ..signing import signature
from .outbox import MAX_ATTEMPTS, backoff, lease, on_commit_once, wake_queued

log = logging.getLogger(__name__)
USER_AGENT = "ReturnDesk-Webhooks/1"

ACTIVE_ENDPOINTS: ConfigCache[tuple[WebhookEndpoint, ...]] = ConfigCache(
    "notifications.webhooks",
    models=["notifications.WebhookEndpoint"],
    load=lambda: tuple(WebhookEndpoint.objects.filter(is_active=True)),
)


def webhook_publish(
    *, event_type: str, data: dict | Callable[[], dict], occurred_at: datetime
) -> uuid.UUID | None:
    """Queue `event_type` for every active endpoint subscribed to it, in the caller's
    transaction. `data` may be a callable, built only when someone subscribes. Returns the
    event id (None when nobody subscribes)."""
    endpoints = [e for e in ACTIVE_ENDPOINTS.get() if e.subscribes(event_type)]
    if not endpoints:
        return None
    event_id = uuid.uuid4()
    payload = data() if callable(data) else data
    body = json.dumps(
        {"id": str(event_id), "type": event_type, "created_at": occurred_at.isoformat(), "data": payload},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    now = timezone.now()
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint_id=e.id, event_id=event_id, event_type=event_type, body=body, next_attempt_at=now
        )
        for e in endpoints
    )
    on_commit_once(_wake_worker)
    return event_id


def _wake_worker() -> None:
    from ..tasks import webhook_deliver_soon, webhook_deliver_soon_task

    try:
        if not wake_queued(webhook_deliver_soon_task):
            webhook_deliver_soon()
    except Exception:  # the periodic scan delivers it later
        log.exception("could not schedule webhook delivery")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a redirect is an answer, not a delivery
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _post(delivery: WebhookDelivery, attempt: int) -> tuple[int | None, str, str]:
    """(status, error, response excerpt) of one signed POST."""
    body = delivery.body.encode()
    timestamp = int(timezone.now().timestamp())
    request = urllib.request.Request(
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "X-ReturnDesk-Event-Id": str(delivery.event_id),
            "X-ReturnDesk-Event-Type": delivery.event_type,
            "X-ReturnDesk-Timestamp": str(timestamp),
            "X-ReturnDesk-Signature": signature(delivery.endpoint.secret, timestamp, body),
            "X-ReturnDesk-Attempt": str(attempt),
        },
    )
    try:
        with _opener.open(request, timeout=settings.RETURNDESK_WEBHOOK_TIMEOUT_SECONDS) as response:
            return response.status, "", response.read(500).decode(errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}", exc.read(500).decode(errors="replace")
    except (OSError, ValueError) as exc:  # refused, timed out, DNS, bad URL
        return None, f"{type(exc).__name__}: {exc}"[:2000], ""


def _claim(delivery_id: int) -> WebhookDelivery | None:
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(id=delivery_id, state=WebhookDelivery.State.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts += 1
        delivery.next_attempt_at = now + lease()
        delivery.claim_token = uuid.uuid4()
        delivery.save(update_fields=["attempts", "next_attempt_at", "claim_token"])
    delivery.endpoint = WebhookEndpoint.objects.get(id=delivery.endpoint_id)
    return delivery


def _record(delivery: WebhookDelivery, started: datetime, ms: int, status, error: str, excerpt: str) -> None:
    now = timezone.now()
    ok = status is not None and 200 <= status < 300
    fields = {"last_status": status, "last_error": "" if ok else error, "claim_token": None}
    if ok:
        fields.update(state=WebhookDelivery.State.DELIVERED, delivered_at=now)
    elif delivery.attempts >= MAX_ATTEMPTS:
        fields.update(state=WebhookDelivery.State.FAILED)
    else:
        fields.update(next_attempt_at=now + backoff(delivery.attempts))
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery, number=delivery.log.count() + 1, started_at=started, duration_ms=ms,
            status_code=status, error=error, response_excerpt=excerpt[:500],
        )  # fmt: skip
        WebhookDelivery.objects.filter(id=delivery.id, claim_token=delivery.claim_token).update(**fields)


def webhook_deliver_due(*, limit: int = 100) -> int:
    """POST due deliveries; a 2xx answer delivers, anything else is retried with back-off up to
    MAX_ATTEMPTS. Returns how many were attempted."""
    due = WebhookDelivery.objects.filter(
        state=WebhookDelivery.State.PENDING, next_attempt_at__lte=timezone.now()
    )
    done = 0
    for delivery_id in due.order_by("next_attempt_at", "id").values_list("id", flat=True)[:limit]:
        delivery = _claim(delivery_id)
        if delivery is None:
            continue
        started, clock = timezone.now(), time.monotonic()
        status, error, excerpt = _post(delivery, delivery.attempts)
        _record(delivery, started, int((time.monotonic() - clock) * 1000), status, error, excerpt)
        done += 1
    return done


def webhook_replay(*, deliveries, actor) -> int:
    """Send deliveries again (admin action), with their original event id and body: receivers
    that already processed one ignore it by id. A fresh series of attempts starts now."""
    ids = [d.pk for d in deliveries]
    with transaction.atomic():
        count = WebhookDelivery.objects.filter(id__in=ids).update(
            state=WebhookDelivery.State.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            claim_token=None,
            replay_count=F("replay_count") + 1,
        )
        transaction.on_commit(_wake_worker)
    log.info("webhook replay of %s deliveries by %s", count, actor)
    return count
