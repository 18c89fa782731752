"""The exchange records keep their sums by database constraint, whatever writes them: the
difference is replacement − original, a credit is exactly what the customer is owed, a
like-for-like line keeps the price paid, a payment request is positive and one per exchange."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from returndesk.catalog.tests.factories import make_warehouse
from returndesk.exchanges.models import CreditState, Exchange, ExchangeState, PaymentRequest, PaymentState

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def case(reference_data, consumer, consumer_user, make_line):
    from returndesk.cases.tests.helpers import open_case

    return open_case(
        actor=consumer_user, customer=consumer, order_line=make_line(consumer), type="exchange", reason="Q02"
    )


def _exchange(case, **fields) -> Exchange:
    values = {
        "state": ExchangeState.RESERVED, "warehouse": make_warehouse(), "original_value": D("100.00"),
        "replacement_value": D("100.00"), "price_difference": D("0.00"), "arranged_by": case.created_by,
        **fields,
    }  # fmt: skip
    return Exchange.objects.create(case=case, **values)


@pytest.mark.parametrize(
    "fields",
    [
        {"replacement_value": D("120.00"), "price_difference": D("10.00")},
        {"replacement_value": D("80.00"), "price_difference": D("-20.00")},  # credit not recorded
        {
            "replacement_value": D("80.00"),
            "price_difference": D("-20.00"),
            "credit_amount": D("20.00"),
        },  # no state
        {"credit_amount": D("5.00"), "credit_state": CreditState.DUE},  # a credit nobody is owed
        {"state": ExchangeState.SHIPPED},  # shipped without a shipment
    ],
)
def test_given_sums_or_states_that_do_not_hold_when_saved_then_the_database_refuses(case, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        _exchange(case, **fields)
    assert Exchange.objects.count() == 0


def test_given_a_reserved_exchange_when_a_second_is_reserved_for_the_case_then_refused(case):
    _exchange(case)
    with pytest.raises(IntegrityError), transaction.atomic():
        _exchange(case)
    _exchange(case, state=ExchangeState.SUPERSEDED)
    assert Exchange.objects.count() == 2


def test_given_an_exchange_when_a_second_live_or_a_zero_payment_request_is_added_then_refused(case):
    exchange = _exchange(case, replacement_value=D("130.00"), price_difference=D("30.00"))
    PaymentRequest.objects.create(
        exchange=exchange, number="PR-1", amount=D("30.00"), state=PaymentState.PENDING
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentRequest.objects.create(
            exchange=exchange, number="PR-2", amount=D("30.00"), state=PaymentState.PENDING
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentRequest.objects.create(
            exchange=exchange, number="PR-3", amount=D("0.00"), state=PaymentState.VOID
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentRequest.objects.filter(number="PR-1").update(
            state=PaymentState.PAID
        )  # paid without a reference
    assert list(PaymentRequest.objects.values_list("number", "state")) == [("PR-1", "pending")]
