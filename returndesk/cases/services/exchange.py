"""The exchange steps of the workflow (issue #5, seed S9 step 5c): arrange the replacement and
reserve its stock, confirm the price difference is paid, ship it. The effects run inside
`case_transition` (one transaction, case row locked, one CaseEvent); the exchange records live in
returndesk.exchanges, which these call with what only cases knows: the paid value of the units
taken back (amounts.units_value, the order line's paid-net price)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction

from returndesk.accounts.roles import Role
from returndesk.catalog.models import Product, Warehouse
from returndesk.core.money import quantize, to_decimal
from returndesk.exchanges import errors as exchange_errors
from returndesk.exchanges import selectors as exchange_selectors
from returndesk.exchanges import services as exchange_services
from returndesk.exchanges.models import ExchangeState
from returndesk.inspection.models import Outcome as InspectionOutcome
from returndesk.inspection.selectors import line_outcomes
from returndesk.orders.models import PaymentMethod

from .. import errors
from ..models import Case
from . import quantities
from .amounts import units_value
from .events import event_record
from .transitions import _shipment, effect

MAX_PRICE = Decimal("1000000000000")


@effect("arrange_exchange")
def _arrange_exchange(case: Case, actor, inputs: dict) -> dict:
    """Every line's received units get a replacement: the same product unless `replacements`
    names another variant of the same category with its current unit price. Stock is reserved
    for all of them or none (out of stock refuses the step and nothing changes); the difference
    against what the customer paid is recorded (payment request or credit). Arranging again
    replaces the earlier arrangement while its difference is unpaid."""
    lines = list(case.lines.select_related("order_line__order", "order_line__product__category", "reason"))
    if not any((line.quantity_received or 0) > 0 for line in lines):
        raise exchange_errors.nothing_received()
    outcomes = line_outcomes(case)
    taken_back = {line.id: _taken_back(line, outcomes[line.id]) for line in lines}
    if not any(count for count, _serials in taken_back.values()):
        raise exchange_errors.nothing_accepted()
    choices = _replacement_choices(inputs.get("replacements"), lines)
    warehouse = _warehouse(inputs.get("warehouse"))
    locked = quantities.lock_order_lines(line.order_line_id for line in lines)
    plans = []
    for line in lines:
        received, returned_serials = taken_back[line.id]
        if received == 0:
            continue
        order_line = locked[line.order_line_id]
        product, price = choices.get(line.id, (order_line.product, None))
        plans.append(
            exchange_services.Replacement(
                case_line=line,
                order_line=order_line,
                quantity=received,
                original_value=units_value(order_line, received),
                product=product,
                unit_price=price,
                returned_serials=returned_serials,
            )
        )
    exchange = exchange_services.exchange_reserve(
        case=case, actor=actor, warehouse=warehouse, replacements=plans, note=inputs.get("note", "")
    )
    request = exchange_selectors.exchange_amount_due(case=case)
    return {
        "warehouse": warehouse.code,
        "replacements": [
            {
                "line": str(p.case_line.id),
                "product": p.product.sku,
                "quantity": p.quantity,
                "original_value": str(p.original_value),
                "replacement_value": str(quantize(p.value)),
            }
            for p in plans
        ],
        "original_value": str(exchange.original_value),
        "replacement_value": str(exchange.replacement_value),
        "price_difference": str(exchange.price_difference),
        "amount_due": str(request.amount) if request else "0.00",
        "payment_request": request.number if request else "",
        "credit_amount": str(exchange.credit_amount),
        "note": inputs.get("note", ""),
    }


def _taken_back(line, outcome) -> tuple[int, tuple[str, ...]]:
    """How many units of the line the exchange replaces, and their serial numbers: the units
    inspection accepted (inspection.line_outcomes, per unit of the receipt) with the serials
    scanned for them at receipt; rejected units go back to the customer and are not replaced. A
    unit received without a scanned serial takes the next claimed serial no unit was scanned
    with. A line never inspected (received before inspection existed) replaces what was received."""
    if not outcome.details["inspected"]:
        received = line.quantity_received or 0
        return received, tuple(line.serial_numbers[:received])
    units = outcome.details["units"]
    scanned = {unit["serial_number"] for unit in units if unit["serial_number"]}
    spare = iter([serial for serial in line.serial_numbers if serial not in scanned])
    serials = []
    accepted = [unit for unit in units if unit["outcome"] == InspectionOutcome.ACCEPTED]
    for unit in accepted:
        serial = unit["serial_number"] or next(spare, "")
        if serial:
            serials.append(serial)
    return len(accepted), tuple(serials)


def _replacement_choices(raw, lines) -> dict:
    """{case line id: (product, unit price or None)} for the lines `raw` names."""
    if raw in (None, "", []):
        return {}
    if not isinstance(raw, list | tuple):
        raise errors.invalid_input(
            "replacements", "请按行列出换货商品", "List the replacement products by line"
        )
    by_id = {str(line.id): (n, line) for n, line in enumerate(lines, start=1)}
    choices: dict = {}
    for i, item in enumerate(raw):
        field = f"replacements[{i + 1}]"
        if not isinstance(item, Mapping):
            raise exchange_errors.unknown_line(f"{field}.line")
        found = by_id.get(_uuid_text(item.get("line")))
        if found is None:
            raise exchange_errors.unknown_line(f"{field}.line")
        n, line = found
        if line.id in choices:
            raise exchange_errors.duplicate_line(f"{field}.line")
        if not line.quantity_received:
            raise exchange_errors.line_not_received(f"{field}.line", n)
        choices[line.id] = _variant(field, line, item)
    return choices


def _uuid_text(value) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return ""


def _variant(field: str, line, item: Mapping):
    original = line.order_line.product
    sku = str(item.get("product") or original.sku).strip()
    product = original if sku == original.sku else Product.objects.filter(sku=sku, is_active=True).first()
    if product is None:
        raise exchange_errors.unknown_product(f"{field}.product", sku)
    if product.category_id != original.category_id:
        raise exchange_errors.other_category(f"{field}.product", sku)
    price = item.get("unit_price")
    if product.pk == original.pk:
        if price not in (None, ""):
            raise exchange_errors.price_not_for_same_product(f"{field}.unit_price")
        return product, None
    if price in (None, ""):
        raise exchange_errors.price_required(f"{field}.unit_price", sku)
    return product, _price(f"{field}.unit_price", price)


def _price(field: str, value) -> Decimal:
    if isinstance(value, float | bool):
        raise exchange_errors.price_invalid(field, value)
    try:
        price = to_decimal(value)
    except (TypeError, ValueError) as exc:
        raise exchange_errors.price_invalid(field, value) from exc
    if price < 0 or price >= MAX_PRICE or price != quantize(price):
        raise exchange_errors.price_invalid(field, value)
    return price


def _warehouse(code) -> Warehouse:
    if code:
        warehouse = Warehouse.objects.filter(code=str(code).strip()).first()
        if warehouse is None:
            raise exchange_errors.unknown_warehouse(str(code))
        return warehouse
    warehouse = Warehouse.objects.filter(is_default=True).first()
    if warehouse is None:
        raise exchange_errors.no_warehouse()
    return warehouse


@effect("confirm_payment")
def _confirm_payment(case: Case, actor, inputs: dict) -> dict:
    """Finance saw the customer's payment of the difference come in (issue #5: never charged
    automatically; the replacement ships only after this)."""
    method = inputs.get("payment_method") or ""
    if method and method not in PaymentMethod.values:
        raise errors.invalid_input(
            "payment_method", "无效的收款方式:{value}", "Invalid payment method: {value}", value=method
        )
    exchange = exchange_selectors.exchange_live(case=case)
    request = exchange_services.exchange_confirm_payment(
        exchange=exchange, actor=actor, reference=inputs["payment_reference"], method=method
    )
    return {
        "payment_request": request.number,
        "amount_paid": str(request.amount),
        "payment_reference": request.reference,
        "payment_method": request.method,
        "note": inputs.get("note", ""),
    }


@effect("ship_replacement")
def _ship_replacement(case: Case, actor, inputs: dict) -> dict:
    """Seed S9 step 5c: the warehouse ships the reserved replacements; they leave stock, the
    order quantities the case held are free again (the replacement stands in for the unit on the
    original order line, so it can itself be returned once), and a credit becomes due."""
    exchange = exchange_selectors.exchange_live(case=case)
    if exchange is None or exchange.state != ExchangeState.RESERVED:
        raise exchange_errors.no_live_exchange()
    serials = _replacement_serials(inputs.get("replacement_serials"), exchange)
    case.outbound_carrier, case.outbound_tracking_number = _shipment(inputs)
    exchange_services.exchange_ship(
        exchange=exchange, actor=actor, carrier=case.outbound_carrier,
        tracking_number=case.outbound_tracking_number, serials=serials,
    )  # fmt: skip
    quantities.release(lines=list(case.lines.all()))
    return {
        "carrier": case.outbound_carrier,
        "tracking_number": case.outbound_tracking_number,
        "replacement_serials": {
            str(line.case_line_id): serials[line.pk] for line in exchange.lines.all() if line.pk in serials
        },
        "credit_amount": str(exchange.credit_amount),
    }


def _replacement_serials(raw, exchange) -> dict:
    """{exchange line id: [serials]} from {case line id: [serials]}."""
    if raw in (None, "", {}):
        return {}
    if not isinstance(raw, Mapping):
        raise errors.invalid_input(
            "replacement_serials", "请按行填写换货序列号", "Give the replacement serial numbers by line"
        )
    lines = list(exchange.lines.all())
    by_case_line = {str(line.case_line_id): (n, line) for n, line in enumerate(lines, start=1)}
    result = {}
    for key, values in raw.items():
        field = f"replacement_serials[{key}]"
        found = by_case_line.get(_uuid_text(key))
        if found is None:
            raise exchange_errors.unknown_line(field)
        n, line = found
        if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
            raise exchange_errors.serials_invalid(field, n, line.quantity)
        cleaned = [v.strip() for v in values if v.strip()]
        if (
            len(cleaned) != len(set(cleaned))
            or len(cleaned) > line.quantity
            or any(len(v) > 100 for v in cleaned)
        ):
            raise exchange_errors.serials_invalid(field, n, line.quantity)
        result[line.pk] = cleaned
    return result


# --- a change that is not a transition ---------------------------------------------------------

CREDIT_SETTLERS = frozenset({Role.FINANCE})


def case_exchange_settle_credit(*, case: Case, actor, reference: str, expected_version=None) -> Case:
    """Finance records that the price difference owed to the customer for a cheaper replacement
    was paid out (refund or credit note reference). One `exchange_credit_settled` event; the
    case's version moves on. The refunds app (issue 6) takes this over once merged."""
    if actor is None or actor.role not in CREDIT_SETTLERS:
        raise errors.role_forbidden("settle_exchange_credit")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        expected = case.version if expected_version is None else expected_version
        if locked.version != expected:
            raise errors.conflict(locked.number)
        exchange = exchange_selectors.exchange_live(case=locked)
        if exchange is None:
            raise exchange_errors.credit_not_due()
        exchange = exchange_services.exchange_settle_credit(
            exchange=exchange, actor=actor, reference=reference
        )
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
        event_record(
            case=locked, actor=actor, type="exchange_credit_settled",
            data={"credit_amount": str(exchange.credit_amount), "reference": exchange.credit_reference},
        )  # fmt: skip
    case.refresh_from_db()
    return locked
