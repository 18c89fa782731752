"""How the cases app asks the policy engine (returndesk.policies) and reads its stored answer.

The engine is pure; this module gathers what only cases know — reasons, the value of the claimed
units, and each serial number's repair history (the 三包 repair ladder) — builds the request with
`policies.selectors.eligibility_request`, and reads the decision stored on a case for the
workflow guards (docs/adr/0002-policy-engine.md).
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from returndesk.accounts.roles import Role
from returndesk.core.money import ZERO
from returndesk.policies.decisions import Decision
from returndesk.policies.engine import evaluate
from returndesk.policies.rules import Policy
from returndesk.policies.selectors import LineInput, eligibility_request
from returndesk.repairs.selectors import covered_repairs_by_serial

from .models import Case, CaseType
from .services.amounts import parsed_line_value

SOLUTION_OF_TYPE = {
    CaseType.RETURN_REFUND: "refund",
    CaseType.REFUND_ONLY: "refund_only",
    CaseType.EXCHANGE: "exchange",
    CaseType.REPAIR: "repair",
}
# Who may bypass a refusal, with a reason: the service supervisor, sales (seed S2: the
# distributor relationship) and the general manager. Agents ask a supervisor; customers never.
OVERRIDE_ROLES = frozenset({Role.SUPERVISOR, Role.SALES, Role.GM})
# Refusals that leave a paid repair possible (the rule says so): a repair case is still opened,
# and its diagnosis quotes the repair (cases.services.repair, issue #5).
PAID_REPAIR_RULES = frozenset({"quality.warranty_expired"})


def paid_repair_possible(case_type: str, rule: str) -> bool:
    return case_type == CaseType.REPAIR and rule in PAID_REPAIR_RULES


def prior_repairs(order_line, reason, serials) -> tuple[datetime, ...]:
    """When earlier free (warranty) repairs of the same fault on these serial numbers were
    finished, from the repair history (repairs.RepairRecord, one row per unit and repair). The
    unit is back with the same fault, so each of them failed (三包: after two failed repairs within
    the warranty the customer may choose exchange or return). For several serials, the history
    of the unit with the most repairs."""
    if not serials:
        return ()
    history = covered_repairs_by_serial(serials=serials, fault_code=reason.code)
    return tuple(max(history.values(), key=len, default=()))


def evaluate_lines(
    *, customer, case_type: str, parsed: list[dict], policy: Policy, now=None, evidence_count: int = 0
) -> Decision:
    """The engine's decision for lines parsed by case creation (order line, quantity, reason,
    serial numbers, and the customer's statements `unsealed` / `not_intact`)."""
    goods = case_type in SOLUTION_OF_TYPE
    inputs = [
        LineInput(
            order_line=p["order_line"],
            quantity=p["quantity"],
            reason_code=p["reason"].code,
            reason_class=p["reason"].reason_class,
            amount=parsed_line_value(p) if goods else ZERO,
            serial_numbers=tuple(p["serial_numbers"]),
            prior_repairs=prior_repairs(p["order_line"], p["reason"], p["serial_numbers"]) if goods else (),
            unsealed=p.get("unsealed", False),
            not_intact=tuple(p.get("not_intact", ())),
        )
        for p in parsed
    ]
    request = eligibility_request(
        policy=policy,
        solution=SOLUTION_OF_TYPE.get(case_type),
        customer_type=customer.type,
        lines=inputs,
        now=now or timezone.now(),
        evidence_count=evidence_count,
    )
    return evaluate(request, policy)


# --- the decision stored on a case --------------------------------------------------------------


def overridden_rules(case: Case) -> set[str]:
    return set((case.policy_override or {}).get("rules", ()))


def open_refusals(case: Case, stage: str | None = None) -> list[dict]:
    """Lines the stored decision refused (at `stage`) whose rule no staff override bypassed."""
    bypassed = overridden_rules(case)
    return [
        line
        for line in (case.policy_decision or {}).get("lines", ())
        if not line["eligible"] and stage in (None, line["refused_at"]) and line["rule"] not in bypassed
    ]


def evidence_outstanding(case: Case) -> bool:
    """The stored decision asks for photos or video (quality claims), none was waived, and fewer
    images or videos than required are attached."""
    decision = case.policy_decision or {}
    if not decision.get("evidence_required") or case.evidence_waiver:
        return False
    from .models import Attachment

    media = case.attachments.filter(kind__in=[Attachment.Kind.IMAGE, Attachment.Kind.VIDEO]).count()
    return media < decision.get("evidence_min", 1)
