"""Webhook signatures: HMAC-SHA256 over "<timestamp>.<body>" with the endpoint's secret.

Headers of every POST:
  X-ReturnDesk-Event-Id    the event id (the same on every re-send: de-duplicate on it)
  X-ReturnDesk-Event-Type  e.g. case.approve
  X-ReturnDesk-Timestamp   Unix seconds when this attempt was signed
  X-ReturnDesk-Signature   v1=<hex digest>
`verify` is what a receiver does (docs/operations.md has the same in a standalone example).
"""

from __future__ import annotations

import hashlib
import hmac
import time

TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"v1={digest}"


def verify(secret: str, timestamp: str, body: bytes, header: str, *, now: float | None = None) -> bool:
    """True when `header` signs `body` at `timestamp` with `secret`, and the timestamp is within
    five minutes of now (a captured request cannot be replayed later)."""
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - ts) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(signature(secret, ts, body), header or "")
