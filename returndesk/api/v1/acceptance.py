"""Delivery acceptance findings (到货验收, issue #5, seed S1 二.3): the problems recorded per order
line at the customer's site (the record_inspection action's `issues`), and opening a return or
exchange case from them through the normal case creation — policy evaluation, quantity holds —
linked to the acceptance case both ways. Docs: docs/exchanges-repairs.md."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field, StrictInt

from returndesk.cases import goods_selectors, services
from returndesk.cases.services.acceptance import FOLLOW_UP_OPENERS

from ..auth import roles_allowed
from ..etag import if_match_version, set_etag, stale_as_precondition_failed
from ..schemas import InputSchema, LocalDatetime, with_problems
from .cases import API_ROOT, LabelOut, OrderLineRef

router = Router(tags=["acceptance"])


class OpenedCaseRef(Schema):
    id: UUID
    number: str
    type: str
    status: str
    path: str

    @staticmethod
    def resolve_path(obj) -> str:
        return f"{API_ROOT}/cases/{obj.id}"


class FindingOut(Schema):
    position: int
    order_line: OrderLineRef
    reason: str
    reason_label: LabelOut
    quantity: int
    description: str
    serial_numbers: list[str]
    opened_case: OpenedCaseRef | None
    opened_at: LocalDatetime | None

    @staticmethod
    def resolve_reason(obj) -> str:
        return obj.reason.code

    @staticmethod
    def resolve_reason_label(obj) -> dict:
        return {"zh": obj.reason.name, "en": obj.reason.name_en}


class FindingOriginOut(Schema):
    acceptance_case_id: UUID
    acceptance_case_number: str
    position: int

    @staticmethod
    def resolve_acceptance_case_id(obj) -> UUID:
        return obj.case_id

    @staticmethod
    def resolve_acceptance_case_number(obj) -> str:
        return obj.case.number


class FindingsOut(Schema):
    """The acceptance case's findings (empty for other cases), and for a case opened from a
    finding, where it came from (`origin`)."""

    case_id: UUID
    case_number: str
    items: list[FindingOut]
    origin: FindingOriginOut | None


class OpenFromFindingsIn(InputSchema):
    type: Literal["return_refund", "exchange"]
    findings: list[StrictInt] | None = None  # positions; default every finding not yet opened
    description: str = ""
    override_reason: Annotated[str, Field(max_length=500)] = ""  # supervisor, sales: past a policy refusal


class OpenedFromFindingsOut(Schema):
    acceptance_case_id: UUID
    acceptance_version: int
    case: OpenedCaseRef
    findings: list[int]


@router.get("/cases/{uuid:case_id}/findings", response=with_problems({200: FindingsOut}, 404))
def case_findings(request: HttpRequest, response: HttpResponse, case_id: UUID):
    """Findings of an acceptance inspection, in order, each with the case opened from it; the
    case's version as ETag. Whoever may see the case."""
    found = goods_selectors.case_findings(user=request.auth, case_id=case_id)
    set_etag(response, found.case.version)
    return {
        "case_id": found.case.id,
        "case_number": found.case.number,
        "items": found.findings,
        "origin": found.origin,
    }


@router.post(
    "/cases/{uuid:case_id}/findings/open-case",
    response=with_problems({201: OpenedFromFindingsOut}, 403, 404, 409, 412, 422),
    auth=roles_allowed(FOLLOW_UP_OPENERS),
)
def case_open_from_findings(
    request: HttpRequest, response: HttpResponse, case_id: UUID, payload: OpenFromFindingsIn
):
    """Open a return or exchange case from findings of an inspected (or closed) acceptance case:
    the normal case creation with the findings as lines (policy evaluated: 422
    case.policy_refused unless `override_reason`; 409 case.quantity_exceeded). 201 with the new
    case and `Location`; the acceptance case's new version as ETag. Agent, supervisor, sales;
    If-Match with the acceptance case's ETag."""
    acceptance = goods_selectors.case_findings(user=request.auth, case_id=case_id).case
    expected = if_match_version(request, entity="case")
    with stale_as_precondition_failed(expected, entity="case"):
        opened = services.case_open_from_findings(
            case=acceptance, actor=request.auth, type=payload.type, findings=payload.findings,
            description=payload.description, override_reason=payload.override_reason,
            expected_version=expected,
        )  # fmt: skip
    found = goods_selectors.case_findings(user=request.auth, case_id=case_id)
    set_etag(response, found.case.version)
    response["Location"] = f"{API_ROOT}/cases/{opened.pk}"
    return Status(
        201,
        {
            "acceptance_case_id": found.case.id,
            "acceptance_version": found.case.version,
            "case": opened,
            "findings": [f.position for f in found.findings if f.opened_case_id == opened.pk],
        },
    )
