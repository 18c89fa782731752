"""The case in plain words for customers: one sentence per timeline event, and what happens next
(and by when) in each status. Texts are in the portal's catalog (zh-Hans, English); the data they
quote comes from the event (what changed) and the case."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from returndesk.accounts.roles import EXTERNAL_ROLES
from returndesk.cases.models import CaseEvent, CaseType, Status
from returndesk.cases.services.transitions import REPAIR_SOLUTIONS
from returndesk.core.i18n import pick, pick_pair
from returndesk.logistics.carriers import CARRIERS
from returndesk.policies.remedies import SOLUTION_NAMES


def solution_label(code: str) -> str:
    if code in REPAIR_SOLUTIONS:
        return pick(REPAIR_SOLUTIONS[code])
    if code in SOLUTION_NAMES:
        return pick_pair(*SOLUTION_NAMES[code])
    return code


def carrier_label(code: str) -> str:
    spec = CARRIERS.get(code)
    return pick_pair(spec.zh, spec.en) if spec else code


def _when(value) -> datetime | None:
    moment = parse_datetime(value) if isinstance(value, str) else value
    return timezone.localtime(moment) if moment else None


@dataclass(frozen=True)
class Step:
    """One entry of the customer's timeline."""

    event: CaseEvent
    title: str
    details: list[tuple[str, str]] = field(default_factory=list)  # (label, text)
    by_customer: bool = False
    kind: str = "step"  # step | message | file


def _refund_route(data: dict) -> str:
    from .refund_status import route_label

    methods = [r.get("method", "") for r in data.get("refunds") or [] if r.get("route") == "original"]
    return route_label(data.get("route", ""), methods)


def _window(data: dict) -> str:
    start, end = _when(data.get("pickup_window_start")), _when(data.get("pickup_window_end"))
    if start is None or end is None:
        return ""
    return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"


def _shipment(data: dict) -> str:
    return f"{carrier_label(data.get('carrier', ''))} {data.get('tracking_number', '')}".strip()


# Events that are the desk's own business: who handles the case, its priority, staff's policy
# decisions, stock handling, finance's checks and alarms. They are never shown in the portal (most
# are internal anyway); every other event type has a sentence (tests/test_texts.py checks both).
HIDDEN_EVENTS = frozenset(
    {
        "assigned", "priority_changed", "evidence_waived", "policy_override", "extra_resolved",
        "units_disposed", "followup_call", "refund_flagged", "flagged", "sla_warning", "sla_breached",
        "refund_deadline_alarm",
    }
)  # fmt: skip


def step_for(event: CaseEvent, case) -> Step | None:
    """The sentence for one event the customer may see; None for events that mean nothing to
    the customer (HIDDEN_EVENTS, not shown)."""
    if event.type in HIDDEN_EVENTS:
        return None
    data = event.data or {}
    mine = event.actor_role in EXTERNAL_ROLES
    t = event.type
    details: list[tuple[str, str]] = []

    def add(label, key):
        if data.get(key):
            details.append((label, str(data[key])))

    if t == "note":
        title = _("Your message") if mine else _("Message from customer service")
        return Step(event, title, [("", data.get("text", ""))], mine, "message")
    if t == "attachment_added":
        return Step(
            event, _("File added: %(name)s") % {"name": data.get("name") or _("file")}, [], mine, "file"
        )
    if t == "created":
        title = _("You submitted the request.") if mine else _("Customer service opened the request for you.")
    elif t == "approve":
        if case.type == CaseType.REFUND_ONLY:
            title = _("We accepted your refund request.")
        else:
            title = _("We accepted your request and offer: %(solution)s.") % {
                "solution": solution_label(data.get("solution", ""))
            }
        add(_("Note"), "note")
    elif t == "confirm_solution":
        title = _("You confirmed the solution.") if mine else _("The solution was confirmed.")
    elif t == "decline_solution":
        title = _("The solution was declined; we will review the request again.")
        add(_("Reason"), "reason")
    elif t == "ship_back":
        title = _("Return shipment entered: %(shipment)s.") % {"shipment": _shipment(data)}
    elif t == "carrier_delivered":
        title = _("The carrier delivered your return to our warehouse.")
    elif t == "receive":
        lines = data.get("lines") or []
        title = _("Our warehouse received the goods: %(received)s of %(requested)s item(s).") % {
            "received": sum(int(x.get("received", 0)) for x in lines),
            "requested": sum(int(x.get("requested", 0)) for x in lines),
        }
    elif t == "confirm_cause":
        title = _("Our quality department examined the goods and confirmed the cause.")
    elif t == "gm_approve":
        title = _("The management approved the request.")
    elif t in {"reject", "gm_reject"}:
        title = _("Your request was declined.")
        add(_("Reason"), "reason")
        add(_("What we can offer instead"), "alternative")
    elif t in {"refund", "auto_refund"}:
        amount = {"amount": data.get("amount", ""), "route": _refund_route(data)}
        if t == "auto_refund":
            title = _("Our warehouse did not confirm the receipt in time, so we started your refund "
                      "automatically: %(amount)s CNY, %(route)s.") % amount  # fmt: skip
        elif int(data.get("attempt") or 1) > 1:
            title = _("We sent your refund again: %(amount)s CNY, %(route)s.") % amount
        else:
            title = _("We started your refund: %(amount)s CNY, %(route)s.") % amount
    elif t == "refund_complete":
        title = _("We refunded %(amount)s CNY.") % {"amount": data.get("amount", "")}
    elif t == "refund_fail":
        # The provider's reason (e.g. a declined account) is finance's business, never shown.
        title = _("The refund could not be paid into your account. We will send it again.")
    elif t == "inspect":
        title = _("Our warehouse checked the returned goods.")
    elif t == "pickup_booked":
        title = _("The courier pickup is booked: %(window)s, %(carrier)s.") % {
            "window": _window(data),
            "carrier": carrier_label(data.get("carrier", "")),
        }
    elif t == "follow_up_opened":
        title = _("We opened this request from the findings of the acceptance inspection.")
    elif t == "ship_replacement":
        title = _("We shipped the replacement: %(shipment)s.") % {"shipment": _shipment(data)}
    elif t == "arrange_exchange":
        title = _("We reserved your replacement.")
        if data.get("amount_due") and data["amount_due"] != "0.00":
            details.append(
                (_("Price difference to pay"), _("%(amount)s CNY") % {"amount": data["amount_due"]})
            )
        if data.get("credit_amount") and data["credit_amount"] != "0.00":
            details.append(
                (_("Price difference we pay back"), _("%(amount)s CNY") % {"amount": data["credit_amount"]})
            )
    elif t == "confirm_payment":
        title = _("We received your payment of the price difference.")
    elif t == "exchange_credit_settled":
        title = _("We paid back the price difference.")
    elif t == "diagnose":
        title = _("We examined the product: the repair is free under the warranty.")
        add(_("Diagnosis"), "diagnosis")
    elif t == "quote_repair":
        title = _("We examined the product and quote the repair: %(amount)s CNY.") % {
            "amount": data.get("quote_total", "")
        }
        add(_("Diagnosis"), "diagnosis")
    elif t == "accept_quote":
        title = _("You accepted the repair quote.") if mine else _("The repair quote was accepted.")
        add(_("Note"), "note")
    elif t == "decline_quote":
        title = _("You declined the repair quote.") if mine else _("The repair quote was declined.")
        add(_("Reason"), "reason")
    elif t == "return_unrepaired":
        title = _("We sent the product back unrepaired: %(shipment)s.") % {"shipment": _shipment(data)}
    elif t == "start_repair":
        title = _("The repair has started.")
    elif t == "finish_repair":
        title = _("The repair is finished and on its way back: %(shipment)s.") % {"shipment": _shipment(data)}
        add(_("Result"), "result")
    elif t == "answer":
        title = _("We answered your question.")
        add(_("Answer"), "answer")
    elif t == "schedule_visit":
        at = _when(data.get("visit_at"))
        title = _("An acceptance visit is scheduled for %(when)s.") % {
            "when": f"{at:%Y-%m-%d %H:%M}" if at else ""
        }
    elif t == "record_inspection":
        title = _("The acceptance inspection was recorded.")
        add(_("Findings"), "findings")
    elif t == "appeal":
        title = _("You appealed the decision.") if mine else _("The decision was appealed.")
        add(_("Reason"), "reason")
    elif t == "uphold_rejection":
        title = _("Your appeal was reviewed; the decision stands.")
        add(_("Opinion"), "opinion")
    elif t == "overturn_rejection":
        title = _("Your appeal was accepted; the request is reviewed again.")
        add(_("Opinion"), "opinion")
    elif t == "cancel":
        title = _("The request was cancelled.")
        add(_("Reason"), "reason")
    elif t == "expire":
        title = _("The request was closed because its deadline passed.")
    elif t == "close":
        title = _("The case was closed.")
    elif t == "reopen":
        title = _("The case was reopened.")
    elif t == "survey":
        title = _("You rated our service %(rating)s out of 5.") % {"rating": data.get("rating", "")}
        details.append((_("Problem resolved"), _("Yes") if data.get("resolved") else _("No")))
        add(_("Comment"), "comment")
    else:
        return None
    return Step(event, title, details, mine)


@dataclass(frozen=True)
class NextStep:
    text: str
    due_at: datetime | None = None
    due_label: str = ""
    yours: bool = False  # the customer has to act
    due_day: date | None = None  # a promise by the day (refund arrival, working days), no time


def _refund_next(case, refund) -> NextStep:
    """Refund statuses (asynchronous refunds, cases/services/refunding.py): what the customer
    waits for, and the arrival promised by the route (refunds/promises.py, working days)."""
    s = case.status
    amount = refund.total if refund else case.refund_amount
    values = {"amount": amount, "route": refund.route if refund else ""}
    expected = refund.expected_by if refund else None
    if s == Status.REFUND_FAILED:
        return NextStep(
            _("We could not pay the refund of %(amount)s CNY into your account. Our finance department "
              "sends it again, by the same or another route, and you will see it here. You do not need to "
              "do anything; if the account you paid with has been closed, please write to us below.") % values
        )  # fmt: skip
    if refund and refund.store_credit_only:
        if s == Status.REFUND_PENDING:
            return NextStep(_("We are crediting %(amount)s CNY to your store balance.") % values)
        return NextStep(
            _("We credited %(amount)s CNY to your store balance. You can use it at once.") % values
        )
    if s == Status.REFUND_PENDING:
        return NextStep(
            _("Your refund of %(amount)s CNY is on its way: %(route)s. We tell you here when it is paid.")
            % values,
            due_label=_("Expected in your account by"), due_day=expected,
        )  # fmt: skip
    if expected and expected >= timezone.localdate():
        return NextStep(
            _("The refund of %(amount)s CNY was paid: %(route)s. Depending on your bank it can take a few "
              "working days to show in your account.") % values,
            due_label=_("Expected in your account by"), due_day=expected,
        )  # fmt: skip
    return NextStep(_("The refund of %(amount)s CNY was paid: %(route)s.") % values)


def next_step(case, *, due: dict[str, datetime | None], refusal: str = "", refund=None) -> NextStep:
    """What happens next in the case's status, and by when (`due`: the deadlines and service
    targets that apply, read by the selector: "reply", "confirm", "ship", "receipt", "refund";
    `refund`: the case's refund as refund_status.portal_refund reads it)."""
    s = case.status
    if s in {Status.REFUND_PENDING, Status.REFUND_FAILED, Status.REFUNDED}:
        return _refund_next(case, refund)
    if s == Status.SUBMITTED:
        if refusal:  # the policy's own message (seed S2), editable in admin, in both languages
            return NextStep(refusal)
        return NextStep(_("We are reviewing your request."), due.get("reply"), _("You will hear from us by"))
    if s == Status.AWAITING_CUSTOMER:
        return NextStep(
            _("Please confirm the solution we offer (%(solution)s), or decline it to discuss another one.")
            % {"solution": solution_label(case.solution)},
            due.get("confirm"), _("Please answer by"), yours=True,
        )  # fmt: skip
    if s == Status.AWAITING_RETURN:
        if case.solution == "pickup":
            text = _("A courier will pick up the goods; we will contact you to arrange the time.")
            return NextStep(text, due.get("ship"), _("Pickup by"))
        if case.solution == "drop_off":
            text = _(
                "Please take the goods to the drop-off point, then enter the carrier and tracking number here."
            )
        else:
            text = _(
                "Please send the goods to the address below, then enter the carrier and tracking number here."
            )
        return NextStep(text, due.get("ship"), _("Please send them by"), yours=True)
    if s == Status.IN_TRANSIT:
        return NextStep(
            _("Your return is on its way. Our warehouse checks it when it arrives."),
            due.get("receipt"), _("Receipt confirmed by"),
        )  # fmt: skip
    if s in {
        Status.RECEIVED,
        Status.GOODS_INSPECTED,
        Status.CAUSE_CONFIRMED,
        Status.GM_APPROVED,
        Status.APPROVED,
    }:
        if case.type == CaseType.EXCHANGE:
            return NextStep(_("We are preparing your replacement."))
        if case.type == CaseType.REPAIR:
            return NextStep(_("We are checking the goods before the repair."))
        return NextStep(
            _("We are preparing your refund."), due.get("refund"), _("Refund due by (consumer law, art. 25)")
        )
    if s == Status.REPLACEMENT_RESERVED:
        from returndesk.exchanges.selectors import exchange_amount_due, exchange_live

        request = exchange_amount_due(case=case)
        if request is not None:
            return NextStep(
                _("Your replacement is reserved. Please pay the price difference of %(amount)s CNY "
                  "(payment request %(number)s); we ship the replacement as soon as the payment is confirmed.")
                % {"amount": request.amount, "number": request.number},
                yours=True,
            )  # fmt: skip
        exchange = exchange_live(case=case)
        if exchange is not None and exchange.credit_amount:
            return NextStep(
                _("Your replacement is reserved and will ship soon. We pay you back the price difference "
                  "of %(amount)s CNY.") % {"amount": exchange.credit_amount}
            )  # fmt: skip
        return NextStep(_("Your replacement is reserved and will ship soon."))
    if s == Status.DIFFERENCE_PAID:
        return NextStep(_("We received the price difference. Your replacement will ship soon."))
    if s == Status.QUOTE_PENDING:
        from returndesk.repairs.selectors import repair_of_case

        repair = repair_of_case(case=case)
        return NextStep(
            _("The warranty does not cover this repair. It costs %(amount)s CNY: please accept or decline the "
              "quote below. If you decline, we send the product back unrepaired.")
            % {"amount": repair.quote_total if repair else ""},
            yours=True,
        )  # fmt: skip
    if s == Status.READY_FOR_REPAIR:
        return NextStep(_("Your product is waiting for the technician; the repair starts soon."))
    if s == Status.QUOTE_DECLINED:
        return NextStep(_("You declined the quote. We send the product back to you unrepaired."))
    if s == Status.RETURNED_UNREPAIRED:
        shipment = f"{carrier_label(case.outbound_carrier)} {case.outbound_tracking_number}".strip()
        return NextStep(
            _("Your product is on its way back to you unrepaired: %(shipment)s.") % {"shipment": shipment}
        )
    if s == Status.REPAIRING:
        return NextStep(_("Your product is being repaired."))
    if s in {Status.REPLACEMENT_SHIPPED, Status.REPAIRED}:
        shipment = f"{carrier_label(case.outbound_carrier)} {case.outbound_tracking_number}".strip()
        return NextStep(_("On its way to you: %(shipment)s.") % {"shipment": shipment})
    if s == Status.ANSWERED:
        return NextStep(_("We answered your question. Write to us below if anything is unclear."))
    if s == Status.VISIT_SCHEDULED:
        return NextStep(_("Our technician will visit at the time agreed."))
    if s == Status.INSPECTED:
        return NextStep(_("The acceptance inspection is done."))
    if s == Status.REJECTED:
        return NextStep(
            _(
                "Your request was declined. If you disagree, you can appeal and a service supervisor will review it."
            ),
            yours=True,
        )
    if s == Status.APPEALED:
        return NextStep(_("A service supervisor is reviewing your appeal."))
    if s == Status.CANCELLED:
        return NextStep(_("This request was cancelled."))
    return NextStep(_("This case is closed."))
