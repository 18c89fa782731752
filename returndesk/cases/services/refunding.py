"""Refunds of a case, orchestrated (the money side lives in returndesk.refunds).

The workflow (cases.workflow): finance fires `refund` (or the system `auto_refund` on a receipt
timeout) → 退款中 refund_pending: in that transaction the refund is calculated once
(refunds.calculation, from `refund_basis.refundable_units`), the units count as returned, and
refunds are created against the order's payments (refunds.services.refund_request). Once that
has committed, the providers are called (`case_refund_process`, outside any transaction); the
outbox carries the same work to the worker in case this process stops first. When every refund
has an outcome, the system moves the case: all paid → `refund_complete` → refunded, with a
credit note per order (冲账); something failed → `refund_fail` → 退款失败 refund_failed, from
which finance refunds the rest again (the same or another route). Timeouts are resolved by
`case_refunds_reconcile` (periodic) querying the providers; callbacks by `case_refund_callback`.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from returndesk.core.money import ZERO
from returndesk.core.transactions import in_business_transaction, run_after_commit
from returndesk.notifications.handlers import register
from returndesk.notifications.services import outbox_enqueue
from returndesk.refunds import errors as refund_errors
from returndesk.refunds import selectors as refund_selectors
from returndesk.refunds import services as refund_services
from returndesk.refunds.calculation import calculate
from returndesk.refunds.models import Refund, RefundStatus

from ..models import Case, Status
from . import quantities
from .events import event_record
from .refund_basis import refund_basis
from .transitions import AFTER_COMMIT, case_transition, effect

log = logging.getLogger(__name__)
PAYEE_INPUTS = ("account_name", "bank", "account_number")
OUTCOME_RULE = "refund.provider_outcome"


def _calculate(case: Case, actor) -> tuple[list, dict, list]:
    """Compute the refund once, under the order-line locks: keep each line's goods value and tax
    (what later returns of the line see as taken), count the units as returned, and record the
    calculation per order."""
    lines = list(case.lines.select_related("reason"))
    locked = quantities.lock_order_lines(line.order_line_id for line in lines)
    basis = refund_basis(case, order_lines=locked, lines=lines)
    quote = calculate(basis)
    by_key = {str(line.pk): line for line in lines}
    for item in quote.lines:
        line = by_key[item.key]
        line.refund_amount, line.refund_tax_amount = item.gross, item.tax
        line.save(update_fields=["refund_amount", "refund_tax_amount", "updated_at"])
    units = {b.key: b.units for b in basis.lines}
    quantities.settle_returned(
        lines=lines, quantities={line.id: units[str(line.pk)] for line in lines}, locked=True
    )
    orders = {str(ol.order_id): ol.order for ol in locked.values()}
    records = {
        str(line.pk): refund_services.LineRecord(str(line.pk), str(line.order_line_id), line.quantity)
        for line in lines
    }
    calculations = [
        refund_services.refund_calculation_record(
            case_id=case.pk,
            customer=case.customer,
            order=orders[order.key],
            quote=order,
            lines=records,
            actor=actor,
        )
        for order in quote.orders
    ]
    per_line = [
        {
            "line": item.key,
            "units": item.units,
            "amount": str(item.due),
            "deductions": str(item.inspection_deductions),
        }
        for item in quote.lines
    ]
    components = {
        name: str(sum((getattr(c, name) for c in calculations), ZERO))
        for name in (
            "goods_gross", "goods_net", "goods_tax", "restocking_fee", "inspection_deductions",
            "return_shipping", "outbound_shipping", "total",
        )
    }  # fmt: skip
    return calculations, components, per_line


def _refund_summary(refund: Refund) -> dict:
    return {
        "number": refund.number,
        "amount": str(refund.amount),
        "route": refund.route,
        "method": refund.method,
        "provider": refund.provider,
        "status": refund.status,
    }


def start_refund(case: Case, actor, inputs: dict, *, route: str | None = None) -> dict:
    """The effect of `refund` and `auto_refund`: calculate (first time only) and create the
    refunds that pay what is outstanding; the event data says what was started."""
    route, payee = refund_services.clean_route(
        route or inputs.get("route"), {name: inputs.get(name) for name in PAYEE_INPUTS}
    )
    calculations = refund_selectors.calculations_of_case(case.pk)
    components = per_line = None
    if not calculations:
        calculations, components, per_line = _calculate(case, actor)
    state = refund_selectors.case_refund_state(case.pk)
    if calculations and state.outstanding <= 0 and state.attempts:
        raise refund_errors.nothing_outstanding()
    attempt = state.attempts + 1
    refunds = refund_services.refund_request(
        calculations=calculations, route=route, payee=payee, actor=actor, attempt=attempt,
        reference=str(inputs.get("reference") or "")[:64],
    )  # fmt: skip
    case.refund_amount = sum((c.total for c in calculations), ZERO)
    outbox_enqueue(
        topic="refunds.process",
        payload={"case_id": str(case.pk)},
        dedupe_key=f"refunds-process-{case.pk}-{attempt}",
    )
    data = {
        "amount": str(sum((r.amount for r in refunds), ZERO)),
        "total": str(case.refund_amount),
        "route": route,
        "attempt": attempt,
        "refunds": [_refund_summary(r) for r in refunds],
        "reference": str(inputs.get("reference") or ""),
        "note": inputs.get("note", ""),
    }
    if components is not None:
        data["lines"] = per_line  # what each line pays, after its fee and deductions
        data["components"] = components
    return data


@effect("refund")
def _refund(case, actor, inputs):
    """Seed S2 财务冲账 / S9 step 7 "财务付款": finance starts the refund of the units received
    (return) or claimed (refund only), by the original route, bank transfer or store credit."""
    return start_refund(case, actor, inputs)


@effect("auto_refund")
def _auto_refund(case, actor, inputs):
    """Two-sided timeout (sla.rules receipt_timeout, action "refund"): the carrier delivered and
    the warehouse did not confirm receipt in time, so every unit counts as received and the
    refund starts by the original route, as finance would start it."""
    deemed = []
    for line in case.lines.all():
        line.quantity_received = line.quantity
        line.save(update_fields=["quantity_received", "updated_at"])
        deemed.append({"line": str(line.id), "received": line.quantity})
    return {**start_refund(case, actor, inputs, route="original"), "deemed_received": deemed}


@effect("refund_complete")
def _refund_complete(case, actor, inputs):
    """Every refund has succeeded: a credit note per order reverses the sale (seed S2 冲账)."""
    notes = [
        refund_services.credit_note_issue(calculation=calculation)
        for calculation in refund_selectors.calculations_of_case(case.pk)
    ]
    case.refunded_at = timezone.now()
    case.refund_reference = ", ".join(note.number for note in notes)[:64]
    paid = [r for r in refund_selectors.refunds_of_case(case.pk) if r.status == RefundStatus.SUCCEEDED]
    return {
        "amount": str(case.refund_amount or ZERO),
        "credit_notes": [note.number for note in notes],
        "refunds": [
            {**_refund_summary(r), "reference": r.provider_reference,
             "confirmed_by": r.confirmed_by.username if r.confirmed_by_id else ""}
            for r in paid
        ],
    }  # fmt: skip


@effect("refund_fail")
def _refund_fail(case, actor, inputs):
    state = refund_selectors.case_refund_state(case.pk)
    failed = [r for r in refund_selectors.refunds_of_case(case.pk) if r.status == RefundStatus.FAILED]
    last = max(r.attempt for r in failed)
    return {
        "outstanding": str(state.outstanding),
        "failed": [{**_refund_summary(r), "reason": r.failure_reason} for r in failed if r.attempt == last],
    }


# --- after the transaction: the providers ---------------------------------------------------


def case_refund_settle(*, case_id) -> str | None:
    """Move a case whose refunds all have an outcome: refund_complete or refund_fail, fired by
    the system. Nothing happens while one is pending, or when the case is not refund_pending."""
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("customer").filter(pk=case_id).first()
        if case is None or case.status != Status.REFUND_PENDING:
            return None
        state = refund_selectors.case_refund_state(case.pk)
        if state.pending:
            return None
        action = "refund_complete" if state.outstanding == 0 else "refund_fail"
        case_transition(case=case, actor=None, action=action, system_rule=OUTCOME_RULE)
    return action


def case_refund_process(*, case_id) -> str | None:
    """Send the case's refunds that were not sent yet (each once, no transaction open), then
    settle the case if they all have an outcome. Safe to run again at any time."""
    unsent = Refund.objects.filter(case_id=case_id, status=RefundStatus.PENDING, sent_at__isnull=True)
    for refund_id in unsent.order_by("created_at").values_list("id", flat=True):
        refund_services.refund_execute(refund_id=refund_id)
    return case_refund_settle(case_id=case_id)


def _after_refund(case: Case) -> Case | None:
    deferred = in_business_transaction()
    run_after_commit(lambda: case_refund_process(case_id=case.pk), what=f"refunds of case {case.number}")
    return None if deferred else Case.objects.select_related("customer").get(pk=case.pk)


AFTER_COMMIT["refund"] = _after_refund
AFTER_COMMIT["auto_refund"] = _after_refund


@register("refunds.process")
def _process_from_outbox(payload: dict) -> bool:
    """The worker's copy of the after-commit work (delivered at least once; idempotent)."""
    case_refund_process(case_id=payload["case_id"])
    return True


def case_refunds_reconcile(*, limit: int = 200) -> dict[str, int]:
    """The periodic scan: refunds not sent a minute after they were made are sent; refunds
    whose outcome is unknown or still processing are asked about (never sent again); each case
    then moves on if it can."""
    counts: dict[str, int] = {}
    for refund_id, case_id in refund_services.refunds_needing_attention(limit=limit):
        try:
            refund = refund_services.refund_attend(refund_id=refund_id)
            outcome = case_refund_settle(case_id=case_id) or refund.status
        except Exception:  # one broken refund must not stop the others
            log.exception("refund %s of case %s could not be attended", refund_id, case_id)
            outcome = "error"
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


# --- finance and the providers' callbacks ---------------------------------------------------


def case_refund_attend(*, refund: Refund, actor) -> Refund:
    """Finance asks for a refund to be handled now: sent if it was not, else its outcome asked
    of the provider (never sent twice). Then the case moves on if it can."""
    if actor is None or not (actor.is_superuser or actor.role == "finance"):
        raise refund_errors.role_forbidden()
    updated = refund_services.refund_attend(refund_id=refund.pk)
    case_refund_settle(case_id=refund.case_id)
    return updated


def case_refund_confirm_manual(*, refund: Refund, actor, reference: str) -> Refund:
    """Finance confirms a manual refund with the bank's reference; the case moves on if that
    was the last one."""
    updated = refund_services.refund_confirm_manual(refund=refund, actor=actor, reference=reference)
    case_refund_settle(case_id=refund.case_id)
    return updated


def case_refund_fail_manual(*, refund: Refund, actor, reason: str) -> Refund:
    """Finance records that a manual refund could not be paid; the case becomes refund_failed
    (once nothing else is pending) and can be refunded again."""
    updated = refund_services.refund_fail_manual(refund=refund, actor=actor, reason=reason)
    case_refund_settle(case_id=refund.case_id)
    return updated


def case_refund_callback(*, provider_code: str, body: bytes, headers: dict[str, str]) -> str:
    """A payment provider's callback: applied once (a duplicate changes nothing); an inconsistent
    one is refused, the refund flagged, and the case's timeline gets an internal
    `refund_flagged` event for finance. Raises the refusal after recording it."""
    result = refund_services.refund_callback_receive(provider_code=provider_code, body=body, headers=headers)
    refund = result.refund
    if result.outcome == "refused_inconsistent" and refund is not None:
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=refund.case_id)
            event_record(
                case=case, actor=None, type="refund_flagged", internal=True,
                data={"refund": refund.number, "reason": refund.flag_reason, "provider": provider_code},
            )  # fmt: skip
    elif result.outcome == "applied" and refund is not None:
        case_refund_settle(case_id=refund.case_id)
    if result.error is not None:
        raise result.error
    return result.outcome
