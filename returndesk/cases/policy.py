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

from .models import Case, CaseEvent, CaseLine, CaseType
from .services.amounts import units_value

SOLUTION_OF_TYPE = {
    CaseType.RETURN_REFUND: "refund",
    CaseType.REFUND_ONLY: "refund_only",
    CaseType.EXCHANGE: "exchange",
    CaseType.REPAIR: "repair",
}
# Who may bypass a refusal, with a reason: the service supervisor, sales (seed S2: the
# distributor relationship) and the general manager. Agents ask a supervisor; customers never.
OVERRIDE_ROLES = frozenset({Role.SUPERVISOR, Role.SALES, Role.GM})


def prior_repairs(order_line, reason, serials) -> tuple[datetime, ...]:
    """When earlier repairs of the same fault (same reason) on these serial numbers were finished
    (三包: two failed repairs within the warranty open exchange or return). For several serials,
    the history of the unit with the most repairs."""
    if not serials:
        return ()
    cases_by_serial: dict[str, set] = {serial: set() for serial in serials}
    earlier = CaseLine.objects.filter(order_line=order_line, reason=reason, case__type=CaseType.REPAIR)
    for case_id, case_serials in earlier.values_list("case_id", "serial_numbers"):
        for serial in set(case_serials or ()) & set(serials):
            cases_by_serial[serial].add(case_id)
    case_ids = set().union(*cases_by_serial.values())
    if not case_ids:
        return ()
    finished: dict = {}
    events = CaseEvent.objects.filter(case_id__in=case_ids, type="finish_repair")
    for case_id, at in events.values_list("case_id", "created_at"):
        finished.setdefault(case_id, []).append(at)
    histories = [sorted(t for cid in ids for t in finished.get(cid, ())) for ids in cases_by_serial.values()]
    return tuple(max(histories, key=len))


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
            amount=units_value(p["order_line"], p["quantity"]) if goods else ZERO,
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
