"""Rate limits and lock-out, counted in the database (Attempt rows) so every gunicorn worker
sees the same counts. Keys are keyed digests: the table holds no IP address or order number."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

from ..conf import limits
from ..errors import Throttled
from ..models import Attempt

K = Attempt.Kind


def digest(purpose: str, value: str) -> str:
    """HMAC-SHA256 of `value` under SECRET_KEY, separated by purpose."""
    message = f"returndesk.portal.{purpose}:{value}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def ip_key(ip: str) -> str:
    return digest("ip", ip or "unknown")


def order_key(order_number: str) -> str:
    return digest("order", (order_number or "").strip().upper())


def username_key(username: str) -> str:
    return digest("username", (username or "").strip().lower())


def _recent(kind: str, key: str, now: datetime) -> list[datetime]:
    since = now - limits().window
    rows = Attempt.objects.filter(kind=kind, key=key, created_at__gt=since)  # later ones count too
    return list(rows.order_by("-created_at").values_list("created_at", flat=True))


def serialize(*keys: str) -> None:
    """Make concurrent checks of the same keys queue inside the caller's transaction, so a count
    and the row that follows it are one step (otherwise two workers could both see limit − 1).
    PostgreSQL: a transaction-scoped advisory lock per key, taken in sorted order (no deadlock);
    SQLite already serialises writers (BEGIN IMMEDIATE)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted(set(keys)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(key[:15], 16)])


def check_rate(kind: str, key: str, limit: int, now: datetime) -> None:
    """Refuse when `limit` events of `kind` for `key` happened in the window; the refusal says
    when the oldest of them leaves the window."""
    recent = _recent(kind, key, now)
    if len(recent) >= limit:
        raise Throttled(recent[limit - 1] + limits().window)


def check_lockout(kind: str, key: str, limit: int, now: datetime) -> None:
    """Locked out for the lock-out period after the last failure, once `limit` failures happened
    in the window before it. A locked-out attempt is not counted, so the lock ends on time."""
    recent = _recent(kind, key, now)
    if len(recent) >= limit:
        until = recent[0] + limits().lockout
        if until > now:
            raise Throttled(until)


def record(kind: str, key: str, now: datetime) -> Attempt:
    return Attempt.objects.create(kind=kind, key=key, created_at=now)


def attempts_prune(*, now: datetime | None = None) -> int:
    """Delete attempts older than both the window and the lock-out (they count for nothing)."""
    now = now or timezone.now()
    horizon = max(limits().window, limits().lockout) * 2
    deleted, _ = Attempt.objects.filter(created_at__lt=now - horizon).delete()
    return deleted
