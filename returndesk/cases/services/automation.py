"""Automatic moves and alerts, fired by the scans in cases/tasks.py as the system actor.

Two-sided timeouts as Taobao and JD run after-sales: each waiting state may carry a deadline
(sla.rules.RULES, configured in sla.TimeoutRule) that moves the case on against the party that
was late. SLA targets warn at a share of their time and escalate to the supervisors on breach.
Every automatic move writes exactly one CaseEvent by the system actor whose data names the rule
(`rule`) or target (`target`) that fired; a deadline leaves `pending` in the same transaction,
so running a scan twice fires nothing twice.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from returndesk.accounts.roles import Role
from returndesk.core.errors import DomainError
from returndesk.core.i18n import pick
from returndesk.notifications.services import outbox_enqueue
from returndesk.sla import selectors as sla_selectors
from returndesk.sla import services as sla_services
from returndesk.sla.models import DeadlineState
from returndesk.sla.rules import RULES, ReceiptAction, RuleCode

from .. import errors
from ..models import Case, CaseEvent, CaseType
from .events import event_record
from .transitions import case_transition

NO_REASON_DAYS = 7
DELIVERY_RECORDERS = frozenset({Role.WAREHOUSE, Role.AGENT, Role.SUPERVISOR})


def _lock(case_id) -> Case | None:
    return Case.objects.select_for_update().select_related("customer").filter(pk=case_id).first()


def _alert(*, case: Case, type: str, data: dict, roles=(), users=()) -> CaseEvent:
    """One internal event by the system, and an outbox row that tells the staff concerned."""
    event = event_record(case=case, actor=None, type=type, data=data, internal=True)
    outbox_enqueue(
        topic="case.staff_alert",
        payload={
            "case_id": str(case.id),
            "event_id": event.id,
            "roles": sorted(roles),
            "user_ids": sorted(str(u) for u in users if u),
        },
        dedupe_key=f"case-event-{event.id}-staff",
    )
    return event


NO_REASON_RULE = "no_reason.statutory"

# --- timeouts -------------------------------------------------------------------------------------


def no_reason_eligible(case: Case) -> tuple[bool, str]:
    """消费者权益保护法 第二十五条 / 网络购买商品七日无理由退货暂行办法: eligible for the review
    timeout is a return-and-refund whose stored policy decision (made when the case was opened)
    granted every line under the statutory no-reason rule. The decision is read, not re-derived,
    so the timeout and the intake can never disagree."""
    if case.type != CaseType.RETURN_REFUND:
        return False, "not_return_refund"
    decision = case.policy_decision or {}
    lines = decision.get("lines") or []
    if not lines:
        return False, "no_decision"
    for line in lines:
        if not line.get("eligible") or line.get("rule") != NO_REASON_RULE:
            return False, "not_no_reason"
    return True, ""


def _review_timeout(case: Case, deadline, config) -> str:
    eligible, why = no_reason_eligible(case)
    if not eligible:
        return f"skipped:{why}"
    case_transition(
        case=case, actor=None, action="approve", system_rule=deadline.rule, solution=config.solution or "self_ship",
        note="审核超时,系统自动同意 / Not reviewed in time; approved by the system",
    )  # fmt: skip
    return "approved"


def _customer_timeout(case: Case, deadline, config) -> str:
    label = RuleCode(deadline.rule).label
    case_transition(case=case, actor=None, action="expire", system_rule=deadline.rule, reason=label)
    return "closed"


def _receipt_timeout(case: Case, deadline, config) -> str:
    refused = ""
    if config.action == ReceiptAction.REFUND:
        try:
            case_transition(
                case=case,
                actor=None,
                action="auto_refund",
                system_rule=deadline.rule,
                reference=f"AUTO-{case.number}",
            )
            return "refund_started"  # the providers are called once this transaction commits
        except DomainError as exc:  # GM approval or a QC cause still needed: a person decides
            refused = exc.code
    data = {
        "rule": deadline.rule,
        "delivered_at": _iso(deadline.started_at),
        "due_at": _iso(deadline.due_at),
    }
    if refused:
        data["refund_refused"] = refused
    _alert(case=case, type="flagged", data=data, roles={Role.WAREHOUSE, Role.SUPERVISOR})
    return "flagged"


def _refund_deadline(case: Case, deadline, config) -> str:
    data = {
        "rule": deadline.rule,
        "received_at": _iso(deadline.started_at),
        "due_at": _iso(deadline.due_at),
    }
    _alert(case=case, type="refund_deadline_alarm", data=data, roles={Role.FINANCE})
    return "alarm"


ACTIONS = {
    RuleCode.REVIEW: _review_timeout,
    RuleCode.CONFIRM: _customer_timeout,
    RuleCode.SHIP: _customer_timeout,
    RuleCode.RECEIPT: _receipt_timeout,
    RuleCode.REFUND_DEADLINE: _refund_deadline,
}


def case_fire_deadline(*, deadline_id: int, case_id, now: datetime | None = None) -> str | None:
    """Fire one due timeout: lock the case, then the deadline (still pending and due), act, and
    record the outcome in the same transaction. Returns the outcome, None if there was nothing
    to do (fired already, moved on, locked by another worker)."""
    now = now or timezone.now()
    with transaction.atomic():
        case = _lock(case_id)
        deadline = case and sla_services.deadline_claim(deadline_id=deadline_id, now=now)
        if not deadline:
            return None
        if case.status not in RULES[deadline.rule].live:  # a path that bypassed the hook
            sla_services.deadline_finish(
                deadline=deadline, state=DeadlineState.CANCELLED, outcome="left", at=now
            )
            return "cancelled"
        # Leave `pending` first: the transition's own hook must not take this deadline for one
        # of the old state and cancel it.
        sla_services.deadline_finish(deadline=deadline, state=DeadlineState.FIRED, outcome="firing", at=now)
        config = sla_services.rule_config(deadline.rule)
        try:
            outcome = ACTIONS[deadline.rule](case, deadline, config)
        except DomainError as exc:  # a guard refused: nothing moved, a person must decide
            outcome = f"skipped:{exc.code}"
        state = DeadlineState.SKIPPED if outcome.startswith("skipped") else DeadlineState.FIRED
        sla_services.deadline_finish(deadline=deadline, state=state, outcome=outcome, at=now)
    return outcome


# --- SLA warnings and escalation ------------------------------------------------------------------


def case_sla_alert(*, target_id: int, case_id, kind: str, now: datetime | None = None) -> str | None:
    """Seed S1 四: warn the assignee (or the supervisors of an unassigned case) when a target's
    warning share is used; on a breach tell the supervisors and apply the first matching
    re-assignment rule. One event (`sla_warning` / `sla_breached`) names the target."""
    now = now or timezone.now()
    with transaction.atomic():
        case = _lock(case_id)
        target = case and sla_services.target_claim(target_id=target_id, kind=kind, now=now)
        if not target:
            return None
        sla_services.target_mark(target=target, kind=kind, at=now)
        data = {
            "target": target.kind,
            "round": target.round,  # a reopened case's targets warn and escalate afresh
            "due_at": _iso(target.due_at),
            "target_hours": target.target_minutes / 60,
            "policy": target.clock.policy_name,
        }
        if kind == "warning":
            data["warning_percent"] = target.warning_percent
            roles = set() if case.assignee_id else {Role.SUPERVISOR}
            _alert(case=case, type="sla_warning", data=data, roles=roles, users=[case.assignee_id])
            return "warned"
        rule = sla_selectors.escalation_for(kind=target.kind, priority=case.priority, team_id=case.team_id)
        if rule is not None:
            data["reassigned"] = _reassign(case, rule, now)
        _alert(case=case, type="sla_breached", data=data, roles={Role.SUPERVISOR}, users=[case.assignee_id])
        return "escalated"


def _reassign(case: Case, rule, now: datetime) -> dict:
    before = {"assignee": str(case.assignee_id or ""), "team": str(case.team_id or "")}
    case.assignee = rule.reassign_to or case.assignee
    case.team = rule.reassign_team or case.team
    case.version += 1
    case.save(update_fields=["assignee", "team", "version", "updated_at"])
    if before["team"] != str(case.team_id or ""):
        sla_services.clock_refresh(case=case, at=now)  # the new team's working hours
    return {
        "rule": str(rule.id),
        "before": before,
        "assignee": str(case.assignee_id or ""),
        "team": str(case.team_id or ""),
    }


# --- signals from outside: the carrier -----------------------------------------------------------


def case_record_carrier_delivery(*, case: Case, actor, delivered_at: datetime, source: str = "") -> CaseEvent:
    """The carrier reports the return parcel delivered (signed for) at the warehouse: the
    warehouse's receipt deadline starts then (seed S9 step 6, receipt check). Recorded by the
    warehouse or customer service, or by a carrier integration as the system (actor None).
    Recording again re-arms the deadline from the new time."""
    if actor is not None and actor.role not in DELIVERY_RECORDERS:
        raise errors.role_forbidden("record_carrier_delivery")
    if timezone.is_naive(delivered_at):
        delivered_at = timezone.make_aware(delivered_at)
    with transaction.atomic():
        locked = _lock(case.pk)
        if locked.status not in RULES[RuleCode.RECEIPT].live:
            raise errors.action_not_in_status("record_carrier_delivery", locked.get_status_display())
        event = event_record(
            case=locked,
            actor=actor,
            type="carrier_delivered",
            data={
                "delivered_at": _iso(delivered_at),
                "carrier": locked.return_carrier,
                "tracking_number": locked.return_tracking_number,
                "source": source,
            },
            internal=True,
        )
        sla_services.deadline_start(case=locked, rule=RuleCode.RECEIPT, started_at=delivered_at)
    return event


def _iso(value: datetime | None) -> str:
    return timezone.localtime(value).isoformat() if value else ""


def rule_label(code: str, language: str | None = None) -> str:
    return pick(RuleCode(code).label, language) if code in RuleCode.values else code
