"""A case's refund as its customer sees it: the amount and what it is made of, the route it takes
back, where it stands (being paid, paid, could not be paid) and when it should be in the account.
Read from cases.selectors.case_refund_overview (the refunds domain's calculation, refunds and the
arrival promised by route, refunds/promises.py); nothing internal — provider names, references,
failure codes, payee details — leaves this module."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from returndesk.cases import selectors as case_selectors
from returndesk.cases.models import Status
from returndesk.core.i18n import pick
from returndesk.core.money import ZERO
from returndesk.orders.models import PaymentMethod
from returndesk.refunds.models import RefundStatus, Route

# Where the case is in the refund, for the customer: pending (sent, not yet confirmed), paid,
# failed (none pending; finance sends it again).
PENDING, PAID, FAILED = "pending", "paid", "failed"


def route_label(route: str, methods: list[str] | tuple[str, ...] = ()) -> str:
    """ "原路退回(支付宝)" — the route in plain words, with the payment methods it goes back to."""
    text = pick(Route(route).label) if route in Route.values else route
    names = [pick(PaymentMethod(m).label) for m in methods if m in PaymentMethod.values]
    if route == Route.ORIGINAL and names:
        return _("%(route)s (%(methods)s)") % {"route": text, "methods": ", ".join(dict.fromkeys(names))}
    return text


@dataclass(frozen=True)
class Component:
    label: str
    amount: Decimal
    sign: str  # "" for the goods, "-" for what is deducted, "+" for what is added


@dataclass(frozen=True)
class Part:
    """One money movement of the latest attempt: e.g. 80.00 back to Alipay, 20.00 to the balance."""

    amount: Decimal
    route: str
    status: str  # pending | paid | failed


@dataclass(frozen=True)
class PortalRefund:
    total: Decimal
    currency: str
    components: list[Component]
    route: str  # the latest attempt's route(s), in words
    state: str  # pending | paid | failed
    parts: list[Part] = field(default_factory=list)
    earliest: date | None = None  # expected arrival window of what is not failed
    expected_by: date | None = None
    paid_at: datetime | None = None
    store_credit_only: bool = False


def _components(calculations) -> list[Component]:
    def total(name: str) -> Decimal:
        return sum((getattr(c, name) for c in calculations), ZERO)

    rows = [Component(_("Goods"), total("goods_gross"), "")]
    for name, label, sign in (
        ("restocking_fee", _("Restocking fee"), "-"),
        ("inspection_deductions", _("Deducted after inspection (missing or damaged parts)"), "-"),
        ("return_shipping", _("Return shipping you pay"), "-"),
        ("outbound_shipping", _("Shipping of the original delivery, refunded"), "+"),
    ):
        amount = total(name)
        if amount:
            rows.append(Component(label, amount, sign))
    return rows


def _state(case) -> str:
    if case.status == Status.REFUND_FAILED:
        return FAILED
    if case.status == Status.REFUND_PENDING:
        return PENDING
    return PAID


PART_STATE = {RefundStatus.PENDING: PENDING, RefundStatus.SUCCEEDED: PAID, RefundStatus.FAILED: FAILED}


def portal_refund(*, case, user) -> PortalRefund | None:
    """The refund of a case once finance has started it (None before: nothing is calculated)."""
    overview = case_selectors.case_refund_overview(user=user, case_id=case.pk)
    if not overview.calculations or not overview.refunds:
        return None
    last = max(v.refund.attempt for v in overview.refunds)
    latest = [v for v in overview.refunds if v.refund.attempt == last]
    routes = list(dict.fromkeys(v.refund.route for v in latest))
    methods = [v.refund.method for v in latest if v.refund.route == Route.ORIGINAL]
    promised = [v.promise for v in latest if v.refund.status != RefundStatus.FAILED]
    earliest = [p.earliest for p in promised if p.earliest]
    latest_dates = [p.latest for p in promised if p.latest]
    calculations = overview.calculations
    return PortalRefund(
        total=case.refund_amount
        if case.refund_amount is not None
        else sum((c.total for c in calculations), ZERO),
        currency=calculations[0].currency,
        components=_components(calculations),
        route=" + ".join(route_label(r, methods) for r in routes),
        state=_state(case),
        parts=[
            Part(v.refund.amount, route_label(v.refund.route, [v.refund.method]), PART_STATE[v.refund.status])
            for v in latest
        ],
        earliest=min(earliest) if earliest else None,
        expected_by=max(latest_dates) if latest_dates else None,
        paid_at=case.refunded_at,
        store_credit_only=routes == [Route.STORE_CREDIT],
    )
