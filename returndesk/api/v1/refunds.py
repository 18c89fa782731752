"""Refunds and finance: refunds (list, detail, handle now, confirm or fail a manual transfer),
a case's refund with its promised arrival and legal deadline, the payment gateway's callback,
credit notes, their ledger exports (CSV), and store-credit balances. Client documentation:
docs/api.md ("Refunds and finance") and docs/refunds.md.

Starting a refund is the workflow action `POST /cases/{id}/actions/refund` (cases router).
Who sees what: staff and integrations see every refund; a customer or distributor its own
(anyone else's answers 404). Finance acts (execute, confirm, fail, exports); credit notes are
for finance, the general manager and integrations (the ERP). The gateway's callback needs no
token: it is signed (X-Gateway-Timestamp, X-Gateway-Signature: HMAC-SHA256 with the shared
secret GATEWAY_SECRET).
"""

from datetime import date
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from returndesk.accounts.roles import EXTERNAL_ROLES, Role
from returndesk.cases import selectors as case_selectors
from returndesk.cases import services as case_services
from returndesk.catalog.selectors import customer_visible_to
from returndesk.core.errors import DomainError
from returndesk.core.i18n import both
from returndesk.refunds import selectors, services
from returndesk.refunds.models import ProviderCode, RefundStatus
from returndesk.refunds.services.credit_notes import CSV_COLUMNS

from ..auth import roles_allowed
from ..pagination import PageQuery, keyset_page
from ..schemas import InputSchema, LocalDatetime, Money, with_problems

router = Router(tags=["refunds"])

FINANCE = frozenset({Role.FINANCE})
LEDGER_READERS = frozenset({Role.FINANCE, Role.GM, Role.SYSTEM})
LEDGER_WRITERS = frozenset({Role.FINANCE, Role.SYSTEM})


class RefundLabel(Schema):
    zh: str
    en: str


def _label(text: str) -> dict:
    zh, en = both(text)
    return {"zh": zh, "en": en}


def _external(context) -> bool:
    """A customer or distributor: finance's own notes and review flags are not theirs."""
    return context["request"].auth.role in EXTERNAL_ROLES


def _sees_payee(context) -> bool:
    user = context["request"].auth
    return user.is_superuser or user.role in FINANCE | {Role.SYSTEM} | EXTERNAL_ROLES


# --- output ---------------------------------------------------------------------------------


class RefundPaymentRef(Schema):
    id: UUID
    method: str
    amount: Money
    refunded_amount: Money
    provider_reference: str


class RefundAllocationOut(Schema):
    payment: UUID
    amount: Money
    released_at: LocalDatetime | None

    @staticmethod
    def resolve_payment(obj):
        return obj.payment_id


class RefundOut(Schema):
    """One refund (one money movement). `expected_earliest` / `expected_latest`: when the money
    should be in the customer's account, in working days by route (null once failed, or when
    the calendar does not know the year yet: see `expected_problem`). For a customer or
    distributor `flagged`, `flag_reason` and `finance_reference` are left empty."""

    id: UUID
    number: str
    case: UUID
    case_number: str
    order: UUID
    order_number: str
    customer_code: str
    attempt: int
    route: Literal["original", "bank_transfer", "store_credit"]
    route_label: RefundLabel
    provider: Literal["gateway", "manual", "store_credit"]
    method: str
    payment: RefundPaymentRef | None
    amount: Money
    currency: str
    status: Literal["pending", "succeeded", "failed"]
    status_label: RefundLabel
    outcome_unknown: bool
    provider_reference: str
    finance_reference: str
    payee: dict[str, str] | None
    sent_at: LocalDatetime | None
    succeeded_at: LocalDatetime | None
    failed_at: LocalDatetime | None
    failure_reason: str
    flagged: bool
    flag_reason: str
    expected_earliest: date | None
    expected_latest: date | None
    expected_problem: str
    created_at: LocalDatetime

    @staticmethod
    def resolve_case(obj):
        return obj.case_id

    @staticmethod
    def resolve_case_number(obj):
        return obj.case.number

    @staticmethod
    def resolve_order(obj):
        return obj.order_id

    @staticmethod
    def resolve_order_number(obj):
        return obj.order.number

    @staticmethod
    def resolve_customer_code(obj):
        return obj.customer.code

    @staticmethod
    def resolve_route_label(obj):
        return _label(obj.get_route_display())

    @staticmethod
    def resolve_status_label(obj):
        return _label(obj.get_status_display())

    @staticmethod
    def resolve_payee(obj, context):
        if not obj.payee:
            return None
        if _sees_payee(context):
            return obj.payee
        number = obj.payee.get("account_number", "")
        return {**obj.payee, "account_number": f"****{number[-4:]}" if number else ""}

    @staticmethod
    def resolve_flagged(obj, context):
        return obj.flagged and not _external(context)

    @staticmethod
    def resolve_flag_reason(obj, context):
        return "" if _external(context) else obj.flag_reason

    @staticmethod
    def resolve_finance_reference(obj, context):
        return "" if _external(context) else obj.finance_reference

    @staticmethod
    def resolve_expected_earliest(obj):
        return obj.promise.earliest

    @staticmethod
    def resolve_expected_latest(obj):
        return obj.promise.latest

    @staticmethod
    def resolve_expected_problem(obj):
        return obj.promise.problem


class RefundDetailOut(RefundOut):
    allocations: list[RefundAllocationOut]

    @staticmethod
    def resolve_allocations(obj):
        return list(obj.allocations.order_by("id"))


class RefundPage(Schema):
    items: list[RefundOut]
    next_cursor: str | None


class RefundCalculationOut(Schema):
    """The refund of the case on one order, component by component (docs/refunds.md)."""

    order: UUID
    order_number: str
    currency: str
    goods_gross: Money
    goods_net: Money
    goods_tax: Money
    restocking_fee: Money
    inspection_deductions: Money
    return_shipping: Money
    outbound_shipping: Money
    total: Money
    cap: Money
    lines: list[dict[str, Any]]

    @staticmethod
    def resolve_order(obj):
        return obj.order_id

    @staticmethod
    def resolve_order_number(obj):
        return obj.order.number


class LegalDeadlineOut(Schema):
    """消费者权益保护法 第二十五条: refund within 7 days of receiving the returned goods. `alarm_at`
    is when finance is alarmed; `state` pending until the refund is made (then cancelled)."""

    started_at: LocalDatetime
    due_at: LocalDatetime | None
    alarm_at: LocalDatetime | None
    state: str
    problem: str

    @staticmethod
    def resolve_alarm_at(obj):
        return obj.fire_at


class CreditNoteRef(Schema):
    id: UUID
    number: str
    amount: Money
    issued_on: date


class CaseRefundOut(Schema):
    """A case's refund: what it comes to, how it is paid, when the money should arrive
    (`expected_by`, the latest of the refunds' promises), and the legal deadline."""

    case: UUID
    case_number: str
    case_status: str
    refund_amount: Money | None
    refunded_at: LocalDatetime | None
    expected_by: date | None
    calculations: list[RefundCalculationOut]
    refunds: list[RefundOut]
    credit_notes: list[CreditNoteRef]
    legal_deadline: LegalDeadlineOut | None


class JournalLineOut(Schema):
    position: int
    account: str
    account_name: RefundLabel
    debit: Money
    credit: Money
    memo: str

    @staticmethod
    def resolve_account_name(obj):
        return _label(obj.get_account_display())


class CreditNoteOut(Schema):
    id: UUID
    number: str
    order: UUID
    order_number: str
    case: UUID
    case_number: str
    customer_code: str
    currency: str
    amount: Money
    issued_at: LocalDatetime
    issued_on: date
    export_number: str | None

    @staticmethod
    def resolve_order(obj):
        return obj.order_id

    @staticmethod
    def resolve_order_number(obj):
        return obj.order.number

    @staticmethod
    def resolve_case(obj):
        return obj.case_id

    @staticmethod
    def resolve_case_number(obj):
        return obj.case.number

    @staticmethod
    def resolve_customer_code(obj):
        return obj.customer.code

    @staticmethod
    def resolve_export_number(obj):
        return obj.export.number if obj.export_id else None


class CreditNoteDetailOut(CreditNoteOut):
    journal_lines: list[JournalLineOut]

    @staticmethod
    def resolve_journal_lines(obj):
        return list(obj.journal_lines.all())


class CreditNotePage(Schema):
    items: list[CreditNoteOut]
    next_cursor: str | None


class CreditNoteExportOut(Schema):
    id: UUID
    number: str
    date_from: date
    date_to: date
    notes_count: int
    created_at: LocalDatetime
    csv_path: str

    @staticmethod
    def resolve_csv_path(obj):
        return f"/api/v1/credit-note-exports/{obj.pk}/csv"


class CreditNoteExportPage(Schema):
    items: list[CreditNoteExportOut]
    next_cursor: str | None


class StoreCreditEntryOut(Schema):
    sequence: int
    kind: str
    amount: Money
    balance_after: Money
    refund_number: str | None
    note: str
    created_at: LocalDatetime

    @staticmethod
    def resolve_refund_number(obj):
        return obj.refund.number if obj.refund_id else None


class StoreCreditOut(Schema):
    customer_code: str
    balance: Money
    entries: list[StoreCreditEntryOut]


class CallbackOut(Schema):
    outcome: Literal["applied", "duplicate"]


# --- input ----------------------------------------------------------------------------------


class RefundQuery(PageQuery):
    status: RefundStatus | None = None
    case: UUID | None = None
    customer: str | None = None  # a customer code
    provider: ProviderCode | None = None
    flagged: bool | None = None


class ConfirmIn(InputSchema):
    reference: str = Field(description="银行流水号 / the bank's transaction reference")


class FailIn(InputSchema):
    reason: str


class CreditNoteQuery(PageQuery):
    issued_from: date | None = None
    issued_to: date | None = None
    exported: bool | None = None


class ExportIn(InputSchema):
    date_from: date
    date_to: date


# --- helpers --------------------------------------------------------------------------------


def _with_promise(refund, settings=None, calendar=None):
    from returndesk.refunds.promises import refund_promise

    refund.promise = refund_promise(refund, settings=settings, calendar=calendar)
    return refund


def _refund(request: HttpRequest, refund_id: UUID):
    refund = selectors.refund_get(user=request.auth, refund_id=refund_id)
    return _with_promise(refund)


# --- refunds --------------------------------------------------------------------------------


@router.get("/refunds", response=with_problems({200: RefundPage}, 422))
def refund_list(request: HttpRequest, query: Query[RefundQuery]):
    """Refunds, newest first. Staff and integrations see all, a customer or distributor its own.
    Filters: status, case (id), customer (code), provider, flagged."""
    from returndesk.core.calendar import WorkingCalendar
    from returndesk.refunds.models import RefundSettings

    rows = selectors.refund_list(
        user=request.auth,
        status=query.status,
        case_id=query.case,
        customer_code=query.customer,
        provider=query.provider,
        flagged=query.flagged,
    )
    page = keyset_page(rows, order="-created_at", query=query)
    settings, calendar = RefundSettings.current(), WorkingCalendar.load()
    for refund in page.items:
        _with_promise(refund, settings, calendar)
    return page


@router.get("/refunds/{uuid:refund_id}", response=with_problems({200: RefundDetailOut}, 404))
def refund_detail(request: HttpRequest, refund_id: UUID):
    """One refund, with the payments it draws on and when the money should arrive."""
    return _refund(request, refund_id)


@router.post(
    "/refunds/{uuid:refund_id}/execute",
    response=with_problems({200: RefundDetailOut}, 403, 404, 409),
    auth=roles_allowed(FINANCE),
)
def refund_execute(request: HttpRequest, refund_id: UUID):
    """Handle the refund now (finance): send it to its provider if it was not sent, else ask the
    provider what became of it — never sent twice. The case moves on when every refund has an
    outcome. The worker does the same by itself every minute."""
    refund = selectors.refund_get(user=request.auth, refund_id=refund_id)
    case_services.case_refund_attend(refund=refund, actor=request.auth)
    return _refund(request, refund_id)


@router.post(
    "/refunds/{uuid:refund_id}/confirm",
    response=with_problems({200: RefundDetailOut}, 403, 404, 409, 422),
    auth=roles_allowed(FINANCE),
)
def refund_confirm(request: HttpRequest, refund_id: UUID, payload: ConfirmIn):
    """Finance has paid a manual refund (bank transfer, cash) and confirms it with the bank's
    reference (one reference, one refund). 409 refund.not_manual for a gateway refund,
    refund.not_pending once it has an outcome."""
    refund = selectors.refund_get(user=request.auth, refund_id=refund_id)
    case_services.case_refund_confirm_manual(refund=refund, actor=request.auth, reference=payload.reference)
    return _refund(request, refund_id)


@router.post(
    "/refunds/{uuid:refund_id}/fail",
    response=with_problems({200: RefundDetailOut}, 403, 404, 409, 422),
    auth=roles_allowed(FINANCE),
)
def refund_fail(request: HttpRequest, refund_id: UUID, payload: FailIn):
    """Finance records that a manual refund could not be paid (e.g. the bank returned it): its
    amount is refundable again, and the case can be refunded anew (workflow action `refund`)."""
    refund = selectors.refund_get(user=request.auth, refund_id=refund_id)
    case_services.case_refund_fail_manual(refund=refund, actor=request.auth, reason=payload.reason)
    return _refund(request, refund_id)


@router.get("/cases/{uuid:case_id}/refund", response=with_problems({200: CaseRefundOut}, 404))
def case_refund(request: HttpRequest, case_id: UUID):
    """The case's refund, for its customer and for staff: amounts per order, each refund with
    its expected arrival, the credit notes (staff only), and the legal refund deadline with its
    alarm time (null until the goods are received)."""
    from returndesk.accounts.roles import STAFF_ROLES

    overview = case_selectors.case_refund_overview(user=request.auth, case_id=case_id)
    for view in overview.refunds:
        view.refund.promise = view.promise
    staff = request.auth.role in STAFF_ROLES or request.auth.role == Role.SYSTEM
    case = overview.case
    return {
        "case": case.pk,
        "case_number": case.number,
        "case_status": case.status,
        "refund_amount": case.refund_amount,
        "refunded_at": case.refunded_at,
        "expected_by": overview.expected_by,
        "calculations": overview.calculations,
        "refunds": [view.refund for view in overview.refunds],
        "credit_notes": overview.credit_notes if staff else [],
        "legal_deadline": overview.legal_deadline,
    }


@router.post(
    "/refunds/callbacks/gateway",
    auth=None,
    response=with_problems({200: CallbackOut}, 403, 404, 409, 422),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
            "description": "The gateway's notification, signed in X-Gateway-Timestamp / X-Gateway-Signature",
        }
    },
)
def refund_gateway_callback(request: HttpRequest):
    """The payment gateway tells the outcome of a refund. Signed with the shared secret
    (X-Gateway-Timestamp: Unix seconds, X-Gateway-Signature: v1=HMAC-SHA256 of "<timestamp>.<body>",
    five minutes' tolerance); no token. A repeat of an outcome already recorded answers
    `duplicate` and changes nothing; a callback that contradicts the refund (amount, currency,
    reference, or the opposite outcome) is refused with 409 refund.callback_inconsistent and the
    refund is flagged for finance; a bad signature is 403, an unknown refund 404."""
    headers = {name: value for name, value in request.headers.items()}
    outcome = case_services.case_refund_callback(
        provider_code=ProviderCode.GATEWAY, body=request.body, headers=headers
    )
    return {"outcome": outcome}


# --- credit notes and exports ---------------------------------------------------------------


@router.get(
    "/credit-notes",
    response=with_problems({200: CreditNotePage}, 403, 422),
    auth=roles_allowed(LEDGER_READERS),
)
def credit_note_list(request: HttpRequest, query: Query[CreditNoteQuery]):
    """Credit notes (红字冲销凭证), newest first; `issued_from` / `issued_to` are local dates
    (both included); `exported` true/false."""
    rows = selectors.credit_note_list(
        date_from=query.issued_from, date_to=query.issued_to, exported=query.exported
    )
    return keyset_page(rows, order="-issued_at", query=query)


@router.get(
    "/credit-notes/{uuid:credit_note_id}",
    response=with_problems({200: CreditNoteDetailOut}, 403, 404),
    auth=roles_allowed(LEDGER_READERS),
)
def credit_note_detail(request: HttpRequest, credit_note_id: UUID):
    """One credit note with its journal lines (debits equal credits)."""
    return selectors.credit_note_get(credit_note_id=credit_note_id)


@router.post(
    "/credit-note-exports",
    response=with_problems({201: CreditNoteExportOut}, 403, 422),
    auth=roles_allowed(LEDGER_WRITERS),
)
def credit_note_export_create(request: HttpRequest, payload: ExportIn):
    """Export the credit notes issued from `date_from` to `date_to` (local dates, both included)
    that no earlier export took: each note is exported once, so importing every export books it
    once. The export may be empty. Download its CSV at `csv_path`, as often as needed."""
    export = services.credit_note_export_create(
        actor=request.auth, date_from=payload.date_from, date_to=payload.date_to
    )
    return Status(201, export)


@router.get(
    "/credit-note-exports",
    response=with_problems({200: CreditNoteExportPage}, 403, 422),
    auth=roles_allowed(LEDGER_READERS),
)
def credit_note_export_list(request: HttpRequest, query: Query[PageQuery]):
    """Exports, newest first."""
    return keyset_page(selectors.export_list(), order="-created_at", query=query)


@router.get(
    "/credit-note-exports/{uuid:export_id}/csv",
    response=with_problems({}, 403, 404),
    auth=roles_allowed(LEDGER_READERS),
    openapi_extra={
        "responses": {
            200: {
                "description": "The export as CSV (UTF-8 with BOM), columns: " + ", ".join(CSV_COLUMNS),
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def credit_note_export_csv(request: HttpRequest, export_id: UUID):
    """The export's journal lines as CSV, one row per line (layout: docs/refunds.md). The same
    bytes on every download."""
    export = selectors.export_get(export_id=export_id)
    text = services.credit_note_export_csv(export=export)
    response = HttpResponse(("\ufeff" + text).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export.number}.csv"'
    return response


# --- store credit ---------------------------------------------------------------------------


@router.get("/store-credit/{customer_code}", response=with_problems({200: StoreCreditOut}, 404))
def store_credit(request: HttpRequest, customer_code: str):
    """A customer's store-credit balance (账户余额) and its latest 50 entries. Staff see any
    customer's, a customer or distributor only its own."""
    customer = customer_visible_to(request.auth).filter(code=customer_code).first()
    if customer is None:
        raise DomainError(
            "refund.unknown_customer", "客户不存在", "No such customer", kind="not_found", value=customer_code
        )
    balance, entries = selectors.store_credit_of(customer=customer)
    return {"customer_code": customer.code, "balance": balance, "entries": entries}
