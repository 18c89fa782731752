"""Reads of the stock domain."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Condition, StockLevel, StockMovement


def stock_levels(*, product=None, warehouse=None, sku: str = "") -> QuerySet[StockLevel]:
    """Balances per product, warehouse and condition (rows that never held stock don't exist)."""
    qs = StockLevel.objects.select_related("product", "warehouse")
    if product is not None:
        qs = qs.filter(product=product)
    if warehouse is not None:
        qs = qs.filter(warehouse=warehouse)
    if sku:
        qs = qs.filter(product__sku=sku)
    return qs.order_by("warehouse__code", "product__sku", "condition")


def stock_available(*, product, warehouse) -> int:
    """Sellable units not yet promised to anyone."""
    level = StockLevel.objects.filter(
        product=product, warehouse=warehouse, condition=Condition.SELLABLE
    ).first()
    return level.available if level else 0


def stock_movements(*, reference: str = "", product=None, warehouse=None) -> QuerySet[StockMovement]:
    qs = StockMovement.objects.select_related("product", "warehouse", "actor")
    if reference:
        qs = qs.filter(reference=reference)
    if product is not None:
        qs = qs.filter(product=product)
    if warehouse is not None:
        qs = qs.filter(warehouse=warehouse)
    return qs.order_by("-created_at")
