"""Goods-flow changes of a case that are not status transitions: the pickup booking entered by
staff (or answered by a carrier adapter), the disposition of inspected units, and the settling of
extra items received. Each writes exactly one CaseEvent under the case row lock; none changes a
field of the case, so none bumps its version (a pending workflow action never goes stale by them).
The rules live in the satellites (logistics, inspection); this module checks roles and orchestrates.
"""

from __future__ import annotations

from django.db import transaction

from returndesk.accounts.roles import Role
from returndesk.inspection import errors as inspection_errors
from returndesk.inspection import services as inspection
from returndesk.inspection.models import ReceiptExtra, ReturnUnit
from returndesk.logistics import errors as logistics_errors
from returndesk.logistics import services as logistics

from .. import errors
from ..models import Case
from .events import event_record

PICKUP_BOOKERS = frozenset({Role.AGENT, Role.SUPERVISOR, Role.WAREHOUSE})
DISPOSERS = frozenset({Role.WAREHOUSE, Role.QC})
EXTRA_RESOLVERS = frozenset({Role.WAREHOUSE})


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("customer").get(pk=case.pk)


def case_record_pickup_booking(
    *,
    case: Case,
    actor,
    booking_reference: str,
    tracking_number: str = "",
    pickup_window_start=None,
    pickup_window_end=None,
    carrier: str = "",
) -> Case:
    """Seed S9 5a 客服部门与物流合作伙伴联系,安排上门取件: the carrier's booking reference of the
    pickup the customer asked for — entered by customer service or the warehouse (manual adapter),
    or recorded for a carrier adapter that booked it (actor None, the system), with the window and
    carrier agreed with the customer if the confirmation left them open. The customer is told."""
    if actor is not None and actor.role not in PICKUP_BOOKERS:
        raise logistics_errors.booking_forbidden()
    with transaction.atomic():
        locked = _lock(case)
        if not locked.is_open:
            raise logistics_errors.no_open_shipment()
        shipment = logistics.pickup_booking_record(
            case=locked, booking_reference=booking_reference, tracking_number=tracking_number, actor=actor,
            pickup_window_start=pickup_window_start, pickup_window_end=pickup_window_end, carrier=carrier,
        )  # fmt: skip
        event_record(
            case=locked, actor=actor, type="pickup_booked",
            data={
                "booking_reference": shipment.booking_reference, "carrier": shipment.carrier,
                "tracking_number": shipment.tracking_number,
                "pickup_window_start": shipment.pickup_window_start.isoformat(),
                "pickup_window_end": shipment.pickup_window_end.isoformat(),
            },
        )  # fmt: skip
    return locked


def case_dispose_units(*, case: Case, actor, dispositions: list) -> Case:
    """Decide what happens to inspected units (restock, quarantine, refurbish, scrap, return to
    the supplier; rejected units go back to the customer): each one stock movement at the
    receiving warehouse (inspection.services.unit_dispose). All or nothing."""
    if actor is None or actor.role not in DISPOSERS:
        raise errors.role_forbidden("dispose")
    if not isinstance(dispositions, list | tuple) or not dispositions:
        raise inspection_errors.invalid("dispositions", "请至少处置一件", "Dispose of at least one unit")
    with transaction.atomic():
        locked = _lock(case)
        units = {
            str(u.id): u
            for u in ReturnUnit.objects.select_for_update(of=("self",))
            .filter(receipt_line__receipt__case=locked)
            .select_related("receipt_line__receipt__warehouse", "receipt_line__product")
        }
        done = []
        seen = set()
        for n, item in enumerate(dispositions, start=1):
            field = f"dispositions[{n}]"
            unit_id = str((item or {}).get("unit") or "") if isinstance(item, dict) else ""
            unit = units.get(unit_id)
            if unit is None or unit_id in seen:
                raise inspection_errors.unit_not_found(f"{field}.unit")
            seen.add(unit_id)
            inspection.unit_dispose(
                case=locked, unit=unit, disposition=item.get("disposition"), actor=actor,
                field=f"{field}.disposition", note=str(item.get("note") or ""),
            )  # fmt: skip
            done.append(
                {"unit": unit_id, "serial_number": unit.serial_number, "disposition": unit.disposition}
            )
        event_record(case=locked, actor=actor, type="units_disposed", data={"units": done}, internal=True)
    return locked


def case_resolve_extra(
    *, case: Case, actor, extra_id, resolution: str, note: str = "", condition: str = ""
) -> ReceiptExtra:
    """Settle an item that arrived over or besides what the case announced: sent back to the
    customer, or taken into stock after review (with the reason)."""
    if actor is None or actor.role not in EXTRA_RESOLVERS:
        raise errors.role_forbidden("resolve_extra")
    with transaction.atomic():
        locked = _lock(case)
        extra = (
            ReceiptExtra.objects.select_for_update(of=("self",))
            .select_related("receipt__warehouse", "product")
            .filter(receipt__case=locked, id=extra_id)
            .first()
        )
        if extra is None:
            raise inspection_errors.extra_not_found()
        inspection.extra_resolve(
            case=locked, extra=extra, resolution=resolution, actor=actor, note=note, condition=condition
        )
        event_record(
            case=locked, actor=actor, type="extra_resolved",
            data={"extra": str(extra.id), "kind": extra.kind, "resolution": extra.resolution, "note": extra.resolution_note},
            internal=True,
        )  # fmt: skip
    return extra
