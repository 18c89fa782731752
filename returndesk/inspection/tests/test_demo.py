"""The demo shows the goods flow (BRIEF demo rule): received and inspected cases, their units and
dispositions, booked pickups, a flagged receipt with an extra item, and stock per warehouse."""

import pytest

from returndesk.cases.models import Case
from returndesk.desk.demo import load_demo
from returndesk.inspection.models import Receipt, ReceiptExtra, ReturnUnit
from returndesk.inventory.models import StockLevel, StockMovement
from returndesk.logistics.models import ReturnRoute, ReturnShipment


@pytest.mark.django_db
def test_given_the_demo_when_loaded_then_goods_are_received_inspected_disposed_and_in_stock():
    load_demo()

    assert Case.objects.filter(status="goods_inspected").count() >= 3
    assert Case.objects.filter(status="received").exists()
    assert ReturnUnit.objects.exclude(outcome="").count() > 10
    assert set(ReturnUnit.objects.exclude(disposition="").values_list("disposition", flat=True)) >= {
        "quarantine", "return_to_customer",
    }  # fmt: skip
    assert ReturnUnit.objects.filter(outcome="rejected", rejection_reason="customer_damage").exists()
    assert Receipt.objects.filter(has_discrepancy=True, case__customer__code="D001").exists()
    assert ReceiptExtra.objects.filter(kind="unexpected", resolution="open").exists()
    assert ReturnShipment.objects.filter(
        state__in=["pickup_booked", "shipped", "received"], method="pickup"
    ).exists()
    assert ReturnRoute.objects.filter(address_prefix="广东省", warehouse__code="HC-GZ").exists()
    warehouses = set(StockLevel.objects.filter(on_hand__gt=0).values_list("warehouse__code", flat=True))
    assert warehouses == {"HC-SH", "HC-GZ"}
    assert StockLevel.objects.filter(condition="quarantine", on_hand__gt=0).exists()
    assert (
        StockMovement.objects.filter(kind="return_receipt").count()
        == ReturnUnit.objects.filter(receipt_line__receipt__into_stock=True).count()
    )
