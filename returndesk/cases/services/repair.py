"""The repair steps of the workflow (issue #5, seed S1 二.1, S8 4.2/4.3): diagnose a free repair
under warranty or quote a paid one, the customer's decision on the quote, the repair's result
with the return shipment, or the unit sent back unrepaired. The effects run inside
`case_transition`; the repair records live in returndesk.repairs, which these call with what only
cases knows: the policy engine's warranty verdict for the case's lines, and the units repaired.
"""

from __future__ import annotations

from returndesk.policies.selectors import policy_current, policy_of
from returndesk.repairs import errors as repair_errors
from returndesk.repairs import selectors as repair_selectors
from returndesk.repairs import services as repair_services
from returndesk.repairs.models import Exclusion, Repair

from ..models import Case, ReturnReason
from ..policy import evaluate_lines
from . import quantities
from .transitions import _shipment, effect

REPAIR = "repair"


def repair_warranty(case: Case, fault: ReturnReason) -> repair_services.Warranty:
    """Does the warranty cover `fault` on every line of the case? The policy engine decides, on
    the policy version stored with the case and at the time the case was opened (a claim made
    within the warranty stays covered however long the diagnosis takes): covered when it would
    grant a repair for this fault (三包 periods, the product's warranty months for the whole unit
    or its main parts). The first line it does not cover explains why."""
    policy = policy_of(case.policy_version) if case.policy_version_id else policy_current()
    parsed = [
        {
            "order_line": line.order_line,
            "quantity": line.quantity,
            "reason": fault,
            "serial_numbers": list(line.serial_numbers),
        }
        for line in case.lines.select_related("order_line__order", "order_line__product__category")
    ]
    decision = evaluate_lines(
        customer=case.customer, case_type=REPAIR, parsed=parsed, policy=policy, now=case.created_at
    )
    for line in decision.lines:
        if not (line.eligible and REPAIR in line.solutions):
            return repair_services.Warranty(False, line.rule, line.zh, line.en, line.deadline)
    deadlines = [line.deadline for line in decision.lines if line.deadline]
    first = decision.lines[0]
    return repair_services.Warranty(
        True, first.rule, first.zh, first.en, min(deadlines) if deadlines else None
    )


def _fault(case: Case, code) -> ReturnReason:
    """The diagnosed fault: a leaf reason code; by default the reason claimed on the first line."""
    if code in (None, ""):
        return case.lines.select_related("reason").order_by("created_at", "id").first().reason
    reason = ReturnReason.objects.filter(code=str(code).strip(), is_active=True).first()
    if reason is None or reason.children.exists():
        raise repair_errors.fault_invalid(code)
    return reason


def _diagnosis_data(repair: Repair) -> dict:
    return {
        "diagnosis": repair.diagnosis,
        "fault": repair.fault.code,
        "coverage": repair.coverage,
        "exclusion": repair.exclusion,
        "warranty_rule": repair.warranty_rule,
        "warranty": {"zh": repair.warranty_zh, "en": repair.warranty_en},
        "warranty_until": repair.warranty_until.isoformat() if repair.warranty_until else None,
    }


@effect("diagnose")
def _diagnose(case: Case, actor, inputs: dict) -> dict:
    """A free repair: refused unless the warranty covers the diagnosed fault (then a quote is
    the way, `quote_repair`)."""
    fault = _fault(case, inputs.get("fault"))
    repair = repair_services.repair_diagnose(
        case=case, actor=actor, fault=fault, diagnosis=inputs["diagnosis"],
        warranty=repair_warranty(case, fault), paid=False,
    )  # fmt: skip
    return _diagnosis_data(repair)


@effect("quote_repair")
def _quote_repair(case: Case, actor, inputs: dict) -> dict:
    """A paid repair (out of warranty, or excluded: damage by the user, misuse, self-repair —
    seed S8 4.3): parts and labour quoted for the customer to accept or decline."""
    fault = _fault(case, inputs.get("fault"))
    exclusion = inputs.get("exclusion") or Exclusion.NONE
    quote = repair_services.parse_quote(parts=inputs.get("parts"), labour=inputs.get("labour"))
    repair = repair_services.repair_diagnose(
        case=case, actor=actor, fault=fault, diagnosis=inputs["diagnosis"],
        warranty=repair_warranty(case, fault), exclusion=exclusion, quote=quote, paid=True,
    )  # fmt: skip
    return {
        **_diagnosis_data(repair),
        "parts_amount": str(repair.parts_amount),
        "labour_amount": str(repair.labour_amount),
        "quote_total": str(repair.quote_total),
        "quote": [
            {"kind": i.kind, "description": i.description, "quantity": i.quantity, "amount": str(i.amount)}
            for i in quote
        ],
    }


def _repair_of(case: Case) -> Repair:
    repair = repair_selectors.repair_of_case(case=case)
    if repair is None:
        raise repair_errors.not_diagnosed()
    return repair


@effect("accept_quote")
def _accept_quote(case: Case, actor, inputs: dict) -> dict:
    repair = repair_services.repair_decide_quote(
        repair=_repair_of(case), accepted=True, note=inputs.get("note", "")
    )
    return {"quote_total": str(repair.quote_total), "note": inputs.get("note", "")}


@effect("decline_quote")
def _decline_quote(case: Case, actor, inputs: dict) -> dict:
    repair = repair_services.repair_decide_quote(
        repair=_repair_of(case), accepted=False, note=inputs["reason"]
    )
    return {"quote_total": str(repair.quote_total), "reason": inputs["reason"]}


@effect("finish_repair")
def _finish_repair(case: Case, actor, inputs: dict) -> dict:
    """The result and the return shipment. Every unit repaired (the units received) gets a
    history row per serial number: the 三包 ladder counts the free repairs of a fault."""
    repair = _repair_of(case)
    outcome = inputs["outcome"]
    lines = list(case.lines.select_related("order_line__product"))
    units = [
        repair_services.Unit(
            order_line=line.order_line,
            product=line.order_line.product,
            quantity=line.quantity_received,
            serial_numbers=tuple(line.serial_numbers[: line.quantity_received]),
        )
        for line in lines
        if line.quantity_received
    ]
    if outcome not in ("fixed", "not_fixed"):
        raise repair_errors.outcome_invalid(outcome)
    case.outbound_carrier, case.outbound_tracking_number = _shipment(inputs)
    records = repair_services.repair_finish(
        repair=repair, outcome=outcome, result=inputs["result"], units=units
    )
    case.resolution = inputs["result"]
    quantities.release(lines=lines)
    return {
        "result": inputs["result"],
        "outcome": outcome,
        "covered": repair.coverage == "warranty",
        "units": [
            {"serial_number": r.serial_number, "quantity": r.quantity, "fault": repair.fault.code}
            for r in records
        ],
        "carrier": case.outbound_carrier,
        "tracking_number": case.outbound_tracking_number,
    }


@effect("return_unrepaired")
def _return_unrepaired(case: Case, actor, inputs: dict) -> dict:
    """The customer declined the quote: the unit goes back as it came, nothing is charged."""
    repair = _repair_of(case)
    case.outbound_carrier, case.outbound_tracking_number = _shipment(inputs)
    repair_services.repair_return_unrepaired(repair=repair, note=inputs.get("note", ""))
    case.resolution = "客户拒绝维修报价,未维修原样寄回 / Quote declined; returned unrepaired"
    quantities.release(lines=list(case.lines.all()))
    return {
        "carrier": case.outbound_carrier,
        "tracking_number": case.outbound_tracking_number,
        "note": inputs.get("note", ""),
    }
