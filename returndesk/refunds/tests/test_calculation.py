"""The refund calculation on its own (refunds.calculation): pure, exact Decimal results."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from returndesk.catalog.models import Product
from returndesk.core.money import ZERO
from returndesk.orders.pricing import LineInput, compute_amounts
from returndesk.refunds.calculation import (
    Deduction,
    LineBasis,
    OrderBasis,
    RefundBasis,
    calculate,
    line_quote,
    split_over_payments,
    units_share,
)

D = Decimal


def _line(**kw) -> LineBasis:
    values = {
        "key": "L1", "order_key": "O1", "units": 1, "remaining_units": 3,
        "remaining_paid": D("100.00"), "remaining_tax": D("11.50"), "claimed_units": 1,
    }  # fmt: skip
    return LineBasis(**{**values, **kw})


def _returns_one_by_one(paid: Decimal, tax: Decimal, units: int) -> list[tuple[Decimal, Decimal]]:
    """(gross, tax) of each of `units` consecutive single-unit returns, as the cases app feeds
    them: what earlier returns took is no longer remaining."""
    out = []
    left_paid, left_tax = paid, tax
    for q in range(units, 0, -1):
        quote = line_quote(
            _line(units=1, remaining_units=q, remaining_paid=left_paid, remaining_tax=left_tax)
        )
        out.append((quote.gross, quote.tax))
        left_paid -= quote.gross
        left_tax -= quote.tax
    return out


def _amounts(lines, order_discount: str):
    inputs = [LineInput(Product(), qty, qty, D(price), ZERO, mode, D("0.13")) for qty, price, mode in lines]
    return compute_amounts(inputs, order_discount=D(order_discount), shipping_fee=ZERO)


def test_given_an_order_coupon_allocated_over_three_lines_when_every_unit_is_returned_one_by_one_then_each_line_sums_to_what_was_paid():
    """Issue 6: proration with an order coupon; consecutive single-unit returns sum exactly."""
    amounts = _amounts(
        [(3, "33.33", "inclusive"), (7, "19.99", "inclusive"), (1, "0.05", "inclusive")], "10.00"
    )
    paid = [line.paid_amount for line in amounts.lines]
    # The 10.00 coupon is carried by the lines: 4.17 + 5.83 + 0.00 (orders.pricing).
    assert paid == [D("95.82"), D("134.10"), D("0.05")]

    per_line = [
        _returns_one_by_one(line.paid_amount, line.tax_amount, qty)
        for line, qty in zip(amounts.lines, (3, 7, 1), strict=True)
    ]

    assert [[g for g, _t in returns] for returns in per_line] == [
        [D("31.94"), D("31.94"), D("31.94")],
        [D("19.16"), D("19.16"), D("19.16"), D("19.16"), D("19.15"), D("19.16"), D("19.15")],
        [D("0.05")],
    ]
    assert [sum((g for g, _t in r), ZERO) for r in per_line] == paid
    assert [sum((t for _g, t in r), ZERO) for r in per_line] == [line.tax_amount for line in amounts.lines]


@pytest.mark.parametrize(
    ("mode", "price", "paid", "net", "tax"),
    [
        ("inclusive", "113.00", D("339.00"), D("300.00"), D("39.00")),
        ("exclusive", "100.00", D("339.00"), D("300.00"), D("39.00")),
        ("inclusive", "99.99", D("299.97"), D("265.46"), D("34.51")),
        ("exclusive", "88.49", D("299.98"), D("265.47"), D("34.51")),
    ],
)
def test_given_tax_inclusive_and_exclusive_lines_when_returned_in_two_parts_then_net_and_tax_add_up_to_the_line(
    mode, price, paid, net, tax
):
    (line,) = _amounts([(3, price, mode)], "0").lines
    assert (line.paid_amount, line.net_amount, line.tax_amount) == (paid, net, tax)

    first = line_quote(
        _line(units=2, remaining_units=3, remaining_paid=paid, remaining_tax=tax, tax_mode=mode)
    )
    last = line_quote(
        _line(units=1, remaining_units=1, remaining_paid=paid - first.gross, remaining_tax=tax - first.tax)
    )

    assert (first.gross + last.gross, first.net + last.net, first.tax + last.tax) == (paid, net, tax)
    assert first.net + first.tax == first.gross
    assert first.tax_mode == mode


def test_given_fees_and_deductions_larger_than_the_goods_when_quoted_then_the_refund_is_zero_never_negative():
    basis = RefundBasis(
        lines=(
            _line(
                units=1, remaining_units=1, remaining_paid=D("30.00"), remaining_tax=D("3.45"),
                restocking_fee=D("25.00"),
                deductions=(Deduction("accessory", "缺配件", "accessory missing", D("10.00")),),
            ),
        ),
        orders=(OrderBasis("O1"),),
        return_shipping=D("12.00"),
    )  # fmt: skip

    (order,) = calculate(basis).orders
    (line,) = order.lines

    assert (line.gross, line.restocking_fee, line.inspection_deductions, line.due) == (
        D("30.00"), D("25.00"), D("5.00"), ZERO,
    )  # fmt: skip
    assert (order.return_shipping, order.total) == (ZERO, ZERO)


def test_given_a_restocking_fee_for_3_claimed_units_when_2_are_refunded_then_two_thirds_of_the_fee_apply():
    quote = line_quote(_line(units=2, claimed_units=3, restocking_fee=D("10.00"), remaining_paid=D("300.00")))

    assert (quote.gross, quote.restocking_fee, quote.due) == (D("200.00"), D("6.67"), D("193.33"))


def test_given_return_shipping_borne_by_the_customer_and_outbound_shipping_due_when_quoted_then_both_are_components():
    basis = RefundBasis(
        lines=(_line(units=3, remaining_units=3, remaining_paid=D("300.00")),),
        orders=(OrderBasis("O1", outbound_shipping=D("10.00")),),
        return_shipping=D("12.00"),
    )

    (order,) = calculate(basis).orders

    assert (order.goods_gross, order.return_shipping, order.outbound_shipping, order.total, order.cap) == (
        D("300.00"), D("12.00"), D("10.00"), D("298.00"), D("310.00"),
    )  # fmt: skip


def test_given_two_orders_when_the_return_shipping_exceeds_the_first_then_the_rest_comes_off_the_second():
    basis = RefundBasis(
        lines=(
            _line(key="a", order_key="O1", units=1, remaining_units=1, remaining_paid=D("5.00")),
            _line(key="b", order_key="O2", units=1, remaining_units=1, remaining_paid=D("50.00")),
        ),
        orders=(OrderBasis("O1"), OrderBasis("O2")),
        return_shipping=D("12.00"),
    )

    quote = calculate(basis)

    assert [(o.key, o.return_shipping, o.total) for o in quote.orders] == [
        ("O1", D("5.00"), ZERO),
        ("O2", D("7.00"), D("43.00")),
    ]
    assert quote.total == D("43.00")


def test_given_no_refundable_units_when_quoted_then_nothing_is_refunded():
    basis = RefundBasis(lines=(_line(units=0),), orders=(OrderBasis("O1", outbound_shipping=ZERO),))
    assert calculate(basis).total == ZERO


def test_given_payments_in_the_configured_order_when_split_then_each_part_stays_within_its_payment():
    assert split_over_payments(
        D("150.00"), [("credit", D("30.00")), ("wechat", D("100.00")), ("card", D("80"))]
    ) == [
        ("credit", D("30.00")),
        ("wechat", D("100.00")),
        ("card", D("20.00")),
    ]
    with pytest.raises(ValueError) as excinfo:
        split_over_payments(D("150.00"), [("credit", D("30.00")), ("wechat", D("100.00"))])
    assert excinfo.value.args == (D("20.00"),)


@given(
    paid=st.decimals(min_value=0, max_value=100000, places=2),
    parts=st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=8),
)
def test_given_any_amount_when_returned_in_any_partial_steps_then_the_shares_sum_exactly_and_none_is_negative(
    paid, parts
):
    units = sum(parts)
    left, shares = paid, []
    remaining = units
    for k in parts:
        share = units_share(left, k, remaining)
        shares.append(share)
        left -= share
        remaining -= k
    assert sum(shares, ZERO) == paid
    assert all(share >= 0 for share in shares)
