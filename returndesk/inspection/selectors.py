"""Reads of receipt and inspection.

`line_outcomes(case)` is the one place refunds (issue 6) read what inspection decided per case
line: how many units are refundable and what deductions inspection set.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from django.db.models import Prefetch, QuerySet

from returndesk.core.money import ZERO

from .models import ChecklistItem, Outcome, Receipt, ReceiptExtra, ReceiptLine, ReturnUnit
from .services import checklist_for, latest_receipt

__all__ = [
    "LineOutcome",
    "checklist_for",
    "latest_receipt",
    "line_outcomes",
    "receipt_detail",
    "receipts_flagged",
]


class LineOutcome(NamedTuple):
    """What a case line's inspection decided (unpacks as (accepted_units, deductions, details)).

    accepted_units: units received and accepted at inspection — the units a refund may pay for;
        never more than received, so over-receipts and rejected units never count.
    deductions: the sum of the accepted units' deductions (Decimal, 2 places), to be taken off
        the refund of those units as a separate component (policies.engine.refund_due).
    details: {"inspected": bool, "received": int, "rejected": int, "units": [per unit: id,
        sequence, serial_number, grade, outcome, rejection_reason, deduction (str),
        deduction_detail [{code, zh, en, amount}], disposition]}.
    """

    accepted_units: int
    deductions: Decimal
    details: dict


def line_outcomes(case, lines=None) -> dict:
    """{case line id: LineOutcome} for every line of `case` (or of `lines`, the case's lines the
    caller has read already), from its latest receipt. A line not inspected yet (or never
    received) counts the units received as accepted with no deduction — the case `auto_refund`
    deems everything received without an inspection. One query for the receipt, one for the
    units, one for the lines unless given."""
    receipt = latest_receipt(case)
    units_by_line: dict = {}
    if receipt is not None:
        for unit in ReturnUnit.objects.filter(receipt_line__receipt=receipt).order_by(
            "case_line_id", "sequence"
        ):
            units_by_line.setdefault(unit.case_line_id, []).append(unit)
    result = {}
    for line in case.lines.all() if lines is None else lines:
        units = units_by_line.get(line.id, [])
        inspected = bool(units) and all(u.outcome for u in units)
        if not inspected:
            received = line.quantity_received or 0
            result[line.id] = LineOutcome(
                received, ZERO, {"inspected": False, "received": received, "rejected": 0, "units": []}
            )
            continue
        accepted = [u for u in units if u.outcome == Outcome.ACCEPTED]
        result[line.id] = LineOutcome(
            len(accepted),
            sum((u.deduction for u in accepted), ZERO),
            {
                "inspected": True,
                "received": len(units),
                "rejected": len(units) - len(accepted),
                "units": [
                    {
                        "id": str(u.id), "sequence": u.sequence, "serial_number": u.serial_number,
                        "grade": u.grade, "outcome": u.outcome, "rejection_reason": u.rejection_reason,
                        "deduction": str(u.deduction), "deduction_detail": u.deduction_detail,
                        "disposition": u.disposition,
                    }
                    for u in units
                ],
            },
        )  # fmt: skip
    return result


def receipt_detail(case) -> Receipt | None:
    """The case's latest receipt with its lines, units (and their photos) and extra items loaded."""
    units = ReturnUnit.objects.select_related("case_line").prefetch_related("photos").order_by("sequence")
    lines = ReceiptLine.objects.select_related("product__category", "case_line").prefetch_related(
        Prefetch("units", queryset=units)
    )
    return (
        Receipt.objects.filter(case=case)
        .select_related("warehouse", "received_by")
        .prefetch_related(
            Prefetch("lines", queryset=lines.order_by("created_at")),
            Prefetch("extras", queryset=ReceiptExtra.objects.select_related("product", "resolved_by")),
        )
        .order_by("-created_at")
        .first()
    )


def receipts_flagged() -> QuerySet[Receipt]:
    """Receipts with something short, over, unexpected or a serial mismatch, newest first, for the
    warehouse and sales queues."""
    return (
        Receipt.objects.filter(has_discrepancy=True)
        .select_related("case", "warehouse")
        .order_by("-created_at")
    )


def checklist_items() -> QuerySet[ChecklistItem]:
    return ChecklistItem.objects.filter(is_active=True).prefetch_related("categories")
