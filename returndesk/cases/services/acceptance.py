"""Delivery acceptance inspection (到货验收, seed S1 二.3): the structured findings recorded at
the customer's site, and opening a return or exchange case from them through the normal case
creation (policy evaluation included), linked both ways (issue #5)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from returndesk.acceptance import services as acceptance_services
from returndesk.accounts.roles import Role
from returndesk.exchanges.selectors import serials_with_customer
from returndesk.orders.models import OrderLine

from .. import errors
from ..models import Case, CaseType, ReturnReason, Status
from .creation import _order_line_id, case_create
from .events import event_record
from .transitions import effect

RESULTS = ("passed", "issues_found")
# Who opens the follow-up case: the intake departments (seed S1: customer service arranges it;
# sales for distributors).
FOLLOW_UP_OPENERS = frozenset({Role.AGENT, Role.SUPERVISOR, Role.SALES})
FOLLOW_UP_TYPES = (CaseType.RETURN_REFUND, CaseType.EXCHANGE)
FOLLOW_UP_STATUSES = frozenset({Status.INSPECTED, Status.CLOSED})


@effect("record_inspection")
def _record_inspection(case: Case, actor, inputs: dict) -> dict:
    """The result of the visit; when issues were found, each one per order line: the problem (a
    reason code), the quantity, a description and serial numbers. `findings` is a free summary."""
    result = inputs["result"]
    if result not in RESULTS:
        raise errors.invalid_input(
            "result", "验收结论须为「通过」或「发现问题」", "The result must be 'passed' or 'issues_found'"
        )
    raw = inputs.get("issues") or []
    if result == "issues_found" and not raw:
        raise errors.invalid_input(
            "issues",
            "请按订单行列出发现的问题(问题、数量)",
            "List the issues found by order line (problem, quantity)",
        )
    if result == "passed" and raw:
        raise errors.invalid_input(
            "issues", "验收通过时不能填写问题明细", "A passed inspection lists no issues"
        )
    findings = _parse_issues(case, raw)
    rows = acceptance_services.acceptance_record_findings(case=case, findings=findings)
    case.resolution = inputs.get("findings") or (
        "验收合格 / Passed" if result == "passed" else f"发现 {len(rows)} 项问题 / {len(rows)} issue(s) found"
    )
    return {
        "result": result,
        "findings": inputs.get("findings", ""),
        "issues": [
            {
                "position": row.position,
                "order_line": str(row.order_line_id),
                "order_number": row.order_line.order.number,
                "product": row.order_line.product.sku,
                "reason": row.reason.code,
                "quantity": row.quantity,
                "description": row.description,
                "serial_numbers": row.serial_numbers,
            }
            for row in rows
        ],
    }


def _parse_issues(case: Case, raw) -> list[acceptance_services.Finding]:
    if not isinstance(raw, list | tuple):
        raise errors.invalid_input("issues", "问题明细须为列表", "Issues must be a list")
    on_case = set(case.lines.values_list("order_line_id", flat=True))
    findings = []
    for n, item in enumerate(raw, start=1):
        field = f"issues[{n}]"
        if not isinstance(item, Mapping):
            raise errors.invalid_input(field, "第 {n} 项:格式不正确", "Issue {n}: not an object", n=n)
        order_line = (
            OrderLine.objects.select_related("order", "product")
            .filter(id=_order_line_id(item.get("order_line")), order__customer_id=case.customer_id)
            .first()
        )
        if order_line is None or (on_case and order_line.id not in on_case):
            raise errors.invalid_input(
                f"{field}.order_line", "第 {n} 项:订单行不存在或不属于本次验收",
                "Issue {n}: order line not found or not part of this inspection", n=n,
            )  # fmt: skip
        reason = _leaf_reason(item.get("reason"))
        if reason is None:
            raise errors.invalid_input(
                f"{field}.reason", "第 {n} 项:请选择具体的问题(原因代码)", "Issue {n}: choose a specific problem (reason code)",
                n=n,
            )  # fmt: skip
        quantity = item.get("quantity")
        if (
            not isinstance(quantity, int)
            or isinstance(quantity, bool)
            or not 0 < quantity <= order_line.quantity_shipped
        ):
            raise errors.invalid_input(
                f"{field}.quantity", "第 {n} 项:数量须为 1 至 {shipped} 的整数",
                "Issue {n}: the quantity must be a whole number from 1 to {shipped}", n=n,
                shipped=order_line.quantity_shipped,
            )  # fmt: skip
        serials = [str(s).strip() for s in item.get("serial_numbers") or [] if str(s).strip()]
        sold = set(serials_with_customer(order_line))
        if (
            any(s not in sold for s in serials)
            or len(serials) != len(set(serials))
            or len(serials) > quantity
        ):
            raise errors.invalid_input(
                f"{field}.serial_numbers", "第 {n} 项:序列号不属于该订单行、重复或多于数量",
                "Issue {n}: serial numbers not sold on the order line, repeated or more than the quantity", n=n,
            )  # fmt: skip
        findings.append(
            acceptance_services.Finding(
                order_line=order_line,
                reason=reason,
                quantity=quantity,
                description=str(item.get("description") or "").strip(),
                serial_numbers=tuple(serials),
            )
        )
    return findings


def _leaf_reason(code) -> ReturnReason | None:
    if not isinstance(code, str) or not code.strip():
        return None
    reason = ReturnReason.objects.filter(code=code.strip(), is_active=True).first()
    if reason is None or reason.children.exists():
        return None
    return reason


def case_open_from_findings(
    *,
    case: Case,
    actor,
    type: str,
    findings: list[int] | None = None,
    description: str = "",
    override_reason: str = "",
    expected_version=None,
) -> Case:
    """Open a return or exchange case for findings of an inspected acceptance case (seed S1 二.3:
    如发现问题 … 提供解决方案,包括免费维修、退换货). The new case is made by `case_create` — the same
    rules, quantity holds and policy evaluation as any other — with its lines from the findings;
    the findings point at it, the acceptance case's timeline gets one `follow_up_opened` event and
    a new version, and the new case's `created` event names its origin. All or nothing."""
    if actor is None or actor.role not in FOLLOW_UP_OPENERS:
        raise errors.role_forbidden("open_from_findings")
    if type not in FOLLOW_UP_TYPES:
        raise errors.invalid_input(
            "type", "只能开退货退款或换货工单", "Only a return or an exchange case can be opened", value=type
        )
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("customer").get(pk=case.pk)
        expected = case.version if expected_version is None else expected_version
        if locked.version != expected:
            raise errors.conflict(locked.number)
        if locked.type != CaseType.ACCEPTANCE or locked.status not in FOLLOW_UP_STATUSES:
            raise errors.action_not_in_status("open_from_findings", locked.get_status_display())
        chosen = acceptance_services.acceptance_findings_to_open(case=locked, positions=findings)
        opened = case_create(
            actor=actor, customer=locked.customer, type=type, channel=locked.channel,
            lines=[
                {
                    "order_line": f.order_line, "quantity": f.quantity, "reason": f.reason,
                    "description": f.description, "serial_numbers": list(f.serial_numbers),
                }
                for f in chosen
            ],
            description=description.strip() or f"到货验收 {locked.number} 发现的问题 / Issues found by acceptance {locked.number}",
            override_reason=override_reason,
            origin={"acceptance_case": locked.number, "findings": [f.position for f in chosen]},
        )  # fmt: skip
        acceptance_services.acceptance_link_case(findings=chosen, opened_case=opened)
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
        event_record(
            case=locked, actor=actor, type="follow_up_opened",
            data={"case_number": opened.number, "type": type, "findings": [f.position for f in chosen]},
        )  # fmt: skip
    case.refresh_from_db()
    return opened
