"""Refunds racing on one payment, with real threads and their own database connections (the
pattern of cases/tests/test_concurrency.py). PostgreSQL runs them with row locks on the
payments (refunds.services.requests); SQLite serialises writers, so the same scenarios run there
as a cheaper check of the outcome."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection, transaction

from returndesk.cases import services
from returndesk.cases.tests.test_concurrency import run_together
from returndesk.orders.models import Payment
from returndesk.refunds import services as refund_services
from returndesk.refunds.calculation import OrderQuote
from returndesk.refunds.models import RefundAllocation, RefundSettings

from .helpers import approved_refund_only, order_of, payment_state

D = Decimal


def _allocated(payment) -> Decimal:
    """What the non-failed refunds draw on the payment, from the allocation rows."""
    rows = RefundAllocation.objects.filter(payment=payment, released_at__isnull=True)
    return sum(rows.values_list("amount", flat=True), D("0.00"))


def _two_cases_split_one_order(consumer, consumer_user, agent, finance) -> None:
    """Two cases refund 600.00 each at the same moment from an order paid 700.00 by Alipay and
    500.00 by WeChat (Alipay first): whoever comes second gets what Alipay has left and the
    rest from WeChat — never 1200.00 from Alipay."""
    RefundSettings.objects.update_or_create(id=1, defaults={"original_route_order": ["alipay", "wechat"]})
    order = order_of(
        consumer,
        [{"quantity": 1, "unit_price": "600.00"}, {"quantity": 1, "unit_price": "600.00"}],
        payments=[("alipay", "700.00"), ("wechat", "500.00")],
    )
    cases = [
        approved_refund_only(
            customer=consumer, customer_user=consumer_user, order_line=line, quantity=1, agent=agent
        )
        for line in order.lines.order_by("position")
    ]

    results = run_together(2, lambda i, _: services.case_refund(case=cases[i], actor=finance).status)

    assert results == [("ok", "refunded"), ("ok", "refunded")], results
    assert payment_state(order) == [
        ("alipay", D("700.00"), D("700.00")),
        ("wechat", D("500.00"), D("500.00")),
    ]
    for payment in Payment.objects.filter(order=order):
        assert _allocated(payment) == payment.refunded_amount
    parts = sorted(tuple(sorted((r.method, r.amount) for r in case.refunds.all())) for case in cases)
    assert parts == [
        ((("alipay", D("100.00")), ("wechat", D("500.00")))),
        ((("alipay", D("600.00")),)),
    ]


def _quote(total: str) -> OrderQuote:
    amount = D(total)
    return OrderQuote("x", (), amount, amount, D("0"), D("0"), D("0"), D("0"), D("0"), amount, amount)


def _two_requests_pass_one_payment(consumer, consumer_user, agent, finance, make_line) -> None:
    """Two refund requests of 70.00 and 40.00 on one payment of 100.00, at once: one wins, the
    other is refused; the payment never draws more than it paid."""
    line = make_line(consumer, quantity=2, unit_price="50.00")
    calcs = []
    for total in ("70.00", "40.00"):
        case = approved_refund_only(
            customer=consumer, customer_user=consumer_user, order_line=line, quantity=1, agent=agent
        )
        calcs.append(
            refund_services.refund_calculation_record(
                case_id=case.pk,
                customer=consumer,
                order=line.order,
                quote=_quote(total),
                lines={},
                actor=finance,
            )
        )
    payee = {"account_name": "张三", "bank": "中国银行", "account_number": "6013820000000001"}

    def request(i: int, _):
        with transaction.atomic():
            refunds = refund_services.refund_request(
                calculations=[calcs[i]], route="bank_transfer", payee=payee, actor=finance, attempt=1
            )
        return str(refunds[0].amount)

    results = run_together(2, request)

    assert Counter(kind for kind, _ in results) == {"ok": 1, "error": 1}, results
    (error,) = [value for kind, value in results if kind == "error"]
    assert error.code == "refund.payment_cap_exceeded"
    (won,) = [value for kind, value in results if kind == "ok"]
    payment = line.order.payments.get()
    assert payment.refunded_amount == D(won) == _allocated(payment)
    assert payment.refunded_amount <= payment.amount


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_given_two_cases_on_one_split_order_when_both_refund_at_once_on_postgresql_then_no_payment_passes_its_cap(
    reference_data, consumer, consumer_user, agent, finance
):
    _two_cases_split_one_order(consumer, consumer_user, agent, finance)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_given_two_refund_requests_on_one_payment_when_together_above_it_on_postgresql_then_exactly_one_wins(
    reference_data, consumer, consumer_user, agent, finance, make_line
):
    _two_requests_pass_one_payment(consumer, consumer_user, agent, finance, make_line)


@pytest.mark.django_db(transaction=True)
def test_given_two_cases_on_one_split_order_when_both_refund_at_once_on_sqlite_then_no_payment_passes_its_cap(
    reference_data, consumer, consumer_user, agent, finance
):
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL variant above covers this database")
    _two_cases_split_one_order(consumer, consumer_user, agent, finance)


@pytest.mark.django_db(transaction=True)
def test_given_two_refund_requests_on_one_payment_when_together_above_it_on_sqlite_then_exactly_one_wins(
    reference_data, consumer, consumer_user, agent, finance, make_line
):
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL variant above covers this database")
    _two_requests_pass_one_payment(consumer, consumer_user, agent, finance, make_line)
