"""Work that must run after the caller's transaction has committed (a payment provider's call,
which must never happen inside a database transaction that could still roll back)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction

log = logging.getLogger(__name__)


def in_business_transaction() -> bool:
    """True inside an atomic block that will commit or roll back. The blocks a test case wraps
    around each test (Django TestCase, pytest-django's `db`) do not count: they never commit,
    and Django's own `atomic(durable=True)` check ignores them the same way."""
    connection = transaction.get_connection()
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def run_after_commit(fn: Callable[[], object], *, what: str) -> None:
    """Run `fn` now when no transaction is open, else once the open one commits (never if it
    rolls back). An exception is logged, not raised: the work is also queued durably (the
    outbox), so a failure here only delays it."""

    def guarded() -> None:
        try:
            fn()
        except Exception:
            log.exception("after-commit work failed: %s", what)

    if in_business_transaction():
        transaction.on_commit(guarded)
    else:
        guarded()
