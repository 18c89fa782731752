"""Refund amounts through the real case workflow: the policy's fees, return shipping borne by the
customer, outbound shipping at most once per order, the received-value cap, the net/tax split of
tax-inclusive and exclusive lines, and the general manager's gate on the refund amount."""

from __future__ import annotations

from decimal import Decimal

import pytest

from returndesk.cases import services
from returndesk.cases.models import CaseSettings, HoldState, Status
from returndesk.cases.tests.helpers import held_returned, line_of, refused
from returndesk.policies.models import FeeRule
from returndesk.policies.services import policy_publish
from returndesk.refunds.models import RefundCalculation, RefundSettings

from .helpers import approved_refund_only, order_of, received_return

D = Decimal


def _components(case) -> tuple:
    (c,) = RefundCalculation.objects.filter(case=case)
    return (
        c.goods_gross, c.goods_net, c.goods_tax, c.restocking_fee, c.inspection_deductions,
        c.return_shipping, c.outbound_shipping, c.total,
    )  # fmt: skip


@pytest.fixture
def restocking_10_percent(db):
    """Customer's own reasons: a 10 % restocking fee and the customer pays the return shipping
    (admin → fee rules, published as a new policy version)."""
    FeeRule.objects.update_or_create(
        reason_class="customer",
        defaults={
            "restocking_kind": "percent",
            "restocking_value": D("10"),
            "return_shipping_payer": "customer",
        },
    )
    policy_publish(actor=None, note="10% restocking")


def test_given_a_store_purchase_returned_for_the_customers_own_reason_when_refunded_then_the_restocking_fee_is_deducted(
    restocking_10_percent, consumer, consumer_user, agent, warehouse, finance
):
    order = order_of(consumer, [{"quantity": 2, "unit_price": "100.00"}], channel="store")
    case = received_return(
        customer=consumer, customer_user=consumer_user, order_line=order.lines.get(), quantity=2,
        agent=agent, warehouse=warehouse, reason="C02",
    )  # fmt: skip
    assert (case.restocking_fee, case.return_shipping_payer) == (D("20.00"), "customer")

    services.case_refund(case=case, actor=finance)

    assert case.status == Status.REFUNDED
    assert _components(case) == (
        D("200.00"), D("176.99"), D("23.01"), D("20.00"), D("0.00"), D("0.00"), D("0.00"), D("180.00"),
    )  # fmt: skip
    assert case.refund_amount == D("180.00")


def test_given_a_pickup_the_customer_pays_for_when_refunded_then_the_pickup_charge_is_a_separate_deduction(
    consumer, consumer_user, agent, warehouse, finance
):
    """The statutory 7-day return (C01) has no restocking fee, but its return shipping is the
    customer's (消费者权益保护法 art. 25): the pickup the merchant booked is charged."""
    order = order_of(consumer, [{"quantity": 1, "unit_price": "300.00"}])
    case = received_return(
        customer=consumer, customer_user=consumer_user, order_line=order.lines.get(), quantity=1,
        agent=agent, warehouse=warehouse, reason="C01", solution="pickup",
    )  # fmt: skip
    assert RefundSettings.current().pickup_charge == D("12.00")

    services.case_refund(case=case, actor=finance)

    assert _components(case)[0] == D("300.00")
    assert _components(case)[3:] == (D("0.00"), D("0.00"), D("12.00"), D("0.00"), D("288.00"))


def test_given_a_quality_return_on_an_order_with_shipping_when_two_cases_refund_it_then_the_shipping_is_refunded_once(
    consumer, consumer_user, agent, warehouse, qc, finance
):
    order = order_of(consumer, [{"quantity": 2, "unit_price": "100.00"}], shipping_fee="10")
    line = order.lines.get()
    first = received_return(
        customer=consumer, customer_user=consumer_user, order_line=line, quantity=1, agent=agent,
        warehouse=warehouse, reason="Q01", qc=qc,
    )  # fmt: skip
    services.case_refund(case=first, actor=finance)
    second = received_return(
        customer=consumer, customer_user=consumer_user, order_line=line, quantity=1, agent=agent,
        warehouse=warehouse, reason="Q01", qc=qc,
    )  # fmt: skip
    services.case_refund(case=second, actor=finance)

    assert (_components(first)[6], first.refund_amount) == (D("10.00"), D("110.00"))
    assert (_components(second)[6], second.refund_amount) == (D("0.00"), D("100.00"))
    assert order.payments.get().refunded_amount == D("210.00")  # everything paid, once


def test_given_a_return_for_the_customers_own_reason_when_refunded_then_the_outbound_shipping_is_kept(
    consumer, consumer_user, agent, warehouse, finance
):
    order = order_of(consumer, [{"quantity": 1, "unit_price": "100.00"}], shipping_fee="10")
    case = received_return(
        customer=consumer, customer_user=consumer_user, order_line=order.lines.get(), quantity=1,
        agent=agent, warehouse=warehouse, reason="C01",
    )  # fmt: skip

    services.case_refund(case=case, actor=finance)

    assert (_components(case)[6], case.refund_amount) == (D("0.00"), D("100.00"))


def test_given_settings_that_refund_shipping_for_own_reasons_when_refunded_then_it_is_added(
    consumer, consumer_user, agent, warehouse, finance
):
    RefundSettings.objects.update_or_create(id=1, defaults={"outbound_shipping_for_customer": True})
    order = order_of(consumer, [{"quantity": 1, "unit_price": "100.00"}], shipping_fee="10")
    case = received_return(
        customer=consumer, customer_user=consumer_user, order_line=order.lines.get(), quantity=1,
        agent=agent, warehouse=warehouse, reason="C01",
    )  # fmt: skip

    services.case_refund(case=case, actor=finance)

    assert case.refund_amount == D("110.00")


def test_given_3_units_claimed_and_1_received_when_refunded_then_only_the_received_units_value_is_refunded(
    consumer, consumer_user, agent, warehouse, finance
):
    order = order_of(consumer, [{"quantity": 3, "unit_price": "99.99"}])
    line = order.lines.get()
    case = received_return(
        customer=consumer, customer_user=consumer_user, order_line=line, quantity=3, received=1,
        agent=agent, warehouse=warehouse,
    )  # fmt: skip

    services.case_refund(case=case, actor=finance)

    (calc,) = RefundCalculation.objects.filter(case=case)
    assert (calc.goods_gross, calc.total, calc.cap, case.refund_amount) == (
        D("99.99"), D("99.99"), D("99.99"), D("99.99"),
    )  # fmt: skip
    assert (line_of(case).refund_amount, line_of(case).hold_state) == (D("99.99"), HoldState.RETURNED)
    assert held_returned(line) == (0, 1)  # 1 returned; the 2 never received are free again


def test_given_a_tax_exclusive_b2b_line_when_returned_in_two_cases_then_net_and_tax_add_up_to_the_line(
    consumer, consumer_user, agent, warehouse, finance
):
    order = order_of(consumer, [{"quantity": 3, "unit_price": "88.49", "tax_mode": "exclusive"}])
    line = order.lines.get()
    assert (line.net_amount, line.tax_amount, line.paid_amount) == (D("265.47"), D("34.51"), D("299.98"))
    cases = []
    for quantity in (2, 1):
        case = received_return(
            customer=consumer, customer_user=consumer_user, order_line=line, quantity=quantity,
            agent=agent, warehouse=warehouse,
        )  # fmt: skip
        services.case_refund(case=case, actor=finance)
        cases.append(_components(case)[:3])

    assert cases == [(D("199.99"), D("176.98"), D("23.01")), (D("99.99"), D("88.49"), D("11.50"))]
    assert [sum(part) for part in zip(*cases, strict=True)] == [D("299.98"), D("265.47"), D("34.51")]


def test_given_a_claim_above_the_gm_amount_whose_refund_is_below_it_when_finance_refunds_then_no_gm_is_needed(
    restocking_10_percent, consumer, consumer_user, agent, warehouse, gm, finance
):
    """Seed S2/S3 with issue 6: the general manager approves refunds above the configured
    amount (CaseSettings.gm_approval_amount, 5000 by default): the refund, after the fee."""
    assert CaseSettings.current().gm_approval_amount == D("5000.00")
    order = order_of(consumer, [{"quantity": 1, "unit_price": "5200.00"}], channel="store")
    case = received_return(
        customer=consumer, customer_user=consumer_user, order_line=order.lines.get(), quantity=1,
        agent=agent, warehouse=warehouse, reason="C02",
    )  # fmt: skip
    assert (case.claimed_amount, case.restocking_fee) == (D("5200.00"), D("520.00"))

    with refused("case.guard.gm_approval_required", case=case):
        services.case_gm_approve(case=case, actor=gm, opinion="同意")
    services.case_refund(case=case, actor=finance)

    assert (case.status, case.refund_amount) == (Status.REFUNDED, D("4680.00"))


def test_given_a_refund_above_the_gm_amount_when_finance_refunds_first_then_refused_until_the_gm_approves(
    consumer, consumer_user, agent, gm, finance
):
    CaseSettings.objects.filter(id=1).update(gm_approval_amount=D("150.00"))
    order = order_of(consumer, [{"quantity": 2, "unit_price": "100.00"}])
    case = approved_refund_only(
        customer=consumer, customer_user=consumer_user, order_line=order.lines.get(), quantity=2, agent=agent
    )

    with refused("case.guard.gm_approved_if_required", case=case, order_lines=[order.lines.get()]):
        services.case_refund(case=case, actor=finance)
    assert not RefundCalculation.objects.exists()

    services.case_gm_approve(case=case, actor=gm, opinion="同意")
    services.case_refund(case=case, actor=finance)
    assert (case.status, case.refund_amount) == (Status.REFUNDED, D("200.00"))
