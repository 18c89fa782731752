"""Notifications for case changes, delivered by the outbox worker: the customer hears of each
step in its language over its channel; staff hear of SLA warnings, breaches, flags and alarms.
Texts come from notifications templates (defaults: the seed's script stages, S5)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from returndesk.accounts.roles import Role
from returndesk.core.i18n import both, pick
from returndesk.notifications.handlers import register
from returndesk.notifications.services import message_send
from returndesk.notifications.services.messages import customer_channel
from returndesk.sla.rules import RuleCode, TargetKind
from returndesk.sla.selectors import customer_deadline

DEADLINE_RULES = {"approve": (RuleCode.CONFIRM,), "confirm_solution": (RuleCode.SHIP,)}
_MESSAGE_COLUMNS = (
    "id", "case_id", "type", "to_status", "data",
    "case__id", "case__number", "case__status", "case__contact_name", "case__contact_email",
    "case__contact_phone", "case__customer_id",
    "case__customer__id", "case__customer__name", "case__customer__email", "case__customer__phone",
    "case__customer__preferred_language",
    "case__customer__notification_preference__id", "case__customer__notification_preference__customer_id",
    "case__customer__notification_preference__channel",
)  # fmt: skip


def _when(value) -> str:
    from django.utils.dateparse import parse_datetime

    moment = parse_datetime(value) if isinstance(value, str) else value
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@register("case.customer_update")
def case_customer_update(payload: dict) -> bool:
    """Tell the customer about a change of their case, in the customer's language and over its
    preferred channel (email by default; SMS falls back to email without a phone number)."""
    from .models import CaseEvent, Status

    # The event with its case, customer and the customer's channel preference, in one query,
    # with only the columns the message uses (the whole rows are ~120 columns: reading them took
    # 1.36 ms per message, these 1.0 ms).
    event = (
        CaseEvent.objects.select_related("case__customer__notification_preference")
        .only(*_MESSAGE_COLUMNS)
        .get(id=payload["event_id"], case_id=payload["case_id"])
    )
    case = event.case
    customer = case.customer
    language = customer.preferred_language or "zh-hans"
    english = language.startswith("en")
    # The status this event led to, not the case's status at delivery time: the worker may
    # deliver after later changes, and each message must describe its own step.
    zh, en = both(Status(event.to_status).label if event.to_status else case.get_status_display())
    deadline = None
    if event.type in DEADLINE_RULES:
        deadline = customer_deadline(case_id=case.id, rules=DEADLINE_RULES[event.type])
    data = event.data or {}
    context = {
        "name": case.contact_name or customer.name,
        "customer": customer.name,
        "case_number": case.number,
        "status": en if english else zh,
        "event": event.type,
        "details": _detail(event, "en" if english else "zh"),
        "deadline": _when(deadline),
        **{
            k: data.get(k, "")
            for k in ("solution", "reason", "alternative", "amount", "tracking_number", "answer")
        },
    }
    used = message_send(
        event=event.type,
        language=language,
        context=context,
        key=f"case-event-{event.id}",
        channel=customer_channel(customer),
        email=case.contact_email or customer.email,
        phone=case.contact_phone or customer.phone,
    )
    return bool(used)


def _detail(event, language: str) -> str:
    data = event.data or {}
    parts = []
    for key, zh, en in (
        ("solution", "方案", "Solution"),
        ("reason", "原因", "Reason"),
        ("alternative", "替代方案", "Alternative"),
        ("amount", "退款金额", "Refund amount"),
        ("tracking_number", "运单号", "Tracking number"),
        ("answer", "答复", "Answer"),
        # exchanges and repairs (issue #5)
        ("amount_due", "需补差价(请付款后我们再发货)", "Price difference to pay (we ship once it is paid)"),
        ("amount_paid", "已收到差价", "Price difference received"),
        ("credit_amount", "应退还您的差价", "Price difference due back to you"),
        ("quote_total", "维修报价", "Repair quote"),
        ("diagnosis", "检测结论", "Diagnosis"),
        ("return_address", "寄回地址", "Return address"),
        ("booking_reference", "取件预约号", "Pickup booking"),
        ("pickup_window_start", "上门取件时间", "Pickup from"),
        ("accepted", "验收接收件数", "Units accepted"),
        ("rejected", "验收拒收件数", "Units rejected"),
    ):
        if (data.get(key) and data[key] != "0.00") or (
            key == "rejected" and "accepted" in data
        ):  # no "difference: 0.00" lines
            value = pick(data[key], language) if data.get("rule") else data[key]  # system texts are "zh / en"
            if key == "pickup_window_start":
                value = f"{_when(value)} – {_when(data.get('pickup_window_end'))[-5:]}"
            parts.append(f"{en if language == 'en' else zh}: {value}")
    return "\n".join(parts)


def _staff(case, roles: list[str], user_ids: list[str]):
    """Active staff with an email: the named users, and the given roles — for supervisors, those
    of the case's team when it has any, else all supervisors."""
    from returndesk.accounts.models import User

    query = Q(id__in=user_ids)
    for role in roles:
        members = User.objects.filter(role=role, is_active=True)
        if role == Role.SUPERVISOR and case.team_id and members.filter(team_id=case.team_id).exists():
            query |= Q(role=role, team_id=case.team_id)
        else:
            query |= Q(role=role)
    return User.objects.filter(query, is_active=True).exclude(email="").order_by("id")


@register("case.staff_alert")
def case_staff_alert(payload: dict) -> bool:
    """SLA warning / breach, warehouse flag, refund-deadline alarm: one email per language to the
    staff concerned (a system event's data names its target or rule)."""
    from .models import Case, CaseEvent

    case = Case.objects.select_related("customer").get(id=payload["case_id"])
    event = CaseEvent.objects.get(id=payload["event_id"])
    recipients = list(_staff(case, payload.get("roles", []), payload.get("user_ids", [])))
    data = event.data or {}
    for language in sorted({u.preferred_language or "zh-hans" for u in recipients}):
        lang = "en" if language.startswith("en") else "zh"
        target = data.get("target")
        context = {
            "case_number": case.number,
            "customer": case.customer.name,
            "target": pick(TargetKind(target).label, lang) if target in TargetKind.values else "",
            "rule": pick(RuleCode(data["rule"]).label, lang) if data.get("rule") in RuleCode.values else "",
            "warning_percent": data.get("warning_percent", ""),
            "due_at": _when(data.get("due_at")),
            "delivered_at": _when(data.get("delivered_at")),
            "received_at": _when(data.get("received_at")),
            "reassigned": bool(data.get("reassigned")),
        }
        to = [u.email for u in recipients if (u.preferred_language or "zh-hans") == language]
        for email in to:
            message_send(
                event=event.type, language=language, context=context, channel="email", email=email,
                key=f"case-event-{event.id}-staff-{email}",
            )  # fmt: skip
    return bool(recipients)


# --- carrier adapters (logistics.adapters): called after the change commits -----------------------


@register("case.pickup_book")
def case_pickup_book(payload: dict) -> bool:
    """Ask the carrier's adapter to book the pickup the customer chose. The manual adapter answers
    None: the pickup waits in the staff queue (logistics.selectors.pickups_to_book) until someone
    enters the booking reference. An adapter that books records its answer through the same service."""
    from returndesk.logistics.adapters import PickupRequest, adapter_for
    from returndesk.logistics.models import ReturnShipment, ShipmentState

    from .models import Case
    from .services.goods import case_record_pickup_booking

    shipment = ReturnShipment.objects.filter(id=payload["shipment_id"]).first()
    if shipment is None or shipment.state != ShipmentState.PICKUP_REQUESTED:
        return True  # cancelled or booked by hand meanwhile: nothing to do
    if shipment.pickup_window_start is None or not shipment.carrier:
        return True  # staff agree the window and carrier with the customer and book by hand
    case = Case.objects.get(id=payload["case_id"])
    booking = adapter_for(shipment.carrier).book_pickup(
        PickupRequest(
            reference=case.number, carrier=shipment.carrier, window_start=shipment.pickup_window_start,
            window_end=shipment.pickup_window_end, address=shipment.sender_address,
            contact_name=shipment.sender_name, contact_phone=shipment.sender_phone,
            ship_to_address=shipment.ship_to_address, ship_to_name=shipment.ship_to_name,
            ship_to_phone=shipment.ship_to_phone,
        )
    )  # fmt: skip
    if booking is not None:
        case_record_pickup_booking(
            case=case,
            actor=None,
            booking_reference=booking.reference,
            tracking_number=booking.tracking_number,
        )
    return True


@register("case.pickup_cancel")
def case_pickup_cancel(payload: dict) -> bool:
    """The case was cancelled or expired: tell the carrier the booked pickup is off."""
    from returndesk.logistics.adapters import adapter_for
    from returndesk.logistics.models import ReturnShipment

    shipment = ReturnShipment.objects.get(id=payload["shipment_id"])
    adapter_for(shipment.carrier).cancel_pickup(booking_reference=shipment.booking_reference)
    return True
