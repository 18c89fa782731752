"""Repairs (issue #5): a repair case's diagnosis — the fault, whether the warranty covers it and
why (the policy engine's rule and explanation), the quote for a paid repair and the customer's
decision, the outcome — with the earlier repairs of its units; and the repair history per serial
number and fault that feeds the 三包 ladder. The steps (diagnose, quote_repair, accept_quote,
decline_quote, start_repair, finish_repair, return_unrepaired) are the generated
`POST /cases/{id}/actions/<action>` (api/v1/cases.py). Docs: docs/exchanges-repairs.md."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from returndesk.accounts.roles import STAFF_ROLES
from returndesk.cases import goods_selectors

from ..auth import roles_allowed
from ..etag import set_etag
from ..pagination import PageQuery, keyset_page
from ..schemas import LocalDatetime, Money, with_problems
from .cases import LabelOut, UserRef, label

router = Router(tags=["repairs"])


def _staff(context) -> bool:
    return context["request"].auth.role in STAFF_ROLES


class QuoteItemOut(Schema):
    kind: Literal["part", "labour"]
    description: str
    quantity: int
    unit_price: Money
    amount: Money


class WarrantyOut(Schema):
    covered: bool
    rule: str
    explanation: LabelOut
    until: LocalDatetime | None


class RepairOut(Schema):
    """`coverage` warranty: free; paid: `quote_total` (parts + labour) waits for the customer
    (`quote_state` pending → accepted / declined). `diagnosed_by` is for staff only."""

    fault: str
    fault_label: LabelOut
    diagnosis: str
    coverage: Literal["warranty", "paid"]
    exclusion: Literal["none", "user_damage", "misuse", "self_repair"]
    warranty: WarrantyOut
    currency: str
    parts_amount: Money
    labour_amount: Money
    quote_total: Money
    quote_state: Literal["none", "pending", "accepted", "declined"]
    quote_items: list[QuoteItemOut]
    quote_decided_at: LocalDatetime | None
    outcome: str
    result: str
    diagnosed_at: LocalDatetime
    finished_at: LocalDatetime | None
    diagnosed_by: UserRef | None

    @staticmethod
    def resolve_fault(obj) -> str:
        return obj.fault.code

    @staticmethod
    def resolve_fault_label(obj) -> dict:
        return {"zh": obj.fault.name, "en": obj.fault.name_en}

    @staticmethod
    def resolve_warranty(obj) -> dict:
        return {
            "covered": obj.coverage == "warranty",
            "rule": obj.warranty_rule,
            "explanation": {"zh": obj.warranty_zh, "en": obj.warranty_en},
            "until": obj.warranty_until,
        }

    @staticmethod
    def resolve_quote_items(obj):
        return list(obj.quote_items.all())

    @staticmethod
    def resolve_diagnosed_by(obj, context):
        return obj.diagnosed_by if _staff(context) else None


class RepairRecordOut(Schema):
    """One unit's finished repair. `covered` ones count on the 三包 ladder."""

    case_number: str
    serial_number: str
    quantity: int
    fault: str
    covered: bool
    outcome: Literal["fixed", "not_fixed", "unrepaired"]
    outcome_label: LabelOut
    finished_at: LocalDatetime

    @staticmethod
    def resolve_case_number(obj) -> str:
        return obj.repair.case.number

    @staticmethod
    def resolve_fault(obj) -> str:
        return obj.fault.code

    @staticmethod
    def resolve_outcome_label(obj) -> dict:
        return label(obj.get_outcome_display())


class CaseRepairOut(Schema):
    case_id: UUID
    case_number: str
    repair: RepairOut | None  # null until QC diagnoses it
    history: list[RepairRecordOut]  # finished repairs of the case's serial numbers, oldest first


class RepairHistoryPage(Schema):
    items: list[RepairRecordOut]
    next_cursor: str | None


class RepairHistoryQuery(PageQuery):
    serial: str | None = None
    fault: str | None = None  # a reason code, e.g. Q02


@router.get("/cases/{uuid:case_id}/repair", response=with_problems({200: CaseRepairOut}, 404))
def case_repair(request: HttpRequest, response: HttpResponse, case_id: UUID):
    """The repair of a repair case (null before the diagnosis) and the repair history of its
    units; the case's version as ETag. Whoever may see the case."""
    found = goods_selectors.case_repair(user=request.auth, case_id=case_id)
    set_etag(response, found.case.version)
    return {
        "case_id": found.case.id, "case_number": found.case.number, "repair": found.repair,
        "history": found.history,
    }  # fmt: skip


@router.get(
    "/repair-history",
    response=with_problems({200: RepairHistoryPage}, 403, 422),
    auth=roles_allowed(STAFF_ROLES),
)
def repair_history(request: HttpRequest, query: Query[RepairHistoryQuery]):
    """Finished repairs, newest first, optionally of one serial number and one fault: the 三包
    ladder counts the covered ones (docs/exchanges-repairs.md). Staff only."""
    records = goods_selectors.repair_history(serial_number=query.serial or "", fault_code=query.fault or "")
    return keyset_page(records, order="-finished_at", query=query)
