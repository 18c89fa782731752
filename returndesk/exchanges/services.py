"""Every write of the exchange domain. The cases app calls these from its workflow effects
(cases/services/exchange.py), inside the transition's transaction and under the case row lock;
they never import the cases app: what only cases knows (the value of the returned units at the
price paid) comes in as arguments.

Rules (issue #5, seed S9 step 5c):
- stock is reserved for every replacement before anything else happens; out of stock refuses
  the whole arrangement (inventory.out_of_stock) and nothing is reserved, raised or recorded;
- the price difference is the replacement's value minus the paid value of the returned units;
  the customer owes it → a payment request, and nothing ships until finance marks it paid (no
  automatic charge); the customer is owed it → a credit recorded for finance, due once the
  replacement ships;
- shipping takes the reserved units out of stock (inventory.stock_ship_allocated).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from returndesk.core.money import ZERO, quantize
from returndesk.core.numbering import next_number
from returndesk.inventory import services as stock

from . import errors
from .models import CreditState, Exchange, ExchangeLine, ExchangeState, PaymentRequest, PaymentState

PAYMENT_REQUEST_PREFIX = "PR"


@dataclass(frozen=True)
class Replacement:
    """One case line's replacement as the cases app decided it."""

    case_line: object  # cases.CaseLine
    order_line: object  # orders.OrderLine (the original sale)
    quantity: int
    original_value: Decimal  # what the customer paid for these units (cases.services.amounts)
    product: object  # catalog.Product going out
    unit_price: Decimal | None  # its current unit price incl. tax; None for the same product
    returned_serials: tuple[str, ...] = ()

    @property
    def value(self) -> Decimal:
        if self.unit_price is None:
            return self.original_value
        return quantize(self.unit_price * self.quantity)


def exchange_reserve(*, case, actor, warehouse, replacements: list[Replacement], note: str = "") -> Exchange:
    """Reserve stock for every replacement and record the exchange with its price difference;
    a live exchange of the case is superseded first (its stock released, its unpaid payment
    request voided). Refused, with nothing changed, when a line is out of stock or the earlier
    arrangement's difference was already paid."""
    with transaction.atomic():
        _supersede_live(case)
        # Reserve per product (sorted, so concurrent arrangements lock stock rows in one order).
        wanted: dict = defaultdict(int)
        products = {}
        for item in replacements:
            wanted[item.product.pk] += item.quantity
            products[item.product.pk] = item.product
        for pk in sorted(wanted, key=str):
            stock.stock_allocate(product=products[pk], warehouse=warehouse, quantity=wanted[pk])
        original = sum((item.original_value for item in replacements), ZERO)
        value = sum((item.value for item in replacements), ZERO)
        difference = value - original
        credit = -difference if difference < 0 else ZERO
        exchange = Exchange.objects.create(
            case=case, state=ExchangeState.RESERVED, warehouse=warehouse,
            currency=replacements[0].order_line.order.currency, original_value=original,
            replacement_value=value, price_difference=difference, credit_amount=credit,
            credit_state=CreditState.AWAITING_SHIPMENT if credit else CreditState.NONE,
            note=note, arranged_by=actor,
        )  # fmt: skip
        ExchangeLine.objects.bulk_create(
            [
                ExchangeLine(
                    exchange=exchange,
                    case_line=item.case_line,
                    order_line=item.order_line,
                    original_product=item.order_line.product,
                    replacement_product=item.product,
                    quantity=item.quantity,
                    original_value=item.original_value,
                    replacement_unit_price=item.unit_price,
                    replacement_value=item.value,
                    returned_serials=list(item.returned_serials),
                )
                for item in replacements
            ]
        )
        if difference > 0:
            PaymentRequest.objects.create(
                exchange=exchange, number=next_number(PAYMENT_REQUEST_PREFIX), amount=difference,
                currency=exchange.currency, state=PaymentState.PENDING,
            )  # fmt: skip
    return exchange


def _supersede_live(case) -> None:
    live = Exchange.objects.select_for_update().filter(case=case, state=ExchangeState.RESERVED).first()
    if live is None:
        return
    request = live.payment_requests.exclude(state=PaymentState.VOID).first()
    if request is not None and request.state == PaymentState.PAID:
        raise errors.already_paid(request.number)
    for product, quantity in _by_product(live):
        stock.stock_release(product=product, warehouse=live.warehouse, quantity=quantity)
    if request is not None:
        request.state = PaymentState.VOID
        request.save(update_fields=["state", "updated_at"])
    live.state = ExchangeState.SUPERSEDED
    live.save(update_fields=["state", "updated_at"])


def _by_product(exchange: Exchange) -> list[tuple[object, int]]:
    totals: dict = {}
    for line in exchange.lines.select_related("replacement_product"):
        product, quantity = totals.get(line.replacement_product_id, (line.replacement_product, 0))
        totals[line.replacement_product_id] = (product, quantity + line.quantity)
    return [totals[pk] for pk in sorted(totals, key=str)]


def exchange_confirm_payment(
    *, exchange: Exchange, actor, reference: str, method: str = ""
) -> PaymentRequest:
    """Finance confirms the customer paid the price difference (a bank or payment-provider
    reference); the replacement may ship from then on."""
    reference = (reference or "").strip()
    if not reference:
        raise errors.reference_required("payment_reference")
    with transaction.atomic():
        request = (
            PaymentRequest.objects.select_for_update()
            .filter(exchange=exchange, state=PaymentState.PENDING)
            .first()
        )
        if request is None:
            raise errors.nothing_due()
        if PaymentRequest.objects.filter(method=method, reference=reference).exists():
            raise errors.reference_used(reference)
        request.state = PaymentState.PAID
        request.reference = reference
        request.method = method
        request.paid_at = timezone.now()
        request.confirmed_by = actor
        request.save(update_fields=["state", "reference", "method", "paid_at", "confirmed_by", "updated_at"])
    return request


def exchange_ship(
    *, exchange: Exchange, actor, carrier: str, tracking_number: str, serials: dict | None = None
) -> Exchange:
    """Ship the reserved replacements: each leaves stock as a replacement shipment (one stock
    movement per line, referencing the case); a credit owed to the customer becomes due.
    `serials` maps an exchange line id to the serial numbers of the units shipped on it."""
    serials = serials or {}
    if exchange.payment_requests.filter(state=PaymentState.PENDING).exists():
        raise errors.difference_unpaid()
    reference = f"case:{exchange.case.number}"
    with transaction.atomic():
        for line in exchange.lines.select_related("replacement_product"):
            shipped = list(serials.get(line.pk, ()))
            stock.stock_ship_allocated(
                product=line.replacement_product, warehouse=exchange.warehouse, quantity=line.quantity,
                reference=reference, serial_number=", ".join(shipped)[:100], actor=actor,
            )  # fmt: skip
            if shipped:
                line.shipped_serials = shipped
                line.save(update_fields=["shipped_serials", "updated_at"])
        exchange.state = ExchangeState.SHIPPED
        exchange.carrier = carrier
        exchange.tracking_number = tracking_number
        exchange.shipped_at = timezone.now()
        exchange.shipped_by = actor
        if exchange.credit_state == CreditState.AWAITING_SHIPMENT:
            exchange.credit_state = CreditState.DUE
        exchange.save(
            update_fields=[
                "state", "carrier", "tracking_number", "shipped_at", "shipped_by", "credit_state", "updated_at",
            ]
        )  # fmt: skip
    return exchange


def exchange_settle_credit(*, exchange: Exchange, actor, reference: str) -> Exchange:
    """Finance records that the difference owed to the customer was paid out (a refund or credit
    note reference). Until the refunds app takes this over, this is where it is recorded."""
    reference = (reference or "").strip()
    if not reference:
        raise errors.reference_required("reference")
    with transaction.atomic():
        locked = Exchange.objects.select_for_update().get(pk=exchange.pk)
        if locked.credit_state != CreditState.DUE:
            raise errors.credit_not_due()
        locked.credit_state = CreditState.SETTLED
        locked.credit_reference = reference
        locked.save(update_fields=["credit_state", "credit_reference", "updated_at"])
    return locked
