"""Products and customers (master data). Writes go through returndesk.catalog.services."""

from typing import Literal
from uuid import UUID

from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import StrictBool, StrictInt

from returndesk.catalog import selectors, services
from returndesk.catalog.models import CustomerType, SanbaoCategory
from returndesk.catalog.services import CUSTOMER_WRITERS, PRODUCT_WRITERS

from ..auth import roles_allowed
from ..pagination import PageQuery, keyset_page
from ..schemas import InputSchema, LocalDatetime, with_problems

router = Router(tags=["catalog"])


# --- schemas --------------------------------------------------------------------------------


class CategoryOut(Schema):
    code: str
    name: str
    name_en: str


class ProductOut(Schema):
    id: UUID
    sku: str
    name: str
    name_en: str
    model_spec: str
    category: CategoryOut
    unit: str
    no_reason_returnable: bool
    sanbao_category: str
    warranty_months_unit: int
    warranty_months_main_parts: int
    is_active: bool
    created_at: LocalDatetime


class ProductIn(InputSchema):
    sku: str
    name: str
    category: str  # the category's code
    name_en: str = ""
    model_spec: str = ""
    unit: str = "台"
    no_reason_returnable: StrictBool = True
    sanbao_category: SanbaoCategory = SanbaoCategory.NONE
    warranty_months_unit: StrictInt = 12
    warranty_months_main_parts: StrictInt = 12
    is_active: StrictBool = True


class ProductPage(Schema):
    items: list[ProductOut]
    next_cursor: str | None


class CustomerOut(Schema):
    id: UUID
    code: str
    name: str
    type: str
    contact_name: str
    phone: str
    email: str
    address: str
    preferred_language: str
    created_at: LocalDatetime


class CustomerIn(InputSchema):
    code: str
    name: str
    type: CustomerType = CustomerType.CONSUMER
    contact_name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    preferred_language: Literal["zh-hans", "en"] = "zh-hans"


class CustomerPage(Schema):
    items: list[CustomerOut]
    next_cursor: str | None


# --- products -------------------------------------------------------------------------------


@router.get("/products", response=with_problems({200: ProductPage}, 422))
def product_list(request, page: Query[PageQuery]):
    """Products by SKU. Every signed-in user."""
    return keyset_page(selectors.product_list(user=request.auth), order="sku", query=page)


@router.get("/products/{uuid:product_id}", response=with_problems({200: ProductOut}, 404))
def product_detail(request, product_id: UUID):
    """One product. Every signed-in user."""
    return selectors.product_get(user=request.auth, product_id=product_id)


@router.post(
    "/products",
    response=with_problems({201: ProductOut}, 403, 409, 422),
    auth=roles_allowed(PRODUCT_WRITERS),
)
def product_create(request, payload: ProductIn):
    """Add a product; `category` is a category code. Roles: admin, sales, system."""
    data = payload.model_dump()
    category = selectors.category_for_code(data.pop("category"))
    return Status(201, services.product_create(actor=request.auth, category=category, **data))


# --- customers ------------------------------------------------------------------------------


@router.get("/customers", response=with_problems({200: CustomerPage}, 422))
def customer_list(request, page: Query[PageQuery]):
    """Customers by code. Staff and the system see all; a customer or distributor sign-in its own."""
    return keyset_page(selectors.customer_visible_to(request.auth), order="code", query=page)


@router.get("/customers/{uuid:customer_id}", response=with_problems({200: CustomerOut}, 404))
def customer_detail(request, customer_id: UUID):
    """One customer. Staff and the system: any; a customer or distributor sign-in: its own."""
    return selectors.customer_get(user=request.auth, customer_id=customer_id)


@router.post(
    "/customers",
    response=with_problems({201: CustomerOut}, 403, 409, 422),
    auth=roles_allowed(CUSTOMER_WRITERS),
)
def customer_create(request, payload: CustomerIn):
    """Register a customer. Roles: admin, sales, service agent, service supervisor, system."""
    return Status(201, services.customer_create(actor=request.auth, **payload.model_dump()))
