"""Disposition and stock: every inspected unit's fate is one stock movement at the receiving
warehouse — restock as sellable, quarantine, refurbish, scrap, return to the supplier, or (for a
rejected unit) back to the customer — and the balances per SKU and warehouse show each step.
Refused dispositions and manual movements change nothing."""

from __future__ import annotations

import pytest

from returndesk.cases import services
from returndesk.cases.tests.helpers import add_photo, refused
from returndesk.core.errors import DomainError
from returndesk.inspection.models import ReturnUnit
from returndesk.inspection.tests.helpers import default_warehouse, units_payload
from returndesk.inventory.models import Condition, MovementKind, StockLevel, StockMovement
from returndesk.inventory.selectors import stock_available
from returndesk.inventory.services import stock_adjust

from .goods import case_lines, shipped_case, stock, units_of

pytestmark = pytest.mark.django_db
W, S, Q, R = Condition.INSPECTION, Condition.SELLABLE, Condition.QUARANTINE, Condition.REFURBISH


@pytest.fixture
def inspected6(consumer, consumer_user, agent, warehouse):
    """6 units of one product received and inspected: the first five accepted, the sixth rejected."""
    case = shipped_case(
        consumer, agent=agent, customer_actor=consumer_user, lines=[(6, 6, (), ())], reason="C01"
    )
    (line,) = case_lines(case)
    services.case_receive(case=case, actor=warehouse, received={str(line.id): 6})
    photo = add_photo(case, warehouse)
    units = units_payload(case, grade="B")
    units[5] = {**units[5], "grade": "D", "outcome": "rejected", "rejection_reason": "not_our_product",
                "photos": [str(photo.id)]}  # fmt: skip
    services.case_inspect(case=case, actor=warehouse, units=units)
    return case


def ledger() -> tuple:
    return (
        sorted(StockLevel.objects.values_list("condition", "on_hand", "allocated")),
        StockMovement.objects.count(),
        sorted(ReturnUnit.objects.values_list("sequence", "disposition")),
    )


def test_given_six_inspected_units_when_each_disposition_is_taken_in_turn_then_the_stock_follows_exactly(
    inspected6, warehouse, qc
):
    case = inspected6
    product = case_lines(case)[0].order_line.product
    wh = default_warehouse()
    units = units_of(case)
    assert stock(product, wh) == {W: (6, 0)}

    steps = [
        ("restock", warehouse, {W: (5, 0), S: (1, 0)}, (W, S, MovementKind.DISPOSITION)),
        ("quarantine", qc, {W: (4, 0), S: (1, 0), Q: (1, 0)}, (W, Q, MovementKind.DISPOSITION)),
        ("refurbish", warehouse, {W: (3, 0), S: (1, 0), Q: (1, 0), R: (1, 0)}, (W, R, MovementKind.DISPOSITION)),
        ("scrap", warehouse, {W: (2, 0), S: (1, 0), Q: (1, 0), R: (1, 0)}, (W, "", MovementKind.SCRAP)),
        ("return_to_supplier", qc, {W: (1, 0), S: (1, 0), Q: (1, 0), R: (1, 0)},
         (W, "", MovementKind.RETURN_TO_SUPPLIER)),
        ("return_to_customer", warehouse, {S: (1, 0), Q: (1, 0), R: (1, 0)}, (W, "", MovementKind.RETURN_TO_CUSTOMER)),
    ]  # fmt: skip
    for unit, (disposition, actor, expected, (source, target, kind)) in zip(units, steps, strict=True):
        services.case_dispose_units(
            case=case, actor=actor, dispositions=[{"unit": str(unit.id), "disposition": disposition}]
        )

        assert stock(product, wh) == expected, disposition
        unit.refresh_from_db()
        movement = unit.stock_movement
        assert (unit.disposition, unit.disposed_by, movement.source, movement.target, movement.kind, movement.quantity,
                movement.reference) == (disposition, actor, source, target, kind, 1, f"case:{case.number}")  # fmt: skip

    assert stock_available(product=product, warehouse=wh) == 1
    assert case.events.filter(type="units_disposed").count() == 6
    assert StockMovement.objects.filter(reference=f"case:{case.number}").count() == 12  # 6 in, 6 out


def test_given_dispositions_at_inspection_time_when_inspected_then_the_units_move_at_once(
    consumer, consumer_user, agent, warehouse
):
    case = shipped_case(consumer, agent=agent, customer_actor=consumer_user, lines=[(2, 2, (), ())], reason="Q02",
                        type="exchange")  # fmt: skip
    (line,) = case_lines(case)
    services.case_receive(case=case, actor=warehouse, received={str(line.id): 2})

    services.case_inspect(case=case, actor=warehouse, units=[
        {**units_payload(case)[0], "disposition": "restock"},
        {**units_payload(case, grade="C", failed=("intact",))[1], "disposition": "refurbish"},
    ])  # fmt: skip

    assert stock(line.order_line.product, default_warehouse()) == {S: (1, 0), R: (1, 0)}
    assert [u["disposition"] for u in case.events.get(type="inspect").data["units"]] == [
        "restock",
        "refurbish",
    ]


@pytest.mark.parametrize(
    ("pick", "disposition", "code"),
    [
        (5, "restock", "inspection.disposition_invalid"),  # the rejected unit only goes back to the customer
        (0, "return_to_customer", "inspection.disposition_invalid"),  # an accepted unit is ours now
        (0, "sell", "inspection.disposition_invalid"),
        (None, "restock", "inspection.unit_not_found"),
    ],
)
def test_given_a_disposition_that_does_not_fit_the_unit_when_sent_then_refused_and_nothing_moves(
    inspected6, warehouse, pick, disposition, code
):
    units = units_of(inspected6)
    before = ledger()
    unit_id = str(units[pick].id) if pick is not None else "00000000-0000-0000-0000-000000000000"

    with refused(code, case=inspected6):
        services.case_dispose_units(
            case=inspected6, actor=warehouse,
            dispositions=[{"unit": str(units[1].id), "disposition": "restock"}, {"unit": unit_id, "disposition": disposition}],
        )  # fmt: skip

    assert ledger() == before  # the valid first item was taken back too


def test_given_a_disposed_unit_when_disposed_again_or_by_another_department_then_refused_and_nothing_moves(
    inspected6, warehouse, agent
):
    unit = units_of(inspected6)[0]
    services.case_dispose_units(
        case=inspected6, actor=warehouse, dispositions=[{"unit": str(unit.id), "disposition": "scrap"}]
    )
    before = ledger()

    with refused("inspection.already_disposed", case=inspected6):
        services.case_dispose_units(
            case=inspected6, actor=warehouse, dispositions=[{"unit": str(unit.id), "disposition": "restock"}]
        )
    with refused("case.role_forbidden", case=inspected6):
        services.case_dispose_units(
            case=inspected6,
            actor=agent,
            dispositions=[{"unit": str(units_of(inspected6)[1].id), "disposition": "restock"}],
        )
    assert ledger() == before


def test_given_units_received_not_yet_inspected_when_disposed_then_refused(
    consumer, consumer_user, agent, warehouse
):
    case = shipped_case(consumer, agent=agent, customer_actor=consumer_user, lines=[(1, 1, (), ())])
    (line,) = case_lines(case)
    services.case_receive(case=case, actor=warehouse, received={str(line.id): 1})
    before = ledger()

    with refused("inspection.not_inspected", case=case):
        services.case_dispose_units(
            case=case,
            actor=warehouse,
            dispositions=[{"unit": str(units_of(case)[0].id), "disposition": "restock"}],
        )
    assert ledger() == before


def test_given_a_repair_when_its_unit_is_disposed_then_refused_because_it_stays_the_customers(
    consumer, consumer_user, agent, warehouse
):
    case = shipped_case(
        consumer, agent=agent, customer_actor=consumer_user, lines=[(1, 1, (), ())], type="repair"
    )
    (line,) = case_lines(case)
    services.case_receive(case=case, actor=warehouse, received={str(line.id): 1})
    services.case_inspect(case=case, actor=warehouse, units=units_payload(case))

    with refused("inspection.not_in_stock", case=case):
        services.case_dispose_units(
            case=case,
            actor=warehouse,
            dispositions=[{"unit": str(units_of(case)[0].id), "disposition": "scrap"}],
        )
    assert StockMovement.objects.count() == 0


def test_given_stock_in_refurbish_when_the_warehouse_records_it_refurbished_then_it_becomes_sellable(
    inspected6, warehouse
):
    case = inspected6
    product = case_lines(case)[0].order_line.product
    wh = default_warehouse()
    for unit in units_of(case)[:2]:
        services.case_dispose_units(
            case=case, actor=warehouse, dispositions=[{"unit": str(unit.id), "disposition": "refurbish"}]
        )

    movement = stock_adjust(actor=warehouse, product=product, warehouse=wh, quantity=2, kind="refurbished",
                            source=R, target=S, note="更换外壳后复检合格")  # fmt: skip

    assert (movement.reference, movement.note) == ("manual:warehouse", "更换外壳后复检合格")
    assert stock(product, wh) == {W: (4, 0), S: (2, 0)}


@pytest.mark.parametrize(
    ("actor_name", "kwargs", "code"),
    [
        ("agent", {"kind": "opening", "target": S}, "inventory.forbidden"),
        ("warehouse", {"kind": "opening", "target": W}, "inventory.inspection_via_case"),
        ("warehouse", {"kind": "disposition", "source": W, "target": S}, "inventory.inspection_via_case"),
        ("warehouse", {"kind": "refurbished", "source": Q, "target": S}, "inventory.refurbished_path"),
        ("warehouse", {"kind": "return_receipt", "target": Q}, "inventory.kind_not_manual"),
        ("warehouse", {"kind": "scrap", "source": S, "target": Q}, "inventory.side_not_allowed"),
        ("warehouse", {"kind": "opening", "target": S, "note": " "}, "inventory.note_required"),
        ("warehouse", {"kind": "scrap", "source": S, "quantity": 2}, "inventory.insufficient"),
    ],
)
def test_given_a_manual_movement_that_breaks_a_rule_when_recorded_then_refused_and_nothing_moves(
    request, inspected6, actor_name, kwargs, code
):
    product = case_lines(inspected6)[0].order_line.product
    before = ledger()
    kwargs = {"quantity": 1, "note": "盘点", **kwargs}

    with pytest.raises(DomainError) as exc:
        stock_adjust(
            actor=request.getfixturevalue(actor_name),
            product=product,
            warehouse=default_warehouse(),
            **kwargs,
        )

    assert exc.value.code == code
    assert ledger() == before
