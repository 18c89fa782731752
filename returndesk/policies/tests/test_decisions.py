"""Everything else a decision carries: fees (never beyond the refund), who pays the return shipping,
inspection deductions, auto-approval, the distributor refusal (seed S2), delivery problems,
undelivered orders, requests without goods, and the stored JSON form."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from returndesk.policies.engine import deduction_amount, refund_due
from returndesk.policies.rules import AutoApproval, Deduction, FeeRule, Policy, WindowRule

from .helpers import FEES, SHIPPED, at, decide, line

AFTER_STATUTE = at(2026, 3, 12)  # day 10: only a merchant window is still open
LONG_WINDOW = (WindowRule("", "consumer", "", 30, "calendar"),)


def fees(kind: str, value: str, payer: str = "customer") -> Policy:
    return Policy(windows=LONG_WINDOW, fees=(*FEES[:2], FeeRule("customer", kind, Decimal(value), payer)))


# --- fees and shipping ---------------------------------------------------------------------------


def test_given_a_10_percent_restocking_fee_when_a_merchant_window_return_is_decided_then_the_fee_is_rounded_to_the_cent():
    decision = decide(fees("percent", "10"), now=AFTER_STATUTE, amount=Decimal("99.95"))
    assert (decision.lines[0].rule, decision.lines[0].restocking_fee) == ("window.merchant", Decimal("10.00"))
    assert decision.restocking_fee == Decimal("10.00")
    (note,) = [n for n in decision.notes if n.rule == "fee.restocking"]
    assert note.zh == "退货手续费 10.00 元,从退款中扣除(不超过退款金额)"


def test_given_a_fixed_fee_per_unit_larger_than_the_refund_when_decided_then_the_fee_is_capped_at_the_amount():
    decision = decide(fees("fixed", "30.00"), now=AFTER_STATUTE, quantity=3, amount=Decimal("50.00"))
    assert decision.lines[0].restocking_fee == Decimal("50.00")
    assert refund_due(amount=Decimal("50.00"), restocking_fee=decision.restocking_fee) == Decimal("0.00")


@pytest.mark.parametrize("solution", ["exchange", "repair", "refund_only"])
def test_given_a_restocking_fee_when_the_remedy_is_not_a_return_then_no_fee(solution):
    policy = Policy(fees=(FeeRule("quality", "percent", Decimal("10"), "merchant"),))
    decision = decide(
        policy, now=at(2026, 3, 3), solution=solution, reason_code="Q01", reason_class="quality"
    )
    assert (decision.lines[0].eligible, decision.restocking_fee) == (True, Decimal("0"))


@pytest.mark.parametrize(
    ("amount", "fee", "deductions", "due"),
    [
        ("100.00", "10.00", ("5.00",), "85.00"),
        ("100.00", "30.00", ("50.00", "40.00"), "0.00"),  # never negative
        ("0.01", "0.01", (), "0.00"),
    ],
)
def test_given_fees_and_deductions_when_the_refund_is_computed_then_it_never_goes_below_zero(
    amount, fee, deductions, due
):
    assert refund_due(
        amount=Decimal(amount), restocking_fee=Decimal(fee), deductions=tuple(Decimal(d) for d in deductions)
    ) == Decimal(due)


def test_given_the_deduction_schedule_when_set_at_inspection_then_percent_and_per_unit_amounts_are_computed():
    missing_box = Deduction("packaging_missing", "外包装缺失", "Packaging missing", "percent", Decimal("5"))
    missing_cable = Deduction("cable_missing", "线缆缺失", "Cable missing", "fixed", Decimal("15.00"))
    assert deduction_amount(missing_box, amount=Decimal("1299.00"), quantity=1) == Decimal("64.95")
    assert deduction_amount(missing_cable, amount=Decimal("1299.00"), quantity=2) == Decimal("30.00")
    decision = decide(SHIPPED, now=at(2026, 3, 3))
    assert [d.code for d in decision.deductions] == ["packaging_missing"]


def test_given_a_quality_line_when_the_fee_rule_names_the_customer_then_the_merchant_still_pays_shipping():
    policy = Policy(fees=(FeeRule("quality", "none", Decimal("0"), "customer"),))  # the DB refuses this row
    decision = decide(policy, now=at(2026, 3, 3), reason_code="Q01", reason_class="quality")
    assert (decision.lines[0].shipping_payer, decision.shipping_payer) == ("merchant", "merchant")


def test_given_the_customer_s_own_reason_when_the_merchant_pays_shipping_by_policy_then_the_decision_says_so():
    assert decide(SHIPPED, now=at(2026, 3, 3)).shipping_payer == "customer"
    assert decide(fees("none", "0", payer="merchant"), now=at(2026, 3, 3)).shipping_payer == "merchant"


def test_given_a_quality_line_and_a_no_reason_line_in_one_request_when_decided_then_the_merchant_pays_the_parcel():
    decision = decide(
        SHIPPED,
        now=at(2026, 3, 3),
        lines=(line(key="a"), line(key="b", reason_code="Q01", reason_class="quality")),
    )
    assert [ln.shipping_payer for ln in decision.lines] == ["customer", "merchant"]
    assert decision.shipping_payer == "merchant"
    (note,) = [n for n in decision.notes if n.rule.startswith("shipping.")]
    assert (note.rule, note.en) == ("shipping.merchant", "The merchant pays the return shipping")


# --- auto-approval --------------------------------------------------------------------------------

SMALL = AutoApproval(
    "small_no_reason",
    "小额无理由退货",
    "Small no-reason returns",
    "consumer",
    "customer",
    "refund",
    Decimal("200"),
)
KEY = AutoApproval("key_account", "重要客户申请", "Requests from key accounts", "key_account")


@pytest.mark.parametrize(("amount", "fires"), [("199.99", True), ("200.00", False)])
def test_given_the_small_no_reason_rule_when_the_claim_is_just_below_or_at_the_limit_then_it_fires_or_not(
    amount, fires
):
    policy = replace(SHIPPED, auto_approvals=(SMALL,))
    decision = decide(policy, now=at(2026, 3, 3), amount=Decimal(amount))
    assert decision.auto_approval == (SMALL if fires else None)
    assert ("auto_approve.small_no_reason" in decision.rules) is fires


def test_given_a_key_account_rule_when_a_quality_claim_has_no_photo_yet_then_it_waits_and_with_one_it_fires():
    policy = replace(SHIPPED, auto_approvals=(SMALL, KEY))
    kw = {"customer_type": "key_account", "reason_code": "Q01", "reason_class": "quality"}
    assert decide(policy, now=at(2026, 3, 3), **kw).auto_approval is None
    decision = decide(policy, now=at(2026, 3, 3), evidence_count=1, **kw)
    assert decision.auto_approval == KEY
    (note,) = [n for n in decision.notes if n.rule == "auto_approve.key_account"]
    assert (note.zh, note.en) == (
        "符合自动审批规则:重要客户申请",
        "Auto-approved: Requests from key accounts",
    )


def test_given_an_auto_approval_rule_when_one_line_is_refused_then_nothing_is_auto_approved():
    policy = replace(SHIPPED, auto_approvals=(SMALL,))
    decision = decide(
        policy, now=at(2026, 3, 3), lines=(line(key="a"), line(key="b", no_reason_exclusion="perishable"))
    )
    assert (decision.eligible, decision.auto_approval) == (False, None)


def test_given_a_rule_for_one_reason_class_when_the_request_mixes_classes_then_it_does_not_fire():
    policy = replace(SHIPPED, auto_approvals=(SMALL,))
    decision = decide(
        policy, now=at(2026, 3, 3), evidence_count=1,
        lines=(line(key="a", amount=Decimal("10")), line(key="b", amount=Decimal("10"), reason_code="Q01", reason_class="quality")),
    )  # fmt: skip
    assert (decision.eligible, decision.auto_approval) == (True, None)


# --- distributors (seed S2), delivery problems, undelivered orders, no goods ----------------------


@pytest.mark.parametrize(
    ("reason_code", "reason_class", "solution"),
    [("C02", "customer", "refund"), ("D01", "delivery", "exchange"), ("C04", "customer", "refund_only")],
)
def test_given_a_distributor_when_it_returns_for_a_non_quality_reason_then_refused_at_review_with_the_message_for_sales(
    reason_code, reason_class, solution
):
    decision = decide(
        SHIPPED, now=at(2026, 3, 3), customer_type="distributor", channel="distributor",
        reason_code=reason_code, reason_class=reason_class, solution=solution,
    )  # fmt: skip
    (line_decision,) = decision.lines
    assert (line_decision.eligible, line_decision.rule, line_decision.refused_at) == (
        False, "distributor.quality_only", "review",
    )  # fmt: skip
    assert (line_decision.zh, line_decision.en) == SHIPPED.distributor_message
    assert line_decision.source == "seed S2 退货流程 JD/GL04:非质量原因由销售通知经销商不予退货"
    assert (decision.refusals("intake"), decision.refusals("review")) == ((), decision.lines)


def test_given_the_distributor_rule_switched_off_when_a_distributor_returns_for_its_own_reason_then_the_windows_decide():
    policy = replace(SHIPPED, distributor_quality_only=False)
    decision = decide(policy, now=at(2026, 3, 3), customer_type="distributor", channel="distributor")
    assert (decision.lines[0].eligible, decision.lines[0].rule) == (False, "window.none")


@pytest.mark.parametrize("solution", ["refund", "refund_only", "exchange"])
def test_given_a_delivery_problem_on_day_15_and_day_16_when_asked_then_in_then_out(solution):
    kw = {"reason_code": "D01", "reason_class": "delivery", "solution": solution}
    inside = decide(SHIPPED, now=at(2026, 3, 17, 23, 59, 59), **kw)
    outside = decide(SHIPPED, now=at(2026, 3, 18, 0, 0, 1), **kw)
    assert (inside.lines[0].eligible, inside.lines[0].rule, inside.lines[0].deadline) == (
        True, "delivery.claim_period", at(2026, 3, 18),
    )  # fmt: skip
    assert (outside.lines[0].eligible, outside.lines[0].rule) == (False, "delivery.expired")
    assert inside.shipping_payer == "merchant"


def test_given_an_order_not_yet_signed_for_when_a_return_is_asked_then_refused_but_a_lost_parcel_may_be_refunded():
    returned = decide(SHIPPED, now=at(2026, 3, 3), delivered_at=None)
    lost = decide(
        SHIPPED,
        now=at(2026, 3, 3),
        delivered_at=None,
        reason_code="D02",
        reason_class="delivery",
        solution="refund_only",
    )
    assert (returned.lines[0].eligible, returned.lines[0].rule) == (False, "order.not_delivered")
    assert (lost.lines[0].eligible, lost.lines[0].rule, lost.lines[0].deadline) == (
        True,
        "delivery.not_received",
        None,
    )


def test_given_a_consultation_when_decided_then_no_policy_applies_and_nothing_is_refused():
    decision = decide(SHIPPED, now=at(2030, 1, 1), solution=None, delivered_at=None)
    assert (decision.eligible, decision.rules, decision.auto_approval, decision.shipping_payer) == (
        True, ("not_applicable",), None, "",
    )  # fmt: skip


# --- the stored form ------------------------------------------------------------------------------


def test_given_a_decision_when_stored_as_json_then_every_line_explanation_and_amount_is_plain_data():
    decision = decide(fees("percent", "10"), now=AFTER_STATUTE, amount=Decimal("99.95"))
    data = decision.to_json()

    assert data["policy_version"] is None
    assert (data["eligible"], data["solution"], data["restocking_fee"], data["shipping_payer"]) == (
        True, "refund", "10.00", "customer",
    )  # fmt: skip
    assert data["rules"] == ["window.merchant", "fee.restocking", "shipping.customer"]
    assert data["lines"][0] | {"conditions": []} == {
        "key": "L1", "eligible": True, "rule": "window.merchant", "source": "商家政策 / merchant policy",
        "zh": "商家退货政策:签收后 30 日内(截至 2026-04-01 24:00)可退货,商品须完好",
        "en": "Merchant's return window: 30 days after signing (until 2026-04-01 24:00); the goods must be intact",
        "solutions": ["refund"], "deadline": "2026-04-02T00:00:00+08:00", "refused_at": "",
        "restocking_fee": "10.00", "shipping_payer": "customer", "evidence_required": False, "conditions": [],
    }  # fmt: skip
    assert [e["rule"] for e in data["explanations"]] == data["rules"]
