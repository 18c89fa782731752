"""Reads of the exchange domain. Permission filtering of cases is the caller's (the cases app
decides who sees which case); these read what belongs to a case it already allowed."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from .models import CreditState, Exchange, ExchangeLine, ExchangeState, PaymentRequest, PaymentState


def exchange_live(*, case) -> Exchange | None:
    """The case's latest exchange that is reserved or shipped (None before it is arranged)."""
    return (
        Exchange.objects.filter(case=case)
        .exclude(state=ExchangeState.SUPERSEDED)
        .select_related("warehouse")
        .order_by("-created_at", "-id")
        .first()
    )


def exchange_amount_due(*, case) -> PaymentRequest | None:
    """The payment request the customer still has to pay for the case's live exchange."""
    return (
        PaymentRequest.objects.filter(exchange__case=case, state=PaymentState.PENDING)
        .exclude(exchange__state=ExchangeState.SUPERSEDED)
        .first()
    )


def exchanges_of_case(*, case) -> QuerySet[Exchange]:
    """Every arrangement of the case, newest first (superseded ones included, as history)."""
    lines = ExchangeLine.objects.select_related(
        "case_line", "order_line__order", "original_product", "replacement_product"
    ).order_by("created_at", "id")
    return (
        Exchange.objects.filter(case=case)
        .select_related("warehouse", "arranged_by", "shipped_by")
        .prefetch_related(
            Prefetch("lines", queryset=lines),
            Prefetch("payment_requests", queryset=PaymentRequest.objects.order_by("created_at")),
        )
        .order_by("-created_at", "-id")
    )


def payment_requests(*, state: str | None = None) -> QuerySet[PaymentRequest]:
    """Price differences customers owe (finance's list), newest first."""
    qs = PaymentRequest.objects.select_related("exchange__case__customer", "confirmed_by")
    if state:
        qs = qs.filter(state=state)
    return qs


def credits(*, state: str | None = None) -> QuerySet[Exchange]:
    """Exchanges that owe the customer money (a cheaper replacement), for finance."""
    qs = Exchange.objects.exclude(credit_state=CreditState.NONE).exclude(state=ExchangeState.SUPERSEDED)
    if state:
        qs = qs.filter(credit_state=state)
    return qs.select_related("case__customer")


def serials_with_customer(order_line) -> list[str]:
    """The serial numbers the customer now holds under an order line: those sold on it, minus
    units taken back by shipped exchanges, plus the replacements shipped for them (in shipping
    order). A later case on the order line may name any of these (cases.services.creation)."""
    serials = list(order_line.serial_numbers or [])
    shipped = (
        ExchangeLine.objects.filter(order_line=order_line, exchange__state=ExchangeState.SHIPPED)
        .order_by("exchange__shipped_at", "created_at")
        .values_list("returned_serials", "shipped_serials")
    )
    for returned, out in shipped:
        serials = [s for s in serials if s not in set(returned or ())] + [s for s in out or () if s]
    return serials


def replacement_product_for(*, order_line, serial_number: str):
    """The product a serial number under `order_line` is, if it came as a replacement (another
    variant than the order line's product); None otherwise. For receipt and disposition of a
    returned replacement."""
    for line in (
        ExchangeLine.objects.filter(order_line=order_line, exchange__state=ExchangeState.SHIPPED)
        .select_related("replacement_product")
        .order_by("-exchange__shipped_at")
    ):
        if serial_number in (line.shipped_serials or ()):
            return line.replacement_product
    return None
