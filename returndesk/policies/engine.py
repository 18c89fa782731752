"""The policy engine: `evaluate(request, policy) -> Decision`, pure.

No database, no clock, no settings: the caller passes the request (lines with their product
flags, signing times, reasons, repair history, the calendar snapshot and `now`) and a published
`Policy`; the same inputs always give the same decision. Every line's decision names the rule
that decided it, its legal or seed source, and why, in Chinese and English (docs/policies.md).
The remedies per reason class are in `remedies.py`; fees, evidence and auto-approval here.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from returndesk.core.money import ZERO, quantize

from . import remedies
from .decisions import INTAKE, REVIEW, Decision, EligibilityRequest, Explanation, LineDecision, LineRequest
from .remedies import (
    DELIVERY,
    EXCHANGE,
    MERCHANT_POLICY,
    QUALITY,
    REFUND,
    REFUND_ONLY,
    SEED_S2,
    SOLUTION_NAMES,
    allowed,
    refused,
)
from .rules import AutoApproval, Deduction, Policy

__all__ = ["Decision", "EligibilityRequest", "LineDecision", "LineRequest", "evaluate", "refund_due"]

# --- evaluate ---------------------------------------------------------------------------------


def evaluate(request: EligibilityRequest, policy: Policy) -> Decision:
    """Decide every line of `request` under `policy` (see docs/policies.md for each rule)."""
    if request.solution is None:
        lines = tuple(
            LineDecision(
                ln.key, True, "not_applicable", "", "咨询或验收不涉及退换货政策",
                "No return policy applies to a consultation or inspection",
            )
            for ln in request.lines
        )  # fmt: skip
        return Decision(policy.version, None, lines)
    lines = tuple(_priced(request, policy, ln, _decide(request, policy, ln)) for ln in request.lines)
    eligible = [ln for ln in lines if ln.eligible]
    evidence_required = policy.evidence_required_for_quality and any(ln.evidence_required for ln in eligible)
    evidence_missing = evidence_required and request.evidence_count < policy.evidence_min_files
    payer = ""
    if eligible:
        payer = "merchant" if any(ln.shipping_payer == "merchant" for ln in eligible) else "customer"
    decision = Decision(
        policy_version=policy.version,
        solution=request.solution,
        lines=lines,
        evidence_required=evidence_required,
        evidence_min=policy.evidence_min_files if evidence_required else 0,
        evidence_missing=evidence_missing,
        restocking_fee=sum((ln.restocking_fee for ln in lines), ZERO),
        shipping_payer=payer,
        deductions=policy.deductions if request.solution in (REFUND, EXCHANGE) else (),
    )
    auto = _auto_approval(request, policy, decision)
    return replace(decision, auto_approval=auto, notes=_notes(policy, decision, auto))


def _decide(request: EligibilityRequest, policy: Policy, line: LineRequest) -> LineDecision:
    solution = request.solution
    if (
        policy.distributor_quality_only
        and request.customer_type == "distributor"
        and line.reason_class != QUALITY
        and solution in (REFUND, REFUND_ONLY, EXCHANGE)
    ):
        zh, en = policy.distributor_message
        return refused(line, "distributor.quality_only", SEED_S2, zh, en, stage=REVIEW)
    if line.delivered_at is None:
        if solution == REFUND_ONLY and line.reason_class == DELIVERY:
            return allowed(
                line,
                "delivery.not_received",
                MERCHANT_POLICY,
                (REFUND_ONLY,),
                None,
                "订单尚未签收,配送问题可申请仅退款",
                "The order was never signed for; a delivery problem may be refunded",
            )
        return refused(
            line, "order.not_delivered", MERCHANT_POLICY,
            "订单尚未签收,退换货期限自签收次日起算;请先联系客服处理物流问题",
            "The order has not been signed for yet; return periods start the day after signing",
        )  # fmt: skip
    if line.reason_class == QUALITY:
        outcome = remedies.quality(request, policy, line)
    elif line.reason_class == DELIVERY:
        outcome = remedies.delivery(request, policy, line)
    else:
        outcome = remedies.own_reason(request, policy, line)
    if outcome.eligible and solution not in outcome.solutions:
        return _solution_not_offered(line, outcome, solution)
    return outcome


def _solution_not_offered(line: LineRequest, outcome: LineDecision, solution: str) -> LineDecision:
    want_zh, want_en = SOLUTION_NAMES.get(solution, (solution, solution))
    offered_zh = "、".join(SOLUTION_NAMES[s][0] for s in outcome.solutions)
    offered_en = ", ".join(SOLUTION_NAMES[s][1] for s in outcome.solutions)
    return LineDecision(
        line.key, False, outcome.rule, outcome.source,
        f"{outcome.zh};现在可申请:{offered_zh},不能申请{want_zh}",
        f"{outcome.en}; possible now: {offered_en}, not {want_en}",
        outcome.solutions, outcome.deadline, INTAKE, conditions=outcome.conditions,
        evidence_required=outcome.evidence_required,
    )  # fmt: skip


# --- fees, evidence, auto-approval ------------------------------------------------------------


def _priced(
    request: EligibilityRequest, policy: Policy, line: LineRequest, decided: LineDecision
) -> LineDecision:
    """Restocking fee and shipping of an eligible line. A statutory no-reason return refunds the
    price paid (消费者权益保护法 art. 25), so it carries no restocking fee; the fee only applies to
    returns (refund), and never exceeds the line's amount."""
    if not decided.eligible:
        return decided
    fee_rule = policy.fee_for(line.reason_class)
    payer = "merchant" if line.reason_class == QUALITY else fee_rule.shipping_payer
    fee = ZERO
    if request.solution == REFUND and decided.rule != "no_reason.statutory":
        if fee_rule.restocking_kind == "percent":
            fee = quantize(line.amount * fee_rule.restocking_value / Decimal(100))
        elif fee_rule.restocking_kind == "fixed":
            fee = quantize(fee_rule.restocking_value * line.quantity)
        fee = min(fee, quantize(line.amount))
    return replace(decided, restocking_fee=fee, shipping_payer=payer)


def _auto_approval(request: EligibilityRequest, policy: Policy, decision: Decision) -> AutoApproval | None:
    if not decision.lines or not decision.eligible or decision.evidence_missing:
        return None
    total = sum((ln.amount for ln in request.lines), ZERO)
    classes = {ln.reason_class for ln in request.lines}
    for rule in policy.auto_approvals:
        if (
            rule.customer_type in ("", request.customer_type)
            and (not rule.reason_class or classes == {rule.reason_class})
            and rule.solution in ("", request.solution)
            and (rule.amount_below is None or total < rule.amount_below)
        ):
            return rule
    return None


def _notes(policy: Policy, decision: Decision, auto: AutoApproval | None) -> tuple[Explanation, ...]:
    notes = []
    if decision.evidence_required:
        n = policy.evidence_min_files
        notes.append(
            Explanation(
                "evidence.required",
                f"质量问题须上传至少 {n} 张照片或视频,审核通过前补充即可;客服可注明理由后免除",
                f"Quality claims need at least {n} photo(s) or video(s) before approval, unless staff waive "
                "it with a reason",
                "seed S7 上传相关凭证(如照片、视频等)",
            )
        )
    if decision.restocking_fee > 0:
        notes.append(
            Explanation(
                "fee.restocking",
                f"退货手续费 {decision.restocking_fee} 元,从退款中扣除(不超过退款金额)",
                f"Restocking fee CNY {decision.restocking_fee}, deducted from the refund (never beyond it)",
                MERCHANT_POLICY,
            )
        )
    if decision.shipping_payer == "merchant":
        notes.append(
            Explanation(
                "shipping.merchant",
                "退回运费由商家承担",
                "The merchant pays the return shipping",
                "消费者权益保护法 第二十四条 / merchant policy",
            )
        )
    elif decision.shipping_payer == "customer":
        notes.append(
            Explanation(
                "shipping.customer",
                "退回运费由客户承担",
                "The customer pays the return shipping",
                "消费者权益保护法 第二十五条 / merchant policy",
            )
        )
    if auto is not None:
        notes.append(
            Explanation(
                f"auto_approve.{auto.code}",
                f"符合自动审批规则:{auto.zh}",
                f"Auto-approved: {auto.en}",
                MERCHANT_POLICY,
            )
        )
    return tuple(notes)


# --- refunds ----------------------------------------------------------------------------------


def deduction_amount(deduction: Deduction, *, amount: Decimal, quantity: int) -> Decimal:
    if deduction.kind == "percent":
        return quantize(amount * deduction.value / Decimal(100))
    return quantize(deduction.value * quantity)


def refund_due(*, amount: Decimal, restocking_fee: Decimal, deductions: tuple[Decimal, ...] = ()) -> Decimal:
    """What is refunded for a line: its amount less the restocking fee and inspection deductions,
    never below zero (the fees can reduce a refund to nothing, never make the customer owe)."""
    return max(quantize(amount - restocking_fee - sum(deductions, ZERO)), ZERO)
