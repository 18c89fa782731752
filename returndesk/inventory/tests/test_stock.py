"""Stock balances move only by movements, never go negative, and allocation is all-or-nothing."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from returndesk.catalog.tests.factories import make_product, make_warehouse
from returndesk.core.errors import DomainError
from returndesk.inventory import selectors, services
from returndesk.inventory.models import Condition, MovementKind, StockLevel, StockMovement

pytestmark = pytest.mark.django_db
S, Q, R = Condition.SELLABLE, Condition.QUARANTINE, Condition.REFURBISH


def levels(product, warehouse) -> dict[str, tuple[int, int]]:
    return {
        lv.condition: (lv.on_hand, lv.allocated)
        for lv in selectors.stock_levels(product=product, warehouse=warehouse)
    }


@pytest.fixture
def goods():
    return make_product(sku="KETTLE-1"), make_warehouse(name="上海退货仓")


def test_given_no_stock_when_5_returned_to_quarantine_and_2_restocked_1_scrapped_then_levels_are_exact(goods):
    product, wh = goods
    services.stock_move(product=product, warehouse=wh, quantity=5, target=Q, kind=MovementKind.RETURN_RECEIPT,
                        reference="case:RT-1")  # fmt: skip
    services.stock_move(
        product=product, warehouse=wh, quantity=2, source=Q, target=S, kind=MovementKind.DISPOSITION
    )
    services.stock_move(product=product, warehouse=wh, quantity=1, source=Q, kind=MovementKind.SCRAP)
    services.stock_move(
        product=product, warehouse=wh, quantity=1, source=Q, target=R, kind=MovementKind.DISPOSITION
    )

    assert levels(product, wh) == {S: (2, 0), Q: (1, 0), R: (1, 0)}
    assert StockMovement.objects.count() == 4
    assert [m.kind for m in selectors.stock_movements(reference="case:RT-1")] == [MovementKind.RETURN_RECEIPT]
    assert selectors.stock_available(product=product, warehouse=wh) == 2


def test_given_2_in_quarantine_when_3_are_scrapped_then_refused_and_nothing_changes(goods):
    product, wh = goods
    services.stock_move(product=product, warehouse=wh, quantity=2, target=Q, kind=MovementKind.RETURN_RECEIPT)

    with pytest.raises(DomainError) as exc:
        services.stock_move(product=product, warehouse=wh, quantity=3, source=Q, kind=MovementKind.SCRAP)

    assert exc.value.code == "inventory.insufficient"
    assert "需要 3,现有可用 2" in exc.value.zh
    assert levels(product, wh) == {Q: (2, 0)}
    assert StockMovement.objects.count() == 1


@pytest.mark.parametrize("quantity", [0, -1, 1.5, True, "2"])
def test_given_a_bad_quantity_when_moving_then_refused_with_a_field_error(goods, quantity):
    product, wh = goods
    with pytest.raises(DomainError) as exc:
        services.stock_move(
            product=product, warehouse=wh, quantity=quantity, target=S, kind=MovementKind.OPENING
        )
    assert exc.value.code == "inventory.quantity_invalid"
    assert exc.value.fields == {"quantity": ("须为正整数", "must be a positive whole number")}
    assert StockMovement.objects.count() == 0 and StockLevel.objects.count() == 0


def test_given_3_sellable_when_allocating_4_then_out_of_stock_and_nothing_allocated(goods):
    product, wh = goods
    services.stock_move(product=product, warehouse=wh, quantity=3, target=S, kind=MovementKind.OPENING)

    with pytest.raises(DomainError) as exc:
        services.stock_allocate(product=product, warehouse=wh, quantity=4)

    assert exc.value.code == "inventory.out_of_stock"
    assert exc.value.kind == "conflict"
    assert levels(product, wh) == {S: (3, 0)}


def test_given_2_of_3_allocated_when_scrapping_2_sellable_then_refused_because_promised_units_stay(goods):
    product, wh = goods
    services.stock_move(product=product, warehouse=wh, quantity=3, target=S, kind=MovementKind.OPENING)
    services.stock_allocate(product=product, warehouse=wh, quantity=2)

    with pytest.raises(DomainError) as exc:
        services.stock_move(product=product, warehouse=wh, quantity=2, source=S, kind=MovementKind.SCRAP)

    assert exc.value.code == "inventory.insufficient"
    assert levels(product, wh) == {S: (3, 2)}
    assert selectors.stock_available(product=product, warehouse=wh) == 1


def test_given_2_allocated_when_1_shipped_and_1_released_then_on_hand_and_allocation_follow(goods):
    product, wh = goods
    services.stock_move(product=product, warehouse=wh, quantity=3, target=S, kind=MovementKind.OPENING)
    services.stock_allocate(product=product, warehouse=wh, quantity=2)

    movement = services.stock_ship_allocated(product=product, warehouse=wh, quantity=1, reference="case:RT-9")
    services.stock_release(product=product, warehouse=wh, quantity=1)

    assert (movement.kind, movement.source, movement.target) == (MovementKind.REPLACEMENT_SHIPMENT, S, "")
    assert levels(product, wh) == {S: (2, 0)}
    with pytest.raises(DomainError) as exc:
        services.stock_release(product=product, warehouse=wh, quantity=1)
    assert exc.value.code == "inventory.release_exceeds"
    assert levels(product, wh) == {S: (2, 0)}


def test_given_the_same_source_and_target_when_moving_then_refused(goods):
    product, wh = goods
    with pytest.raises(DomainError) as exc:
        services.stock_move(
            product=product, warehouse=wh, quantity=1, source=S, target=S, kind=MovementKind.DISPOSITION
        )
    assert exc.value.code == "inventory.same_condition"
    assert StockLevel.objects.count() == 0


def test_given_a_balance_when_written_negative_behind_the_services_back_then_the_database_refuses(goods):
    product, wh = goods
    services.stock_move(product=product, warehouse=wh, quantity=1, target=S, kind=MovementKind.OPENING)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(product=product).update(on_hand=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(product=product).update(allocated=2)
    assert levels(product, wh) == {S: (1, 0)}
