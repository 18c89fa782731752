from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from returndesk.core.money import allocate, format_cny, quantize, to_decimal

D = Decimal


def naive_allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """The plain rule: half-up shares, the last weighted share takes the remainder."""
    weight_sum = sum(weights)
    last = max(i for i, w in enumerate(weights) if w)
    shares = [D("0.00") if i == last else quantize(total * w / weight_sum) for i, w in enumerate(weights)]
    shares[last] = total - sum(shares)
    return shares


def test_given_a_float_when_parsing_an_amount_then_it_is_refused():
    with pytest.raises(TypeError, match="float"):
        to_decimal(0.1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12.50", D("12.50")), (" 1,234.5 ", D("1234.5")), (7, D("7")), (D("0.01"), D("0.01"))],
)
def test_given_str_int_or_decimal_when_parsing_then_the_exact_value_comes_back(text, expected):
    assert to_decimal(text) == expected


@pytest.mark.parametrize("text", ["abc", "", "NaN", "Infinity"])
def test_given_text_that_is_no_finite_number_when_parsing_then_value_error(text):
    with pytest.raises(ValueError):
        to_decimal(text)


def test_given_half_a_cent_when_quantizing_then_it_rounds_half_up():
    assert [quantize(D("0.005")), quantize(D("0.015")), quantize(D("-0.005"))] == [
        D("0.01"),
        D("0.02"),
        D("-0.01"),
    ]


def test_given_an_amount_when_formatting_as_cny_then_yuan_sign_grouping_and_two_places():
    assert format_cny(D("1234567.5")) == "¥1,234,567.50"


def test_given_10_over_three_thirds_when_allocating_then_the_last_takes_the_extra_cent():
    assert allocate(D("10.00"), [D("33.33"), D("33.33"), D("33.34")]) == [D("3.33"), D("3.33"), D("3.34")]


def test_given_one_cent_over_three_equal_weights_when_allocating_then_only_the_last_gets_it():
    assert allocate(D("0.01"), [D("10.00")] * 3) == [D("0.00"), D("0.00"), D("0.01")]


def test_given_no_weights_when_allocating_then_no_shares():
    assert allocate(D("5.00"), []) == []


def test_given_all_weights_zero_when_allocating_then_the_last_takes_the_total():
    assert allocate(D("5.00"), [D(0), D(0)]) == [D("0.00"), D("5.00")]


def test_given_a_trailing_zero_weight_when_allocating_then_the_remainder_goes_to_the_last_weighted_share():
    # given the plain rule would hand the zero-priced last line -0.01
    weights = [D("2.44"), D("0.83"), D("1.22"), D("2.93"), D("0")]

    # when
    shares = allocate(D("5.46"), weights)

    # then the zero line gets nothing and the rounding cent stays with the last priced line
    assert shares == [D("1.80"), D("0.61"), D("0.90"), D("2.15"), D("0.00")]


def test_given_rounding_up_that_would_leave_the_last_share_negative_when_allocating_then_it_is_zero():
    # given half-up shares 0.01 + 0.01 + 0.02 = 0.04 > 0.03: the plain rule gives the last -0.01
    weights = [D("2.19"), D("1.79"), D("4.85"), D("0.04")]
    assert naive_allocate(D("0.03"), weights)[-1] == D("-0.01")

    # when
    shares = allocate(D("0.03"), weights)

    # then the missing cent is taken from the nearest preceding share
    assert shares == [D("0.01"), D("0.01"), D("0.01"), D("0.00")]


def test_given_rounding_down_that_would_push_the_last_share_over_its_weight_when_allocating_then_capped():
    # given the plain rule gives the 0.01 line a share of 0.02 (more than its value)
    weights = [D("1.95"), D("0.19"), D("4.08"), D("0.01")]
    assert naive_allocate(D("5.70"), weights)[-1] == D("0.02")

    # when
    shares = allocate(D("5.70"), weights)

    # then the extra cent goes to the nearest preceding share with room
    assert shares == [D("1.78"), D("0.17"), D("3.74"), D("0.01")]


def test_given_a_negative_total_when_allocating_then_shares_mirror_the_positive_case():
    weights = [D("2.19"), D("1.79"), D("4.85"), D("0.04")]
    assert allocate(D("-0.03"), weights) == [D("-0.01"), D("-0.01"), D("-0.01"), D("0.00")]


cents = st.integers(min_value=0, max_value=500_000).map(lambda n: D(n) / 100)


@settings(max_examples=400, deadline=None)
@given(weights=st.lists(cents, min_size=1, max_size=8), fraction=st.fractions(min_value=0, max_value=1))
def test_given_weights_in_cents_and_a_total_up_to_their_sum_when_allocating_then_exact_and_bounded(
    weights, fraction
):
    # given a total between 0 and the sum of the weights, in cents
    total = quantize(sum(weights) * D(fraction.numerator) / D(fraction.denominator))

    # when
    shares = allocate(total, weights)

    # then the shares add up exactly, each lies in [0, its weight], and when the plain
    # "remainder to the last" split already does so, it is what we get
    assert sum(shares) == total
    assert all(D(0) <= share <= weight for share, weight in zip(shares, weights, strict=True))
    if any(weights):
        plain = naive_allocate(total, weights)
        if all(D(0) <= share <= weight for share, weight in zip(plain, weights, strict=True)):
            assert shares == plain
