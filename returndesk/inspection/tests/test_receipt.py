"""Receipt (仓库确认实际退货入库数量, seed S2): per line the units actually received, each one unit
record with its serial checked against what was sold, short and over quantities and unexpected
items recorded explicitly (never silently accepted, never refunded), one stock movement per unit
into "awaiting inspection", and the case found by a scanned case number or tracking number."""

from __future__ import annotations

import pytest

from returndesk.accounts.roles import Role
from returndesk.cases import selectors, services
from returndesk.cases.models import Status
from returndesk.cases.tests.helpers import refused
from returndesk.catalog.tests.factories import make_product, make_warehouse
from returndesk.core.errors import DomainError
from returndesk.inspection.models import Receipt, ReceiptExtra, ReturnUnit
from returndesk.inspection.selectors import line_outcomes
from returndesk.inspection.tests.helpers import default_warehouse, units_payload
from returndesk.inventory.models import Condition, MovementKind, StockMovement

from .goods import case_lines, shipped_case, stock, units_of

pytestmark = pytest.mark.django_db
SOLD = ["HC0001", "HC0002", "HC0003"]


def goods_rows() -> tuple:
    """What a refused receipt must leave as it was."""
    return (Receipt.objects.count(), ReturnUnit.objects.count(), ReceiptExtra.objects.count(),
            StockMovement.objects.count())  # fmt: skip


def test_given_two_lines_when_one_arrives_complete_and_the_other_short_then_units_stock_and_the_flag_follow(
    consumer, consumer_user, agent, warehouse
):
    """Partial and short: 2 of 2 on the first line, 1 of 3 on the second."""
    case = shipped_case(consumer, agent=agent, customer_actor=consumer_user,
                        lines=[(2, 2, (), ()), (3, 3, (), ())])  # fmt: skip
    first, second = case_lines(case)

    services.case_receive(
        case=case, actor=warehouse, received={str(first.id): 2, str(second.id): 1}, note="第二行少 2 件"
    )

    assert case.status == Status.RECEIVED
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.quantity_received, second.quantity_received) == (2, 1)
    receipt = Receipt.objects.get(case=case)
    assert (receipt.warehouse, receipt.has_discrepancy, receipt.into_stock, receipt.tracking_number) == (
        default_warehouse(), True, True, "SF1234567890123",
    )  # fmt: skip
    assert [(rl.quantity_expected, rl.quantity_received, rl.quantity_short) for rl in receipt.lines.order_by(
        "case_line__order_line__position")] == [(2, 2, 0), (3, 1, 2)]  # fmt: skip
    assert [(u.case_line_id, u.sequence, str(u.unit_value)) for u in units_of(case)] == [
        (first.id, 1, "100.00"), (first.id, 2, "100.00"), (second.id, 1, "100.00"),
    ]  # fmt: skip
    wh = default_warehouse()
    assert stock(first.order_line.product, wh) == {Condition.INSPECTION: (2, 0)}
    assert stock(second.order_line.product, wh) == {Condition.INSPECTION: (1, 0)}
    assert (
        list(StockMovement.objects.values_list("kind", "quantity", "target", "reference"))
        == [(MovementKind.RETURN_RECEIPT, 1, Condition.INSPECTION, f"case:{case.number}")] * 3
    )  # one movement per unit
    data = case.events.get(type="receive").data
    assert (data["warehouse"], data["discrepancy"], [(ln["received"], ln["short"]) for ln in data["lines"]]) == (
        wh.code, True, [(2, 0), (1, 2)],
    )  # fmt: skip


def test_given_everything_arrived_when_received_then_nothing_is_flagged(
    consumer, consumer_user, agent, warehouse
):
    case = shipped_case(consumer, agent=agent, customer_actor=consumer_user, lines=[(3, 2, SOLD, SOLD[:2])])
    (line,) = case_lines(case)

    services.case_receive(
        case=case,
        actor=warehouse,
        received={str(line.id): 2},
        serial_numbers={str(line.id): ["HC0002", "HC0001"]},
    )

    receipt = Receipt.objects.get(case=case)
    assert (receipt.has_discrepancy, receipt.lines.get().serial_issues) == (False, [])
    assert [u.serial_number for u in units_of(case)] == ["HC0002", "HC0001"]
    assert sorted(StockMovement.objects.values_list("serial_number", flat=True)) == ["HC0001", "HC0002"]


def test_given_more_units_than_announced_when_recorded_as_over_then_held_aside_flagged_and_never_refunded(
    consumer, consumer_user, agent, warehouse, qc, finance
):
    case = shipped_case(consumer, agent=agent, customer_actor=consumer_user, lines=[(3, 2, SOLD, SOLD[:2])],
                        reason="C01")  # fmt: skip
    (line,) = case_lines(case)

    with refused("case.invalid_input", case=case) as exc:  # more on the line itself: never silently accepted
        services.case_receive(case=case, actor=warehouse, received={str(line.id): 3})
    assert "over (extras)" in exc.value.en
    assert goods_rows() == (0, 0, 0, 0)

    services.case_receive(
        case=case, actor=warehouse, received={str(line.id): 2}, serial_numbers={str(line.id): SOLD[:2]},
        extras=[{"kind": "over", "line": str(line.id), "quantity": 1, "serial_numbers": ["HC0003"]}],
    )  # fmt: skip

    extra = ReceiptExtra.objects.get()
    assert (extra.kind, extra.case_line_id, extra.product, extra.quantity, extra.serial_numbers, extra.resolution) == (
        "over", line.id, line.order_line.product, 1, ["HC0003"], "open",
    )  # fmt: skip
    assert Receipt.objects.get().has_discrepancy is True
    line.refresh_from_db()
    assert line.quantity_received == 2
    assert stock(line.order_line.product, default_warehouse()) == {
        Condition.INSPECTION: (2, 0)
    }  # not the extra
    services.case_inspect(case=case, actor=warehouse, units=units_payload(case))
    assert line_outcomes(case)[line.id][:2] == (2, 0)
    services.case_refund(case=case, actor=finance, reference="CN-OVER")
    assert case.refund_amount == 200  # the third unit is held aside, not refunded


def test_given_items_not_on_the_case_when_received_then_recorded_as_unexpected_and_resolved_explicitly(
    consumer, consumer_user, agent, warehouse
):
    case = shipped_case(consumer, agent=agent, customer_actor=consumer_user, lines=[(1, 1, (), ())])
    (line,) = case_lines(case)
    cable = make_product(sku="HC-CABLE-C2C", name="Type-C 数据线")

    services.case_receive(
        case=case, actor=warehouse, received={str(line.id): 1},
        extras=[
            {"kind": "unexpected", "sku": "HC-CABLE-C2C", "quantity": 2},
            {"kind": "unexpected", "description": "一个非本公司的鼠标", "quantity": 1},
        ],
    )  # fmt: skip

    by_product, unknown = ReceiptExtra.objects.order_by("created_at")
    assert (by_product.kind, by_product.product, by_product.quantity, by_product.case_line) == (
        "unexpected",
        cable,
        2,
        None,
    )
    assert (unknown.product, unknown.description) == (None, "一个非本公司的鼠标")
    assert stock(cable, default_warehouse()) == {}  # held aside, not stock

    with refused("inspection.invalid_input", case=case):
        services.case_resolve_extra(case=case, actor=warehouse, extra_id=unknown.id, resolution="taken_into_stock",
                                    note="留用")  # fmt: skip
    services.case_resolve_extra(case=case, actor=warehouse, extra_id=unknown.id, resolution="returned_to_customer",
                                note="随退回包裹寄回客户")  # fmt: skip
    services.case_resolve_extra(case=case, actor=warehouse, extra_id=by_product.id, resolution="taken_into_stock",
                                note="客户确认赠送给我司,入隔离区复检")  # fmt: skip

    by_product.refresh_from_db()
    unknown.refresh_from_db()
    assert (unknown.resolution, by_product.resolution) == ("returned_to_customer", "taken_into_stock")
    assert stock(cable, default_warehouse()) == {Condition.QUARANTINE: (2, 0)}
    assert [e.data["resolution"] for e in case.events.filter(type="extra_resolved").order_by("sequence")] == [
        "returned_to_customer", "taken_into_stock",
    ]  # fmt: skip
    with refused("inspection.extra_resolved", case=case):
        services.case_resolve_extra(case=case, actor=warehouse, extra_id=by_product.id,
                                    resolution="returned_to_customer")  # fmt: skip
    with refused("case.role_forbidden", case=case):
        services.case_resolve_extra(
            case=case, actor=agent, extra_id=by_product.id, resolution="returned_to_customer"
        )


@pytest.mark.parametrize(
    ("extras", "field"),
    [
        ([{"kind": "unexpected", "quantity": 1}], "extras[1].description"),
        ([{"kind": "unexpected", "sku": "NO-SUCH-SKU", "quantity": 1}], "extras[1].sku"),
        ([{"kind": "over", "quantity": 1}], "extras[1].line"),
        ([{"kind": "gift", "quantity": 1}], "extras[1].kind"),
        ([{"kind": "unexpected", "description": "x", "quantity": 0}], "extras[1].quantity"),
    ],
)
def test_given_an_extra_item_that_says_too_little_when_received_then_refused_and_nothing_changed(
    consumer, consumer_user, agent, warehouse, extras, field
):
    case = shipped_case(consumer, agent=agent, customer_actor=consumer_user, lines=[(1, 1, (), ())])
    (line,) = case_lines(case)

    with refused("inspection.invalid_input", case=case) as exc:
        services.case_receive(case=case, actor=warehouse, received={str(line.id): 1}, extras=extras)

    assert set(exc.value.fields) == {field}
    assert goods_rows() == (0, 0, 0, 0)


def test_given_serials_that_were_not_sold_on_the_line_when_received_then_each_mismatch_is_recorded_and_flagged(
    consumer, consumer_user, agent, warehouse
):
    """HC0009 was never sold on this order line (a different unit came back), HC0003 was sold but is
    not the unit the customer claimed, and the third unit came without a readable serial."""
    case = shipped_case(consumer, agent=agent, customer_actor=consumer_user, lines=[(3, 3, SOLD, SOLD[:2])])
    (line,) = case_lines(case)

    services.case_receive(
        case=case,
        actor=warehouse,
        received={str(line.id): 3},
        serial_numbers={str(line.id): ["HC0009", "HC0003"]},
    )

    receipt_line = Receipt.objects.get().lines.get()
    assert receipt_line.serial_issues == [
        {"serial": "HC0009", "issue": "not_sold"},
        {"serial": "HC0003", "issue": "not_claimed"},
        {"serial": "", "issue": "missing", "count": 1},
    ]
    assert Receipt.objects.get().has_discrepancy is True
    assert [u.serial_number for u in units_of(case)] == ["HC0009", "HC0003", ""]
    assert case.events.get(type="receive").data["lines"][0]["serial_issues"] == receipt_line.serial_issues


@pytest.mark.parametrize(
    ("serials", "message"),
    [
        (["HC0001", "HC0001"], "Line 1: a serial number repeats"),
        (["HC0001", "HC0002", "HC0003"], "Line 1: 3 serial numbers for 2 units received"),
    ],
)
def test_given_serials_that_repeat_or_outnumber_the_units_when_received_then_refused_and_nothing_changed(
    consumer, consumer_user, agent, warehouse, serials, message
):
    case = shipped_case(consumer, agent=agent, customer_actor=consumer_user, lines=[(3, 2, SOLD, ())])
    (line,) = case_lines(case)

    with refused("inspection.invalid_input", case=case) as exc:
        services.case_receive(case=case, actor=warehouse, received={str(line.id): 2},
                              serial_numbers={str(line.id): serials})  # fmt: skip

    assert (exc.value.en, set(exc.value.fields)) == (message, {f"serial_numbers[{line.id}]"})
    assert goods_rows() == (0, 0, 0, 0)


def test_given_an_unknown_warehouse_when_received_then_refused_and_a_named_one_is_used_otherwise(
    consumer, consumer_user, agent, warehouse
):
    case = shipped_case(consumer, agent=agent, customer_actor=consumer_user, lines=[(1, 1, (), ())])
    (line,) = case_lines(case)
    with refused("inspection.warehouse_unknown", case=case):
        services.case_receive(case=case, actor=warehouse, received={str(line.id): 1}, warehouse="NOWHERE")
    assert goods_rows() == (0, 0, 0, 0)

    guangzhou = make_warehouse(code="HC-GZ")
    services.case_receive(case=case, actor=warehouse, received={str(line.id): 1}, warehouse="HC-GZ")
    assert Receipt.objects.get().warehouse == guangzhou
    assert stock(line.order_line.product, guangzhou) == {Condition.INSPECTION: (1, 0)}


def test_given_a_repair_when_received_then_the_customers_unit_is_recorded_but_never_enters_stock(
    consumer, consumer_user, agent, warehouse
):
    case = shipped_case(
        consumer, agent=agent, customer_actor=consumer_user, lines=[(1, 1, (), ())], type="repair"
    )
    (line,) = case_lines(case)

    services.case_receive(case=case, actor=warehouse, received={str(line.id): 1})

    assert (Receipt.objects.get().into_stock, len(units_of(case)), StockMovement.objects.count()) == (
        False,
        1,
        0,
    )


def test_given_a_parcel_when_its_case_number_or_tracking_number_is_scanned_then_the_case_is_found(
    consumer, consumer_user, agent, warehouse, make_line
):
    case = shipped_case(consumer, agent=agent, customer_actor=consumer_user, lines=[(1, 1, (), ())])

    assert selectors.case_find_for_receipt(user=warehouse, code=case.number.lower()) == [case]
    assert selectors.case_find_for_receipt(user=warehouse, code=" sf 1234-5678-9012-3 ") == [case]
    assert selectors.case_find_for_receipt(user=warehouse, code="SF0000000000000") == []
    assert selectors.case_find_for_receipt(user=warehouse, code="  ") == []
    with pytest.raises(DomainError) as exc:
        selectors.case_find_for_receipt(user=consumer_user, code=case.number)
    assert (exc.value.code, exc.value.kind) == ("case.role_forbidden", "forbidden")
    assert Role.WAREHOUSE == warehouse.role
