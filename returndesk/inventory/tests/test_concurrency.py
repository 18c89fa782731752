"""Concurrent allocations with real threads and their own connections: 8 exchanges racing for 5
sellable units get exactly 5 allocations (row lock on the balance; on SQLite the single writer)."""

from __future__ import annotations

from collections import Counter

import pytest

from returndesk.cases.tests.test_concurrency import run_together
from returndesk.catalog.tests.factories import make_product, make_warehouse
from returndesk.inventory import services
from returndesk.inventory.models import Condition, MovementKind, StockLevel


def _race(product, wh) -> None:
    services.stock_move(
        product=product, warehouse=wh, quantity=5, target=Condition.SELLABLE, kind=MovementKind.OPENING
    )

    results = run_together(
        8, lambda i, _: services.stock_allocate(product=product, warehouse=wh, quantity=1).pk
    )

    assert Counter(kind for kind, _ in results) == {"ok": 5, "error": 3}, results
    assert {exc.code for kind, exc in results if kind == "error"} == {"inventory.out_of_stock"}
    level = StockLevel.objects.get(product=product, condition=Condition.SELLABLE)
    assert (level.on_hand, level.allocated) == (5, 5)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_given_5_sellable_when_8_threads_allocate_1_each_on_postgresql_then_exactly_5_succeed():
    _race(make_product(), make_warehouse())


@pytest.mark.django_db(transaction=True)
def test_given_5_sellable_when_8_threads_allocate_1_each_on_sqlite_then_exactly_5_succeed():
    _race(make_product(), make_warehouse())
