"""Test factories for master data. They go through the real services (actor=None, the system),
so every object they make is one the application itself could have made."""

from __future__ import annotations

import itertools

from returndesk.catalog import services
from returndesk.catalog.models import Customer, CustomerType, Product, ProductCategory, Warehouse

_seq = itertools.count(1)


def _next() -> int:
    return next(_seq)


def make_category(**kw) -> ProductCategory:
    n = _next()
    kw.setdefault("code", f"CAT{n:04d}")
    kw.setdefault("name", f"类别{n}")
    kw.setdefault("name_en", f"Category {n}")
    return services.category_create(actor=kw.pop("actor", None), **kw)


def make_customer(type: str = CustomerType.CONSUMER, **kw) -> Customer:
    n = _next()
    kw.setdefault("code", f"C{n:05d}")
    kw.setdefault("name", f"客户{n}")
    kw.setdefault("phone", f"138{n:08d}")
    kw.setdefault("email", f"customer{n}@example.com")
    return services.customer_create(actor=kw.pop("actor", None), type=type, **kw)


def make_product(**kw) -> Product:
    n = _next()
    kw.setdefault("sku", f"SKU-{n:05d}")
    kw.setdefault("name", f"商品{n}")
    kw.setdefault("name_en", f"Product {n}")
    if "category" not in kw:
        kw["category"] = make_category()
    return services.product_create(actor=kw.pop("actor", None), **kw)


def make_warehouse(**kw) -> Warehouse:
    n = _next()
    kw.setdefault("code", f"WH{n:03d}")
    kw.setdefault("name", f"退货仓{n}")
    kw.setdefault("return_address", f"上海市浦东新区测试路 {n} 号")
    return services.warehouse_create(actor=kw.pop("actor", None), **kw)
