"""Receipt and inspection: find the case of a parcel by a scanned case number or tracking number,
the receipt of a case (lines, units with their serials and inspection, extra items), what
inspection decided per line (the refundable units and deductions refunds read), the dispositions
of inspected units, the settling of extra items, the checklist, and the receipts flagged with a
discrepancy. Client documentation: docs/goods.md.

Receiving and inspecting are workflow actions of the cases router
(`POST /cases/{id}/actions/receive`, `…/inspect`).
"""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from returndesk.accounts.roles import STAFF_ROLES, Role
from returndesk.cases import selectors as case_selectors
from returndesk.cases import services as case_services
from returndesk.cases.services.goods import DISPOSERS, EXTRA_RESOLVERS
from returndesk.inspection import errors
from returndesk.inspection import selectors as inspection_selectors
from returndesk.inspection.models import Disposition

from ..auth import roles_allowed
from ..pagination import PageQuery, keyset_page
from ..schemas import InputSchema, LocalDatetime, Money, with_problems
from .cases import CaseSummaryOut, LabelOut, label

router = Router(tags=["inspection"])
READERS = STAFF_ROLES | {Role.SYSTEM}


# --- output ---------------------------------------------------------------------------------------


class DeductionLineOut(Schema):
    code: str
    zh: str
    en: str
    amount: str


class UnitOut(Schema):
    """One unit received: its serial, and once inspected its grade, checklist answers, outcome,
    deduction and disposition. `photos`: attachment ids of the case."""

    id: UUID
    case_line: UUID
    sequence: int
    serial_number: str
    unit_value: Money
    grade: str
    checks: dict[str, bool]
    outcome: str
    rejection_reason: str
    deduction: Money
    deduction_detail: list[DeductionLineOut]
    photos: list[UUID]
    note: str
    inspected_at: LocalDatetime | None
    disposition: str
    disposed_at: LocalDatetime | None

    @staticmethod
    def resolve_case_line(obj) -> UUID:
        return obj.case_line_id

    @staticmethod
    def resolve_photos(obj) -> list[UUID]:
        return [p.id for p in obj.photos.all()]


class SerialIssueOut(Schema):
    serial: str
    issue: str
    count: int | None = None


class ChecklistPointOut(Schema):
    code: str
    name: str
    name_en: str
    deduction_code: str


class ReceiptLineOut(Schema):
    case_line: UUID
    sku: str
    product: str
    quantity_expected: int
    quantity_received: int
    quantity_short: int
    serial_numbers: list[str]
    serial_issues: list[SerialIssueOut]
    checklist: list[ChecklistPointOut]
    units: list[UnitOut]


class ExtraOut(Schema):
    id: UUID
    kind: str
    kind_label: LabelOut
    case_line: UUID | None
    sku: str
    description: str
    quantity: int
    serial_numbers: list[str]
    resolution: str
    resolution_note: str
    resolved_at: LocalDatetime | None


class ReceiptOut(Schema):
    id: UUID
    case_id: UUID
    warehouse: str
    received_at: LocalDatetime
    received_by: str
    tracking_number: str
    note: str
    has_discrepancy: bool
    into_stock: bool
    lines: list[ReceiptLineOut]
    extras: list[ExtraOut]


class LineOutcomeOut(Schema):
    case_line: UUID
    inspected: bool
    received: int
    accepted_units: int
    rejected_units: int
    deductions: Money


class OutcomesOut(Schema):
    items: list[LineOutcomeOut]


class LookupOut(Schema):
    items: list[CaseSummaryOut]


class FlaggedReceiptOut(Schema):
    id: UUID
    case_id: UUID
    case_number: str
    warehouse: str
    created_at: LocalDatetime
    note: str


class FlaggedPage(Schema):
    items: list[FlaggedReceiptOut]
    next_cursor: str | None


class ChecklistItemOut(Schema):
    code: str
    name: str
    name_en: str
    deduction_code: str
    categories: list[str]  # category codes; empty: every category


class ChecklistOut(Schema):
    items: list[ChecklistItemOut]


# --- input ----------------------------------------------------------------------------------------


class LookupQuery(Schema):
    code: Annotated[str, Field(min_length=1, max_length=64, description="case number or tracking number")]


class DispositionIn(InputSchema):
    unit: UUID
    disposition: Disposition
    note: Annotated[str, Field(max_length=300)] = ""


class DispositionsIn(InputSchema):
    dispositions: list[DispositionIn] = Field(min_length=1)


class ResolveExtraIn(InputSchema):
    resolution: Literal["returned_to_customer", "taken_into_stock"]
    note: Annotated[str, Field(max_length=300)] = ""
    condition: Literal["sellable", "quarantine", "refurbish"] | None = None


# --- helpers --------------------------------------------------------------------------------------


def _receipt_out(receipt) -> dict:
    checklists: dict = {}

    def checklist(category_id):
        if category_id not in checklists:
            checklists[category_id] = [
                {"code": i.code, "name": i.name, "name_en": i.name_en, "deduction_code": i.deduction_code}
                for i in inspection_selectors.checklist_for(category_id)
            ]
        return checklists[category_id]

    return {
        "id": receipt.id, "case_id": receipt.case_id, "warehouse": receipt.warehouse.code,
        "received_at": receipt.created_at, "received_by": receipt.received_by.username,
        "tracking_number": receipt.tracking_number, "note": receipt.note,
        "has_discrepancy": receipt.has_discrepancy, "into_stock": receipt.into_stock,
        "lines": [
            {
                "case_line": line.case_line_id, "sku": line.product.sku, "product": line.product.name,
                "quantity_expected": line.quantity_expected, "quantity_received": line.quantity_received,
                "quantity_short": line.quantity_short, "serial_numbers": line.serial_numbers,
                "serial_issues": line.serial_issues, "checklist": checklist(line.product.category_id),
                "units": list(line.units.all()),
            }
            for line in receipt.lines.all()
        ],
        "extras": [
            {
                "id": e.id, "kind": e.kind, "kind_label": label(e.get_kind_display()), "case_line": e.case_line_id,
                "sku": e.product.sku if e.product else "", "description": e.description, "quantity": e.quantity,
                "serial_numbers": e.serial_numbers, "resolution": e.resolution,
                "resolution_note": e.resolution_note, "resolved_at": e.resolved_at,
            }
            for e in receipt.extras.all()
        ],
    }  # fmt: skip


def _receipt_answer(request: HttpRequest, case_id: UUID) -> dict:
    case = case_selectors.case_get_for_user(user=request.auth, case_id=case_id)
    receipt = inspection_selectors.receipt_detail(case)
    if receipt is None:
        raise errors.not_received()
    return _receipt_out(receipt)


# --- operations -----------------------------------------------------------------------------------


@router.get(
    "/receipts/lookup", response=with_problems({200: LookupOut}, 403, 422), auth=roles_allowed(READERS)
)
def receipt_lookup(request: HttpRequest, query: Query[LookupQuery]):
    """Seed S2 仓库确认实际退货入库数量: the cases a scanned or typed code names — a case number (the
    QR code on the return label) or a return tracking number (or a pickup booking reference).
    Staff and integrations; at most 10, newest first."""
    return {"items": case_selectors.case_find_for_receipt(user=request.auth, code=query.code)}


@router.get(
    "/receipts/flagged", response=with_problems({200: FlaggedPage}, 403, 422), auth=roles_allowed(READERS)
)
def receipt_flagged(request: HttpRequest, page: Query[PageQuery]):
    """Receipts with a discrepancy (short, over, unexpected, serial mismatch), newest first."""
    result = keyset_page(inspection_selectors.receipts_flagged(), order="-created_at", query=page)
    items = [
        {"id": r.id, "case_id": r.case_id, "case_number": r.case.number, "warehouse": r.warehouse.code,
         "created_at": r.created_at, "note": r.note}
        for r in result.items
    ]  # fmt: skip
    return {"items": items, "next_cursor": result.next_cursor}


@router.get(
    "/cases/{uuid:case_id}/receipt", response=with_problems({200: ReceiptOut}, 403, 404, 409),
    auth=roles_allowed(READERS),
)  # fmt: skip
def receipt_detail(request: HttpRequest, case_id: UUID):
    """The case's latest receipt: per line what was expected and received, the serials scanned and
    their issues, the checklist of the line's category, every unit (with its inspection and
    disposition), and the extra items. 409 inspection.not_received before the goods arrive."""
    return _receipt_answer(request, case_id)


@router.get(
    "/cases/{uuid:case_id}/inspection-outcomes", response=with_problems({200: OutcomesOut}, 403, 404),
    auth=roles_allowed(READERS),
)  # fmt: skip
def inspection_outcomes(request: HttpRequest, case_id: UUID):
    """Per case line what inspection decided: units accepted (what a refund may pay for) and the
    sum of their deductions (inspection.selectors.line_outcomes)."""
    case = case_selectors.case_get_for_user(user=request.auth, case_id=case_id)
    outcomes = inspection_selectors.line_outcomes(case)
    return {
        "items": [
            {"case_line": line_id, "inspected": o.details["inspected"], "received": o.details["received"],
             "accepted_units": o.accepted_units, "rejected_units": o.details["rejected"],
             "deductions": o.deductions}
            for line_id, o in outcomes.items()
        ]
    }  # fmt: skip


@router.post(
    "/cases/{uuid:case_id}/dispositions", response=with_problems({200: ReceiptOut}, 403, 404, 409, 422),
    auth=roles_allowed(DISPOSERS),
)  # fmt: skip
def unit_dispositions(request: HttpRequest, case_id: UUID, payload: DispositionsIn):
    """Decide what happens to inspected units: restock (sellable), quarantine, refurbish, scrap,
    return_to_supplier — or return_to_customer for a rejected unit. Each one stock movement at the
    receiving warehouse; all or nothing. Warehouse, QC."""
    case = case_selectors.case_get_for_user(user=request.auth, case_id=case_id)
    case_services.case_dispose_units(
        case=case, actor=request.auth, dispositions=payload.model_dump()["dispositions"]
    )
    return _receipt_answer(request, case_id)


@router.post(
    "/cases/{uuid:case_id}/receipt/extras/{uuid:extra_id}/resolve",
    response=with_problems({200: ReceiptOut}, 403, 404, 409, 422), auth=roles_allowed(EXTRA_RESOLVERS),
)  # fmt: skip
def extra_resolve(request: HttpRequest, case_id: UUID, extra_id: UUID, payload: ResolveExtraIn):
    """Settle an extra item: returned_to_customer, or taken_into_stock (with a note saying why,
    in `condition`, quarantine by default). Warehouse."""
    case = case_selectors.case_get_for_user(user=request.auth, case_id=case_id)
    case_services.case_resolve_extra(
        case=case, actor=request.auth, extra_id=extra_id, resolution=payload.resolution, note=payload.note,
        condition=payload.condition or "",
    )  # fmt: skip
    return _receipt_answer(request, case_id)


@router.get("/checklist", response=with_problems({200: ChecklistOut}, 403), auth=roles_allowed(READERS))
def checklist(request: HttpRequest):
    """The active receipt checklist; an item without categories applies to every category."""
    return {
        "items": [
            {"code": i.code, "name": i.name, "name_en": i.name_en, "deduction_code": i.deduction_code,
             "categories": sorted(c.code for c in i.categories.all())}
            for i in inspection_selectors.checklist_items()
        ]
    }  # fmt: skip
