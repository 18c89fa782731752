"""Exchanges racing for the last units (issue #5), with real threads and their own connections:
4 cases arranging a replacement of a model with 2 sellable units get exactly 2 reservations; the
others are refused out of stock with nothing written (row locks on the stock balance on
PostgreSQL; the single writer on SQLite)."""

from __future__ import annotations

from collections import Counter

import pytest

from returndesk.cases import services
from returndesk.cases.models import Case, Status
from returndesk.catalog.tests.factories import make_product, make_warehouse
from returndesk.exchanges.models import Exchange
from returndesk.inventory.models import Condition, StockLevel
from returndesk.inventory.services import stock_move
from returndesk.orders.tests.factories import make_order

from .helpers import approve_and_ship, confirm_cause, receive_and_inspect
from .test_concurrency import run_together

CASES = 4


def _race(consumer, consumer_user, agent, warehouse, qc) -> None:
    product = make_product()
    stock_move(
        product=product, warehouse=make_warehouse(is_default=True), quantity=2, target=Condition.SELLABLE,
        kind="opening",
    )  # fmt: skip
    cases = []
    for _ in range(CASES):
        ol = make_order(consumer, lines=[(product, 1, "100.00")]).lines.get()
        case = services.case_create(
            actor=consumer_user, customer=consumer, type="exchange", channel="web",
            lines=[{"order_line": ol, "quantity": 1, "reason": "Q02"}],
        )  # fmt: skip
        approve_and_ship(case, reviewer=agent, customer_actor=consumer_user)
        receive_and_inspect(case, warehouse=warehouse)
        confirm_cause(case, qc=qc)
        cases.append(case)

    results = run_together(
        CASES, lambda i, _: services.case_arrange_exchange(case=cases[i], actor=agent).status
    )

    assert Counter(kind for kind, _ in results) == {"ok": 2, "error": 2}, results
    assert {exc.code for kind, exc in results if kind == "error"} == {"inventory.out_of_stock"}
    level = StockLevel.objects.get(product=product, condition=Condition.SELLABLE)
    assert (level.on_hand, level.allocated) == (2, 2)
    assert Exchange.objects.count() == 2
    assert Counter(Case.objects.values_list("status", flat=True)) == {
        Status.REPLACEMENT_RESERVED: 2, Status.CAUSE_CONFIRMED: 2,
    }  # fmt: skip


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_given_2_units_when_4_exchanges_arrange_at_once_on_postgresql_then_exactly_2_reserve(
    reference_data, consumer, consumer_user, agent, warehouse, qc
):
    _race(consumer, consumer_user, agent, warehouse, qc)


@pytest.mark.django_db(transaction=True)
def test_given_2_units_when_4_exchanges_arrange_at_once_on_sqlite_then_exactly_2_reserve(
    reference_data, consumer, consumer_user, agent, warehouse, qc
):
    _race(consumer, consumer_user, agent, warehouse, qc)
