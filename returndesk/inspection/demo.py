"""Demo data of receipt, inspection and stock (called from returndesk/desk/demo/builder.py):
opening stock of every product in both warehouses, and what the warehouse finds when it inspects
a demo case — mostly grade A or B goods, now and then a missing box, the water-damaged and dropped
units rejected with a photo — with each unit's disposition."""

from __future__ import annotations

from returndesk.inventory.models import Condition, MovementKind, StockLevel
from returndesk.inventory.services import stock_move

from .models import ReturnUnit
from .selectors import checklist_for, latest_receipt

OPENING = {"NB": 20, "MON": 30, "KBM": 60, "ACC": 80}


def opening_stock(*, products, warehouses) -> None:
    """Sellable opening balances (期初库存) per product and warehouse, once."""
    for warehouse in warehouses:
        for product in products:
            if StockLevel.objects.filter(product=product, warehouse=warehouse).exists():
                continue
            quantity = OPENING.get(product.category.code, 40) // (1 if warehouse.is_default else 2)
            stock_move(
                product=product, warehouse=warehouse, quantity=quantity, target=Condition.SELLABLE,
                kind=MovementKind.OPENING, reference="demo:opening", note="期初库存 / opening balance",
            )  # fmt: skip


def inspection_units(case, *, rng, story: str, photo_id: str) -> list[dict]:
    """The `units` input of `inspect` for a demo case: rejected as customer damage for the water
    and dropped stories (with the photo), otherwise accepted, grade A or B, a box missing now and
    then; with the disposition the grade and reason suggest."""
    receipt = latest_receipt(case)
    units = ReturnUnit.objects.filter(receipt_line__receipt=receipt).select_related(
        "receipt_line__product", "case_line__reason"
    )
    into_stock = receipt.into_stock
    payload = []
    for unit in units.order_by("case_line__created_at", "sequence"):
        codes = [i.code for i in checklist_for(unit.receipt_line.product.category_id)]
        item = {"unit": str(unit.id), "checks": dict.fromkeys(codes, True)}
        if story in ("water", "dropped"):
            item.update(grade="D" if story == "water" else "C", outcome="rejected",
                        rejection_reason="customer_damage", photos=[photo_id],
                        note="进液腐蚀" if story == "water" else "屏幕受外力撞击破裂")  # fmt: skip
            item["checks"]["intact"] = False
            if into_stock:
                item["disposition"] = "return_to_customer"
        else:
            quality = unit.case_line.reason.is_quality
            grade = "B" if quality or rng.random() < 0.4 else "A"
            if not quality and rng.random() < 0.25:
                item["checks"]["box"] = False
                item["note"] = "原包装盒缺失"
            item.update(grade=grade, outcome="accepted")
            if into_stock:
                item["disposition"] = (
                    "quarantine" if quality else ("restock" if grade == "A" else "refurbish")
                )
        payload.append(item)
    return payload
