"""Exchanges (换货, seed S9 step 5c): the replacement shipped for goods an exchange case took back.

An `Exchange` belongs to one exchange case. It records, per case line, which product goes out
(the same one or another variant of the same category), the value of the returned units at the
price the customer actually paid (the order line's paid amount, cases.services.amounts) and the
replacement's value, and the stock it reserved (inventory.stock_allocate). The price difference
is settled outside the system and only recorded here: a `PaymentRequest` the customer pays (never
an automatic charge; finance confirms it) or a credit the refunds side pays out.

A re-arrangement supersedes the case's reserved exchange (its stock is released, its unpaid
request voided) and the superseded row stays as history; at most one exchange per case is
reserved at a time. A reopened case that ships again has one shipped exchange per round.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _

from returndesk.core.models import BaseModel

MONEY = {"max_digits": 14, "decimal_places": 2}


class ExchangeState(models.TextChoices):
    RESERVED = "reserved", "已锁定库存 / Stock reserved"
    SHIPPED = "shipped", "已发出 / Shipped"
    SUPERSEDED = "superseded", "已被重新安排取代 / Superseded"


class CreditState(models.TextChoices):
    """What the customer is owed when the replacement is worth less than what they paid."""

    NONE = "none", "无 / None"
    AWAITING_SHIPMENT = "awaiting_shipment", "换货发出后退还 / Due once the replacement ships"
    DUE = "due", "待财务退还 / Due from finance"
    SETTLED = "settled", "已退还 / Settled"


class Exchange(BaseModel):
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="exchanges"
    )
    state = models.CharField(_("state"), max_length=12, choices=ExchangeState.choices)
    warehouse = models.ForeignKey(
        "catalog.Warehouse", verbose_name=_("shipping warehouse"), on_delete=models.PROTECT, related_name="+"
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    original_value = models.DecimalField(_("value of the returned units (paid)"), **MONEY)
    replacement_value = models.DecimalField(_("value of the replacement"), **MONEY)
    # replacement − original: positive, the customer pays it; negative, the customer is owed it.
    price_difference = models.DecimalField(_("price difference"), **MONEY)
    credit_amount = models.DecimalField(_("owed to the customer"), default=Decimal("0.00"), **MONEY)
    credit_state = models.CharField(
        _("credit"), max_length=20, choices=CreditState.choices, default=CreditState.NONE
    )
    credit_reference = models.CharField(_("credit reference"), max_length=64, blank=True)
    note = models.TextField(_("note"), blank=True)
    arranged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("arranged by"), on_delete=models.PROTECT, related_name="+"
    )
    carrier = models.CharField(_("carrier"), max_length=40, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    shipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("shipped by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("exchange")
        verbose_name_plural = _("exchanges")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(state="reserved"), name="exchange_one_reserved_per_case"
            ),
            models.CheckConstraint(
                name="exchange_difference_is_replacement_minus_original",
                condition=Q(price_difference=Round(F("replacement_value") - F("original_value"), 2)),
            ),
            models.CheckConstraint(
                name="exchange_values_non_negative",
                condition=Q(original_value__gte=0) & Q(replacement_value__gte=0),
            ),
            models.CheckConstraint(
                name="exchange_credit_is_what_the_customer_is_owed",
                condition=(Q(price_difference__lt=0) & Q(credit_amount=Round(-F("price_difference"), 2)))
                | (Q(price_difference__gte=0) & Q(credit_amount=0)),
            ),
            models.CheckConstraint(
                name="exchange_credit_state_matches_amount",
                condition=(Q(credit_amount=0) & Q(credit_state="none"))
                | (Q(credit_amount__gt=0) & ~Q(credit_state="none")),
            ),
            models.CheckConstraint(
                name="exchange_shipped_has_shipment",
                condition=~Q(state="shipped") | (Q(shipped_at__isnull=False) & ~Q(tracking_number="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.state} {self.price_difference}"

    @property
    def amount_due(self) -> Decimal:
        """What the customer has to pay before the replacement ships (0 if nothing)."""
        return max(self.price_difference, Decimal("0.00"))


class ExchangeLine(BaseModel):
    """One case line's replacement. The original order line stays the unit's anchor: a later
    return of the replacement refunds the original line's paid price (docs/exchanges-repairs.md)."""

    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="lines")
    case_line = models.ForeignKey(
        "cases.CaseLine", verbose_name=_("case line"), on_delete=models.PROTECT, related_name="+"
    )
    order_line = models.ForeignKey(
        "orders.OrderLine", verbose_name=_("original order line"), on_delete=models.PROTECT, related_name="+"
    )
    original_product = models.ForeignKey(
        "catalog.Product", verbose_name=_("returned product"), on_delete=models.PROTECT, related_name="+"
    )
    replacement_product = models.ForeignKey(
        "catalog.Product", verbose_name=_("replacement product"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    original_value = models.DecimalField(_("value of the returned units (paid)"), **MONEY)
    # The replacement's current unit price incl. tax, given for another variant; null: same product.
    replacement_unit_price = models.DecimalField(_("replacement unit price"), null=True, blank=True, **MONEY)
    replacement_value = models.DecimalField(_("value of the replacement"), **MONEY)
    returned_serials = models.JSONField(_("serial numbers taken back"), default=list, blank=True)
    shipped_serials = models.JSONField(_("serial numbers shipped"), default=list, blank=True)

    class Meta:
        verbose_name = _("exchange line")
        verbose_name_plural = _("exchange lines")
        ordering = ["exchange", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["exchange", "case_line"], name="exchange_line_case_line_unique"),
            models.CheckConstraint(name="exchange_line_quantity_positive", condition=Q(quantity__gt=0)),
            models.CheckConstraint(
                name="exchange_line_same_product_same_value",
                condition=~Q(original_product=F("replacement_product"))
                | (Q(replacement_unit_price__isnull=True) & Q(replacement_value=F("original_value"))),
            ),
            models.CheckConstraint(
                name="exchange_line_variant_has_price",
                condition=Q(original_product=F("replacement_product"))
                | Q(replacement_unit_price__isnull=False, replacement_unit_price__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_product_id} → {self.replacement_product_id} × {self.quantity}"

    @property
    def difference(self) -> Decimal:
        return self.replacement_value - self.original_value


class PaymentState(models.TextChoices):
    PENDING = "pending", "待客户支付 / Awaiting payment"
    PAID = "paid", "已收款 / Paid"
    VOID = "void", "已作废 / Void"


class PaymentRequest(BaseModel):
    """The price difference the customer owes for a dearer replacement. Raised when the exchange
    is arranged; finance marks it paid once the money is in (payment reference); nothing ships
    before that. Never charged automatically."""

    exchange = models.ForeignKey(Exchange, on_delete=models.PROTECT, related_name="payment_requests")
    number = models.CharField(_("number"), max_length=32, unique=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    state = models.CharField(_("state"), max_length=10, choices=PaymentState.choices)
    method = models.CharField(_("payment method"), max_length=20, blank=True)
    reference = models.CharField(_("payment reference"), max_length=64, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(name="payment_request_amount_positive", condition=Q(amount__gt=0)),
            models.UniqueConstraint(
                fields=["exchange"], condition=~Q(state="void"), name="payment_request_one_live_per_exchange"
            ),
            models.CheckConstraint(
                name="payment_request_paid_has_reference",
                condition=~Q(state="paid") | (Q(paid_at__isnull=False) & ~Q(reference="")),
            ),
            models.UniqueConstraint(
                fields=["method", "reference"],
                condition=~Q(reference=""),
                name="payment_request_reference_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.amount} {self.state}"
