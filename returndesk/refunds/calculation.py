"""Refund amounts: pure functions on Decimal, no queries. Rounding only through core.money.

Rules (issue 6; seed S7 "退款金额核对", S9 step 7):

- Goods. k refundable units of an order line are worth round(R × k / Q): R is what is still
  refundable on the line (paid, tax included, less the value of units returned before), Q the
  units not yet returned. Taking the last units takes exactly R, so consecutive partial returns
  add up to what was paid (ROUND_HALF_UP to the cent). The tax part is split the same way from
  the line's tax not yet reversed, T, so net + tax of all the returns add up to the line's own
  net and tax; tax-inclusive and tax-exclusive lines both store net + tax = paid, and are split
  alike. An order discount counts as allocated on the order (each line's paid amount already
  carries its share, orders.pricing).
- Deductions, each a separate component and never more than what is left of the line: the
  restocking fee (the policy's fee for the claimed units, in proportion to the units refunded),
  then the inspection deductions (missing accessories, damage); then, per order, the return
  shipping the customer bears. A refund is never negative: deductions can take it to zero.
- Outbound shipping is added only when the caller says it is due for that order (the policy's
  reason classes, and not refunded on the order before).
- Cap: the total never exceeds the goods value of the refundable units (received and accepted
  for returns, claimed for refund-only claims) plus the outbound shipping refunded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from returndesk.core.money import ZERO, quantize


@dataclass(frozen=True)
class Deduction:
    code: str
    zh: str
    en: str
    amount: Decimal


@dataclass(frozen=True)
class LineBasis:
    """One case line: `units` (k) refundable of the order line's `remaining_units` (Q) not yet
    returned, whose still refundable paid amount is `remaining_paid` (R), of which tax
    `remaining_tax` (T). `restocking_fee` is the policy's fee for `claimed_units`."""

    key: str
    order_key: str
    units: int
    remaining_units: int
    remaining_paid: Decimal
    remaining_tax: Decimal
    claimed_units: int = 0
    restocking_fee: Decimal = ZERO
    deductions: tuple[Deduction, ...] = ()
    tax_mode: str = "inclusive"


@dataclass(frozen=True)
class OrderBasis:
    key: str
    outbound_shipping: Decimal = ZERO  # due on this order (policy and not refunded before), else 0


@dataclass(frozen=True)
class RefundBasis:
    lines: tuple[LineBasis, ...]
    orders: tuple[OrderBasis, ...]
    return_shipping: Decimal = ZERO  # borne by the customer, for the case's return parcel


@dataclass(frozen=True)
class LineQuote:
    key: str
    units: int
    gross: Decimal
    net: Decimal
    tax: Decimal
    restocking_fee: Decimal
    deductions: tuple[Deduction, ...]
    due: Decimal
    tax_mode: str

    @property
    def inspection_deductions(self) -> Decimal:
        return sum((d.amount for d in self.deductions), ZERO)


@dataclass(frozen=True)
class OrderQuote:
    key: str
    lines: tuple[LineQuote, ...]
    goods_gross: Decimal
    goods_net: Decimal
    goods_tax: Decimal
    restocking_fee: Decimal
    inspection_deductions: Decimal
    return_shipping: Decimal
    outbound_shipping: Decimal
    total: Decimal
    cap: Decimal


@dataclass(frozen=True)
class RefundQuote:
    orders: tuple[OrderQuote, ...] = field(default=())

    @property
    def total(self) -> Decimal:
        return sum((o.total for o in self.orders), ZERO)

    @property
    def lines(self) -> tuple[LineQuote, ...]:
        return tuple(line for order in self.orders for line in order.lines)


def units_share(amount: Decimal, units: int, remaining_units: int) -> Decimal:
    """round(amount × units / remaining_units); all remaining units take exactly `amount`."""
    if units <= 0 or remaining_units <= 0:
        return ZERO
    if units >= remaining_units:
        return quantize(amount)
    return quantize(amount * units / remaining_units)


def line_quote(basis: LineBasis) -> LineQuote:
    gross = max(units_share(basis.remaining_paid, basis.units, basis.remaining_units), ZERO)
    tax = min(max(units_share(basis.remaining_tax, basis.units, basis.remaining_units), ZERO), gross)
    left = gross
    fee = ZERO
    if basis.restocking_fee > 0 and basis.units > 0:
        claimed = max(basis.claimed_units, basis.units)
        fee = min(units_share(basis.restocking_fee, basis.units, claimed), left)
    left -= fee
    applied = []
    for deduction in basis.deductions:
        amount = min(quantize(max(deduction.amount, ZERO)), left)
        left -= amount
        applied.append(Deduction(deduction.code, deduction.zh, deduction.en, amount))
    return LineQuote(
        key=basis.key,
        units=max(basis.units, 0),
        gross=gross,
        net=gross - tax,
        tax=tax,
        restocking_fee=fee,
        deductions=tuple(applied),
        due=left,
        tax_mode=basis.tax_mode,
    )


def calculate(basis: RefundBasis) -> RefundQuote:
    """The refund of a case, per order (an order's part is refunded to that order's payments
    and reversed by its own credit note). Orders appear in the order of `basis.orders`; the
    return-shipping charge is taken from the first orders that have something left."""
    quotes = [line_quote(line) for line in basis.lines]
    charge_left = quantize(max(basis.return_shipping, ZERO))
    orders = []
    for order in basis.orders:
        lines = tuple(q for q, b in zip(quotes, basis.lines, strict=True) if b.order_key == order.key)
        gross = sum((q.gross for q in lines), ZERO)
        due = sum((q.due for q in lines), ZERO)
        return_shipping = min(charge_left, due)
        charge_left -= return_shipping
        outbound = quantize(max(order.outbound_shipping, ZERO))
        cap = gross + outbound
        total = min(due - return_shipping + outbound, cap)
        orders.append(
            OrderQuote(
                key=order.key,
                lines=lines,
                goods_gross=gross,
                goods_net=sum((q.net for q in lines), ZERO),
                goods_tax=sum((q.tax for q in lines), ZERO),
                restocking_fee=sum((q.restocking_fee for q in lines), ZERO),
                inspection_deductions=sum((q.inspection_deductions for q in lines), ZERO),
                return_shipping=return_shipping,
                outbound_shipping=outbound,
                total=total,
                cap=cap,
            )
        )
    return RefundQuote(tuple(orders))


def split_over_payments(amount: Decimal, refundable: list[tuple[str, Decimal]]) -> list[tuple[str, Decimal]]:
    """The original route: `amount` split over the payments (key, still refundable) in the
    given order, each part no more than what is left of that payment; the parts sum to
    `amount`, or the payments do not cover it and a ValueError says by how much."""
    parts = []
    left = quantize(amount)
    for key, available in refundable:
        take = min(left, max(quantize(available), ZERO))
        if take > 0:
            parts.append((key, take))
            left -= take
    if left > 0:
        raise ValueError(left)
    return parts
