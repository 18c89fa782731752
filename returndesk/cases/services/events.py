"""The case timeline: exactly one CaseEvent per change, written in the changing transaction."""

from __future__ import annotations

from django.utils import timezone

from returndesk.accounts.roles import Role
from returndesk.notifications.services import outbox_enqueue, webhook_publish

from ..models import Case, CaseEvent

# Event types the customer is told about (by the outbox → email/webhook).
CUSTOMER_VISIBLE = frozenset(
    {
        "created", "approve", "confirm_solution", "receive", "refund", "ship_replacement", "finish_repair",
        "answer", "schedule_visit", "record_inspection", "reject", "gm_reject", "uphold_rejection",
        "overturn_rejection", "cancel", "close", "reopen", "expire", "auto_refund", "inspect", "pickup_booked",
        "refund_complete",
        # exchanges and repairs (issue #5)
        "arrange_exchange", "confirm_payment", "exchange_credit_settled", "diagnose", "quote_repair",
        "accept_quote", "decline_quote", "return_unrepaired",
    }
)  # fmt: skip


def actor_role(actor) -> str:
    return Role.SYSTEM.value if actor is None else actor.role


def event_record(
    *,
    case: Case,
    actor,
    type: str,
    from_status: str = "",
    to_status: str = "",
    data: dict | None = None,
    internal: bool = False,
) -> CaseEvent:
    """Append one event; the caller holds the case row lock, so sequences never collide. The
    last sequence is read from the (case, sequence) index, which is cheaper in the ORM than an
    aggregate (a counter on the case would need every caller to save the case after the event)."""
    last = (
        CaseEvent.objects.filter(case_id=case.pk)
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
        or 0
    )
    event = CaseEvent.objects.create(
        case=case,
        sequence=last + 1,
        type=type,
        actor=actor,
        actor_role=actor_role(actor),
        from_status=from_status,
        to_status=to_status,
        data=data or {},
        internal=internal,
        created_at=timezone.now(),
    )
    if type in CUSTOMER_VISIBLE and not internal:
        outbox_enqueue(
            topic="case.customer_update",
            payload={"case_id": str(case.id), "event_id": event.id},
            dedupe_key=f"case-event-{event.id}",
        )
    # Subscribed webhook endpoints get every event type they ask for ("case.<type>").
    webhook_publish(
        event_type=f"case.{type}", data=lambda: webhook_data(case, event), occurred_at=event.created_at
    )
    return event


def webhook_data(case: Case, event: CaseEvent) -> dict:
    return {
        "case": {
            "id": str(case.id),
            "number": case.number,
            "type": case.type,
            "status": case.status,
            "version": case.version,
            "customer": case.customer.code,
        },
        "event": {
            "sequence": event.sequence,
            "type": event.type,
            "from_status": event.from_status,
            "to_status": event.to_status,
            "actor_role": event.actor_role,
            "internal": event.internal,
            "data": event.data,
        },
    }
