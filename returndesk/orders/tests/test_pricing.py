"""The allocation rule: order discount over lines by net value, remainder to the last line."""

from decimal import ROUND_DOWN, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from returndesk.catalog.tests.factories import make_product
from returndesk.core.errors import DomainError
from returndesk.orders.pricing import order_amounts

pytestmark = pytest.mark.django_db
D = Decimal


def amounts_table(amounts):
    return [(a.order_discount_share, a.net_amount, a.tax_amount, a.paid_amount) for a in amounts.lines]


def test_given_thirds_of_100_and_a_10_discount_when_pricing_then_each_line_pays_30():
    # given three lines 33.33 / 33.33 / 33.34, tax inclusive 13 %
    product = make_product()
    lines = [
        {"product": product, "quantity": 1, "unit_price": price} for price in ("33.33", "33.33", "33.34")
    ]

    # when
    amounts = order_amounts(lines=lines, order_discount="10.00")

    # then shares 3.33 / 3.33 / 3.34 (the last takes the remainder); tax 30 x 13/113 = 3.45
    assert amounts_table(amounts) == [
        (D("3.33"), D("26.55"), D("3.45"), D("30.00")),
        (D("3.33"), D("26.55"), D("3.45"), D("30.00")),
        (D("3.34"), D("26.55"), D("3.45"), D("30.00")),
    ]
    assert (amounts.goods_total, amounts.total_paid) == (D("90.00"), D("90.00"))


def test_given_a_one_cent_discount_over_three_lines_when_pricing_then_the_last_line_carries_it():
    product = make_product()
    lines = [{"product": product, "quantity": 1, "unit_price": "10.00"} for _ in range(3)]

    amounts = order_amounts(lines=lines, order_discount="0.01")

    assert amounts_table(amounts) == [
        (D("0.00"), D("8.85"), D("1.15"), D("10.00")),
        (D("0.00"), D("8.85"), D("1.15"), D("10.00")),
        (D("0.01"), D("8.84"), D("1.15"), D("9.99")),
    ]
    assert amounts.goods_total == D("29.99")


def test_given_a_100_percent_discount_when_pricing_then_lines_pay_nothing_and_only_shipping_is_paid():
    # given 2 x 50.00 less a 0.00 line discount, and 25.50; the discount is the whole 125.50
    product = make_product()
    lines = [
        {"product": product, "quantity": 2, "unit_price": "50.00"},
        {"product": product, "quantity": 1, "unit_price": "25.50"},
    ]

    # when
    amounts = order_amounts(lines=lines, order_discount="125.50", shipping_fee="8.00")

    # then
    assert amounts_table(amounts) == [
        (D("100.00"), D("0.00"), D("0.00"), D("0.00")),
        (D("25.50"), D("0.00"), D("0.00"), D("0.00")),
    ]
    assert (amounts.goods_total, amounts.total_paid) == (D("0.00"), D("8.00"))


def test_given_free_gift_lines_first_and_last_when_pricing_then_gifts_take_no_discount():
    # given a gift (0.00), a 100.00 line and another gift last
    product = make_product()
    lines = [
        {"product": product, "quantity": 1, "unit_price": "0"},
        {"product": product, "quantity": 1, "unit_price": "100.00"},
        {"product": product, "quantity": 2, "unit_price": "0.00"},
    ]

    # when
    amounts = order_amounts(lines=lines, order_discount="10.00")

    # then the whole discount sits on the priced line, even though a gift is last
    assert amounts_table(amounts) == [
        (D("0.00"), D("0.00"), D("0.00"), D("0.00")),
        (D("10.00"), D("79.65"), D("10.35"), D("90.00")),
        (D("0.00"), D("0.00"), D("0.00"), D("0.00")),
    ]
    assert amounts.goods_total == D("90.00")


def test_given_tax_inclusive_and_exclusive_lines_when_pricing_then_each_mode_splits_its_own_way():
    # given 113.00 tax inclusive, and 2 x 100.00 tax exclusive at 13 %; discount 31.30 over 313.00
    product = make_product()
    lines = [
        {"product": product, "quantity": 1, "unit_price": "113.00", "tax_mode": "inclusive"},
        {
            "product": product,
            "quantity": 2,
            "unit_price": "100.00",
            "tax_mode": "exclusive",
            "tax_rate": "0.13",
        },
    ]

    # when
    amounts = order_amounts(lines=lines, order_discount="31.30")

    # then inclusive: paid 101.70 = net 90.00 + tax 11.70; exclusive: net 180.00 + tax 23.40
    assert amounts_table(amounts) == [
        (D("11.30"), D("90.00"), D("11.70"), D("101.70")),
        (D("20.00"), D("180.00"), D("23.40"), D("203.40")),
    ]
    assert amounts.goods_total == D("305.10")


def test_given_a_line_discount_when_pricing_then_the_order_discount_follows_net_values():
    # given 3 x 40.00 less 20.00 (net 100.00) and 1 x 300.00, 6 % rate on the first
    product = make_product()
    lines = [
        {
            "product": product,
            "quantity": 3,
            "unit_price": "40.00",
            "line_discount": "20.00",
            "tax_rate": "0.06",
        },
        {"product": product, "quantity": 1, "unit_price": "300.00"},
    ]

    # when
    amounts = order_amounts(lines=lines, order_discount="40.00")

    # then 40.00 splits 10.00 / 30.00 by net value 100 : 300
    assert amounts_table(amounts) == [
        (D("10.00"), D("84.91"), D("5.09"), D("90.00")),
        (D("30.00"), D("238.94"), D("31.06"), D("270.00")),
    ]


def test_given_exclusive_tax_with_rounding_when_pricing_then_tax_is_rounded_half_up_on_the_net():
    product = make_product()
    lines = [{"product": product, "quantity": 1, "unit_price": "9.99", "tax_mode": "exclusive"}]

    amounts = order_amounts(lines=lines)

    # 9.99 x 0.13 = 1.2987
    assert amounts_table(amounts) == [(D("0.00"), D("9.99"), D("1.30"), D("11.29"))]


def test_given_a_discount_above_the_goods_when_pricing_then_refused():
    product = make_product()

    with pytest.raises(DomainError) as caught:
        order_amounts(
            lines=[{"product": product, "quantity": 1, "unit_price": "10.00"}], order_discount="10.01"
        )

    assert caught.value.code == "order.discount_exceeds_goods"
    assert caught.value.en == "The order discount 10.01 exceeds the goods total 10.00."
    assert list(caught.value.fields) == ["order_discount"]


line_strategy = st.fixed_dictionaries(
    {
        "unit_price": st.integers(min_value=0, max_value=1_000_000).map(lambda n: D(n) / 100),
        "quantity": st.integers(min_value=1, max_value=20),
        "discount_fraction": st.fractions(min_value=0, max_value=1),
        "tax_mode": st.sampled_from(["inclusive", "exclusive"]),
        "tax_rate": st.sampled_from([D("0"), D("0.03"), D("0.06"), D("0.09"), D("0.13")]),
    }
)


def build_lines(product, raw_lines, *, tax_mode=None):
    lines = []
    for raw in raw_lines:
        value = raw["unit_price"] * raw["quantity"]
        fraction = raw["discount_fraction"]
        line_discount = (value * fraction.numerator / fraction.denominator).quantize(D("0.01"), ROUND_DOWN)
        lines.append(
            {
                "product": product,
                "quantity": raw["quantity"],
                "unit_price": raw["unit_price"],
                "line_discount": line_discount,
                "tax_mode": tax_mode or raw["tax_mode"],
                "tax_rate": raw["tax_rate"],
            }
        )
    return lines


def order_discount_for(lines, fraction):
    net_values = sum(line["unit_price"] * line["quantity"] - line["line_discount"] for line in lines)
    return net_values, (net_values * fraction.numerator / fraction.denominator).quantize(
        D("0.01"), ROUND_DOWN
    )


@settings(max_examples=300, deadline=None)
@given(
    raw_lines=st.lists(line_strategy, min_size=1, max_size=8), fraction=st.fractions(min_value=0, max_value=1)
)
def test_given_random_tax_inclusive_lines_and_discount_when_pricing_then_lines_sum_exactly_to_the_goods_paid(
    raw_lines, fraction
):
    # given
    lines = build_lines(make_product(), raw_lines, tax_mode="inclusive")
    net_values, order_discount = order_discount_for(lines, fraction)

    # when
    amounts = order_amounts(lines=lines, order_discount=order_discount)

    # then
    paid = [line.paid_amount for line in amounts.lines]
    assert sum(paid) == amounts.goods_total == net_values - order_discount
    assert sum(line.order_discount_share for line in amounts.lines) == order_discount
    for line in amounts.lines:
        assert line.net_amount + line.tax_amount == line.paid_amount
        assert D(0) <= line.order_discount_share <= line.net_value
        assert line.paid_amount >= 0 and line.net_amount >= 0 and line.tax_amount >= 0


@settings(max_examples=300, deadline=None)
@given(
    raw_lines=st.lists(line_strategy, min_size=1, max_size=8), fraction=st.fractions(min_value=0, max_value=1)
)
def test_given_random_mixed_tax_lines_and_discount_when_pricing_then_net_plus_tax_is_paid_on_every_line(
    raw_lines, fraction
):
    # given
    lines = build_lines(make_product(), raw_lines)
    net_values, order_discount = order_discount_for(lines, fraction)

    # when
    amounts = order_amounts(lines=lines, order_discount=order_discount, shipping_fee="12.00")

    # then what is left after discounts, before tax on exclusive lines, is exactly net value - discount
    after_discount = [
        line.paid_amount if raw["tax_mode"] == "inclusive" else line.net_amount
        for line, raw in zip(amounts.lines, lines, strict=True)
    ]
    assert sum(after_discount) == net_values - order_discount
    assert sum(line.paid_amount for line in amounts.lines) == amounts.goods_total
    assert amounts.total_paid == amounts.goods_total + D("12.00")
    for line in amounts.lines:
        assert line.net_amount + line.tax_amount == line.paid_amount
        assert D(0) <= line.order_discount_share <= line.net_value
        assert line.paid_amount >= 0 and line.net_amount >= 0 and line.tax_amount >= 0
