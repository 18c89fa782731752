"""Registry of outbox topic handlers. A handler returns True when it sent something, False when
there was nobody to tell; an exception means 'try again later'. Domain apps register their own
handlers (e.g. cases/notify.py) so this app never imports them."""

from __future__ import annotations

from collections.abc import Callable

HANDLERS: dict[str, Callable[[dict], bool]] = {}


def register(topic: str):
    def decorator(fn):
        HANDLERS[topic] = fn
        return fn

    return decorator
