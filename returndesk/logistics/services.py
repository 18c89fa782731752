"""Every write of return logistics. Called by the cases workflow (confirm_solution, ship_back,
receive, cancel), which holds the case row lock and writes the case's timeline event; this module
never imports the cases app (STYLE.md) and reads the case it is given.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from returndesk.catalog.models import Warehouse

from . import errors
from .adapters import adapter_for
from .carriers import CARRIERS, parse_shipment
from .models import OPEN_STATES, ReturnMethod, ReturnRoute, ReturnShipment, ShipmentState

MAX_PICKUP_WINDOW = timedelta(hours=12)


def return_warehouse_for(*, categories: set, sender_address: str) -> Warehouse:
    """Seed S6 step 4 "提供退货地址": the first active route (by priority) whose category (blank =
    any) covers every product category of the case and whose address prefix (blank = any) starts
    the sender's address; otherwise the default warehouse for returns."""
    address = (sender_address or "").strip()
    for route in ReturnRoute.objects.filter(is_active=True).select_related("warehouse"):
        if route.category_id is not None and categories != {route.category_id}:
            continue
        if route.address_prefix and not address.startswith(route.address_prefix.strip()):
            continue
        return route.warehouse
    default = Warehouse.objects.filter(is_default=True).first()
    if default is None:
        raise errors.no_warehouse()
    return default


def _moment(value, field: str) -> datetime | None:
    if value in (None, ""):
        return None
    moment = parse_datetime(value) if isinstance(value, str) else value
    if not isinstance(moment, datetime):
        raise errors.moment_invalid(field)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


LABELS = {
    "pickup_window_start": ("取件开始时间", "pickup from"),
    "pickup_window_end": ("取件结束时间", "pickup until"),
    "carrier": ("承运商", "carrier"),
    "pickup_address": ("取件地址", "pickup address"),
}


def _require(**given) -> None:
    missing = {name: LABELS[name] for name, value in given.items() if value in (None, "")}
    if missing:
        raise errors.pickup_incomplete(missing)


def _window(start, end, now) -> tuple[datetime | None, datetime | None]:
    """Both ends or neither (a window agreed later, when staff book the pickup); in the future,
    ending after it starts, at most 12 hours."""
    if start in (None, "") and end in (None, ""):
        return None, None
    _require(pickup_window_start=start, pickup_window_end=end)
    start = _moment(start, "pickup_window_start")
    end = _moment(end, "pickup_window_end")
    if end <= start:
        raise errors.pickup_window_invalid(
            "取件结束时间须晚于开始时间", "The pickup window must end after it starts"
        )
    if start < now:
        raise errors.pickup_window_invalid(
            "取件时间不能早于现在", "The pickup window cannot start in the past"
        )
    if end - start > MAX_PICKUP_WINDOW:
        raise errors.pickup_window_invalid(
            "取件时间段不能超过 12 小时", "The pickup window cannot be longer than 12 hours"
        )
    return start, end


def _parcel_carrier(carrier) -> str:
    """A parcel carrier that picks up (freight forwarders, OTHER, do not), or "" for none yet."""
    if carrier in (None, ""):
        return ""
    code = str(carrier).strip().upper()
    if code not in CARRIERS or code == "OTHER":
        raise errors.carrier_unknown(carrier, [c for c in CARRIERS if c != "OTHER"])
    return code


def return_shipment_plan(
    *,
    case,
    method: str,
    sender_name: str = "",
    sender_phone: str = "",
    sender_address: str = "",
    pickup_window_start=None,
    pickup_window_end=None,
    carrier: str = "",
) -> ReturnShipment:
    """Seed S9 steps 3–5: the customer confirms how the goods come back. Self-ship and drop-off
    get the right warehouse's return address (the deadline is the SLA ship timeout, read by the
    selectors). A pickup needs the address; the window (in the future, at most 12 hours) and the
    carrier may be given now — then the carrier's adapter books it after commit (`adapter` names
    it) — or agreed with staff, who enter them with the booking. The caller holds the case lock."""
    if method not in ReturnMethod.values:
        raise errors.method_invalid(method, ReturnMethod.values)
    lines = list(case.lines.select_related("order_line__product"))
    categories = {line.order_line.product.category_id for line in lines}
    warehouse = return_warehouse_for(categories=categories, sender_address=sender_address)
    fields = {}
    state = ShipmentState.AWAITING
    if method != ReturnMethod.PICKUP and any((pickup_window_start, pickup_window_end, carrier)):
        raise errors.pickup_fields_not_allowed(method)
    if method == ReturnMethod.PICKUP:
        _require(pickup_address=sender_address)
        start, end = _window(pickup_window_start, pickup_window_end, timezone.now())
        code = _parcel_carrier(carrier)
        fields = {
            "pickup_window_start": start, "pickup_window_end": end, "carrier": code,
            "adapter": adapter_for(code).code if code else "",
        }  # fmt: skip
        state = ShipmentState.PICKUP_REQUESTED
    return ReturnShipment.objects.create(
        case=case, method=method, state=state, warehouse=warehouse,
        ship_to_name=warehouse.contact_name or warehouse.name, ship_to_phone=warehouse.phone,
        ship_to_address=warehouse.return_address, sender_name=sender_name.strip()[:100],
        sender_phone=sender_phone.strip()[:32], sender_address=sender_address.strip()[:300], **fields,
    )  # fmt: skip


def open_shipment(case) -> ReturnShipment | None:
    return (
        ReturnShipment.objects.select_for_update()
        .filter(case=case, state__in=[s.value for s in OPEN_STATES])
        .first()
    )


def return_shipment_ship(*, case, carrier, tracking_number) -> tuple[str, str]:
    """Seed S9 5b "需提供退货快递单号": the parcel is on its way. Validates the carrier's number
    format and records it on the open shipment (if the case has one)."""
    code, number = parse_shipment(carrier, tracking_number)
    shipment = open_shipment(case)
    if shipment is not None:
        shipment.carrier, shipment.tracking_number = code, number
        shipment.state = ShipmentState.SHIPPED
        shipment.shipped_at = timezone.now()
        shipment.save(update_fields=["carrier", "tracking_number", "state", "shipped_at", "updated_at"])
    return code, number


def pickup_booking_record(
    *,
    case,
    booking_reference: str,
    tracking_number: str = "",
    actor=None,
    pickup_window_start=None,
    pickup_window_end=None,
    carrier: str = "",
) -> ReturnShipment:
    """The carrier booked the pickup: staff enter its reference (manual adapter), or a real
    adapter's answer is recorded (actor None). A window and carrier agreed with the customer since
    the confirmation are given here; a booking needs both. Refused unless the case has a pickup
    not yet booked."""
    reference = (booking_reference or "").strip()
    if not reference or len(reference) > 64:
        raise errors.booking_reference_invalid()
    with transaction.atomic():
        shipment = open_shipment(case)
        if shipment is None:
            raise errors.no_open_shipment()
        if shipment.method != ReturnMethod.PICKUP:
            raise errors.not_a_pickup()
        if shipment.state != ShipmentState.PICKUP_REQUESTED:
            raise errors.already_booked(shipment.booking_reference or shipment.tracking_number)
        start, end = _window(pickup_window_start, pickup_window_end, timezone.now())
        if start is not None:
            shipment.pickup_window_start, shipment.pickup_window_end = start, end
        code = _parcel_carrier(carrier)
        if code:
            shipment.carrier, shipment.adapter = code, adapter_for(code).code
        _require(
            pickup_window_start=shipment.pickup_window_start, pickup_window_end=shipment.pickup_window_end,
            carrier=shipment.carrier,
        )  # fmt: skip
        number = ""
        if tracking_number:
            _code, number = parse_shipment(shipment.carrier, tracking_number)
        shipment.booking_reference = reference
        shipment.tracking_number = number
        shipment.state = ShipmentState.PICKUP_BOOKED
        shipment.booked_at = timezone.now()
        shipment.booked_by = actor
        shipment.save(
            update_fields=[
                "booking_reference", "tracking_number", "state", "booked_at", "booked_by", "pickup_window_start",
                "pickup_window_end", "carrier", "adapter", "updated_at",
            ]
        )  # fmt: skip
        return shipment


def return_shipment_receive(*, case) -> ReturnShipment | None:
    """The warehouse has the goods (whatever way they came)."""
    shipment = open_shipment(case)
    if shipment is not None:
        shipment.state = ShipmentState.RECEIVED
        shipment.received_at = timezone.now()
        shipment.save(update_fields=["state", "received_at", "updated_at"])
    return shipment


def return_shipment_cancel(*, case) -> ReturnShipment | None:
    """The case was cancelled or closed before the goods arrived: the shipment is off. A booked
    pickup is then cancelled with the carrier by the caller after commit (adapter.cancel_pickup)."""
    shipment = open_shipment(case)
    if shipment is not None:
        shipment.state = ShipmentState.CANCELLED
        shipment.save(update_fields=["state", "updated_at"])
    return shipment
