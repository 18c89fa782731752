"""Exchanges (issue #5): what was arranged for an exchange case (replacement products, the value
of the returned units at the price paid, the difference, the stock reserved and the shipment),
finance's lists of price differences customers owe and credits owed to them, and recording a
credit as paid out. The workflow steps themselves (arrange_exchange, confirm_payment,
ship_replacement) are the generated `POST /cases/{id}/actions/<action>` (api/v1/cases.py).
Client documentation: docs/api.md and docs/exchanges-repairs.md."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from returndesk.accounts.roles import STAFF_ROLES
from returndesk.cases import goods_selectors, services
from returndesk.cases.services.exchange import CREDIT_SETTLERS
from returndesk.exchanges.models import PaymentState

from ..auth import roles_allowed
from ..etag import if_match_version, set_etag, stale_as_precondition_failed
from ..pagination import PageQuery, keyset_page
from ..schemas import InputSchema, LocalDatetime, Money, with_problems
from .cases import LabelOut, ProductRef, UserRef, label

router = Router(tags=["exchanges"])


def _staff(context) -> bool:
    return context["request"].auth.role in STAFF_ROLES


class ExchangeLineOut(Schema):
    case_line: UUID
    order_line: UUID
    original_product: ProductRef
    replacement_product: ProductRef
    quantity: int
    original_value: Money  # what the customer paid for these units
    replacement_unit_price: Money | None  # another variant's current price; null: the same product
    replacement_value: Money
    difference: Money
    returned_serials: list[str]
    shipped_serials: list[str]

    @staticmethod
    def resolve_case_line(obj) -> UUID:
        return obj.case_line_id

    @staticmethod
    def resolve_order_line(obj) -> UUID:
        return obj.order_line_id


class PaymentRequestOut(Schema):
    number: str
    amount: Money
    currency: str
    state: Literal["pending", "paid", "void"]
    state_label: LabelOut
    method: str
    reference: str
    paid_at: LocalDatetime | None
    created_at: LocalDatetime

    @staticmethod
    def resolve_state_label(obj) -> dict:
        return label(obj.get_state_display())


class ExchangeOut(Schema):
    """One arrangement. `price_difference` = replacement − original: positive, the customer pays
    it (a payment request; nothing ships before it is paid); negative, `credit_amount` is owed to
    the customer (`credit_state` due once the replacement ships). Who acted: staff only."""

    id: UUID
    state: Literal["reserved", "shipped", "superseded"]
    state_label: LabelOut
    warehouse: str
    currency: str
    original_value: Money
    replacement_value: Money
    price_difference: Money
    amount_due: Money
    credit_amount: Money
    credit_state: Literal["none", "awaiting_shipment", "due", "settled"]
    credit_reference: str
    note: str
    carrier: str
    tracking_number: str
    shipped_at: LocalDatetime | None
    created_at: LocalDatetime
    arranged_by: UserRef | None
    lines: list[ExchangeLineOut]
    payment_requests: list[PaymentRequestOut]

    @staticmethod
    def resolve_state_label(obj) -> dict:
        return label(obj.get_state_display())

    @staticmethod
    def resolve_warehouse(obj) -> str:
        return obj.warehouse.code

    @staticmethod
    def resolve_arranged_by(obj, context):
        return obj.arranged_by if _staff(context) else None

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())

    @staticmethod
    def resolve_payment_requests(obj):
        return list(obj.payment_requests.all())


class ExchangesOut(Schema):
    case_id: UUID
    case_number: str
    items: list[ExchangeOut]


class CaseBrief(Schema):
    id: UUID
    number: str
    status: str
    customer_code: str
    customer_name: str

    @staticmethod
    def resolve_customer_code(obj) -> str:
        return obj.customer.code

    @staticmethod
    def resolve_customer_name(obj) -> str:
        return obj.customer.name


class PaymentRequestListItem(PaymentRequestOut):
    case: CaseBrief

    @staticmethod
    def resolve_case(obj):
        return obj.exchange.case


class PaymentRequestPage(Schema):
    items: list[PaymentRequestListItem]
    next_cursor: str | None


class ExchangeCreditOut(Schema):
    exchange_id: UUID
    case: CaseBrief
    credit_amount: Money
    currency: str
    credit_state: Literal["awaiting_shipment", "due", "settled"]
    credit_reference: str
    shipped_at: LocalDatetime | None
    created_at: LocalDatetime

    @staticmethod
    def resolve_exchange_id(obj) -> UUID:
        return obj.id


class ExchangeCreditPage(Schema):
    items: list[ExchangeCreditOut]
    next_cursor: str | None


class PaymentRequestQuery(PageQuery):
    state: PaymentState | None = None


class CreditQuery(PageQuery):
    state: Literal["awaiting_shipment", "due", "settled"] | None = None


class SettleCreditIn(InputSchema):
    reference: Annotated[str, Field(min_length=1, max_length=64)]  # refund or credit note number


def _exchanges_answer(request: HttpRequest, response: HttpResponse, case_id: UUID) -> dict:
    found = goods_selectors.case_exchanges(user=request.auth, case_id=case_id)
    set_etag(response, found.case.version)
    return {"case_id": found.case.id, "case_number": found.case.number, "items": found.arrangements}


@router.get("/cases/{uuid:case_id}/exchanges", response=with_problems({200: ExchangesOut}, 404))
def case_exchanges(request: HttpRequest, response: HttpResponse, case_id: UUID):
    """The exchange case's arrangements, newest first (a superseded one is kept as history), with
    the case's version as ETag. Whoever may see the case."""
    return _exchanges_answer(request, response, case_id)


@router.post(
    "/cases/{uuid:case_id}/exchange-credit/settle",
    response=with_problems({200: ExchangesOut}, 403, 404, 409, 412, 422),
    auth=roles_allowed(CREDIT_SETTLERS),
)
def exchange_credit_settle(
    request: HttpRequest, response: HttpResponse, case_id: UUID, payload: SettleCreditIn
):
    """Finance records that the difference owed to the customer for a cheaper replacement was
    paid out (refund or credit note reference): credit_state due → settled. 409
    exchange.credit_not_due otherwise. If-Match with the case's ETag."""
    case = goods_selectors.case_exchanges(user=request.auth, case_id=case_id).case
    expected = if_match_version(request, entity="case")
    with stale_as_precondition_failed(expected, entity="case"):
        services.case_exchange_settle_credit(
            case=case, actor=request.auth, reference=payload.reference, expected_version=expected
        )
    return _exchanges_answer(request, response, case_id)


@router.get(
    "/exchange-payment-requests",
    response=with_problems({200: PaymentRequestPage}, 403, 422),
    auth=roles_allowed(STAFF_ROLES),
)
def exchange_payment_requests(request: HttpRequest, query: Query[PaymentRequestQuery]):
    """Price differences customers owe for dearer replacements, newest first; `state=pending`
    is finance's to-do list (confirm with the case's confirm_payment action). Staff only."""
    return keyset_page(goods_selectors.payment_requests(state=query.state), order="-created_at", query=query)


@router.get(
    "/exchange-credits",
    response=with_problems({200: ExchangeCreditPage}, 403, 422),
    auth=roles_allowed(STAFF_ROLES),
)
def exchange_credits(request: HttpRequest, query: Query[CreditQuery]):
    """Price differences owed to customers for cheaper replacements, newest first; `state=due`
    (the replacement shipped) is what finance pays out. Staff only."""
    return keyset_page(goods_selectors.exchange_credits(state=query.state), order="-created_at", query=query)
