"""Reads for orders."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from returndesk.catalog.models import Customer, Product
from returndesk.catalog.selectors import ALL_CUSTOMERS, customer_scope
from returndesk.core.errors import DomainError, NotFound

from .models import Order, OrderLine
from .pricing import line_error


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


def order_visible_to(user) -> QuerySet[Order]:
    """Orders of the customers the user may see (catalog.selectors.customer_visible_to): all for
    staff and the system, a customer's or distributor's own for their sign-ins. With the customer,
    the lines and their products, and the payments, in a fixed number of queries."""
    scope = customer_scope(user)
    orders = Order.objects.all() if scope is not None else Order.objects.none()
    if scope is not None and scope != ALL_CUSTOMERS:
        orders = orders.filter(customer_id=scope)
    return orders.select_related("customer").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("product").order_by("position")),
        "payments",
    )


def order_list(
    *, user, customer_code: str | None = None, channel: str | None = None, number: str | None = None
) -> QuerySet[Order]:
    orders = order_visible_to(user)
    if customer_code:
        orders = orders.filter(customer__code=customer_code.strip())
    if channel:
        orders = orders.filter(channel=channel)
    if number:
        orders = orders.filter(number=number.strip())
    return orders


def order_get(*, user, order_id) -> Order:
    order = order_visible_to(user).filter(id=order_id).first()
    if order is None:  # someone else's order looks exactly like a missing one
        raise NotFound("order.not_found", "订单不存在。", "Order not found.")
    return order


@dataclass(frozen=True)
class OrderReferences:
    """Customers by code and products by SKU for a batch of incoming orders (shop integrations
    name them so, not by id), loaded in two queries."""

    customers: dict[str, Customer]
    products: dict[str, Product]

    def resolve(self, data: Mapping) -> dict:
        """`data` with "customer" (a code) and each line's "sku" replaced by the objects
        order_create / order_upsert take; an unknown code or SKU is an input error."""
        code = data.get("customer")
        customer = self.customers.get(code) if isinstance(code, str) else None
        if customer is None:
            raise DomainError(
                "order.unknown_customer",
                "客户编码 {value} 不存在。",
                "No customer with code {value}.",
                fields={"customer": ("客户不存在。", "No such customer.")},
                value=code,
            )
        lines = []
        for index, raw in enumerate(data.get("lines") or ()):
            line = dict(raw)
            sku = line.pop("sku", None)
            product = self.products.get(sku) if isinstance(sku, str) else None
            if product is None:
                raise line_error(
                    "order.unknown_product",
                    index,
                    "sku",
                    "商品编码 {sku} 不存在。",
                    "no product with SKU {sku}.",
                    sku=sku,
                )
            lines.append({**line, "product": product})
        return {**data, "customer": customer, "lines": lines}


def order_references(orders: Iterable[Mapping]) -> OrderReferences:
    orders = list(orders)
    codes = {data.get("customer") for data in orders} - {None}
    skus = {line.get("sku") for data in orders for line in data.get("lines") or ()} - {None}
    return OrderReferences(
        customers={c.code: c for c in Customer.objects.filter(code__in=codes)},
        products={p.sku: p for p in Product.objects.filter(sku__in=skus)},
    )
