"""Walking cases to the refund through the real services, and reading what refunds did."""

from __future__ import annotations

from decimal import Decimal

from returndesk.cases import services
from returndesk.cases.models import Case
from returndesk.cases.tests.helpers import add_photo, approve_and_ship, confirm_cause, inspect_all, open_case
from returndesk.catalog.tests.factories import make_product
from returndesk.orders.models import Payment
from returndesk.orders.tests.factories import make_order


def order_of(customer, lines, *, payments=None, shipping_fee="0", order_discount="0", **kw):
    """An order made by the order service; `lines` are line dicts without products (one new
    product each), `payments` (method, amount) pairs (default: one Alipay payment of the total)."""
    line_dicts = [{"product": make_product(), **line} for line in lines]
    if payments is not None:
        kw["payments"] = [{"method": m, "amount": a, "provider_reference": f"P-{m}-{a}"} for m, a in payments]
    return make_order(
        customer=customer, lines=line_dicts, shipping_fee=Decimal(shipping_fee),
        order_discount=Decimal(order_discount), **kw,
    )  # fmt: skip


def received_return(*, customer, customer_user, order_line, quantity, agent, warehouse, received=None,
                    reason="C01", solution="self_ship", lines=None, qc=None) -> Case:  # fmt: skip
    """A return-and-refund case of `quantity` units, shipped back, received (`received` units,
    default all) and inspected (every unit accepted); with `qc`, production/QC then confirms the
    cause (quality reasons need it). `lines` opens several lines instead: [(order_line, quantity)]."""
    if lines is None:
        case = open_case(
            actor=customer_user, customer=customer, order_line=order_line, quantity=quantity, reason=reason
        )
    else:
        case = services.case_create(
            actor=customer_user, customer=customer, type="return_refund", channel="web",
            lines=[{"order_line": ol, "quantity": q, "reason": reason} for ol, q in lines],
        )  # fmt: skip
    approve_and_ship(case, reviewer=agent, customer_actor=customer_user, solution=solution)
    got = {str(line.id): line.quantity if received is None else received for line in case.lines.all()}
    services.case_receive(case=case, actor=warehouse, received=got)
    inspect_all(case, inspector=warehouse)  # every unit received is accepted, no deduction
    if qc is not None:
        confirm_cause(case, qc=qc)
    return case


def approved_refund_only(*, customer, customer_user, order_line, quantity, agent, reason="Q07") -> Case:
    case = open_case(
        actor=customer_user, customer=customer, order_line=order_line, quantity=quantity, reason=reason,
        type="refund_only",
    )  # fmt: skip
    add_photo(case, customer_user)
    services.case_approve(case=case, actor=agent)
    return case


def payment_state(order) -> list[tuple[str, Decimal, Decimal]]:
    """(method, amount, refunded or being refunded) of each payment of the order."""
    return [
        (p.method, p.amount, p.refunded_amount)
        for p in Payment.objects.filter(order=order).order_by("method")
    ]
