"""One named service per workflow action, so callers read like the process (STYLE.md naming).
Each is a thin call of `case_transition`, which holds the rules common to every transition."""

from __future__ import annotations

from .transitions import case_transition


def case_approve(*, case, actor, solution: str = "", note: str = "", expected_version=None):
    """Seed S6 step 3 / S7: accept the request and offer a solution (or approve a refund-only claim)."""
    inputs = {"note": note} if case.type == "refund_only" else {"solution": solution, "note": note}
    return case_transition(
        case=case, actor=actor, action="approve", expected_version=expected_version, **inputs
    )


def case_confirm_solution(
    *, case, actor, note: str = "", return_method: str = "", pickup_window_start=None, pickup_window_end=None,
    pickup_address: str = "", pickup_contact: str = "", pickup_phone: str = "", carrier: str = "",
    expected_version=None,
):  # fmt: skip
    """Seed S9 step 4: the customer confirms the offered solution and chooses how the goods come
    back (pickup, self-ship, drop-off; default: the method offered). See logistics.services."""
    return case_transition(
        case=case, actor=actor, action="confirm_solution", expected_version=expected_version, note=note,
        return_method=return_method, pickup_window_start=pickup_window_start,
        pickup_window_end=pickup_window_end, pickup_address=pickup_address, pickup_contact=pickup_contact,
        pickup_phone=pickup_phone, carrier=carrier,
    )  # fmt: skip


def case_decline_solution(*, case, actor, reason: str, expected_version=None):
    """Seed S9 step 4: the customer objects and negotiates; the case returns to review."""
    return case_transition(
        case=case, actor=actor, action="decline_solution", expected_version=expected_version, reason=reason
    )


def case_ship_back(*, case, actor, carrier: str, tracking_number: str, expected_version=None):
    """Seed S6 step 5 / S9 step 5b: the customer ships and records the tracking number."""
    return case_transition(
        case=case, actor=actor, action="ship_back", expected_version=expected_version,
        carrier=carrier, tracking_number=tracking_number,
    )  # fmt: skip


def case_receive(
    *, case, actor, received: dict, serial_numbers: dict | None = None, extras: list | None = None,
    warehouse: str = "", note: str = "", expected_version=None,
):  # fmt: skip
    """Seed S2: the warehouse confirms the quantity actually received per line, the serial numbers
    scanned per line, and anything over or unexpected (inspection.services.receipt_record)."""
    return case_transition(
        case=case, actor=actor, action="receive", expected_version=expected_version, received=received,
        serial_numbers=serial_numbers or {}, extras=extras or [], warehouse=warehouse, note=note,
    )  # fmt: skip


def case_inspect(*, case, actor, units: list, note: str = "", expected_version=None):
    """Seed S9 step 6 验收: grade, checklist, outcome and photos of every unit received
    (inspection.services.inspection_record)."""
    return case_transition(
        case=case, actor=actor, action="inspect", expected_version=expected_version, units=units, note=note
    )


def case_confirm_cause(
    *, case, actor, is_our_product, stage: str, responsible_department: str, handling: str,
    responsible_person: str = "", batch_lot: str = "", description: str = "", expected_version=None,
):  # fmt: skip
    """Seed S2: production confirms whether it is our product, which stage, whose responsibility,
    which batch/lot, how handled."""
    return case_transition(
        case=case, actor=actor, action="confirm_cause", expected_version=expected_version,
        is_our_product=is_our_product, stage=stage, responsible_department=responsible_department,
        handling=handling, responsible_person=responsible_person, batch_lot=batch_lot,
        description=description,
    )  # fmt: skip


def case_gm_approve(*, case, actor, opinion: str, expected_version=None):
    """Seed S2/S3: the general manager approves with an opinion (distributor returns, large amounts)."""
    return case_transition(
        case=case, actor=actor, action="gm_approve", expected_version=expected_version, opinion=opinion
    )


def case_gm_reject(*, case, actor, reason: str, alternative: str, expected_version=None):
    return case_transition(
        case=case, actor=actor, action="gm_reject", expected_version=expected_version,
        reason=reason, alternative=alternative,
    )  # fmt: skip


def case_refund(
    *, case, actor, route: str = "original", account_name: str = "", bank: str = "", account_number: str = "",
    reference: str = "", note: str = "", expected_version=None,
):  # fmt: skip
    """Seed S2 财务冲账 / S9 step 7: finance refunds — by the original route (split over the
    order's payments), bank transfer (with the payee's account) or store credit. The case is
    退款中 until the providers answer (cases.services.refunding)."""
    return case_transition(
        case=case, actor=actor, action="refund", expected_version=expected_version, route=route,
        account_name=account_name, bank=bank, account_number=account_number, reference=reference, note=note,
    )  # fmt: skip


def case_ship_replacement(
    *, case, actor, carrier: str, tracking_number: str, replacement_serials: dict | None = None,
    expected_version=None,
):  # fmt: skip
    """Seed S9 step 5c: the warehouse ships the replacement reserved by arrange_exchange (once
    any price difference is paid); `replacement_serials` by case line id."""
    return case_transition(
        case=case, actor=actor, action="ship_replacement", expected_version=expected_version,
        carrier=carrier, tracking_number=tracking_number, replacement_serials=replacement_serials,
    )  # fmt: skip


def case_start_repair(*, case, actor, note: str = "", expected_version=None):
    """Seed S1 二.1: free repair of quality defects."""
    return case_transition(
        case=case, actor=actor, action="start_repair", expected_version=expected_version, note=note
    )


def case_finish_repair(
    *, case, actor, result: str, outcome: str, carrier: str, tracking_number: str, expected_version=None
):
    """Seed S1 二.1: the repair's result (`outcome` fixed / not_fixed) and the return shipment."""
    return case_transition(
        case=case, actor=actor, action="finish_repair", expected_version=expected_version,
        result=result, outcome=outcome, carrier=carrier, tracking_number=tracking_number,
    )  # fmt: skip


def case_answer(*, case, actor, answer: str, expected_version=None):
    """Seed S1 二.2: usage and care consultation."""
    return case_transition(
        case=case, actor=actor, action="answer", expected_version=expected_version, answer=answer
    )


def case_schedule_visit(*, case, actor, visit_at, technician: str, expected_version=None):
    """Seed S1 二.3: delivery acceptance inspection on site."""
    return case_transition(
        case=case, actor=actor, action="schedule_visit", expected_version=expected_version,
        visit_at=visit_at, technician=technician,
    )  # fmt: skip


def case_record_inspection(
    *, case, actor, result: str, issues: list | None = None, findings: str = "", expected_version=None
):
    """Seed S1 二.3: the visit's result; `issues` per order line (order_line, reason, quantity,
    description, serial_numbers) when issues were found."""
    return case_transition(
        case=case, actor=actor, action="record_inspection", expected_version=expected_version,
        result=result, issues=issues, findings=findings,
    )  # fmt: skip


# --- exchanges and repairs (issue #5) -------------------------------------------------------


def case_arrange_exchange(
    *,
    case,
    actor,
    replacements: list | None = None,
    warehouse: str = "",
    note: str = "",
    expected_version=None,
):
    """Issue #5: reserve stock for the replacement (same product, or another variant of the same
    category at its current unit price) and record the price difference against what was paid."""
    return case_transition(
        case=case, actor=actor, action="arrange_exchange", expected_version=expected_version,
        replacements=replacements, warehouse=warehouse, note=note,
    )  # fmt: skip


def case_confirm_payment(
    *, case, actor, payment_reference: str, payment_method: str = "", note: str = "", expected_version=None
):
    """Issue #5: finance confirms the customer paid the price difference (never charged automatically)."""
    return case_transition(
        case=case, actor=actor, action="confirm_payment", expected_version=expected_version,
        payment_reference=payment_reference, payment_method=payment_method, note=note,
    )  # fmt: skip


def case_diagnose(*, case, actor, diagnosis: str, fault: str = "", expected_version=None):
    """Seed S1 二.1: QC diagnoses a fault the warranty covers; the repair is free."""
    return case_transition(
        case=case, actor=actor, action="diagnose", expected_version=expected_version,
        diagnosis=diagnosis, fault=fault,
    )  # fmt: skip


def case_quote_repair(
    *, case, actor, diagnosis: str, parts: list | None = None, labour=None, fault: str = "",
    exclusion: str = "none", expected_version=None,
):  # fmt: skip
    """Seed S8 4.2/4.3: out of warranty or excluded — quote parts and labour for the customer."""
    return case_transition(
        case=case, actor=actor, action="quote_repair", expected_version=expected_version,
        diagnosis=diagnosis, parts=parts, labour=labour, fault=fault, exclusion=exclusion,
    )  # fmt: skip


def case_accept_quote(*, case, actor, note: str = "", expected_version=None):
    return case_transition(
        case=case, actor=actor, action="accept_quote", expected_version=expected_version, note=note
    )


def case_decline_quote(*, case, actor, reason: str, expected_version=None):
    return case_transition(
        case=case, actor=actor, action="decline_quote", expected_version=expected_version, reason=reason
    )


def case_return_unrepaired(
    *, case, actor, carrier: str, tracking_number: str, note: str = "", expected_version=None
):
    return case_transition(
        case=case, actor=actor, action="return_unrepaired", expected_version=expected_version,
        carrier=carrier, tracking_number=tracking_number, note=note,
    )  # fmt: skip


def case_reject(*, case, actor, reason: str, alternative: str, expected_version=None):
    """Seed S7: a refusal states its reason and offers an alternative; S2: sales tells the distributor."""
    return case_transition(
        case=case, actor=actor, action="reject", expected_version=expected_version,
        reason=reason, alternative=alternative,
    )  # fmt: skip


def case_appeal(*, case, actor, reason: str, expected_version=None):
    """Seed S7: the buyer may escalate a refusal to arbitration (here: the service supervisor)."""
    return case_transition(
        case=case, actor=actor, action="appeal", expected_version=expected_version, reason=reason
    )


def case_uphold_rejection(*, case, actor, opinion: str, expected_version=None):
    return case_transition(
        case=case, actor=actor, action="uphold_rejection", expected_version=expected_version, opinion=opinion
    )


def case_overturn_rejection(*, case, actor, opinion: str, expected_version=None):
    return case_transition(
        case=case,
        actor=actor,
        action="overturn_rejection",
        expected_version=expected_version,
        opinion=opinion,
    )


def case_cancel(*, case, actor, reason: str, expected_version=None):
    """Cancel before the goods arrive; frees the reserved quantities."""
    return case_transition(
        case=case, actor=actor, action="cancel", expected_version=expected_version, reason=reason
    )


def case_close(*, case, actor, note: str = "", expected_version=None):
    """Seed S6 step 8 / S9 step 6c: archive the finished case."""
    return case_transition(
        case=case, actor=actor, action="close", expected_version=expected_version, note=note
    )


def case_reopen(*, case, actor, reason: str, expected_version=None):
    return case_transition(
        case=case, actor=actor, action="reopen", expected_version=expected_version, reason=reason
    )
