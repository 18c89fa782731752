"""Returnable quantity per order line = shipped − already returned − held by open cases.

The counters live on OrderLine and change only here, under row locks taken in a fixed order
(order lines by id), with F() updates; a CheckConstraint on OrderLine refuses any state where
held exceeds shipped − returned, so even a path that skipped the lock could not over-return.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from returndesk.orders.models import OrderLine

from .. import errors
from ..models import CaseLine, HoldState


def lock_order_lines(ids) -> dict:
    """Lock order lines in id order (the project's fixed lock order: case, then lines)."""
    rows = OrderLine.objects.select_for_update().filter(id__in=sorted(set(ids))).order_by("id")
    return {row.id: row for row in rows.select_related("order", "product")}


def hold(*, lines: list[CaseLine]) -> None:
    """Reserve each line's quantity on its order line; refuse if any would exceed what is left."""
    locked = lock_order_lines(line.order_line_id for line in lines)
    for line in lines:
        ol = locked[line.order_line_id]
        if line.quantity > ol.returnable_quantity:
            raise errors.quantity_exceeded(_label(ol), line.quantity, ol.returnable_quantity)
    try:
        with transaction.atomic():
            for line in lines:
                OrderLine.objects.filter(id=line.order_line_id).update(
                    quantity_held=F("quantity_held") + line.quantity
                )
    except IntegrityError as exc:  # the DB constraint caught a race the lock did not cover
        line = lines[0]
        raise errors.quantity_exceeded(_label(locked[line.order_line_id]), line.quantity, 0) from exc
    for line in lines:
        line.hold_state = HoldState.HELD
        line.save(update_fields=["hold_state", "updated_at"])


def release(*, lines: list[CaseLine]) -> None:
    """Give back what held lines reserved (cancel, reject, exchange or repair finished)."""
    held = [line for line in lines if line.hold_state == HoldState.HELD]
    lock_order_lines(line.order_line_id for line in held)
    for line in held:
        OrderLine.objects.filter(id=line.order_line_id).update(
            quantity_held=F("quantity_held") - line.quantity
        )
        line.hold_state = HoldState.RELEASED
        line.save(update_fields=["hold_state", "updated_at"])


def settle_returned(*, lines: list[CaseLine], quantities: dict, locked: bool = False) -> None:
    """Turn a held quantity into a returned one (refund done): `quantities[line.id]` units count
    as returned, the rest of the hold is released. `locked`: the caller holds the order-line
    locks already (lock_order_lines in this transaction)."""
    held = [line for line in lines if line.hold_state == HoldState.HELD]
    if not locked:
        lock_order_lines(line.order_line_id for line in held)
    for line in held:
        returned = quantities.get(line.id, 0)
        OrderLine.objects.filter(id=line.order_line_id).update(
            quantity_held=F("quantity_held") - line.quantity,
            quantity_returned=F("quantity_returned") + returned,
        )
        line.hold_state = HoldState.RETURNED if returned else HoldState.RELEASED
        line.save(update_fields=["hold_state", "updated_at"])


def _label(order_line) -> str:
    return f"{order_line.order.number} #{order_line.position} {order_line.product.name}"
