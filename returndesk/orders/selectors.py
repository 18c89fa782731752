"""Reads for orders."""

from __future__ import annotations

from django.db.models import QuerySet

from returndesk.catalog.models import Customer
from returndesk.core.errors import DomainError, NotFound

from .models import Order, OrderLine


def order_get_by_number(*, number: str, channel: str | None = None) -> Order:
    """The order with this number (in `channel` when given), with customer, lines and payments.

    Numbers are unique only per channel: without a channel a number found in several channels
    is refused as ambiguous rather than guessed.
    """
    number = (number or "").strip()
    orders = Order.objects.filter(number=number).select_related("customer")
    if channel is not None:
        orders = orders.filter(channel=channel)
    found = list(orders.prefetch_related("lines__product", "payments")[:2])
    if not found:
        raise NotFound(
            "order.not_found",
            "找不到订单 {number}。",
            "Order {number} not found.",
            number=number,
        )
    if len(found) > 1:
        raise DomainError(
            "order.ambiguous_number",
            "订单号 {number} 在多个渠道中存在，请指定渠道。",
            "Order number {number} exists in several channels; give the channel.",
            fields={"channel": ("请指定渠道。", "Give the channel.")},
            number=number,
        )
    return found[0]


def order_lines_for_customer(*, customer: Customer) -> QuerySet[OrderLine]:
    """All order lines bought by `customer`, newest order first, lines in order position."""
    return (
        OrderLine.objects.filter(order__customer=customer)
        .select_related("order", "product")
        .order_by("-order__placed_at", "order__number", "position")
    )
