"""Carrier adapters: how a pickup (上门取件) is booked with a carrier (seed S9 5a "客服部门与物流合作
伙伴联系,安排上门取件").

An adapter turns a PickupRequest into a Booking. It is called by the outbox worker after the case
change that asked for the pickup has committed (cases/notify.py, topic `case.pickup_book`), never
inside a database transaction, because a real carrier answers over the network and may be slow or
down. Whatever it answers is recorded through the same service staff use
(`cases.services.case_record_pickup_booking`), so the case timeline shows it either way.

`ManualAdapter` is the one shipped: it books nothing and answers None, which leaves the pickup
"requested" in the staff queue; customer service or the warehouse phone or use the carrier's own
portal and then enter the carrier's booking reference. A real adapter (SF, JD… open platforms)
implements `book_pickup` and `cancel_pickup` with the carrier's API and is named per carrier in
the setting RETURNDESK_CARRIER_ADAPTERS, e.g. {"SF": "myproject.carriers.SfAdapter"}.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class PickupRequest:
    reference: str  # the case number: the carrier prints it on its waybill
    carrier: str
    window_start: datetime
    window_end: datetime
    address: str
    contact_name: str
    contact_phone: str
    ship_to_address: str
    ship_to_name: str
    ship_to_phone: str
    parcels: int = 1


@dataclass(frozen=True)
class Booking:
    reference: str  # the carrier's booking (or waybill) reference
    tracking_number: str = ""  # when the carrier assigns the waybill at booking time
    note: str = ""


class CarrierAdapter(Protocol):
    code: str
    automatic: bool  # False: staff complete the booking by hand

    def book_pickup(self, request: PickupRequest) -> Booking | None:
        """Book the pickup; None when it cannot be booked automatically (staff complete it)."""

    def cancel_pickup(self, *, booking_reference: str) -> None:
        """Tell the carrier the pickup is off (the case was cancelled or closed)."""


class ManualAdapter:
    """Staff book by phone or on the carrier's portal and enter the reference."""

    code = "manual"
    automatic = False

    def book_pickup(self, request: PickupRequest) -> Booking | None:
        return None

    def cancel_pickup(self, *, booking_reference: str) -> None:
        return None


def adapter_for(carrier: str) -> CarrierAdapter:
    """The adapter configured for `carrier` (setting RETURNDESK_CARRIER_ADAPTERS), else manual."""
    path = getattr(settings, "RETURNDESK_CARRIER_ADAPTERS", {}).get(carrier)
    return import_string(path)() if path else ManualAdapter()
