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
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from returndesk.accounts.roles import EXTERNAL_ROLES, Role
from returndesk.followups.services import followup_schedule
from returndesk.inspection import services as inspection
from returndesk.logistics import services as logistics
from returndesk.logistics.carriers import parse_shipment
from returndesk.logistics.models import ReturnMethod
from returndesk.logistics.selectors import return_shipment_current
from returndesk.notifications.services import outbox_enqueue
from returndesk.sla import services as sla_services

from .. import errors
from ..models import Case, CaseCause, CaseLine, CaseSettings, CaseType, HoldState, Status
from ..workflow import Transition, role_may, transition_for
from . import quantities
from .events import actor_role, event_record

Effect = Callable[[Case, object, dict], dict]
EFFECTS: dict[str, Effect] = {}
# Work an action needs once its transaction has committed (a refund's provider calls must never
# run inside the transaction): run at once when no transaction was open — then it returns the
# case as that work left it — else when the open one commits (returns None).
AFTER_COMMIT: dict[str, Callable[[Case], Case | None]] = {}


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
    after = AFTER_COMMIT[action](locked) if action in AFTER_COMMIT else None
    if after is not None:
        _refresh_from(case, after)
        return after
    return locked


def _refresh_from(case: Case, current: Case) -> None:
    """Bring the caller's copy up to date from the row the transition has just saved: what
    `case.refresh_from_db()` would read, without reading it again (one query less per action).
    Nothing else writes the case row inside the transition (effects change `locked` only).
    A related object the caller had loaded (assignee, creator…) is kept while the case still
    points at the same row, so an answer built from the copy does not read it again."""
    case._prefetched_objects_cache = {}
    for field in Case._meta.concrete_fields:
        before = case.__dict__.get(field.attname)  # not getattr: a deferred field would be read
        setattr(case, field.attname, getattr(current, field.attname))
        if field.is_relation:
            if field.is_cached(current):
                field.set_cached_value(case, field.get_cached_value(current))
            elif field.is_cached(case) and before != getattr(current, field.attname):
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
    """The guards of a transition ask about the lines several times (quality reasons, the
    amount at stake, what was received): the lines are read once, with their order lines,
    orders and reasons, for all of them — and forgotten afterwards, so the effect reads the
    lines it changes afresh."""
    if any(guard.reads_lines for guard in transition.guards):
        lines = CaseLine.objects.select_related("order_line__order", "reason")
        prefetch_related_objects([case], Prefetch("lines", queryset=lines))
        case._guard_lines = True
    try:
        failures = guard_failures(case, transition)
    finally:
        case._guard_lines = False
        getattr(case, "_prefetched_objects_cache", {}).pop("lines", None)
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


# Goods come into stock (become the company's) on these types; a repair stays the customer's.
STOCK_TYPES = frozenset({CaseType.RETURN_REFUND, CaseType.EXCHANGE})


@effect("confirm_solution")
def _confirm_solution(case, actor, inputs):
    """Seed S9 step 4–5: the customer confirms and chooses how the goods come back — pickup
    (window, address, carrier; booked through the carrier's adapter after commit), self-ship or
    drop-off (the right warehouse's return address; the deadline is the SLA ship timeout)."""
    data = {"solution": case.solution, "note": inputs.get("note", "")}
    method = inputs.get("return_method") or case.solution
    if method not in ReturnMethod.values:
        if inputs.get("return_method"):
            raise errors.invalid_input(
                "return_method", "无效的退货方式:{value}", "Invalid return method: {value}",
                value=inputs["return_method"], options=list(ReturnMethod.values),
            )  # fmt: skip
        return data  # e.g. an on-site repair: nothing is shipped
    customer = case.customer
    shipment = logistics.return_shipment_plan(
        case=case, method=method,
        sender_name=inputs.get("pickup_contact") or case.contact_name or customer.contact_name or customer.name,
        sender_phone=inputs.get("pickup_phone") or case.contact_phone or customer.phone,
        sender_address=inputs.get("pickup_address") or customer.address,
        pickup_window_start=inputs.get("pickup_window_start"), pickup_window_end=inputs.get("pickup_window_end"),
        carrier=inputs.get("carrier", ""),
    )  # fmt: skip
    case.solution = method
    data.update(
        solution=method, return_method=method, warehouse=shipment.warehouse.code,
        return_address=shipment.ship_to_address,
    )  # fmt: skip
    if method == ReturnMethod.PICKUP:
        data.update(pickup_address=shipment.sender_address, carrier=shipment.carrier)
        if shipment.pickup_window_start is not None:
            data.update(
                pickup_window_start=shipment.pickup_window_start.isoformat(),
                pickup_window_end=shipment.pickup_window_end.isoformat(),
            )
        if shipment.pickup_window_start is not None and shipment.carrier:
            # The carrier's adapter books it once this transaction has committed (cases/notify.py);
            # without a window or carrier yet, staff agree them with the customer and book by hand.
            outbox_enqueue(
                topic="case.pickup_book", payload={"case_id": str(case.id), "shipment_id": str(shipment.id)},
                dedupe_key=f"pickup-book-{shipment.id}",
            )  # fmt: skip
    return data


@effect("decline_solution")
def _decline_solution(case, actor, inputs):
    case.solution = ""
    return {"reason": inputs["reason"]}


def _shipment(inputs: dict) -> tuple[str, str]:
    """An outbound shipment's carrier and number, checked per carrier (logistics.carriers)."""
    return parse_shipment(inputs["carrier"], inputs["tracking_number"])


@effect("ship_back")
def _ship_back(case, actor, inputs):
    case.return_carrier, case.return_tracking_number = logistics.return_shipment_ship(
        case=case, carrier=inputs["carrier"], tracking_number=inputs["tracking_number"]
    )
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
    result = {}
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
                "第 {n} 行:实收 {qty} 多于申请 {requested},多出的货品请登记为多收(extras)",
                "Line {n}: {qty} received but {requested} requested; record the extra units as over (extras)",
                n=n,
                qty=qty,
                requested=line.quantity,
            )
        line.quantity_received = qty
        line.quantity_accepted = None
        line.save(update_fields=["quantity_received", "quantity_accepted", "updated_at"])
        result[str(line.id)] = qty
    # What arrived per unit (serials checked against the sale), what arrived besides (over,
    # unexpected), and the units into stock awaiting inspection (inspection app).
    shipment = return_shipment_current(case)
    _receipt, summary = inspection.receipt_record(
        case=case, actor=actor, received=result, serial_numbers=inputs.get("serial_numbers"),
        extras=inputs.get("extras"), warehouse=inputs.get("warehouse"),
        default_warehouse=shipment.warehouse if shipment is not None and shipment.is_open else None,
        into_stock=case.type in STOCK_TYPES, note=inputs.get("note", ""),
    )  # fmt: skip
    logistics.return_shipment_receive(case=case)
    return {**summary, "note": inputs.get("note", "")}


@effect("inspect")
def _inspect(case, actor, inputs):
    """Seed S9 step 6 验收: every unit received is graded and checked; accepted units are what a
    refund may pay for (CaseLine.quantity_accepted), with the deductions their failed points imply
    under the case's stored policy decision; a disposition may be given at once."""
    outcome = inspection.inspection_record(
        case=case, actor=actor, units=inputs["units"],
        deduction_schedule=(case.policy_decision or {}).get("deductions", []),
        attachments=list(case.attachments.all()),
    )  # fmt: skip
    for line in case.lines.all():
        line.quantity_accepted = outcome["accepted"].get(line.id, 0)
        line.save(update_fields=["quantity_accepted", "updated_at"])
    accepted = sum(outcome["accepted"].values())
    return {
        "accepted": accepted, "rejected": len(outcome["units"]) - accepted, "units": outcome["units"],
        "note": inputs.get("note", ""),
    }  # fmt: skip


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
            "batch_lot": inputs.get("batch_lot", ""),
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
        "batch_lot": cause.batch_lot,
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


@effect("start_repair")
def _start_repair(case, actor, inputs):
    return {"note": inputs.get("note", "")}


# ship_replacement, finish_repair, record_inspection and the other exchange, repair and
# acceptance effects are in exchange.py, repair.py and acceptance.py (issue #5).


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


def _call_off_shipment(case) -> None:
    """The goods will not come: the open return shipment is cancelled; a pickup an adapter had
    booked is cancelled with the carrier after commit (cases/notify.py)."""
    shipment = logistics.return_shipment_cancel(case=case)
    if shipment is not None and shipment.booking_reference and shipment.adapter not in ("", "manual"):
        outbox_enqueue(
            topic="case.pickup_cancel", payload={"case_id": str(case.id), "shipment_id": str(shipment.id)},
            dedupe_key=f"pickup-cancel-{shipment.id}",
        )  # fmt: skip


@effect("cancel")
def _cancel(case, actor, inputs):
    _call_off_shipment(case)
    quantities.release(lines=list(case.lines.all()))
    case.closed_at = timezone.now()
    return {"reason": inputs["reason"]}


@effect("expire")
def _expire(case, actor, inputs):
    """Two-sided timeout (sla.rules): the customer did not confirm or ship in time."""
    _call_off_shipment(case)
    quantities.release(lines=list(case.lines.all()))
    case.closed_at = timezone.now()
    return {"reason": inputs["reason"]}


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
