"""Reads of return logistics: the case's return shipment and the instructions the customer gets
(address, deadline, pickup window), and the staff queue of pickups to book."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from returndesk.sla.rules import RuleCode
from returndesk.sla.selectors import customer_deadline

from .models import ReturnMethod, ReturnShipment, ShipmentState


def return_shipment_current(case) -> ReturnShipment | None:
    """The case's latest return shipment (a reopened case may have had earlier ones)."""
    return (
        ReturnShipment.objects.filter(case=case).select_related("warehouse").order_by("-created_at").first()
    )


@dataclass(frozen=True)
class ReturnInstructions:
    shipment: ReturnShipment
    deadline: datetime | None  # ship (or hand over) by then, else the case closes (sla ship_timeout)

    @property
    def method_label(self) -> str:
        return ReturnMethod(self.shipment.method).label

    @property
    def state_label(self) -> str:
        return ShipmentState(self.shipment.state).label


def return_instructions(case) -> ReturnInstructions | None:
    """What the customer must do now, or None before the solution is confirmed. The deadline is
    the pending SLA ship timeout (sla.rules ship_timeout), the one that closes the case."""
    shipment = return_shipment_current(case)
    if shipment is None:
        return None
    deadline = None
    if shipment.is_open and shipment.state != ShipmentState.SHIPPED:
        deadline = customer_deadline(case_id=case.pk, rules=(RuleCode.SHIP,))
    return ReturnInstructions(shipment=shipment, deadline=deadline)


def pickups_to_book() -> QuerySet[ReturnShipment]:
    """Pickups the manual adapter left for staff to book, earliest window first."""
    return (
        ReturnShipment.objects.filter(state=ShipmentState.PICKUP_REQUESTED)
        .select_related("case", "warehouse")
        .order_by("pickup_window_start")
    )
