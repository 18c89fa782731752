"""Orders from the sales channels: create, read, upsert by (channel, number), bulk upsert.

Customers are named by code and products by SKU, as shop integrations know them. Amounts are
strings ("99.50"); the paid-net amounts of each line are computed by returndesk.orders
(pricing.compute_amounts) and answered with the order.
"""

from decimal import Decimal
from typing import Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field, StrictBool, StrictInt

from returndesk.orders import selectors, services
from returndesk.orders.models import Channel, PaymentMethod, TaxMode
from returndesk.orders.services import MAX_BULK_ORDERS, ORDER_WRITERS, BulkOutcome

from ..auth import roles_allowed
from ..errors import field_errors
from ..pagination import PageQuery, keyset_page
from ..schemas import (
    DatetimeIn,
    DecimalIn,
    DecimalText,
    FieldError,
    InputSchema,
    LocalDatetime,
    Money,
    with_problems,
)

router = Router(tags=["orders"])


# --- input ----------------------------------------------------------------------------------


class OrderLineIn(InputSchema):
    sku: str
    quantity: StrictInt
    unit_price: DecimalIn
    quantity_shipped: StrictInt | None = None  # default: the quantity ordered
    line_discount: DecimalIn | None = None  # default "0.00"
    tax_mode: TaxMode | None = None  # default inclusive (含税)
    tax_rate: DecimalIn | None = None  # default "0.13"
    serial_numbers: list[str] = []
    no_reason_return_waived: StrictBool = False
    lot: str = ""  # production batch (生产批次)


class PaymentIn(InputSchema):
    method: PaymentMethod
    amount: DecimalIn
    provider_reference: str = ""
    paid_at: DatetimeIn | None = None  # default: the order's paid_at


class OrderContentIn(InputSchema):
    """An order without its identity (channel, number): the body of PUT /orders/{channel}/{number}."""

    customer: str  # the customer's code
    placed_at: DatetimeIn
    lines: list[OrderLineIn]
    payments: list[PaymentIn] = []
    paid_at: DatetimeIn | None = None
    shipped_at: DatetimeIn | None = None
    delivered_at: DatetimeIn | None = None
    currency: str = "CNY"
    order_discount: DecimalIn = Decimal("0.00")
    shipping_fee: DecimalIn = Decimal("0.00")
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    shipping_address: str = ""


class OrderIn(OrderContentIn):
    channel: Channel
    number: str


class OrderBulkIn(InputSchema):
    orders: list[OrderIn] = Field(max_length=MAX_BULK_ORDERS)


class OrderQuery(PageQuery):
    customer: str | None = None  # a customer code
    channel: Channel | None = None
    number: str | None = None


# --- output ---------------------------------------------------------------------------------


# OpenAPI component names are the class names, one namespace for the whole API: a second
# `CustomerRef` elsewhere (v1/cases.py has one with more fields) would silently replace this one
# in the document. Hence the Order prefix.
class OrderCustomerRef(Schema):
    id: UUID
    code: str
    name: str


class OrderProductRef(Schema):
    id: UUID
    sku: str
    name: str
    name_en: str


class OrderLineOut(Schema):
    id: UUID
    position: int
    product: OrderProductRef
    quantity: int
    quantity_shipped: int
    unit_price: Money
    line_discount: Money
    tax_mode: str
    tax_rate: DecimalText
    order_discount_share: Money
    net_amount: Money
    tax_amount: Money
    paid_amount: Money
    serial_numbers: list[str]
    no_reason_return_waived: bool
    lot: str
    quantity_held: int
    quantity_returned: int
    returnable_quantity: int


class PaymentOut(Schema):
    id: UUID
    method: str
    amount: Money
    provider_reference: str
    paid_at: LocalDatetime | None


class OrderOut(Schema):
    id: UUID
    channel: str
    number: str
    customer: OrderCustomerRef
    currency: str
    placed_at: LocalDatetime
    paid_at: LocalDatetime | None
    shipped_at: LocalDatetime | None
    delivered_at: LocalDatetime | None
    order_discount: Money
    shipping_fee: Money
    goods_total: Money
    total_paid: Money
    contact_name: str
    contact_phone: str
    contact_email: str
    shipping_address: str
    lines: list[OrderLineOut]
    payments: list[PaymentOut]
    created_at: LocalDatetime
    updated_at: LocalDatetime


class OrderPage(Schema):
    items: list[OrderOut]
    next_cursor: str | None


class BulkResultOut(Schema):
    index: int
    number: str
    status: Literal["created", "updated", "error"]
    id: UUID | None = None
    code: str | None = None
    detail: str | None = None
    errors: list[FieldError] | None = None


class BulkOut(Schema):
    created: int
    updated: int
    failed: int
    results: list[BulkResultOut]


def _bulk_out(outcomes: list[BulkOutcome]) -> BulkOut:
    results = []
    for outcome in outcomes:
        result = BulkResultOut(index=outcome.index, number=outcome.number, status=outcome.status)
        if outcome.order is not None:
            result.id = outcome.order.pk
        if outcome.error is not None:
            result.code, result.detail = outcome.error.code, outcome.error.message
            result.errors = [FieldError(**error) for error in field_errors(outcome.error)]
        results.append(result)
    count = {
        status: sum(1 for o in outcomes if o.status == status) for status in ("created", "updated", "error")
    }
    return BulkOut(created=count["created"], updated=count["updated"], failed=count["error"], results=results)


def _order_kwargs(data: dict) -> dict:
    """The service arguments for one order: customer code and SKUs become the objects."""
    return selectors.order_references([data]).resolve(data)


# --- operations -----------------------------------------------------------------------------


@router.get("/orders", response=with_problems({200: OrderPage}, 422))
def order_list(request: HttpRequest, query: Query[OrderQuery]):
    """Orders, newest placed first; filters: customer (code), channel, number.
    Staff and the system see all; a customer or distributor sign-in its own."""
    orders = selectors.order_list(
        user=request.auth, customer_code=query.customer, channel=query.channel, number=query.number
    )
    return keyset_page(orders, order="-placed_at", query=query)


@router.get("/orders/{uuid:order_id}", response=with_problems({200: OrderOut}, 404))
def order_detail(request: HttpRequest, order_id: UUID):
    """One order with its lines and payments (someone else's answers 404)."""
    return selectors.order_get(user=request.auth, order_id=order_id)


@router.post(
    "/orders",
    response=with_problems({201: OrderOut}, 403, 409, 422),
    auth=roles_allowed(ORDER_WRITERS),
)
def order_create(request: HttpRequest, payload: OrderIn):
    """Record an order. 409 order.duplicate_number if (channel, number) exists: use PUT to upsert.
    Roles: admin, sales, service supervisor, system (integrations)."""
    order = services.order_create(actor=request.auth, **_order_kwargs(payload.model_dump()))
    return Status(201, order)


@router.put(
    "/orders/{channel}/{number}",
    response=with_problems({200: OrderOut, 201: OrderOut}, 403, 409, 422),
    auth=roles_allowed(ORDER_WRITERS),
)
def order_upsert(request: HttpRequest, channel: Channel, number: str, payload: OrderContentIn):
    """Create the order (201) or bring it up to date (200); see orders.services.order_upsert for
    what may change once a case refers to it. Roles: admin, sales, service supervisor, system."""
    data = {**payload.model_dump(), "channel": channel, "number": number}
    order, created = services.order_upsert(actor=request.auth, **_order_kwargs(data))
    return Status(201 if created else 200, order)


@router.post(
    "/orders/bulk",
    response=with_problems({200: BulkOut}, 403, 422),
    auth=roles_allowed(ORDER_WRITERS),
)
def order_bulk(request: HttpRequest, payload: OrderBulkIn):
    """Upsert up to 1,000 orders, each on its own: results come in the given order, one bad order
    writes nothing for itself and does not stop the others. Roles as for PUT."""
    outcomes = services.order_bulk_upsert(actor=request.auth, orders=payload.model_dump()["orders"])
    return _bulk_out(outcomes)
