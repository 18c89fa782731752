"""Starting a refund: the calculation is recorded, and refunds are created for what is
outstanding, each drawing on the order's payments. Called by the cases app inside the case's
transition (under the case and order-line locks); the payments are locked last, in id order
(STYLE.md lock order: case, lines, payments), so two refunds on one payment queue and can never
together pass what it paid — and the database check on orders.Payment refuses it if anything
slipped past the lock.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Sum

from returndesk.core.money import ZERO
from returndesk.core.numbering import next_number
from returndesk.orders.models import Order, Payment, PaymentMethod

from .. import errors
from ..calculation import OrderQuote, split_over_payments
from ..models import (
    ProviderCode,
    Refund,
    RefundAllocation,
    RefundCalculation,
    RefundSettings,
    RefundStatus,
    Route,
)
from ..providers import provider_code_for_method

PAYEE_FIELDS = ("account_name", "bank", "account_number")


@dataclass(frozen=True)
class LineRecord:
    """What the cases app tells about a quoted line: its case line and order line."""

    case_line: str
    order_line: str
    claimed: int


def clean_route(route: str | None, payee: dict | None) -> tuple[str, dict]:
    route = route or Route.ORIGINAL
    if not isinstance(route, str) or route.strip() not in Route.values:
        raise errors.unknown_route(route)
    route = route.strip()
    if route != Route.BANK_TRANSFER:
        return route, {}
    payee = {k: str((payee or {}).get(k) or "").strip() for k in PAYEE_FIELDS}
    missing = [k for k in PAYEE_FIELDS if not payee[k]]
    if missing:
        raise errors.payee_required(missing)
    for name, limit in (("account_name", 100), ("bank", 100), ("account_number", 40)):
        if len(payee[name]) > limit:
            raise errors.invalid(name, "最多 {limit} 个字符", "At most {limit} characters", limit=limit)
    return route, payee


def refund_calculation_record(
    *, case_id, customer, order: Order, quote: OrderQuote, lines: dict[str, LineRecord], actor
) -> RefundCalculation:
    """Keep the calculation of one order's part of a case's refund, component by component."""
    return RefundCalculation.objects.create(
        case_id=case_id,
        order=order,
        customer=customer,
        currency=order.currency,
        goods_gross=quote.goods_gross,
        goods_net=quote.goods_net,
        goods_tax=quote.goods_tax,
        restocking_fee=quote.restocking_fee,
        inspection_deductions=quote.inspection_deductions,
        return_shipping=quote.return_shipping,
        outbound_shipping=quote.outbound_shipping,
        total=quote.total,
        cap=quote.cap,
        computed_by=actor,
        lines=[
            {
                "case_line": lines[q.key].case_line,
                "order_line": lines[q.key].order_line,
                "claimed": lines[q.key].claimed,
                "units": q.units,
                "tax_mode": q.tax_mode,
                "gross": str(q.gross),
                "net": str(q.net),
                "tax": str(q.tax),
                "restocking_fee": str(q.restocking_fee),
                "deductions": [
                    {"code": d.code, "zh": d.zh, "en": d.en, "amount": str(d.amount)} for d in q.deductions
                ],
                "due": str(q.due),
            }
            for q in quote.lines
        ],
    )


def outstanding(calculation: RefundCalculation) -> Decimal:
    """What is still to pay of a calculation: its total less its refunds that did not fail."""
    drawn = (
        calculation.refunds.exclude(status=RefundStatus.FAILED).aggregate(s=Sum("amount"))["s"]
        if calculation.pk
        else None
    )
    return calculation.total - (drawn or ZERO)


def _route_rank(settings: RefundSettings):
    order = list(settings.original_route_order or [])

    def rank(payment: Payment) -> tuple:
        position = order.index(payment.method) if payment.method in order else len(order)
        return (position, payment.paid_at is None, payment.paid_at, str(payment.pk))

    return rank


def _new_refund(calculation, *, route, provider, method, payment, amount, payee, actor, attempt, reference):
    number = next_number("RF")
    return Refund.objects.create(
        number=number,
        case_id=calculation.case_id,
        calculation=calculation,
        order_id=calculation.order_id,
        customer_id=calculation.customer_id,
        attempt=attempt,
        route=route,
        provider=provider,
        method=method,
        payment=payment,
        amount=amount,
        currency=calculation.currency,
        idempotency_key=f"{number}-{uuid.uuid4().hex[:8]}",
        payee=payee,
        requested_by=actor,
        finance_reference=reference,
    )


def _draw(refund: Refund, parts: list[tuple[Payment, Decimal]], order_number: str) -> None:
    for payment, amount in parts:
        RefundAllocation.objects.create(refund=refund, payment=payment, amount=amount)
        try:
            with transaction.atomic():
                Payment.objects.filter(id=payment.id).update(refunded_amount=F("refunded_amount") + amount)
        except IntegrityError as exc:  # the check constraint caught what the lock should have
            raise errors.payment_cap_exceeded(order_number, amount) from exc


def refund_request(
    *,
    calculations: list[RefundCalculation],
    route: str,
    payee: dict,
    actor,
    attempt: int,
    reference: str = "",
) -> list[Refund]:
    """Create the refunds that pay what is outstanding of each calculation (issue 6, routes):

    - original route: split over the order's payments in the configured order (admin → refund
      settings), each part at most what is left of that payment, one refund per payment, each
      by the provider that refunds its method (RETURNDESK_REFUND_PROVIDERS);
    - bank transfer (finance transfers and confirms) or store credit: one refund per order,
      drawing on the payments in the same order, so the cap per payment holds on every route.

    Refused, with nothing written, when the payments cannot cover it (refund.payment_cap_exceeded)
    or the order has no recorded payment (refund.no_payment). Must run in a transaction."""
    settings = RefundSettings.current()
    rank = _route_rank(settings)
    order_ids = sorted({c.order_id for c in calculations})
    locked = list(Payment.objects.select_for_update().filter(order_id__in=order_ids).order_by("id"))
    created = []
    for calculation in calculations:
        due = outstanding(calculation)
        if due <= 0:
            continue
        order = calculation.order
        payments = sorted((p for p in locked if p.order_id == calculation.order_id), key=rank)
        if not payments:
            raise errors.no_payment(order.number)
        by_id = {str(p.pk): p for p in payments}
        try:
            split = split_over_payments(due, [(str(p.pk), p.amount - p.refunded_amount) for p in payments])
        except ValueError as exc:
            raise errors.payment_cap_exceeded(order.number, exc.args[0]) from None
        parts = [(by_id[key], amount) for key, amount in split]
        common = {"payee": payee, "actor": actor, "attempt": attempt, "reference": reference, "route": route}
        if route == Route.ORIGINAL:
            for payment, amount in parts:
                refund = _new_refund(
                    calculation, provider=provider_code_for_method(payment.method), method=payment.method,
                    payment=payment, amount=amount, **common,
                )  # fmt: skip
                _draw(refund, [(payment, amount)], order.number)
                created.append(refund)
        else:
            store = route == Route.STORE_CREDIT
            refund = _new_refund(
                calculation,
                provider=ProviderCode.STORE_CREDIT if store else ProviderCode.MANUAL,
                method=PaymentMethod.STORE_CREDIT if store else PaymentMethod.BANK_TRANSFER,
                payment=None,
                amount=due,
                **common,
            )
            _draw(refund, parts, order.number)
            created.append(refund)
        for payment, amount in parts:  # what later calculations in this call see
            payment.refunded_amount += amount
    return created
