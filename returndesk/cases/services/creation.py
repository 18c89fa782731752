"""Opening a case (seed S6 steps 1–2, S8 2.2, S9 steps 1–2)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from returndesk.accounts.roles import EXTERNAL_ROLES, Role
from returndesk.catalog.models import CustomerType
from returndesk.core.errors import DomainError
from returndesk.core.money import ZERO
from returndesk.core.numbering import next_number
from returndesk.exchanges.selectors import serials_with_customer
from returndesk.orders.models import OrderLine
from returndesk.policies.selectors import policy_of
from returndesk.policies.services import policy_version_current
from returndesk.sla import services as sla_services

from .. import errors
from .. import policy as case_policy
from ..models import (
    LINELESS_TYPES,
    PRIORITY_RANK,
    QUANTITY_HOLDING_TYPES,
    Case,
    CaseChannel,
    CaseLine,
    CaseType,
    HoldState,
    Priority,
    ReturnReason,
)
from . import quantities
from .amounts import parsed_line_value
from .events import event_record
from .transitions import case_transition, guard_failures

CASE_NUMBER_PREFIX = "RT"
AUTO_APPROVE_SOLUTION = "self_ship"  # the customer ships back; no pickup is booked without staff
# Role.SYSTEM here is an integration user (a shop or ERP opening cases over the API, channel "api").
INTAKE_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR, Role.SALES, Role.SYSTEM})


def case_create(
    *,
    actor,
    customer,
    type: str,
    channel: str,
    lines: Iterable[dict] = (),
    description: str = "",
    priority: str | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    assignee=None,
    team=None,
    override_reason: str = "",
    origin: dict | None = None,
) -> Case:
    """Open an after-sales case for `customer` with lines pointing at that customer's order lines.

    Rules: only leaf reasons (DOMAIN.md "Reason"); quantities within what is returnable, reserved
    under row locks (shipped − returned − held); serial numbers must be among those sold; key
    accounts are raised to high priority and urgent reasons to urgent (seed S1 四.2 优先处理);
    customers and distributors open cases only for themselves.

    Policy (docs/policies.md): the request is evaluated against the current policy version and
    the decision is stored on the case with that version. A line refused at intake refuses the
    case unless a supervisor, sales or the GM gives `override_reason` (recorded in the `created`
    event with the bypassed rules); customers and distributors never override. A decision that
    says auto-approve fires `approve` as the system right after (a second event, by another actor).
    A repair the warranty no longer covers is opened as a paid repair (case_policy.PAID_REPAIR_RULES).

    `origin` says where the request came from (e.g. the acceptance case whose findings opened it);
    it is kept in the `created` event.
    """
    _check_actor(actor, customer)
    if type not in CaseType.values:
        raise errors.invalid_input("type", "无效的工单类型:{value}", "Invalid case type: {value}", value=type)
    if channel not in CaseChannel.values:
        raise errors.invalid_input(
            "channel", "无效的受理渠道:{value}", "Invalid channel: {value}", value=channel
        )
    if priority is not None and priority not in Priority.values:
        raise errors.invalid_input(
            "priority", "无效的优先级:{value}", "Invalid priority: {value}", value=priority
        )
    specs = list(lines)
    if not specs and type not in LINELESS_TYPES:
        raise DomainError(
            "case.no_lines",
            "请至少选择一件商品",
            "Choose at least one item",
            fields={"lines": ("请至少选择一件商品", "Choose at least one item")},
        )
    with transaction.atomic():
        order_lines = _load_order_lines(specs, customer)
        parsed = [_parse_line(i, spec, order_lines) for i, spec in enumerate(specs, start=1)]
        version = policy_version_current()
        decision = case_policy.evaluate_lines(
            customer=customer, case_type=type, parsed=parsed, policy=policy_of(version)
        )
        override = _policy_gate(actor, decision, override_reason.strip(), case_type=type)
        holds = type in QUANTITY_HOLDING_TYPES
        # The claimed value is known before the row is written: the restocking fee may not
        # exceed it (DB check case_restocking_fee_within_claim), so a fee > 0 needs it at insert.
        claimed = [parsed_line_value(p) if holds else ZERO for p in parsed]
        case = Case.objects.create(
            number=next_number(CASE_NUMBER_PREFIX),
            type=type,
            channel=channel,
            customer=customer,
            priority=_priority(customer, parsed, priority),
            created_by=actor,
            description=description.strip(),
            contact_name=contact_name or customer.contact_name or customer.name,
            contact_phone=contact_phone or customer.phone,
            contact_email=contact_email or customer.email,
            assignee=assignee,
            team=team,
            policy_version=version,
            policy_decision=decision.to_json(),
            policy_override=override,
            restocking_fee=decision.restocking_fee,
            return_shipping_payer=decision.shipping_payer,
            claimed_amount=sum(claimed, ZERO),
        )
        case_lines = [
            CaseLine.objects.create(
                case=case,
                order_line=p["order_line"],
                quantity=p["quantity"],
                reason=p["reason"],
                description=p["description"],
                serial_numbers=p["serial_numbers"],
                hold_state=HoldState.NONE,
                claimed_amount=amount,
            )
            for p, amount in zip(parsed, claimed, strict=True)
        ]
        if holds:
            quantities.hold(lines=case_lines)
        event_record(
            case=case,
            actor=actor,
            type="created",
            to_status=case.status,
            data={
                "type": type,
                "channel": channel,
                "priority": case.priority,
                "lines": [
                    {"order_line": str(cl.order_line_id), "quantity": cl.quantity, "reason": cl.reason.code}
                    for cl in case_lines
                ],
                "policy": {
                    "version": version.number,
                    "eligible": decision.eligible,
                    "rules": list(decision.rules),
                    **({"override": override} if override else {}),
                },
                **({"origin": origin} if origin else {}),
            },
        )
        # SLA clocks start with the case, and the rules armed on creation (sla.services).
        sla_services.clock_start(case=case, at=timezone.now())
        if decision.auto_approval is not None:
            _auto_approve(case, decision)
    return case


def _policy_gate(actor, decision, override_reason: str, *, case_type: str = "") -> dict:
    """Refuse a request the policy refuses at intake, unless staff allowed to override give a
    reason; return the override record (bypassed rules, reason, who, when) or {} if none.
    A refusal that only means "a paid repair is possible" does not stop a repair case."""
    refusals = tuple(
        ln for ln in decision.refusals() if not case_policy.paid_repair_possible(case_type, ln.rule)
    )
    if not refusals:
        return {}
    if override_reason:
        if actor.role not in case_policy.OVERRIDE_ROLES:
            raise errors.policy_override_forbidden()
        return {
            "rules": sorted({line.rule for line in refusals}),
            "reason": override_reason,
            "actor": str(actor.pk),
            "actor_role": str(actor.role),
            "at": timezone.now().isoformat(),
        }
    refused = [
        (n, line.rule, line.zh, line.en)
        for n, line in enumerate(decision.lines, start=1)
        if not line.eligible
        and line.refused_at == "intake"
        and not case_policy.paid_repair_possible(case_type, line.rule)
    ]
    if refused:
        raise errors.policy_refused(refused)
    return {}  # refused at review only (distributor rule): the case is opened, approval is blocked


def _auto_approve(case: Case, decision) -> None:
    """The policy's auto-approval (docs/policies.md): approve as the system with the default
    solution, when the approve transition's guards hold (otherwise staff review it as usual)."""
    from ..workflow import transition_for

    transition = transition_for(case.type, "approve")
    if transition is None or guard_failures(case, transition):
        return
    inputs = {} if case.type == CaseType.REFUND_ONLY else {"solution": AUTO_APPROVE_SOLUTION}
    rule = decision.auto_approval
    case_transition(
        case=case,
        actor=None,
        action="approve",
        system_rule=f"auto_approve.{rule.code}",
        note=f"自动审批:{rule.zh} / Auto-approved: {rule.en}",
        **inputs,
    )


def parse_request(*, actor, customer, type: str, lines: Iterable[dict]) -> list[dict]:
    """Check a request as case_create does — who may open it, its type, its lines (order lines of
    this customer, leaf reasons, quantities, serial numbers) — without writing anything. For the
    eligibility preview (cases.selectors.eligibility_check)."""
    _check_actor(actor, customer)
    if type not in CaseType.values:
        raise errors.invalid_input("type", "无效的工单类型:{value}", "Invalid case type: {value}", value=type)
    specs = list(lines)
    order_lines = _load_order_lines(specs, customer)
    return [_parse_line(i, spec, order_lines) for i, spec in enumerate(specs, start=1)]


def _check_actor(actor, customer) -> None:
    """Cases are opened by the intake departments (customer service, sales for distributor
    notices — seed S2/S8/S9) or by the customer or distributor for itself."""
    if actor is None:
        raise errors.role_forbidden("create")
    if actor.role in INTAKE_ROLES:
        return
    if actor.role in EXTERNAL_ROLES:
        if actor.customer_id != customer.id:
            raise errors.not_own_case()
        if actor.role == Role.DISTRIBUTOR and customer.type != CustomerType.DISTRIBUTOR:
            raise errors.not_own_case()
        return
    raise errors.role_forbidden("create")


def _order_line_id(ref) -> uuid.UUID | None:
    """An OrderLine, its UUID, or the UUID as text (API, forms); anything else matches nothing."""
    value = getattr(ref, "id", ref)
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _load_order_lines(specs: list[dict], customer) -> dict:
    ids = [_order_line_id(spec.get("order_line")) for spec in specs]
    found = {
        ol.id: ol
        for ol in OrderLine.objects.select_related("order", "product__category").filter(
            id__in=[i for i in ids if i]
        )
    }
    for i, ol_id in enumerate(ids, start=1):
        ol = found.get(ol_id)
        if ol is None or ol.order.customer_id != customer.id:
            # Same answer for "missing" and "someone else's": never reveal other customers' orders.
            raise errors.invalid_input(
                f"lines[{i}].order_line", "第 {n} 行:订单行不存在", "Line {n}: order line not found", n=i
            )
    if len(set(ids)) != len(ids):
        raise errors.invalid_input(
            "lines", "同一订单行在工单中只能出现一次", "Each order line may appear only once in a case"
        )
    return found


def _parse_line(n: int, spec: dict, order_lines: dict) -> dict:
    field = f"lines[{n}]"
    order_line = order_lines[_order_line_id(spec.get("order_line"))]
    quantity = spec.get("quantity")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise errors.invalid_input(
            f"{field}.quantity",
            "第 {n} 行:数量须为正整数",
            "Line {n}: quantity must be a positive whole number",
            n=n,
        )
    reason = spec.get("reason")
    if not isinstance(reason, ReturnReason):
        reason = ReturnReason.objects.filter(code=reason, is_active=True).first()
    if reason is None or not reason.is_active:
        raise errors.invalid_input(
            f"{field}.reason", "第 {n} 行:请选择退货原因", "Line {n}: choose a reason", n=n
        )
    if reason.children.exists():
        raise errors.invalid_input(
            f"{field}.reason",
            "第 {n} 行:请选择具体原因(「{name}」是分类)",
            "Line {n}: choose a specific reason ('{name_en}' is a group)",
            n=n,
            name=reason.name,
            name_en=reason.name_en,
        )
    serials = [str(s).strip() for s in spec.get("serial_numbers") or [] if str(s).strip()]
    # Sold on the line, or shipped as a replacement for a unit of it (exchanges, issue #5).
    sold = set(serials_with_customer(order_line)) if serials else set()
    unknown = [s for s in serials if s not in sold]
    if unknown:
        raise errors.invalid_input(
            f"{field}.serial_numbers",
            "第 {n} 行:序列号 {serials} 不属于该订单行",
            "Line {n}: serial number(s) {serials} were not sold on this order line",
            n=n,
            serials=", ".join(unknown),
        )
    if len(serials) != len(set(serials)) or len(serials) > quantity:
        raise errors.invalid_input(
            f"{field}.serial_numbers",
            "第 {n} 行:序列号重复或多于数量",
            "Line {n}: serial numbers repeat or outnumber the quantity",
            n=n,
        )
    not_intact = spec.get("not_intact") or []
    if not isinstance(not_intact, list | tuple) or not all(isinstance(c, str) for c in not_intact):
        raise errors.invalid_input(
            f"{field}.not_intact",
            "第 {n} 行:不完好项须为检查项代码列表",
            "Line {n}: not_intact lists check codes",
            n=n,
        )
    return {
        "order_line": order_line,
        "quantity": quantity,
        "reason": reason,
        "description": (spec.get("description") or "").strip(),
        "serial_numbers": serials,
        "unsealed": bool(spec.get("unsealed", False)),
        "not_intact": tuple(not_intact),
    }


def _priority(customer, parsed: list[dict], requested: str | None) -> str:
    level = Priority(requested) if requested else Priority.NORMAL
    if customer.type == CustomerType.KEY_ACCOUNT:
        level = max(level, Priority.HIGH, key=PRIORITY_RANK.__getitem__)
    if any(p["reason"].is_urgent for p in parsed):
        level = Priority.URGENT
    return level.value
