"""What a case's refund is computed from (the calculation itself is refunds.calculation).

`refundable_units` is THE place that decides which units of each line are refunded and which
inspection deductions apply (from the inspection app's outcomes), and nowhere else. Everything else here reads the order lines, the policy decision stored on the case and
the refund settings, and hands plain numbers to the pure calculation.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import Sum

from returndesk.core.money import ZERO
from returndesk.inspection.selectors import line_outcomes
from returndesk.refunds.calculation import (
    Deduction,
    LineBasis,
    OrderBasis,
    RefundBasis,
    RefundQuote,
    calculate,
)
from returndesk.refunds.models import RefundCalculation, RefundSettings

from ..models import Case, CaseLine, CaseType

REFUND_TYPES = frozenset({CaseType.RETURN_REFUND, CaseType.REFUND_ONLY})


@dataclass(frozen=True)
class RefundableUnits:
    line: CaseLine
    units: int
    deductions: tuple[Deduction, ...] = ()


def refundable_units(case: Case, lines: list[CaseLine] | None = None) -> list[RefundableUnits]:
    """Which units of each line are refundable, and which inspection deductions apply to them.

    A return-and-refund pays for the units inspection accepted, less the deductions their failed
    checklist points imply (inspection.selectors.line_outcomes: a line not inspected — the
    system's `auto_refund` deems everything received — counts its received units as accepted,
    with no deduction); over-receipts and rejected units never count. A refund-only claim pays
    for the units claimed (no goods come back)."""
    lines = list(case.lines.all()) if lines is None else lines
    if case.type == CaseType.REFUND_ONLY:
        return [RefundableUnits(line, line.quantity) for line in lines]
    outcomes = line_outcomes(case, lines)
    result = []
    for line in lines:
        outcome = outcomes.get(line.id)
        if outcome is None:
            result.append(RefundableUnits(line, line.quantity_received or 0))
            continue
        result.append(RefundableUnits(line, outcome.accepted_units, _inspection_deductions(outcome)))
    return result


def _inspection_deductions(outcome) -> tuple[Deduction, ...]:
    """The accepted units' deductions, one per checklist point, adding up to the line's total."""
    found = []
    for unit in outcome.details.get("units", ()):
        if unit.get("outcome") != "accepted":
            continue
        detail = unit.get("deduction_detail") or []
        for item in detail:
            found.append(Deduction(item["code"], item["zh"], item["en"], Decimal(str(item["amount"]))))
        listed = sum((Decimal(str(item["amount"])) for item in detail), ZERO)
        rest = Decimal(str(unit.get("deduction") or "0")) - listed
        if rest > 0:
            found.append(Deduction("inspection", "验收扣款", "inspection deduction", rest))
    return tuple(found)


def _consumed(order_line_id, exclude_case_id) -> tuple[Decimal, Decimal]:
    """Goods value and tax other cases have already taken of the order line."""
    row = (
        CaseLine.objects.filter(order_line_id=order_line_id, refund_amount__isnull=False)
        .exclude(case_id=exclude_case_id)
        .aggregate(paid=Sum("refund_amount"), tax=Sum("refund_tax_amount"))
    )
    return row["paid"] or ZERO, row["tax"] or ZERO


def _decision_fees(case: Case) -> dict[str, Decimal]:
    fees = {}
    for line in (case.policy_decision or {}).get("lines", ()):
        try:
            fees[line["key"]] = Decimal(str(line.get("restocking_fee") or "0"))
        except (InvalidOperation, KeyError):
            continue
    return fees


def return_shipping_charge(case: Case, settings: RefundSettings) -> Decimal:
    """Return shipping the customer bears (policy: `Case.return_shipping_payer`) and that the
    merchant paid for: a pickup the merchant booked. A customer who shipped it paid already."""
    if (
        case.type == CaseType.RETURN_REFUND
        and case.return_shipping_payer == "customer"
        and case.solution == "pickup"
    ):
        return settings.pickup_charge
    return ZERO


def _outbound_shipping(order, lines: list[RefundableUnits], settings: RefundSettings) -> Decimal:
    """The order's outbound shipping, when a refunded line's reason class is one the settings
    refund it for, and no earlier refund of the order took it (at most once per order)."""
    if order.shipping_fee <= 0:
        return ZERO
    if not any(
        u.units > 0 and settings.refunds_outbound_shipping_for(u.line.reason.reason_class) for u in lines
    ):
        return ZERO
    if RefundCalculation.objects.filter(order=order, outbound_shipping__gt=0).exists():
        return ZERO
    return order.shipping_fee


def refund_basis(case: Case, *, order_lines: dict, lines: list[CaseLine] | None = None) -> RefundBasis:
    """The calculation's input for `case`. `order_lines` maps order-line id to the row as read
    (locked, when the refund is being made)."""
    settings = RefundSettings.current()
    units = refundable_units(case, lines)
    fees = _decision_fees(case)
    line_bases = []
    orders = {}
    for item in units:
        line = item.line
        ol = order_lines[line.order_line_id]
        paid, tax = _consumed(ol.pk, case.pk)
        orders.setdefault(ol.order_id, (ol.order, []))[1].append(item)
        line_bases.append(
            LineBasis(
                key=str(line.pk),
                order_key=str(ol.order_id),
                units=item.units,
                remaining_units=ol.quantity_shipped - ol.quantity_returned,
                remaining_paid=ol.paid_amount - paid,
                remaining_tax=ol.tax_amount - tax,
                claimed_units=line.quantity,
                restocking_fee=fees.get(str(ol.pk), ZERO),
                deductions=item.deductions,
                tax_mode=ol.tax_mode,
            )
        )
    order_bases = tuple(
        OrderBasis(key=str(order_id), outbound_shipping=_outbound_shipping(order, items, settings))
        for order_id, (order, items) in orders.items()
    )
    return RefundBasis(tuple(line_bases), order_bases, return_shipping_charge(case, settings))


def _quote_lines(case: Case) -> list[CaseLine]:
    if getattr(case, "_guard_lines", False):  # read for the guards (services.transitions), in full
        return list(case.lines.all())
    return list(case.lines.select_related("order_line__order", "reason"))


def refund_quote(case: Case, lines: list[CaseLine] | None = None) -> RefundQuote:
    """What the refund would be now (nothing locked, nothing written)."""
    lines = _quote_lines(case) if lines is None else lines
    order_lines = {line.order_line_id: line.order_line for line in lines}
    return calculate(refund_basis(case, order_lines=order_lines, lines=lines))


def refund_at_stake(case: Case) -> Decimal:
    """The amount the general-manager gate compares (workflow.gm_required): the refund once it
    has been started, else what it would be now (return-and-refund, refund only) — for a return
    whose goods have not been received yet, the value claimed; for other types the value of the
    claimed goods. Kept on the instance while its version stays the same (every transition
    changes the version), as the guards ask more than once per request."""
    if case.type not in REFUND_TYPES:
        return case.claimed_amount
    if case.refund_amount is not None:
        return case.refund_amount
    version, amount = getattr(case, "_refund_at_stake", (None, None))
    if version != case.version:
        lines = _quote_lines(case)
        if case.type == CaseType.RETURN_REFUND and all(line.quantity_received is None for line in lines):
            amount = case.claimed_amount
        else:
            amount = refund_quote(case, lines).total
        case._refund_at_stake = (case.version, amount)
    return amount
