"""Stock per SKU, warehouse and condition, its movements, and the movements the warehouse records by
hand (counts, moves between conditions, scrap, return to supplier). Returned units enter and leave
stock through their case's receipt and inspection (api/v1/inspection.py). Client documentation:
docs/goods.md ("Stock").
"""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field, StrictInt

from returndesk.accounts.roles import STAFF_ROLES, Role
from returndesk.catalog.models import Product, Warehouse
from returndesk.core.errors import DomainError
from returndesk.inventory import selectors, services
from returndesk.inventory.models import Condition, MovementKind

from ..auth import roles_allowed
from ..pagination import PageQuery, keyset_page
from ..schemas import InputSchema, LocalDatetime, with_problems
from .cases import LabelOut, label

router = Router(tags=["stock"])
READERS = STAFF_ROLES | {Role.SYSTEM}


class StockLevelOut(Schema):
    sku: str
    product: str
    warehouse: str
    condition: Condition
    condition_label: LabelOut
    on_hand: int
    allocated: int
    available: int


class StockPage(Schema):
    items: list[StockLevelOut]
    next_cursor: str | None


class MovementOut(Schema):
    id: UUID
    sku: str
    warehouse: str
    quantity: int
    source: str
    target: str
    kind: MovementKind
    kind_label: LabelOut
    reference: str
    serial_number: str
    note: str
    actor: str | None
    created_at: LocalDatetime


class MovementPage(Schema):
    items: list[MovementOut]
    next_cursor: str | None


class StockQuery(PageQuery):
    sku: str | None = None
    warehouse: str | None = None  # a warehouse code
    condition: Condition | None = None


class MovementQuery(PageQuery):
    sku: str | None = None
    warehouse: str | None = None
    reference: str | None = None  # e.g. case:RT-20261126-00001


class MovementIn(InputSchema):
    sku: Annotated[str, Field(max_length=64)]
    warehouse: Annotated[str, Field(max_length=40)]
    quantity: StrictInt = Field(ge=1, le=100000)
    kind: Literal["opening", "count_loss", "disposition", "refurbished", "scrap", "return_to_supplier"]
    source: Literal["sellable", "quarantine", "refurbish"] | None = None
    target: Literal["sellable", "quarantine", "refurbish"] | None = None
    note: Annotated[str, Field(min_length=1, max_length=300)]


def _level_out(level) -> dict:
    return {
        "sku": level.product.sku, "product": level.product.name, "warehouse": level.warehouse.code,
        "condition": level.condition, "condition_label": label(level.get_condition_display()),
        "on_hand": level.on_hand, "allocated": level.allocated, "available": level.available,
    }  # fmt: skip


def _movement_out(m) -> dict:
    return {
        "id": m.id, "sku": m.product.sku, "warehouse": m.warehouse.code, "quantity": m.quantity,
        "source": m.source, "target": m.target, "kind": m.kind, "kind_label": label(m.get_kind_display()),
        "reference": m.reference, "serial_number": m.serial_number, "note": m.note,
        "actor": m.actor.username if m.actor else None, "created_at": m.created_at,
    }  # fmt: skip


def _lookup(model, field: str, value: str, name: str):
    obj = model.objects.filter(**{field: value.strip()}).first() if value else None
    if obj is None:
        raise DomainError(
            f"stock.unknown_{name}", "{value} 不存在", "No {name} {value}",
            fields={name: ("不存在", "Not found")}, value=value, name=name,
        )  # fmt: skip
    return obj


@router.get("/stock", response=with_problems({200: StockPage}, 403, 422), auth=roles_allowed(READERS))
def stock_list(request: HttpRequest, query: Query[StockQuery]):
    """Balances per SKU, warehouse and condition (awaiting inspection, sellable, quarantine,
    refurbish): on hand, allocated to exchanges, available. Staff and integrations."""
    levels = selectors.stock_levels(sku=query.sku or "")
    if query.warehouse:
        levels = levels.filter(warehouse__code=query.warehouse)
    if query.condition:
        levels = levels.filter(condition=query.condition)
    page = keyset_page(levels, order="created_at", query=query)
    return {"items": [_level_out(level) for level in page.items], "next_cursor": page.next_cursor}


@router.get(
    "/stock/movements", response=with_problems({200: MovementPage}, 403, 422), auth=roles_allowed(READERS)
)
def stock_movement_list(request: HttpRequest, query: Query[MovementQuery]):
    """Stock movements, newest first; `reference=case:<number>` lists a case's."""
    movements = selectors.stock_movements(reference=query.reference or "")
    if query.sku:
        movements = movements.filter(product__sku=query.sku)
    if query.warehouse:
        movements = movements.filter(warehouse__code=query.warehouse)
    page = keyset_page(movements, order="-created_at", query=query)
    return {"items": [_movement_out(m) for m in page.items], "next_cursor": page.next_cursor}


@router.post(
    "/stock/movements", response=with_problems({201: MovementOut}, 403, 409, 422),
    auth=roles_allowed(services.STOCK_MOVERS),
)  # fmt: skip
def stock_movement_create(request: HttpRequest, payload: MovementIn):
    """Record a movement by hand, with a note saying why: opening (count gain, target), count_loss
    (source), disposition (source → target), refurbished (refurbish → sellable), scrap and
    return_to_supplier (source). Units awaiting inspection are moved only by their case. 409
    inventory.insufficient when fewer units are available. Warehouse and integrations."""
    product = _lookup(Product, "sku", payload.sku, "sku")
    warehouse = _lookup(Warehouse, "code", payload.warehouse, "warehouse")
    movement = services.stock_adjust(
        actor=request.auth, product=product, warehouse=warehouse, quantity=payload.quantity, kind=payload.kind,
        source=payload.source or "", target=payload.target or "", note=payload.note,
    )  # fmt: skip
    return Status(201, _movement_out(movement))
