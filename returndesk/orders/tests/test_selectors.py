from datetime import timedelta

import pytest
from django.utils import timezone

from returndesk.catalog.tests.factories import make_customer, make_product
from returndesk.core.errors import DomainError
from returndesk.orders.selectors import order_get_by_number, order_lines_for_customer
from returndesk.orders.tests.factories import make_order

pytestmark = pytest.mark.django_db


def test_given_an_order_when_getting_it_by_number_then_lines_and_payments_come_without_more_queries(
    django_assert_num_queries,
):
    # given
    order = make_order(
        number="SO-1", lines=[(make_product(sku="A"), 1, "10.00"), (make_product(sku="B"), 2, "5.00")]
    )

    # when (order with customer, then lines, their products and payments: one query each)
    with django_assert_num_queries(4):
        found = order_get_by_number(number=" SO-1 ")
        skus = [line.product.sku for line in found.lines.all()]
        payments = [payment.amount for payment in found.payments.all()]
        customer_code = found.customer.code

    # then
    assert (found.pk, skus, payments, customer_code) == (
        order.pk,
        ["A", "B"],
        [order.total_paid],
        order.customer.code,
    )


def test_given_an_unknown_number_when_getting_an_order_then_not_found():
    with pytest.raises(DomainError) as caught:
        order_get_by_number(number="NOPE")

    assert (caught.value.code, caught.value.kind, caught.value.en) == (
        "order.not_found",
        "not_found",
        "Order NOPE not found.",
    )


def test_given_one_number_in_two_channels_when_getting_without_channel_then_ambiguous_and_with_channel_found():
    # given
    make_order(number="N1", channel="own_shop")
    in_store = make_order(number="N1", channel="store")

    # when
    with pytest.raises(DomainError) as caught:
        order_get_by_number(number="N1")

    # then
    assert caught.value.code == "order.ambiguous_number"
    assert order_get_by_number(number="N1", channel="store").pk == in_store.pk


def test_given_orders_of_two_customers_when_listing_a_customers_lines_then_only_theirs_newest_order_first():
    # given
    customer, other = make_customer(), make_customer()
    now = timezone.now()
    older = make_order(customer=customer, delivered_at=now - timedelta(days=30), number="OLD")
    newer = make_order(
        customer=customer,
        delivered_at=now - timedelta(days=2),
        number="NEW",
        lines=[(make_product(), 1, "10.00"), (make_product(), 1, "20.00")],
    )
    make_order(customer=other)

    # when
    lines = list(order_lines_for_customer(customer=customer))

    # then
    assert [(line.order.number, line.position) for line in lines] == [("NEW", 1), ("NEW", 2), ("OLD", 1)]
    assert {line.order_id for line in lines} == {older.pk, newer.pk}
