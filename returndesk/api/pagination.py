"""Keyset pagination for list endpoints: `?limit=50&cursor=<opaque>` answers
`{"items": [...], "next_cursor": "…" | null}`; pass next_cursor back to get the next page.

The order is one non-null field plus the primary key in the same direction, so it is total and
stable: rows with equal sort values are neither skipped nor repeated across pages, and rows
added meanwhile do not shift later pages. The cursor is base64url of JSON [sort value, id] of
the last row served; it is opaque to clients. A page is one query (plus the list's fixed
prefetches), whatever its size; there is no total count.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from ninja import Schema
from pydantic import Field

from returndesk.core.errors import DomainError

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class PageQuery(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: str | None = None


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next_cursor: str | None


def _invalid_cursor() -> DomainError:
    return DomainError(
        "request.invalid_cursor",
        "分页游标无效，请使用上一页返回的 next_cursor。",
        "Invalid cursor; pass the next_cursor of the previous page.",
        fields={"cursor": ("游标无效。", "Invalid cursor.")},
    )


def encode_cursor(value: Any, pk: Any) -> str:
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    raw = json.dumps([text, str(pk)], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(cursor: str, field, pk_field) -> tuple[Any, Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        text, pk = json.loads(raw)
        return field.to_python(text), pk_field.to_python(pk)
    except (binascii.Error, ValueError, TypeError, ValidationError):
        raise _invalid_cursor() from None


def keyset_page(queryset: QuerySet, *, order: str, query: PageQuery) -> Page:
    """One page of `queryset` ordered by `order` ("sku", or "-placed_at" for descending)."""
    descending = order.startswith("-")
    name = order.lstrip("-")
    meta = queryset.model._meta
    rows = queryset.order_by(order, "-pk" if descending else "pk")
    if query.cursor:
        value, pk = decode_cursor(query.cursor, meta.get_field(name), meta.pk)
        after = "lt" if descending else "gt"
        rows = rows.filter(Q(**{f"{name}__{after}": value}) | Q(**{name: value, f"pk__{after}": pk}))
    items = list(rows[: query.limit + 1])
    if len(items) <= query.limit:
        return Page(items, None)
    items = items[: query.limit]
    last = items[-1]
    return Page(items, encode_cursor(getattr(last, name), last.pk))
