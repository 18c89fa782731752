"""Refund routes: the original route split over the order's payments in the configured order,
each part within what that payment has left; bank transfer confirmed by finance; store credit
into the customer's ledger. The cap per payment holds across refunds, and at the database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from returndesk.cases import services
from returndesk.cases.models import Status
from returndesk.cases.tests.helpers import event_trail, refused
from returndesk.core.errors import DomainError
from returndesk.orders.models import Payment
from returndesk.refunds import services as refund_services
from returndesk.refunds.calculation import OrderQuote
from returndesk.refunds.models import (
    Account,
    CreditNote,
    Refund,
    RefundAllocation,
    RefundCalculation,
    RefundSettings,
    StoreCreditEntry,
)
from returndesk.refunds.selectors import refunds_awaiting_finance

from .helpers import approved_refund_only, order_of, payment_state

D = Decimal
PAYEE = {"account_name": "张三", "bank": "招商银行上海分行", "account_number": "6225880112345678"}


def _refunds(case) -> list[tuple]:
    return list(
        Refund.objects.filter(case=case)
        .order_by("attempt", "created_at")
        .values_list("attempt", "route", "method", "provider", "amount", "status")
    )


def _journal(case) -> list[tuple[str, Decimal, Decimal]]:
    note = CreditNote.objects.get(case=case)
    return list(note.journal_lines.values_list("account", "debit", "credit"))


@pytest.fixture
def split_order(consumer):
    """2 units at 113.00 (tax inclusive), paid 50.00 from the store-credit balance and 176.00 by
    WeChat Pay."""
    return order_of(
        consumer,
        [{"quantity": 2, "unit_price": "113.00"}],
        payments=[("store_credit", "50.00"), ("wechat", "176.00")],
    )


def test_given_split_tender_when_one_unit_is_refunded_by_the_original_route_then_store_credit_first_then_wechat(
    split_order, consumer, consumer_user, agent, finance
):
    assert RefundSettings.current().original_route_order[:3] == ["store_credit", "wechat", "alipay"]
    case = approved_refund_only(
        customer=consumer,
        customer_user=consumer_user,
        order_line=split_order.lines.get(),
        quantity=1,
        agent=agent,
    )

    services.case_refund(case=case, actor=finance)

    assert case.status == Status.REFUNDED
    assert _refunds(case) == [
        (1, "original", "store_credit", "store_credit", D("50.00"), "succeeded"),
        (1, "original", "wechat", "gateway", D("63.00"), "succeeded"),
    ]
    assert payment_state(split_order) == [
        ("store_credit", D("50.00"), D("50.00")),
        ("wechat", D("176.00"), D("63.00")),
    ]
    assert StoreCreditEntry.objects.get(refund__case=case).balance_after == D("50.00")
    # Sales returns 100.00 + output VAT 13.00 = paid back 113.00: 63.00 cash, 50.00 to the account.
    assert _journal(case) == [
        (Account.SALES_RETURNS, D("100.00"), D("0.00")),
        (Account.OUTPUT_VAT, D("13.00"), D("0.00")),
        (Account.CASH, D("0.00"), D("63.00")),
        (Account.RECEIVABLE, D("0.00"), D("50.00")),
    ]


def test_given_split_tender_when_both_units_are_refunded_in_two_cases_then_every_payment_is_refunded_exactly_once(
    split_order, consumer, consumer_user, agent, finance
):
    line = split_order.lines.get()
    for _ in range(2):
        case = approved_refund_only(
            customer=consumer, customer_user=consumer_user, order_line=line, quantity=1, agent=agent
        )
        services.case_refund(case=case, actor=finance)

    assert _refunds(case) == [(1, "original", "wechat", "gateway", D("113.00"), "succeeded")]
    assert payment_state(split_order) == [
        ("store_credit", D("50.00"), D("50.00")),
        ("wechat", D("176.00"), D("176.00")),
    ]


def test_given_wechat_first_in_the_settings_when_refunded_then_the_split_follows_that_order(
    split_order, consumer, consumer_user, agent, finance
):
    RefundSettings.objects.update_or_create(
        id=1, defaults={"original_route_order": ["wechat", "store_credit"]}
    )
    case = approved_refund_only(
        customer=consumer,
        customer_user=consumer_user,
        order_line=split_order.lines.get(),
        quantity=2,
        agent=agent,
    )

    services.case_refund(case=case, actor=finance)

    assert _refunds(case) == [
        (1, "original", "wechat", "gateway", D("176.00"), "succeeded"),
        (1, "original", "store_credit", "store_credit", D("50.00"), "succeeded"),
    ]


def test_given_a_bank_transfer_route_without_the_payee_when_finance_refunds_then_refused_and_nothing_changes(
    consumer, consumer_user, agent, finance, line5
):
    case = approved_refund_only(
        customer=consumer, customer_user=consumer_user, order_line=line5, quantity=1, agent=agent
    )

    with refused("refund.payee_required", case=case, order_lines=[line5]) as excinfo:
        services.case_refund(case=case, actor=finance, route="bank_transfer", account_name="张三")
    assert set(excinfo.value.fields) == {"bank", "account_number"}
    with refused("refund.invalid_input", case=case, order_lines=[line5]):
        services.case_refund(case=case, actor=finance, route="cheque")
    assert (Refund.objects.count(), RefundCalculation.objects.count()) == (0, 0)
    assert payment_state(line5.order) == [("alipay", D("500.00"), D("0.00"))]


def test_given_a_bank_transfer_when_finance_confirms_it_with_the_bank_reference_then_the_case_is_refunded(
    consumer, consumer_user, agent, finance, sales, line5
):
    case = approved_refund_only(
        customer=consumer, customer_user=consumer_user, order_line=line5, quantity=1, agent=agent
    )
    services.case_refund(case=case, actor=finance, route="bank_transfer", **PAYEE)
    (refund,) = Refund.objects.filter(case=case)
    assert (case.status, refund.provider, refund.status, refund.payee) == (
        Status.REFUND_PENDING, "manual", "pending", PAYEE,
    )  # fmt: skip
    assert list(refunds_awaiting_finance()) == [refund]
    assert payment_state(line5.order) == [("alipay", D("500.00"), D("100.00"))]  # drawn while pending

    with pytest.raises(DomainError) as excinfo:
        services.case_refund_confirm_manual(refund=refund, actor=sales, reference="B1")
    assert excinfo.value.code == "refund.role_forbidden"
    services.case_refund_confirm_manual(refund=refund, actor=finance, reference="CMB20261126001")

    case.refresh_from_db()
    refund.refresh_from_db()
    assert (case.status, refund.status, refund.provider_reference, refund.confirmed_by) == (
        Status.REFUNDED, "succeeded", "CMB20261126001", finance,
    )  # fmt: skip
    assert event_trail(case)[-2:] == [
        ("refund", "approved", "refund_pending"),
        ("refund_complete", "refund_pending", "refunded"),
    ]
    assert case.events.get(type="refund_complete").data["refunds"][0]["confirmed_by"] == "finance"
    assert _journal(case) == [
        (Account.SALES_RETURNS, D("88.50"), D("0.00")),
        (Account.OUTPUT_VAT, D("11.50"), D("0.00")),
        (Account.CASH, D("0.00"), D("100.00")),
    ]
    with pytest.raises(DomainError) as excinfo:
        services.case_refund_confirm_manual(refund=refund, actor=finance, reference="CMB20261126001")
    assert excinfo.value.code == "refund.not_pending"


def test_given_store_credit_when_refunded_then_the_customers_ledger_holds_it_and_the_note_credits_receivable(
    consumer, consumer_user, agent, finance, line5
):
    case = approved_refund_only(
        customer=consumer, customer_user=consumer_user, order_line=line5, quantity=2, agent=agent
    )

    services.case_refund(case=case, actor=finance, route="store_credit")

    assert case.status == Status.REFUNDED
    assert refund_services.store_credit_balance(customer=consumer) == D("200.00")
    (entry,) = StoreCreditEntry.objects.filter(account__customer=consumer)
    assert (entry.kind, entry.amount, entry.balance_after, entry.refund.case) == (
        "refund",
        D("200.00"),
        D("200.00"),
        case,
    )
    assert _journal(case)[-1] == (Account.RECEIVABLE, D("0.00"), D("200.00"))
    refund_services.store_credit_spend(customer=consumer, amount="150.00")
    with pytest.raises(DomainError) as excinfo:
        refund_services.store_credit_spend(customer=consumer, amount="50.01")
    assert excinfo.value.code == "refund.insufficient_store_credit"
    assert refund_services.store_credit_balance(customer=consumer) == D("50.00")


def _quote(total: str) -> OrderQuote:
    amount = D(total)
    return OrderQuote("x", (), amount, amount, D("0"), D("0"), D("0"), D("0"), D("0"), amount, amount)


def test_given_one_payment_when_a_second_refund_would_pass_what_it_paid_then_refused_and_nothing_written(
    consumer, consumer_user, agent, finance, make_line
):
    """The cumulative cap per payment (issue 6): refunds on a payment never add up to more than it
    paid, whatever route asks (here two calculations of 70 and 40 on a payment of 100)."""
    line = make_line(consumer, quantity=2, unit_price="50.00")
    cases = [
        approved_refund_only(
            customer=consumer, customer_user=consumer_user, order_line=line, quantity=1, agent=agent
        )
        for _ in range(2)
    ]
    calcs = [
        refund_services.refund_calculation_record(
            case_id=case.pk, customer=consumer, order=line.order, quote=_quote(total), lines={}, actor=finance
        )
        for case, total in zip(cases, ("70.00", "40.00"), strict=True)
    ]
    with transaction.atomic():
        refund_services.refund_request(
            calculations=[calcs[0]], route="original", payee={}, actor=finance, attempt=1
        )

    with pytest.raises(DomainError) as excinfo, transaction.atomic():
        refund_services.refund_request(
            calculations=[calcs[1]], route="bank_transfer", payee=PAYEE, actor=finance, attempt=1
        )

    assert (excinfo.value.code, excinfo.value.kind, excinfo.value.params["missing"]) == (
        "refund.payment_cap_exceeded", "conflict", "10.00",
    )  # fmt: skip
    assert payment_state(line.order) == [("alipay", D("100.00"), D("70.00"))]
    assert list(RefundAllocation.objects.values_list("amount", flat=True)) == [D("70.00")]


def test_given_a_write_that_skips_the_lock_when_it_would_pass_the_payment_then_the_database_refuses_it(
    consumer, make_line
):
    payment = make_line(consumer, quantity=1, unit_price="80.00").order.payments.get()

    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(refunded_amount=F("refunded_amount") + D("80.01"))

    payment.refresh_from_db()
    assert payment.refunded_amount == D("0.00")
