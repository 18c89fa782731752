"""Helpers of the portal tests: orders through the real order service, a real PNG, and reading
the one-time code out of what the SMTP server received."""

from __future__ import annotations

import re
import struct
import zlib
from datetime import timedelta

from django.utils import timezone

from returndesk.catalog.tests.factories import make_product
from returndesk.orders.models import Channel
from returndesk.orders.tests.factories import make_order


def _png(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + b"\xc8\x37\x1e" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


PNG = _png()


def make_shop_order(
    customer, *, number=None, days_ago: float = 2, channel=Channel.OWN_SHOP, lines=None, **kw
):
    laptop = make_product(name="轻薄笔记本 14", name_en="Laptop 14")
    mouse = make_product(name="无线鼠标", name_en="Wireless mouse")
    kw.setdefault("contact_phone", "139 1234 5678")
    kw.setdefault("contact_email", "buyer@example.com")
    if number:
        kw["number"] = number
    return make_order(
        customer=customer,
        channel=channel,
        delivered_at=timezone.now() - timedelta(days=days_ago),
        lines=lines or [(laptop, 2, "4999.00"), (mouse, 1, "99.00")],
        **kw,
    )


def code_in(message) -> str:
    body = message.get_content() if hasattr(message, "get_content") else str(message)
    return re.search(r"\b(\d{6})\b", body).group(1)
