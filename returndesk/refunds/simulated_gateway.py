"""A simulated payment gateway for the demo and the tests: a real in-process component with its
own state (refunds.models.gateway), standing where Alipay, WeChat Pay or UnionPay would.

It behaves like one: refunds are idempotent on the merchant's key (the same key never refunds
twice), answers can be lost (a timeout), refunds can stay processing and settle later, and it
tells the merchant of outcomes by signed callbacks — sometimes twice. What it does with the next
request is scripted (`gateway_script`), by merchant key or first come first served; without a
script it succeeds.

The merchant talks to it through `providers.gateway.GatewayProvider`; its callbacks go out by
HTTP POST to RETURNDESK_GATEWAY_CALLBACK_URL (the huey task `simulated_gateway_tick`), signed
with RETURNDESK_GATEWAY_SECRET as in notifications.signing (timestamp + HMAC-SHA256).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from returndesk.notifications.signing import signature

from .models import Behaviour, GatewayStatus, SimGatewayNotification, SimGatewayScript, SimGatewayTransaction

SETTLE_AFTER = timedelta(minutes=1)
MAX_DELIVERY_ATTEMPTS = 8
SIGNATURE_HEADER = "X-Gateway-Signature"
TIMESTAMP_HEADER = "X-Gateway-Timestamp"
FAILURE_CODE = "REFUND_DECLINED_ACCOUNT_CLOSED"


class GatewayTimeout(Exception):
    """The gateway did not answer in time: the refund may or may not have been made."""


def gateway_script(*behaviours: str, merchant_key: str = "") -> None:
    """Queue what the gateway does with coming requests: for `merchant_key` only, or (blank) for
    the next requests without a script of their own, in order."""
    for behaviour in behaviours:
        if behaviour not in Behaviour.values:
            raise ValueError(f"unknown behaviour {behaviour!r}")
        SimGatewayScript.objects.create(merchant_key=merchant_key, behaviour=behaviour)


def _next_behaviour(merchant_key: str, now: datetime) -> str:
    scripts = SimGatewayScript.objects.select_for_update().filter(used_at__isnull=True)
    script = scripts.filter(merchant_key=merchant_key).order_by("id").first() or (
        scripts.filter(merchant_key="").order_by("id").first()
    )
    if script is None:
        return Behaviour.SUCCEED
    script.used_at = now
    script.save(update_fields=["used_at"])
    return script.behaviour


def answer(txn: SimGatewayTransaction) -> dict:
    return {
        "reference": txn.reference,
        "merchant_key": txn.merchant_key,
        "status": txn.status,
        "amount": f"{txn.amount:.2f}",
        "currency": txn.currency,
        "failure_code": txn.failure_code,
    }


def _notify(txn: SimGatewayTransaction, now: datetime, times: int = 1) -> None:
    body = json.dumps(
        {**answer(txn), "event_id": uuid.uuid4().hex, "settled_at": now.isoformat()},
        separators=(",", ":"),
        ensure_ascii=False,
    )
    for _ in range(times):  # a second identical callback: real gateways re-send, we must de-duplicate
        SimGatewayNotification.objects.create(transaction=txn, body=body, created_at=now, next_attempt_at=now)


def refund(*, merchant_key: str, payment_reference: str, amount: Decimal, currency: str) -> dict:
    """The gateway's refund call. Returns its answer, or raises GatewayTimeout when the answer
    is lost (the refund may then have been made: ask with `query`)."""
    now = timezone.now()
    with transaction.atomic():
        existing = SimGatewayTransaction.objects.filter(merchant_key=merchant_key).first()
        if existing is not None:  # idempotent on the merchant key: never a second refund
            return answer(existing)
        behaviour = _next_behaviour(merchant_key, now)
        if behaviour == Behaviour.LOST:
            lost = True
        else:
            lost = False
            status = {
                Behaviour.SUCCEED: GatewayStatus.SUCCEEDED,
                Behaviour.TIMEOUT: GatewayStatus.SUCCEEDED,
                Behaviour.FAIL: GatewayStatus.FAILED,
            }.get(behaviour, GatewayStatus.PROCESSING)
            txn = SimGatewayTransaction.objects.create(
                reference=f"SIM{uuid.uuid4().hex[:20].upper()}",
                merchant_key=merchant_key,
                payment_reference=payment_reference,
                amount=amount,
                currency=currency,
                status=status,
                behaviour=behaviour,
                failure_code=FAILURE_CODE if status == GatewayStatus.FAILED else "",
                created_at=now,
                settle_at=now + SETTLE_AFTER if status == GatewayStatus.PROCESSING else None,
                settled_at=None if status == GatewayStatus.PROCESSING else now,
            )
            if status != GatewayStatus.PROCESSING:
                _notify(txn, now)
    if lost or behaviour == Behaviour.TIMEOUT:
        raise GatewayTimeout(merchant_key)
    return answer(txn)


def query(*, merchant_key: str) -> dict | None:
    """What the gateway knows of the refund with this key; None if it never received it."""
    txn = SimGatewayTransaction.objects.filter(merchant_key=merchant_key).first()
    return answer(txn) if txn is not None else None


def settle_due(*, now: datetime | None = None) -> int:
    """Finish the refunds still processing whose time has come, and queue their callbacks."""
    now = now or timezone.now()
    done = 0
    due = SimGatewayTransaction.objects.filter(status=GatewayStatus.PROCESSING, settle_at__lte=now)
    for txn_id in due.order_by("settle_at", "id").values_list("id", flat=True):
        with transaction.atomic():
            txn = SimGatewayTransaction.objects.select_for_update().get(id=txn_id)
            if txn.status != GatewayStatus.PROCESSING:
                continue
            failed = txn.behaviour == Behaviour.PENDING_FAIL
            txn.status = GatewayStatus.FAILED if failed else GatewayStatus.SUCCEEDED
            txn.failure_code = FAILURE_CODE if failed else ""
            txn.settled_at = now
            txn.save(update_fields=["status", "failure_code", "settled_at"])
            _notify(txn, now, times=2 if txn.behaviour == Behaviour.CALLBACK_TWICE else 1)
            done += 1
    return done


def signed(body: bytes, *, secret: str | None = None, timestamp: int | None = None) -> dict[str, str]:
    """The headers the gateway sends with a callback body."""
    ts = int(time.time()) if timestamp is None else timestamp
    key = secret if secret is not None else settings.RETURNDESK_GATEWAY_SECRET
    return {TIMESTAMP_HEADER: str(ts), SIGNATURE_HEADER: signature(key, ts, body)}


Poster = Callable[[bytes, dict[str, str]], int]


def http_poster(url: str | None = None, timeout: float = 10) -> Poster:
    """POST a callback to the merchant over HTTP; returns the status (0 when unreachable)."""
    target = url or settings.RETURNDESK_GATEWAY_CALLBACK_URL

    def post(body: bytes, headers: dict[str, str]) -> int:
        request = urllib.request.Request(
            target, data=body, method="POST", headers={"Content-Type": "application/json", **headers}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except (urllib.error.URLError, OSError):
            return 0

    return post


def deliver_due(*, post: Poster, now: datetime | None = None, limit: int = 100) -> int:
    """Send due callbacks; a 2xx answer ends one, anything else is tried again later (back-off,
    at most MAX_DELIVERY_ATTEMPTS). Returns how many were delivered."""
    now = now or timezone.now()
    delivered = 0
    due = SimGatewayNotification.objects.filter(
        delivered_at__isnull=True, next_attempt_at__lte=now, attempts__lt=MAX_DELIVERY_ATTEMPTS
    )
    for note in list(due.order_by("id")[:limit]):
        body = note.body.encode()
        status = post(body, signed(body))
        note.attempts += 1
        note.last_status = status or None
        if 200 <= status < 300:
            note.delivered_at = now
            delivered += 1
        else:
            note.next_attempt_at = now + timedelta(seconds=30 * 2 ** (note.attempts - 1))
        note.save(update_fields=["attempts", "last_status", "delivered_at", "next_attempt_at"])
    return delivered
