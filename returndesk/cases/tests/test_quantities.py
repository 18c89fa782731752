"""Returnable quantity = shipped − returned − held (DOMAIN.md), and refund amounts of partial
returns that add up to exactly what the line was paid."""

from __future__ import annotations

from decimal import Decimal

from returndesk.cases import services
from returndesk.cases.models import HoldState
from returndesk.catalog.tests.factories import make_product
from returndesk.orders.tests.factories import make_order

from .helpers import (
    approve_and_ship,
    confirm_cause,
    held_returned,
    in_stock,
    inspect_all,
    line_of,
    open_case,
    refund_only_refunded,
    refused,
    reload_line,
)


def test_given_5_shipped_when_a_case_asks_for_6_then_refused_with_quantity_exceeded_and_nothing_held(
    consumer, consumer_user, line5
):
    with refused("case.quantity_exceeded", order_lines=[line5]) as exc:
        open_case(actor=consumer_user, customer=consumer, order_line=line5, quantity=6)
    assert exc.value.kind == "conflict"
    assert (exc.value.params["requested"], exc.value.params["available"]) == (6, 5)
    assert exc.value.en.endswith(": only 5 can be returned, 6 requested")
    assert held_returned(line5) == (0, 0)


def test_given_fewer_shipped_than_ordered_when_a_case_asks_for_the_ordered_quantity_then_refused(
    consumer, consumer_user, make_line
):
    """Only shipped units can come back: 5 ordered, 3 shipped."""
    ol = make_line(consumer, quantity=5, quantity_shipped=3)
    with refused("case.quantity_exceeded", order_lines=[ol]) as exc:
        open_case(actor=consumer_user, customer=consumer, order_line=ol, quantity=4)
    assert exc.value.params["available"] == 3


def test_given_a_case_holding_3_of_5_when_a_second_case_asks_for_3_then_refused_and_only_2_remain_returnable(
    consumer, consumer_user, line5
):
    first = open_case(actor=consumer_user, customer=consumer, order_line=line5, quantity=3)
    assert held_returned(line5) == (3, 0)

    with refused("case.quantity_exceeded", order_lines=[line5]) as exc:
        open_case(actor=consumer_user, customer=consumer, order_line=line5, quantity=3)
    assert (exc.value.params["requested"], exc.value.params["available"]) == (3, 2)

    second = open_case(actor=consumer_user, customer=consumer, order_line=line5, quantity=2)
    assert (line_of(first).hold_state, line_of(second).hold_state) == (HoldState.HELD, HoldState.HELD)
    assert held_returned(line5) == (5, 0)
    assert reload_line(line5).returnable_quantity == 0


def test_given_a_case_on_two_order_lines_when_one_line_exceeds_then_neither_line_is_held(
    consumer, consumer_user, make_line
):
    """The whole case is refused: the hold on the first line rolls back with it."""
    ok_line = make_line(consumer, quantity=2)
    full_line = make_line(consumer, quantity=1)
    with refused("case.quantity_exceeded", order_lines=[ok_line, full_line]):
        services.case_create(
            actor=consumer_user,
            customer=consumer,
            type="return_refund",
            channel="web",
            lines=[
                {"order_line": ok_line, "quantity": 2, "reason": "Q01"},
                {"order_line": full_line.id, "quantity": 2, "reason": "Q01"},
            ],
        )


def test_given_two_partial_returns_refunded_one_after_the_other_then_returned_quantities_accumulate(
    consumer, consumer_user, line5, agent, warehouse, qc, finance
):
    for n, quantity in enumerate((2, 2), start=1):
        case = open_case(actor=consumer_user, customer=consumer, order_line=line5, quantity=quantity)
        approve_and_ship(case, reviewer=agent, customer_actor=consumer_user)
        services.case_receive(case=case, actor=warehouse, received={str(line_of(case).id): quantity})
        inspect_all(case, inspector=warehouse)
        confirm_cause(case, qc=qc)
        services.case_refund(case=case, actor=finance, reference=f"CN-{n}")
        assert case.refund_amount == Decimal("200.00")

    assert held_returned(line5) == (0, 4)
    assert reload_line(line5).returnable_quantity == 1
    with refused("case.quantity_exceeded", order_lines=[line5]) as exc:
        open_case(actor=consumer_user, customer=consumer, order_line=line5, quantity=2)
    assert exc.value.params["available"] == 1


def test_given_a_short_receipt_when_refunded_then_only_received_units_count_as_returned_and_the_rest_is_returnable(
    consumer, consumer_user, line5, agent, warehouse, qc, finance
):
    case = open_case(actor=consumer_user, customer=consumer, order_line=line5, quantity=3)
    approve_and_ship(case, reviewer=agent, customer_actor=consumer_user)
    services.case_receive(case=case, actor=warehouse, received={str(line_of(case).id): 1})
    inspect_all(case, inspector=warehouse)
    confirm_cause(case, qc=qc)
    services.case_refund(case=case, actor=finance, reference="CN-1")

    assert (case.refund_amount, line_of(case).hold_state) == (Decimal("100.00"), HoldState.RETURNED)
    assert held_returned(line5) == (0, 1)
    assert reload_line(line5).returnable_quantity == 4


def test_given_a_line_paid_100_for_3_units_when_each_unit_is_refunded_by_its_own_case_then_the_refunds_sum_to_exactly_100(
    consumer, consumer_user, make_line, agent, finance
):
    """amounts.units_value: k of the Q units not yet returned are worth round(R × k / Q) of the R
    still refundable, so the last unit takes the remainder: 33.33, then 66.67/2 = 33.335 → 33.34
    (half up), then the remaining 33.33."""
    ol = make_line(consumer, quantity=3, unit_price="33.34", line_discount="0.02")
    assert ol.paid_amount == Decimal("100.00")

    refunds = [
        refund_only_refunded(
            customer_actor=consumer_user, customer=consumer, order_line=ol, quantity=1,
            reviewer=agent, finance=finance, reference=f"CN-{n}",
        ).refund_amount
        for n in range(3)
    ]  # fmt: skip

    assert refunds == [Decimal("33.33"), Decimal("33.34"), Decimal("33.33")]
    assert sum(refunds) == ol.paid_amount
    assert held_returned(ol) == (0, 3)


def test_given_a_line_with_an_order_discount_share_when_returned_in_two_parts_then_the_refunds_sum_to_the_paid_amount(
    consumer, consumer_user, agent, finance
):
    """A 7-unit line at 14.29 with 3.33 of order discount allocated to it: paid 96.70; 3 + 4 units."""
    order = make_order(
        customer=consumer,
        lines=[{"product": make_product(), "quantity": 7, "unit_price": "14.29"}],
        order_discount="3.33",
    )
    ol = order.lines.get()
    assert ol.paid_amount == Decimal("96.70")

    first = refund_only_refunded(
        customer_actor=consumer_user, customer=consumer, order_line=ol, quantity=3,
        reviewer=agent, finance=finance, reference="CN-A",
    )  # fmt: skip
    second = refund_only_refunded(
        customer_actor=consumer_user, customer=consumer, order_line=ol, quantity=4,
        reviewer=agent, finance=finance, reference="CN-B",
    )  # fmt: skip

    assert (first.refund_amount, second.refund_amount) == (Decimal("41.44"), Decimal("55.26"))
    assert first.refund_amount + second.refund_amount == Decimal("96.70")
    assert held_returned(ol) == (0, 7)


def test_given_an_open_case_when_it_is_created_then_claimed_value_uses_the_paid_amount_per_unit(
    consumer, consumer_user, make_line
):
    ol = make_line(consumer, quantity=3, unit_price="33.34", line_discount="0.02")
    case = open_case(actor=consumer_user, customer=consumer, order_line=ol, quantity=2)
    assert (case.claimed_amount, line_of(case).claimed_amount) == (Decimal("66.67"), Decimal("66.67"))


def test_given_a_closed_exchange_whose_units_were_taken_by_another_case_when_reopened_then_refused_and_nothing_changed(
    consumer, consumer_user, line5, agent, supervisor, warehouse, qc
):
    """Reopening re-holds the released units; if they are no longer returnable it is refused."""
    in_stock(line5)
    case = open_case(
        actor=consumer_user, customer=consumer, order_line=line5, quantity=2, reason="Q02", type="exchange"
    )
    approve_and_ship(case, reviewer=agent, customer_actor=consumer_user)
    services.case_receive(case=case, actor=warehouse, received={str(line_of(case).id): 2})
    inspect_all(case, inspector=warehouse)
    confirm_cause(case, qc=qc)
    services.case_arrange_exchange(case=case, actor=agent)
    services.case_ship_replacement(
        case=case, actor=warehouse, carrier="SF", tracking_number="SF1234567890123"
    )
    services.case_close(case=case, actor=agent)
    open_case(actor=consumer_user, customer=consumer, order_line=line5, quantity=4)

    with refused("case.quantity_exceeded", case=case) as exc:
        services.case_reopen(case=case, actor=supervisor, reason="再次故障")
    assert (exc.value.params["requested"], exc.value.params["available"]) == (2, 1)
    assert held_returned(line5) == (4, 0)


def test_given_a_rejected_case_whose_units_were_taken_meanwhile_when_the_rejection_is_overturned_then_refused(
    consumer, consumer_user, line5, agent, supervisor
):
    case = open_case(actor=consumer_user, customer=consumer, order_line=line5, quantity=3)
    services.case_reject(case=case, actor=agent, reason="证据不足", alternative="补充照片后重新申请")
    services.case_appeal(case=case, actor=consumer_user, reason="已补充")
    open_case(actor=consumer_user, customer=consumer, order_line=line5, quantity=3)

    with refused("case.quantity_exceeded", case=case):
        services.case_overturn_rejection(case=case, actor=supervisor, opinion="重新审核")
    assert held_returned(line5) == (3, 0)
