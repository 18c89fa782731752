"""Value of returned units (seed S3 "单价/总价"; refunds proper are issue 6's refunds app).

k units of an order line are worth round(R × k / Q), where R is what is still refundable on the
line (paid minus earlier refunds) and Q its units not yet returned; taking all Q units takes
exactly R, so successive partial returns add up to what was paid.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from returndesk.core.money import ZERO, quantize


def order_line_refunded(order_line) -> Decimal:
    from ..models import CaseLine

    total = CaseLine.objects.filter(order_line=order_line, refund_amount__isnull=False).aggregate(
        s=Sum("refund_amount")
    )["s"]
    return total or ZERO


def units_value(order_line, units: int) -> Decimal:
    remaining_units = order_line.quantity_shipped - order_line.quantity_returned
    if units <= 0 or remaining_units <= 0:
        return ZERO
    remaining_amount = order_line.paid_amount - order_line_refunded(order_line)
    if units >= remaining_units:
        return quantize(remaining_amount)
    return quantize(remaining_amount * units / remaining_units)


def parsed_line_value(parsed: dict) -> Decimal:
    """units_value of a line parsed by case creation (order line and quantity), kept in the dict:
    the policy's evaluation and the claimed amount both need it, in the same transaction."""
    if "units_value" not in parsed:
        parsed["units_value"] = units_value(parsed["order_line"], parsed["quantity"])
    return parsed["units_value"]
