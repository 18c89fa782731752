"""Test factories for orders, through the real services (actor=None, the system)."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from returndesk.catalog.tests.factories import make_customer, make_product
from returndesk.orders.models import Channel, Order, PaymentMethod
from returndesk.orders.pricing import order_amounts
from returndesk.orders.services import order_create

_seq = itertools.count(1)
_DEFAULT = object()


def line(product=None, quantity: int = 1, unit_price="100.00", **kw) -> dict:
    """A line dict for order_create; other keys (line_discount, tax_mode, serial_numbers…) pass through."""
    return {"product": product or make_product(), "quantity": quantity, "unit_price": unit_price, **kw}


def make_order(
    customer=None,
    lines: Sequence[tuple | Mapping] | None = None,
    delivered_at: datetime | None = _DEFAULT,  # type: ignore[assignment]
    channel: str = Channel.OWN_SHOP,
    **kw,
) -> Order:
    """An order with lines and one Alipay payment of exactly the total (none if the total is 0).

    lines: (product, quantity, unit_price) tuples or line dicts; default one product at 100.00.
    delivered_at: default 3 days ago; pass None for an order not yet delivered. placed_at, paid_at
    and shipped_at default to 2 days, 2 days and 1 day before delivery (or before now).
    """
    customer = customer or make_customer()
    raw_lines = lines if lines is not None else [(make_product(), 1, Decimal("100.00"))]
    line_dicts = [dict(item) if isinstance(item, Mapping) else line(*item) for item in raw_lines]
    if delivered_at is _DEFAULT:
        delivered_at = timezone.now() - timedelta(days=3)
    anchor = delivered_at or timezone.now()
    kw.setdefault("placed_at", anchor - timedelta(days=2))
    kw.setdefault("paid_at", kw["placed_at"])
    if delivered_at is not None:
        kw.setdefault("shipped_at", anchor - timedelta(days=1))
    kw.setdefault("number", f"SO{next(_seq):08d}")
    if "payments" not in kw:
        amounts = order_amounts(
            lines=line_dicts,
            order_discount=kw.get("order_discount", Decimal(0)),
            shipping_fee=kw.get("shipping_fee", Decimal(0)),
        )
        kw["payments"] = (
            [{"method": PaymentMethod.ALIPAY, "amount": amounts.total_paid}] if amounts.total_paid else []
        )
    return order_create(
        actor=kw.pop("actor", None),
        customer=customer,
        lines=line_dicts,
        delivered_at=delivered_at,
        channel=channel,
        **kw,
    )
