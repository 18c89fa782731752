"""Opening a case (seed S6 steps 1–2, S8 2.2, S9 steps 1–2)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import transaction

from returndesk.accounts.roles import EXTERNAL_ROLES, Role
from returndesk.catalog.models import CustomerType
from returndesk.core.errors import DomainError
from returndesk.core.money import ZERO
from returndesk.core.numbering import next_number
from returndesk.orders.models import OrderLine

from .. import errors
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
from .amounts import units_value
from .events import event_record

CASE_NUMBER_PREFIX = "RT"
INTAKE_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR, Role.SALES})


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
) -> Case:
    """Open an after-sales case for `customer` with lines pointing at that customer's order lines.

    Rules: only leaf reasons (DOMAIN.md "Reason"); quantities within what is returnable, reserved
    under row locks (shipped − returned − held); serial numbers must be among those sold; key
    accounts are raised to high priority and urgent reasons to urgent (seed S1 四.2 优先处理);
    customers and distributors open cases only for themselves.
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
        )
        holds = type in QUANTITY_HOLDING_TYPES
        case_lines = [
            CaseLine.objects.create(
                case=case,
                order_line=p["order_line"],
                quantity=p["quantity"],
                reason=p["reason"],
                description=p["description"],
                serial_numbers=p["serial_numbers"],
                hold_state=HoldState.NONE,
                claimed_amount=units_value(p["order_line"], p["quantity"]) if holds else ZERO,
            )
            for p in parsed
        ]
        if holds:
            quantities.hold(lines=case_lines)
        case.claimed_amount = sum((cl.claimed_amount for cl in case_lines), ZERO)
        case.save(update_fields=["claimed_amount", "updated_at"])
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
            },
        )
    return case


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
        for ol in OrderLine.objects.select_related("order", "product").filter(id__in=[i for i in ids if i])
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
    sold = set(order_line.serial_numbers or [])
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
    return {
        "order_line": order_line,
        "quantity": quantity,
        "reason": reason,
        "description": (spec.get("description") or "").strip(),
        "serial_numbers": serials,
    }


def _priority(customer, parsed: list[dict], requested: str | None) -> str:
    level = Priority(requested) if requested else Priority.NORMAL
    if customer.type == CustomerType.KEY_ACCOUNT:
        level = max(level, Priority.HIGH, key=PRIORITY_RANK.__getitem__)
    if any(p["reason"].is_urgent for p in parsed):
        level = Priority.URGENT
    return level.value
