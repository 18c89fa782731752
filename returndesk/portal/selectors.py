"""Reads of the portal, one per page, each limited to what the visitor may see: a registered
customer or distributor sees its own cases and orders (cases.selectors.case_visible_to,
orders.selectors.order_visible_to); a visitor who found an order with a one-time code sees only
that order and the cases with a line on it. Anything else is NotFound, exactly like a case or
order that does not exist."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet

from returndesk.cases import errors as case_errors
from returndesk.cases import selectors as case_selectors
from returndesk.cases.models import Attachment, Case, CaseLine, CaseType, ReturnReason, Status
from returndesk.cases.policy import open_refusals
from returndesk.core.errors import NotFound
from returndesk.core.i18n import pick_pair
from returndesk.followups.models import FollowUp, FollowUpStatus
from returndesk.followups.selectors import followup_for_case
from returndesk.logistics.carriers import CARRIERS
from returndesk.logistics.selectors import ReturnInstructions, return_instructions
from returndesk.orders.models import Order, OrderLine
from returndesk.orders.selectors import order_visible_to
from returndesk.policies.decisions import Decision
from returndesk.repairs.models import Repair, RepairQuoteItem
from returndesk.repairs.selectors import repair_of_case
from returndesk.sla.rules import RuleCode, TargetKind
from returndesk.sla.selectors import case_sla_view, customer_deadline

from . import panels, texts
from .access import PortalAccess
from .refund_status import PortalRefund, portal_refund

# What a customer may ask for in the portal (consultations and acceptance visits go to the desk).
REQUEST_TYPES = (CaseType.RETURN_REFUND, CaseType.EXCHANGE, CaseType.REPAIR, CaseType.REFUND_ONLY)
# The return shipment (address, deadline, pickup, label) is shown from confirming to receipt.
SHIPPING_STATUSES = frozenset({Status.AWAITING_RETURN, Status.IN_TRANSIT})
# The refund card: from the moment finance starts it (the case may close or reopen later).
REFUND_STATUSES = frozenset({Status.REFUND_PENDING, Status.REFUND_FAILED, Status.REFUNDED, Status.CLOSED})
# Workflow actions the portal offers, each a form on the case page.
PORTAL_ACTIONS = (
    "confirm_solution", "decline_solution", "ship_back", "cancel", "appeal", "accept_quote", "decline_quote",
)  # fmt: skip


def order_not_found() -> NotFound:
    return NotFound("order.not_found", "订单不存在", "Order not found")


# --- cases ------------------------------------------------------------------------------------


def portal_cases(*, access: PortalAccess) -> QuerySet[Case]:
    cases = case_selectors.case_visible_to(access.user)
    if access.order_id is not None:
        on_order = CaseLine.objects.filter(case=OuterRef("pk"), order_line__order_id=access.order_id)
        cases = cases.filter(Exists(on_order))
    return cases.order_by("-created_at", "-number")


def portal_case_get(*, access: PortalAccess, case_id) -> Case:
    case = portal_cases(access=access).filter(id=case_id).first()
    if case is None:  # someone else's case looks exactly like a missing one
        raise case_errors.not_found()
    return case


@dataclass(frozen=True)
class CaseRow:
    case: Case
    refused: bool  # the policy refused it at review (distributor rule), not yet decided by staff


def portal_case_list(*, access: PortalAccess, limit: int = 100) -> list[CaseRow]:
    cases = portal_cases(access=access).prefetch_related(case_selectors.case_lines_prefetch())[:limit]
    return [CaseRow(c, c.status == Status.SUBMITTED and bool(open_refusals(c, "review"))) for c in cases]


# --- orders -----------------------------------------------------------------------------------


def portal_orders(*, access: PortalAccess) -> QuerySet[Order]:
    orders = order_visible_to(access.user).order_by("-placed_at", "number")
    if access.order_id is not None:
        orders = orders.filter(id=access.order_id)
    return orders


@dataclass(frozen=True)
class Home:
    access: PortalAccess
    cases: list[CaseRow]
    orders: list[Order]


def portal_home(*, access: PortalAccess) -> Home:
    return Home(access, portal_case_list(access=access, limit=20), list(portal_orders(access=access)[:10]))


# --- the request form and its policy preview ------------------------------------------------------


@dataclass(frozen=True)
class ReasonGroup:
    name: str
    leaves: list[ReturnReason]


@dataclass(frozen=True)
class RequestForm:
    orders: list[Order]
    lines: list[OrderLine]  # lines of those orders, with returnable_quantity
    reasons: list[ReasonGroup]
    types: tuple[CaseType, ...] = REQUEST_TYPES

    @property
    def returnable(self) -> bool:
        return any(line.returnable_quantity > 0 for line in self.lines)


def reason_groups() -> list[ReasonGroup]:
    """Active leaf reasons grouped under their parent (only leaves can be chosen)."""
    reasons = list(ReturnReason.objects.filter(is_active=True).select_related("parent"))
    parents = {r.parent_id for r in reasons if r.parent_id}
    groups: dict[str, ReasonGroup] = {}
    for reason in reasons:
        if reason.id in parents:
            continue
        group = reason.parent or reason
        name = pick_pair(group.name, group.name_en) if reason.parent else ""
        groups.setdefault(str(group.id) if reason.parent else "", ReasonGroup(name, [])).leaves.append(reason)
    return list(groups.values())


def portal_request_form(*, access: PortalAccess, order_ids: Iterable = ()) -> RequestForm:
    """The orders to return from (those chosen, or all the visitor may see, newest first, at most
    20), their lines with what is still returnable, and the leaf reasons. An order the visitor may
    not see is NotFound."""
    orders = portal_orders(access=access)
    wanted = [str(i) for i in order_ids if i]
    if wanted:
        chosen = list(orders.filter(id__in=_uuids(wanted)))
        if len(chosen) != len(set(wanted)):
            raise order_not_found()
        orders_list = chosen
    else:
        orders_list = list(orders[:20])
    lines = [line for order in orders_list for line in order.lines.all()]
    return RequestForm(orders_list, lines, reason_groups())


def _uuids(values: Iterable[str]) -> list:
    import uuid

    result = []
    for value in values:
        try:
            result.append(uuid.UUID(str(value)))
        except ValueError:
            raise order_not_found() from None
    return result


@dataclass(frozen=True)
class PreviewLine:
    order_line: OrderLine
    quantity: int
    decision: object  # policies LineDecision


@dataclass(frozen=True)
class Preview:
    decision: Decision
    lines: list[PreviewLine]
    reason: ReturnReason | None
    case_type: str

    @property
    def no_reason(self) -> bool:
        return self.reason is not None and self.reason.reason_class == "customer"

    @property
    def quality(self) -> bool:
        return self.reason is not None and self.reason.reason_class == "quality"


def portal_preview(
    *, access: PortalAccess, case_type: str, lines: list[dict], evidence_count: int = 0
) -> Preview:
    """What the current policy would decide for this request (cases.selectors.eligibility_check,
    nothing written), with the order lines it is about. DomainError for a request that cannot be
    asked at all (no line, a group reason, more than returnable is not checked here: the form
    caps it, creation refuses it)."""
    _check_scope(access, lines)
    decision = case_selectors.eligibility_check(
        user=access.user,
        customer=access.customer,
        case_type=case_type,
        lines=lines,
        evidence_count=evidence_count,
    )
    by_id = {
        str(ol.id): ol
        for ol in OrderLine.objects.select_related("order", "product").filter(
            id__in=[s["order_line"] for s in lines]
        )
    }
    quantities = {str(s["order_line"]): s["quantity"] for s in lines}
    reason_code = lines[0]["reason"] if lines else None
    reason = ReturnReason.objects.filter(code=reason_code).first() if reason_code else None
    return Preview(
        decision=decision,
        lines=[PreviewLine(by_id[d.key], quantities[d.key], d) for d in decision.lines],
        reason=reason,
        case_type=case_type,
    )


def _check_scope(access: PortalAccess, lines: list[dict]) -> None:
    """A guest asks only about lines of its order (cases already checks the customer)."""
    if access.order_id is None:
        return
    ids = [s["order_line"] for s in lines]
    inside = OrderLine.objects.filter(id__in=ids, order_id=access.order_id).count()
    if inside != len(set(ids)):
        raise order_not_found()


# --- one case ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CasePage:
    case: Case
    lines: list[CaseLine]
    steps: list[texts.Step]
    next: texts.NextStep
    actions: dict[str, case_selectors.AvailableAction]
    attachments: list[Attachment]
    refusal: str
    shipping: ReturnInstructions | None  # how the goods come back, once the solution is confirmed
    panels: list[panels.Rendered] = field(default_factory=list)
    followup: FollowUp | None = None
    quote: Repair | None = None  # a paid repair's quote while the customer decides (issue #5)
    quote_items: list[RepairQuoteItem] = field(default_factory=list)
    refund: PortalRefund | None = None  # once finance has started it
    carriers: list[tuple[str, str]] = field(default_factory=list)  # who can pick up (pickup form)

    @property
    def survey_open(self) -> bool:
        """The satisfaction survey is asked once the case is closed, until it is answered."""
        return self.case.status == Status.CLOSED and (
            self.followup is None or self.followup.status != FollowUpStatus.DONE
        )


def _due(case: Case) -> dict[str, datetime | None]:
    """The deadline that the case's status waits on: the customer's (confirm, ship), the
    warehouse's receipt, the legal refund deadline, or our reply (SLA targets in working time)."""
    s = case.status
    if s == Status.AWAITING_CUSTOMER:
        return {"confirm": customer_deadline(case_id=case.id, rules=(RuleCode.CONFIRM,))}
    if s == Status.AWAITING_RETURN:
        return {"ship": customer_deadline(case_id=case.id, rules=(RuleCode.SHIP,))}
    if s == Status.IN_TRANSIT:
        return {"receipt": customer_deadline(case_id=case.id, rules=(RuleCode.RECEIPT,))}
    if s in {Status.RECEIVED, Status.GOODS_INSPECTED, Status.CAUSE_CONFIRMED, Status.GM_APPROVED}:
        return {"refund": customer_deadline(case_id=case.id, rules=(RuleCode.REFUND_DEADLINE,))}
    # refund_pending / refund_failed / refunded: the arrival promised by route (portal_refund).
    if s == Status.SUBMITTED:
        view = case_sla_view(case)
        running = [t for t in (view.targets if view else []) if t.state == "running" and t.due_at]
        first = [t.due_at for t in running if t.kind == TargetKind.FIRST_RESPONSE]
        review = customer_deadline(case_id=case.id, rules=(RuleCode.REVIEW,))
        candidates = first or [t.due_at for t in running] or []
        if review:
            candidates.append(review)
        return {"reply": min(candidates) if candidates else None}
    # Exchanges and repairs after inspection (replacement_reserved, difference_paid, quote_pending,
    # ready_for_repair, quote_declined) have no customer deadline or legal deadline rule: no date.
    return {}


def refusal_text(case: Case) -> str:
    """The policy's refusal at review (seed S2: non-quality distributor returns) while staff have
    not overridden it, in the active language."""
    refused = open_refusals(case, "review")
    return pick_pair(refused[0]["zh"], refused[0]["en"]) if refused else ""


def portal_case_page(*, access: PortalAccess, case_id) -> CasePage:
    """One case for its customer: lines, the timeline in plain words (internal events never
    shown), what happens next and by when, the actions open now, files, and the return address."""
    case = portal_case_get(access=access, case_id=case_id)
    detail = case_selectors.case_detail(user=access.user, case_id=case.id)
    steps = [step for entry in detail.timeline if (step := texts.step_for(entry.event, case))]
    refusal = refusal_text(case) if case.status == Status.SUBMITTED else ""
    actions = {a.action: a for a in detail.actions if a.action in PORTAL_ACTIONS}
    shipping = return_instructions(case) if case.status in SHIPPING_STATUSES else None
    refund = portal_refund(case=case, user=access.user) if case.status in REFUND_STATUSES else None
    quote = repair_of_case(case=case) if case.status == Status.QUOTE_PENDING else None
    return CasePage(
        case=case,
        lines=detail.lines,
        steps=steps,
        next=texts.next_step(case, due=_due(case), refusal=refusal, refund=refund),
        actions=actions,
        attachments=list(case_selectors.attachment_list(case=case)),
        refusal=refusal,
        shipping=shipping,
        panels=panels.rendered_for(case=case, access=access),
        followup=followup_for_case(case) if case.status == Status.CLOSED else None,
        quote=quote,
        quote_items=list(quote.quote_items.all()) if quote else [],
        refund=refund,
        carriers=pickup_carriers()
        if case.status == Status.AWAITING_CUSTOMER and case.solution == "pickup"
        else [],
    )


def pickup_carriers() -> list[tuple[str, str]]:
    """The parcel carriers that pick up at the door (logistics: every carrier but "other")."""
    return [(code, texts.carrier_label(code)) for code in CARRIERS if code != "OTHER"]


def portal_attachment_get(*, access: PortalAccess, case_id, attachment_id) -> Attachment:
    case = portal_case_get(access=access, case_id=case_id)
    return case_selectors.attachment_get(user=access.user, case_id=case.id, attachment_id=attachment_id)


def portal_csv_check(*, access: PortalAccess, case_type: str, data: bytes):
    """A distributor's CSV return checked without writing anything: the rows (csvreturns.py) and,
    when they are all valid, the policy's preview of the request they make."""
    from returndesk.core.errors import DomainError

    from .csvreturns import csv_return_read

    parsed = csv_return_read(customer=access.customer, data=data)
    if not parsed.ok:
        return parsed, None
    try:
        preview = portal_preview(access=access, case_type=case_type, lines=parsed.lines)
    except DomainError as exc:
        parsed.add_domain_error(exc)
        return parsed, None
    return parsed, preview


def portal_return_label(*, access: PortalAccess, case_id) -> tuple[Case, ReturnInstructions]:
    """The case and its return shipment, for the printable label and packing slip: the visitor's
    own case only, once the solution is confirmed and until the goods arrive (otherwise NotFound,
    like a case that does not exist)."""
    from returndesk.logistics import errors as logistics_errors

    case = portal_case_get(access=access, case_id=case_id)
    instructions = return_instructions(case) if case.status in SHIPPING_STATUSES else None
    if instructions is None:
        raise logistics_errors.no_label()
    return case, instructions
