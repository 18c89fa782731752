"""Firing workflow transitions: the only way a case changes status.

Checks, in this order: the caller's copy of the case is current (else conflict), the action
exists for this type, the role may fire it, an external actor owns the case, the case is in a
source status, required inputs are present, guards hold. Then the action's effect runs, the
status and version change, and exactly one CaseEvent is written — all in one transaction under
the case row lock (lock order: case, then order lines).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from returndesk.accounts.roles import EXTERNAL_ROLES, Role
from returndesk.core.money import ZERO
from returndesk.followups.services import followup_schedule
from returndesk.sla import services as sla_services

from .. import errors
from ..carriers import CARRIERS, normalise_tracking, tracking_valid
from ..models import Case, CaseCause, CaseSettings, CaseType, HoldState, Status
from ..workflow import Transition, role_may, transition_for
from . import quantities
from .amounts import units_value
from .events import actor_role, event_record

Effect = Callable[[Case, object, dict], dict]
EFFECTS: dict[str, Effect] = {}


def effect(action: str):
    def decorator(fn: Effect) -> Effect:
        EFFECTS[action] = fn
        return fn

    return decorator


def case_transition(
    *, case: Case, actor, action: str, expected_version: int | None = None, system_rule: str = "", **inputs
) -> Case:
    """Fire `action` on `case` as `actor` (None = the system). `expected_version` defaults to the
    version of the caller's copy, so acting on a stale view is refused as a conflict. The system
    names the rule that made it act (`system_rule`, kept in the event data as `rule`)."""
    if system_rule and actor is not None:
        raise ValueError("only the system acts under a rule")
    transition = _transition(case, action)
    expected = case.version if expected_version is None else expected_version
    inputs = {k: (v.strip() if isinstance(v, str) else v) for k, v in inputs.items()}
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("customer").get(pk=case.pk)
        if locked.version != expected:
            raise errors.conflict(locked.number)
        check_allowed(locked, actor, transition)
        _check_inputs(transition, inputs)
        _check_guards(locked, transition)
        from_status = locked.status
        data = EFFECTS[action](locked, actor, inputs)
        if system_rule:
            data = {**data, "rule": system_rule}
        locked.status = transition.target
        locked.version += 1
        locked.save()
        event_record(
            case=locked, actor=actor, type=action, from_status=from_status, to_status=locked.status, data=data
        )
        # SLA clocks and timeout deadlines follow the change, in this transaction (sla.services).
        sla_services.clock_on_transition(
            case=locked, from_status=from_status, to_status=locked.status, at=timezone.now(),
            actor_role=actor_role(actor),
        )  # fmt: skip
        if locked.status == Status.CLOSED:  # a follow-up call falls due (回访, seed S8 2.3.3)
            followup_schedule(case=locked, closed_at=timezone.now())
    _refresh_from(case, locked)
    return locked


def _refresh_from(case: Case, current: Case) -> None:
    """Bring the caller's copy up to date from the row the transition has just saved: what
    `case.refresh_from_db()` would read, without reading it again (one query less per action).
    Nothing else writes the case row inside the transition (effects change `locked` only)."""
    case._prefetched_objects_cache = {}
    for field in Case._meta.concrete_fields:
        setattr(case, field.attname, getattr(current, field.attname))
        if field.is_relation:
            if field.is_cached(current):
                field.set_cached_value(case, field.get_cached_value(current))
            elif field.is_cached(case):
                field.delete_cached_value(case)
    for relation in Case._meta.related_objects:
        if relation.is_cached(case):
            relation.delete_cached_value(case)


def _transition(case: Case, action: str) -> Transition:
    transition = transition_for(case.type, action)
    if transition is None:
        from ..workflow import ACTIONS

        raise (
            errors.action_unknown(action)
            if action not in ACTIONS
            else errors.action_not_for_type(action, case.type)
        )
    return transition


def check_allowed(case: Case, actor, transition: Transition) -> None:
    """Role, ownership and status checks shared with the 'available actions' selector.

    Transitions open to the system role (timeouts, auto-approval) are fired by the system itself
    (actor None); an integration user, who also has the system role, is not the system and may
    fire none of them."""
    role = actor_role(actor)
    if actor is not None and role == Role.SYSTEM:
        role = "integration"
    if not role_may(transition, role):
        raise errors.role_forbidden(transition.action)
    if actor is not None and actor.role in EXTERNAL_ROLES and actor.customer_id != case.customer_id:
        raise errors.not_own_case()
    if case.status not in transition.sources:
        raise errors.action_not_in_status(transition.action, case.get_status_display())


def _check_inputs(transition: Transition, inputs: dict) -> None:
    missing = {
        i.name: (i.zh, i.en)
        for i in transition.inputs
        if i.required and (inputs.get(i.name) is None or inputs.get(i.name) == "" or inputs.get(i.name) == {})
    }
    if missing:
        raise errors.missing_inputs(missing)


def guard_failures(case: Case, transition: Transition) -> list:
    if not transition.guards:
        return []  # most transitions have none: no need to read the settings row (a query)
    settings = CaseSettings.current()
    failures = []
    for guard in transition.guards:
        result = guard.check(case, settings)
        if not result.ok:
            failures.append((guard, result))
    return failures


def _check_guards(case: Case, transition: Transition) -> None:
    failures = guard_failures(case, transition)
    if failures:
        guard, result = failures[0]
        raise errors.guard_failed(guard.name, result.zh, result.en)


# --- effects: each changes the case (and its satellites) and returns the event data ----------

RETURN_SOLUTIONS = {
    "pickup": "上门取件 / Pickup",
    "self_ship": "自行寄回 / Self-ship",
    "drop_off": "送至网点 / Drop-off",
}
REPAIR_SOLUTIONS = {**RETURN_SOLUTIONS, "onsite": "上门维修 / On-site repair"}


@effect("approve")
def _approve(case: Case, actor, inputs: dict) -> dict:
    if case.type == CaseType.REFUND_ONLY:
        return {"note": inputs.get("note", "")}
    options = REPAIR_SOLUTIONS if case.type == CaseType.REPAIR else RETURN_SOLUTIONS
    solution = inputs["solution"]
    if solution not in options:
        raise errors.invalid_input(
            "solution",
            "无效的方案:{value}",
            "Invalid solution: {value}",
            value=solution,
            options=list(options),
        )
    case.solution = solution
    return {"solution": solution, "note": inputs.get("note", "")}


@effect("confirm_solution")
def _confirm_solution(case, actor, inputs):
    return {"solution": case.solution, "note": inputs.get("note", "")}


@effect("decline_solution")
def _decline_solution(case, actor, inputs):
    case.solution = ""
    return {"reason": inputs["reason"]}


def _shipment(inputs: dict) -> tuple[str, str]:
    carrier = str(inputs["carrier"]).upper()
    number = normalise_tracking(str(inputs["tracking_number"]))
    if carrier not in CARRIERS:
        raise errors.invalid_input(
            "carrier", "不支持的承运商:{value}", "Unknown carrier: {value}", value=inputs["carrier"]
        )
    if not tracking_valid(carrier, number):
        zh, en, _pattern = CARRIERS[carrier]
        raise errors.invalid_input(
            "tracking_number",
            "运单号「{value}」不符合{carrier_zh}的格式",
            "Tracking number '{value}' is not a valid {carrier_en} number",
            value=inputs["tracking_number"],
            carrier_zh=zh,
            carrier_en=en,
        )
    return carrier, number


@effect("ship_back")
def _ship_back(case, actor, inputs):
    case.return_carrier, case.return_tracking_number = _shipment(inputs)
    return {"carrier": case.return_carrier, "tracking_number": case.return_tracking_number}


@effect("receive")
def _receive(case, actor, inputs):
    """Seed S2 仓库确认实际退货入库数量: every line's actual quantity, short receipts recorded."""
    if not isinstance(inputs["received"], Mapping):
        raise errors.invalid_input(
            "received", "请按行填写实收数量", "Give the quantity received for each line"
        )
    received = {str(k): v for k, v in inputs["received"].items()}
    lines = list(case.lines.select_related("order_line__product"))
    unknown = set(received) - {str(line.id) for line in lines}
    if unknown:
        raise errors.invalid_input("received", "包含不属于本工单的行", "Contains lines not on this case")
    result = []
    for n, line in enumerate(lines, start=1):
        qty = received.get(str(line.id))
        if not isinstance(qty, int) or isinstance(qty, bool) or qty < 0:
            raise errors.invalid_input(
                f"received[{line.id}]",
                "第 {n} 行:请填写实收数量(0 或正整数)",
                "Line {n}: enter the quantity received (0 or more)",
                n=n,
            )
        if qty > line.quantity:
            raise errors.invalid_input(
                f"received[{line.id}]",
                "第 {n} 行:实收 {qty} 多于申请 {requested},多出的货品请另行登记",
                "Line {n}: {qty} received but {requested} requested; record extra items separately",
                n=n,
                qty=qty,
                requested=line.quantity,
            )
        line.quantity_received = qty
        line.save(update_fields=["quantity_received", "updated_at"])
        result.append(
            {"line": str(line.id), "requested": line.quantity, "received": qty, "short": line.quantity - qty}
        )
    return {"lines": result, "note": inputs.get("note", "")}


@effect("confirm_cause")
def _confirm_cause(case, actor, inputs):
    is_ours = inputs["is_our_product"]
    if isinstance(is_ours, str):
        is_ours = {
            "true": True,
            "yes": True,
            "1": True,
            "是": True,
            "false": False,
            "no": False,
            "0": False,
            "否": False,
        }.get(is_ours.lower())
    if not isinstance(is_ours, bool):
        raise errors.invalid_input("is_our_product", "请选择是否本厂产品", "Say whether it is our product")
    if inputs["stage"] not in CaseCause.Stage.values:
        raise errors.invalid_input(
            "stage", "无效的问题环节:{value}", "Invalid stage: {value}", value=inputs["stage"]
        )
    # A case reviewed again (rejection overturned, reopened) is confirmed again: the latest
    # confirmation is the case's cause; the timeline keeps every earlier one.
    cause, _created = CaseCause.objects.update_or_create(
        case=case,
        defaults={
            "is_our_product": is_ours,
            "stage": inputs["stage"],
            "responsible_department": inputs["responsible_department"],
            "responsible_person": inputs.get("responsible_person", ""),
            "handling": inputs["handling"],
            "description": inputs.get("description", ""),
            "confirmed_by": actor,
        },
    )
    return {
        "is_our_product": cause.is_our_product,
        "stage": cause.stage,
        "responsible_department": cause.responsible_department,
        "responsible_person": cause.responsible_person,
        "handling": cause.handling,
    }


@effect("gm_approve")
def _gm_approve(case, actor, inputs):
    case.gm_approved_at = timezone.now()
    return {"opinion": inputs["opinion"], "claimed_amount": str(case.claimed_amount)}


def _reject(case, actor, inputs):
    case.rejection_reason = inputs["reason"]
    case.rejection_alternative = inputs["alternative"]
    quantities.release(lines=list(case.lines.all()))
    return {"reason": inputs["reason"], "alternative": inputs["alternative"]}


EFFECTS["reject"] = _reject
EFFECTS["gm_reject"] = _reject


@effect("refund")
def _refund(case, actor, inputs):
    """Seed S2 财务冲账 / S9 step 7: the value of the units actually received (return) or claimed
    (refund only), computed under the order-line locks; those units count as returned."""
    lines = list(case.lines.all())
    locked = quantities.lock_order_lines(line.order_line_id for line in lines)
    units = {
        line.id: (line.quantity_received or 0) if case.type == CaseType.RETURN_REFUND else line.quantity
        for line in lines
    }
    total = ZERO
    detail = []
    for line in lines:
        line.refund_amount = units_value(locked[line.order_line_id], units[line.id])
        line.save(update_fields=["refund_amount", "updated_at"])
        total += line.refund_amount
        detail.append({"line": str(line.id), "units": units[line.id], "amount": str(line.refund_amount)})
    quantities.settle_returned(lines=lines, quantities=units)
    case.refund_amount = total
    case.refund_reference = inputs["reference"]
    case.refunded_at = timezone.now()
    return {
        "amount": str(total),
        "reference": inputs["reference"],
        "lines": detail,
        "note": inputs.get("note", ""),
    }


@effect("ship_replacement")
def _ship_replacement(case, actor, inputs):
    case.outbound_carrier, case.outbound_tracking_number = _shipment(inputs)
    quantities.release(lines=list(case.lines.all()))
    return {"carrier": case.outbound_carrier, "tracking_number": case.outbound_tracking_number}


@effect("start_repair")
def _start_repair(case, actor, inputs):
    return {"note": inputs.get("note", "")}


@effect("finish_repair")
def _finish_repair(case, actor, inputs):
    case.outbound_carrier, case.outbound_tracking_number = _shipment(inputs)
    case.resolution = inputs["result"]
    quantities.release(lines=list(case.lines.all()))
    return {
        "result": inputs["result"],
        "carrier": case.outbound_carrier,
        "tracking_number": case.outbound_tracking_number,
    }


@effect("answer")
def _answer(case, actor, inputs):
    case.resolution = inputs["answer"]
    return {"answer": inputs["answer"]}


@effect("schedule_visit")
def _schedule_visit(case, actor, inputs):
    visit_at = inputs["visit_at"]
    if isinstance(visit_at, str):
        visit_at = parse_datetime(visit_at)
    if not isinstance(visit_at, datetime):
        raise errors.invalid_input(
            "visit_at", "上门时间格式不正确", "The visit time is not a valid date and time"
        )
    if timezone.is_naive(visit_at):
        visit_at = timezone.make_aware(visit_at)
    return {"visit_at": visit_at.isoformat(), "technician": inputs["technician"]}


@effect("record_inspection")
def _record_inspection(case, actor, inputs):
    if inputs["result"] not in {"passed", "issues_found"}:
        raise errors.invalid_input(
            "result", "验收结论须为「通过」或「发现问题」", "The result must be 'passed' or 'issues_found'"
        )
    if inputs["result"] == "issues_found" and not inputs.get("findings"):
        raise errors.invalid_input("findings", "请描述发现的问题", "Describe the issues found")
    case.resolution = inputs.get("findings") or inputs["result"]
    return {"result": inputs["result"], "findings": inputs.get("findings", "")}


@effect("appeal")
def _appeal(case, actor, inputs):
    return {"reason": inputs["reason"]}


@effect("uphold_rejection")
def _uphold(case, actor, inputs):
    case.closed_at = timezone.now()
    return {"opinion": inputs["opinion"]}


def _rehold(case) -> None:
    lines = [line for line in case.lines.all() if line.hold_state == HoldState.RELEASED]
    if lines:
        quantities.hold(lines=lines)


@effect("overturn_rejection")
def _overturn(case, actor, inputs):
    _rehold(case)
    case.rejection_reason = ""
    case.rejection_alternative = ""
    case.gm_approved_at = None  # a new review round needs its own approval
    return {"opinion": inputs["opinion"]}


@effect("cancel")
def _cancel(case, actor, inputs):
    quantities.release(lines=list(case.lines.all()))
    case.closed_at = timezone.now()
    return {"reason": inputs["reason"]}


@effect("expire")
def _expire(case, actor, inputs):
    """Two-sided timeout (sla.rules): the customer did not confirm or ship in time."""
    quantities.release(lines=list(case.lines.all()))
    case.closed_at = timezone.now()
    return {"reason": inputs["reason"]}


@effect("auto_refund")
def _auto_refund(case, actor, inputs):
    """Two-sided timeout (sla.rules receipt_timeout, action "refund"): the carrier delivered and
    the warehouse did not confirm receipt in time, so every unit counts as received and the
    refund is made as finance would (the same amounts, settled on the order lines)."""
    deemed = []
    for line in case.lines.all():
        line.quantity_received = line.quantity
        line.save(update_fields=["quantity_received", "updated_at"])
        deemed.append({"line": str(line.id), "received": line.quantity})
    return {**_refund(case, actor, inputs), "deemed_received": deemed}


@effect("close")
def _close(case, actor, inputs):
    quantities.release(lines=list(case.lines.all()))
    case.closed_at = timezone.now()
    return {"note": inputs.get("note", "")}


@effect("reopen")
def _reopen(case, actor, inputs):
    _rehold(case)
    case.closed_at = None
    case.resolution = ""
    case.gm_approved_at = None  # a new review round needs its own approval
    return {"reason": inputs["reason"]}
