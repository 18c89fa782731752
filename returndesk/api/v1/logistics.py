"""Return logistics: the carriers and their tracking-number formats, the return shipment of a
case with its instructions (address, deadline, pickup window), the pickup booking staff enter
for the manual carrier adapter, the queue of pickups to book, and the printable return label /
packing slip (PDF with the case number as a QR code). Client documentation: docs/goods.md.

The customer chooses the return method when confirming the solution
(`POST /cases/{id}/actions/confirm_solution`); the tracking number is entered with
`POST /cases/{id}/actions/ship_back`. Both are workflow actions of the cases router.
"""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from pydantic import Field

from returndesk.accounts.roles import Role
from returndesk.cases import selectors as case_selectors
from returndesk.cases import services as case_services
from returndesk.cases.services.goods import PICKUP_BOOKERS
from returndesk.logistics import errors
from returndesk.logistics.carriers import CARRIER_LIST
from returndesk.logistics.labels import return_label_pdf
from returndesk.logistics.selectors import pickups_to_book, return_instructions

from ..auth import roles_allowed
from ..schemas import DatetimeIn, InputSchema, LocalDatetime, with_problems
from .cases import LabelOut, label

router = Router(tags=["logistics"])


class CarrierOut(Schema):
    code: str
    zh: str
    en: str
    example: str


class CarrierList(Schema):
    items: list[CarrierOut]


class ShipmentWarehouseOut(Schema):
    code: str
    name: str


class ReturnShipmentOut(Schema):
    """How the goods of a case come back. `deadline`: ship or hand over by then, else the case
    closes (the SLA ship timeout); null once shipped or when no timeout is configured."""

    id: UUID
    case_id: UUID
    case_number: str
    method: str
    method_label: LabelOut
    state: str
    state_label: LabelOut
    warehouse: ShipmentWarehouseOut
    ship_to_name: str
    ship_to_phone: str
    ship_to_address: str
    sender_name: str
    sender_phone: str
    sender_address: str
    pickup_window_start: LocalDatetime | None
    pickup_window_end: LocalDatetime | None
    carrier: str
    tracking_number: str
    adapter: str
    booking_reference: str
    booked_at: LocalDatetime | None
    shipped_at: LocalDatetime | None
    received_at: LocalDatetime | None
    deadline: LocalDatetime | None
    label_path: str


class PickupQueue(Schema):
    items: list[ReturnShipmentOut]


class BookingIn(InputSchema):
    """The carrier's reference, and the window and carrier if the customer's confirmation left
    them to be agreed (a booking needs both)."""

    booking_reference: str = Field(min_length=1, max_length=64)
    tracking_number: str = Field("", max_length=64)
    pickup_window_start: DatetimeIn | None = None
    pickup_window_end: DatetimeIn | None = None
    carrier: str = Field("", max_length=10)


def _shipment_out(shipment, deadline=None) -> dict:
    return {
        **{f: getattr(shipment, f) for f in (
            "id", "case_id", "method", "state", "warehouse", "ship_to_name", "ship_to_phone", "ship_to_address",
            "sender_name", "sender_phone", "sender_address", "pickup_window_start", "pickup_window_end", "carrier",
            "tracking_number", "adapter", "booking_reference", "booked_at", "shipped_at", "received_at",
        )},
        "case_number": shipment.case.number,
        "method_label": label(shipment.get_method_display()),
        "state_label": label(shipment.get_state_display()),
        "deadline": deadline,
        "label_path": f"/api/v1/cases/{shipment.case_id}/return-label.pdf",
    }  # fmt: skip


def _instructions(request: HttpRequest, case_id: UUID):
    case = case_selectors.case_get_for_user(user=request.auth, case_id=case_id)
    instructions = return_instructions(case)
    if instructions is None:
        raise errors.no_label()
    return case, instructions


@router.get("/carriers", response=with_problems({200: CarrierList}))
def carrier_list(request: HttpRequest):
    """The carriers a tracking number may be entered for, with an example of each one's format."""
    return {"items": [{"code": c.code, "zh": c.zh, "en": c.en, "example": c.example} for c in CARRIER_LIST]}


@router.get("/cases/{uuid:case_id}/return-shipment", response=with_problems({200: ReturnShipmentOut}, 404))
def return_shipment(request: HttpRequest, case_id: UUID):
    """The case's return shipment and what the customer must do (404 logistics.no_label until the
    customer has confirmed the solution). Staff, or the customer on its own case."""
    _case, instructions = _instructions(request, case_id)
    return _shipment_out(instructions.shipment, instructions.deadline)


@router.get(
    "/cases/{uuid:case_id}/return-label.pdf",
    response=with_problems({}, 404),
    openapi_extra={
        "responses": {
            200: {
                "description": "The return label and packing slip (A4 PDF) with the case number as a QR code",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def return_label(request: HttpRequest, case_id: UUID):
    """The printable return label (to stick on the parcel) and packing slip (to put inside), once
    the customer has confirmed the solution. Staff, or the customer on its own case."""
    case, instructions = _instructions(request, case_id)
    response = HttpResponse(
        return_label_pdf(case=case, instructions=instructions), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="return-label-{case.number}.pdf"'
    return response


@router.post(
    "/cases/{uuid:case_id}/return-shipment/booking",
    response=with_problems({200: ReturnShipmentOut}, 403, 404, 409, 422),
    auth=roles_allowed(PICKUP_BOOKERS),
)
def pickup_booking(request: HttpRequest, case_id: UUID, payload: BookingIn):
    """The carrier's booking reference of the pickup the customer asked for (the manual adapter:
    staff booked it by phone or on the carrier's portal), and the waybill number if the carrier
    gave one. Agent, supervisor, warehouse. 409 logistics.already_booked / not_a_pickup /
    no_open_shipment. The customer is told (timeline event pickup_booked)."""
    case = case_selectors.case_get_for_user(user=request.auth, case_id=case_id)
    case_services.case_record_pickup_booking(
        case=case, actor=request.auth, booking_reference=payload.booking_reference,
        tracking_number=payload.tracking_number, pickup_window_start=payload.pickup_window_start,
        pickup_window_end=payload.pickup_window_end, carrier=payload.carrier,
    )  # fmt: skip
    _case, instructions = _instructions(request, case_id)
    return _shipment_out(instructions.shipment, instructions.deadline)


@router.get(
    "/pickups",
    response=with_problems({200: PickupQueue}, 403),
    auth=roles_allowed(PICKUP_BOOKERS | {Role.SYSTEM}),
)
def pickup_queue(request: HttpRequest):
    """Pickups waiting for staff to book them with the carrier, earliest window first (at most 200)."""
    return {"items": [_shipment_out(s) for s in pickups_to_book()[:200]]}
