"""Every write of the stock domain. Callers (inspection dispositions, exchanges, admin counts)
pass a `reference` naming the cause, e.g. "case:RT-20261126-00001".

Balances change only here, each change with exactly one StockMovement, under row locks taken in a
fixed order (product, warehouse, condition), so concurrent movements never lose an update and the
database checks (no negative on-hand, allocated ≤ on-hand) are the last line of defence.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from . import errors
from .models import Condition, MovementKind, StockLevel, StockMovement

_INBOUND = {MovementKind.OPENING, MovementKind.RETURN_RECEIPT}
_OUTBOUND = {
    MovementKind.COUNT_LOSS,
    MovementKind.SCRAP,
    MovementKind.RETURN_TO_SUPPLIER,
    MovementKind.REPLACEMENT_SHIPMENT,
    MovementKind.RETURN_TO_CUSTOMER,
}


def _check_quantity(quantity) -> int:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise errors.quantity_invalid(quantity)
    return quantity


def _locked_level(product, warehouse, condition: str) -> StockLevel:
    """The balance row, locked; created (at zero) the first time a product reaches a condition.
    Two first movements racing on PostgreSQL: the loser's insert hits the unique constraint inside
    a savepoint and it then locks the winner's row."""
    qs = StockLevel.objects.select_for_update()
    try:
        return qs.get(product=product, warehouse=warehouse, condition=condition)
    except StockLevel.DoesNotExist:
        try:
            with transaction.atomic():
                return StockLevel.objects.create(product=product, warehouse=warehouse, condition=condition)
        except IntegrityError:
            return qs.get(product=product, warehouse=warehouse, condition=condition)


def _locked_levels(product, warehouse, *conditions: str) -> dict[str, StockLevel]:
    return {c: _locked_level(product, warehouse, c) for c in sorted(c for c in conditions if c)}


def stock_move(
    *,
    product,
    warehouse,
    quantity: int,
    kind: str,
    source: str = "",
    target: str = "",
    reference: str = "",
    serial_number: str = "",
    note: str = "",
    actor=None,
) -> StockMovement:
    """Move `quantity` units between conditions, into stock (no source) or out of it (no target).
    Only unallocated units can leave a condition: allocated ones are promised to a replacement."""
    _check_quantity(quantity)
    if source == target:
        raise errors.same_condition()
    for value in (source, target):
        if value and value not in Condition.values:
            raise ValueError(f"unknown condition {value!r}")
    if kind not in MovementKind.values:
        raise ValueError(f"unknown movement kind {kind!r}")
    with transaction.atomic():
        levels = _locked_levels(product, warehouse, source, target)
        if source:
            level = levels[source]
            if level.available < quantity:
                raise errors.insufficient(
                    product.sku, warehouse.name, Condition(source).label, quantity, level.available
                )
            level.on_hand -= quantity
            level.save(update_fields=["on_hand", "updated_at"])
        if target:
            levels[target].on_hand += quantity
            levels[target].save(update_fields=["on_hand", "updated_at"])
        return StockMovement.objects.create(
            product=product, warehouse=warehouse, quantity=quantity, source=source, target=target,
            kind=kind, reference=reference, serial_number=serial_number, note=note, actor=actor,
        )  # fmt: skip


def stock_allocate(*, product, warehouse, quantity: int) -> StockLevel:
    """Promise sellable units (e.g. to an exchange) so nobody else can take them. Out of stock is a
    refusal with nothing allocated (issue #5: no shipment, no money moved)."""
    _check_quantity(quantity)
    with transaction.atomic():
        level = _locked_level(product, warehouse, Condition.SELLABLE)
        if level.available < quantity:
            raise errors.out_of_stock(product.sku, warehouse.name, quantity, level.available)
        level.allocated += quantity
        level.save(update_fields=["allocated", "updated_at"])
        return level


def stock_release(*, product, warehouse, quantity: int) -> StockLevel:
    """Give back allocated sellable units (the exchange was cancelled or changed)."""
    _check_quantity(quantity)
    with transaction.atomic():
        level = _locked_level(product, warehouse, Condition.SELLABLE)
        if level.allocated < quantity:
            raise errors.release_exceeds(product.sku, quantity, level.allocated)
        level.allocated -= quantity
        level.save(update_fields=["allocated", "updated_at"])
        return level


def stock_ship_allocated(
    *, product, warehouse, quantity: int, reference: str = "", serial_number: str = "", actor=None
) -> StockMovement:
    """Ship allocated sellable units (a replacement): they leave on-hand and the allocation."""
    _check_quantity(quantity)
    with transaction.atomic():
        level = _locked_level(product, warehouse, Condition.SELLABLE)
        if level.allocated < quantity:
            raise errors.release_exceeds(product.sku, quantity, level.allocated)
        level.allocated -= quantity
        level.on_hand -= quantity
        level.save(update_fields=["allocated", "on_hand", "updated_at"])
        return StockMovement.objects.create(
            product=product, warehouse=warehouse, quantity=quantity, source=Condition.SELLABLE, target="",
            kind=MovementKind.REPLACEMENT_SHIPMENT, reference=reference, serial_number=serial_number,
            actor=actor,
        )  # fmt: skip


# --- manual movements: counts and later handling of stock (warehouse staff, integrations) ------------

STOCK_MOVERS = frozenset({"warehouse", "system"})
# kind: (source required, target required)
_MANUAL = {
    MovementKind.OPENING: (False, True),
    MovementKind.COUNT_LOSS: (True, False),
    MovementKind.DISPOSITION: (True, True),
    MovementKind.REFURBISHED: (True, True),
    MovementKind.SCRAP: (True, False),
    MovementKind.RETURN_TO_SUPPLIER: (True, False),
}


def stock_adjust(
    *, actor, product, warehouse, quantity: int, kind: str, source: str = "", target: str = "", note: str = ""
) -> StockMovement:
    """A movement the warehouse records by hand: a stock count (gain or loss), moving units between
    conditions (quarantine → sellable after review, refurbish → sellable when refurbished), scrapping
    or returning to the supplier. Units awaiting inspection move only through their case's
    inspection (its dispositions), and replacement shipments only through an exchange. A note says
    why. Warehouse staff and integrations (a WMS) only."""
    if actor is None or not (actor.is_superuser or actor.role in STOCK_MOVERS):
        raise errors.forbidden()
    if kind not in _MANUAL:
        raise errors.manual_kind(kind, [k.value for k in _MANUAL])
    needs_source, needs_target = _MANUAL[MovementKind(kind)]
    for name, value, needed in (("source", source, needs_source), ("target", target, needs_target)):
        if needed and value not in Condition.values:
            raise errors.side_required(name)
        if not needed and value:
            raise errors.side_not_allowed(name)
        if value == Condition.INSPECTION:
            raise errors.inspection_via_case(name)
    if kind == MovementKind.REFURBISHED and (source, target) != (Condition.REFURBISH, Condition.SELLABLE):
        raise errors.refurbished_path()
    note = (note or "").strip()
    if not note:
        raise errors.note_required()
    return stock_move(
        product=product, warehouse=warehouse, quantity=quantity, kind=kind, source=source, target=target,
        reference=f"manual:{actor.username}", note=note[:300], actor=actor,
    )  # fmt: skip
