from decimal import Decimal

from django.db import models
from django.db.models import F, Q, Value

# SQLite keeps decimals as binary floats: sums are compared rounded to the cent.
from django.db.models.functions import Round
from django.db.models.lookups import GreaterThanOrEqual
from django.utils.translation import gettext_lazy as _

from returndesk.core.models import BaseModel

MONEY = {"max_digits": 14, "decimal_places": 2}


class Channel(models.TextChoices):
    OWN_SHOP = "own_shop", "官方商城 / Own shop"
    STORE = "store", "门店 / Store"
    MARKETPLACE = "marketplace", "电商平台 / Marketplace"
    DISTRIBUTOR = "distributor", "经销渠道 / Distributor"


class TaxMode(models.TextChoices):
    INCLUSIVE = "inclusive", "含税 / Tax inclusive"
    EXCLUSIVE = "exclusive", "不含税 / Tax exclusive"


class PaymentMethod(models.TextChoices):
    ALIPAY = "alipay", "支付宝 / Alipay"
    WECHAT = "wechat", "微信支付 / WeChat Pay"
    UNIONPAY = "unionpay", "银联 / UnionPay"
    BANK_TRANSFER = "bank_transfer", "银行转账 / Bank transfer"
    CASH = "cash", "现金 / Cash"
    STORE_CREDIT = "store_credit", "余额 / Store credit"


class Order(BaseModel):
    number = models.CharField(_("order number"), max_length=64)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    customer = models.ForeignKey(
        "catalog.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="orders"
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    placed_at = models.DateTimeField(_("placed at"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered (signed) at"), null=True, blank=True)
    order_discount = models.DecimalField(_("order discount"), default=Decimal("0.00"), **MONEY)
    shipping_fee = models.DecimalField(_("outbound shipping fee"), default=Decimal("0.00"), **MONEY)
    goods_total = models.DecimalField(_("goods paid (after discounts, incl. tax)"), **MONEY)
    total_paid = models.DecimalField(_("total paid"), **MONEY)
    contact_name = models.CharField(_("consignee"), max_length=100, blank=True)
    contact_phone = models.CharField(_("consignee phone"), max_length=32, blank=True, db_index=True)
    contact_email = models.EmailField(_("consignee email"), blank=True)
    shipping_address = models.CharField(_("shipping address"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "number"], name="order_number_unique_per_channel"),
            models.CheckConstraint(name="order_discount_non_negative", condition=Q(order_discount__gte=0)),
            models.CheckConstraint(name="order_shipping_non_negative", condition=Q(shipping_fee__gte=0)),
            models.CheckConstraint(
                name="order_total_is_goods_plus_shipping",
                condition=Q(total_paid=Round(F("goods_total") + F("shipping_fee"), 2)),
            ),
        ]
        indexes = [
            models.Index(fields=["number"], name="order_number_idx"),
            # analytics: the purchase cohort of a day (rollups recompute day by day)
            models.Index(fields=["placed_at"], name="order_placed_idx"),
            models.Index(fields=["updated_at"], name="order_updated_idx"),  # analytics: what changed
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(BaseModel):
    """One product on an order with its paid-net amounts, fixed at creation.

    paid_amount is what the customer paid for this line after the line discount and its share
    of the order discount, tax included; net_amount + tax_amount == paid_amount.
    quantity_held (open cases) and quantity_returned (completed) are counters kept by the case
    services under a row lock; the DB refuses any state where they exceed what was shipped.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(_("line no."))
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="order_lines"
    )
    quantity = models.PositiveIntegerField(_("quantity ordered"))
    quantity_shipped = models.PositiveIntegerField(_("quantity shipped"))
    unit_price = models.DecimalField(_("list unit price"), **MONEY)
    line_discount = models.DecimalField(_("line discount"), default=Decimal("0.00"), **MONEY)
    tax_mode = models.CharField(
        _("tax mode"), max_length=10, choices=TaxMode.choices, default=TaxMode.INCLUSIVE
    )
    tax_rate = models.DecimalField(_("tax rate"), max_digits=5, decimal_places=4, default=Decimal("0.13"))
    order_discount_share = models.DecimalField(_("allocated order discount"), **MONEY)
    net_amount = models.DecimalField(_("paid net of tax"), **MONEY)
    tax_amount = models.DecimalField(_("tax"), **MONEY)
    paid_amount = models.DecimalField(_("paid (incl. tax)"), **MONEY)
    serial_numbers = models.JSONField(_("serial numbers"), default=list, blank=True)
    no_reason_return_waived = models.BooleanField(
        _("customer confirmed not eligible for no-reason return"),
        default=False,
        help_text="购买时消费者确认不适用七天无理由退货",
    )
    lot = models.CharField(_("lot"), max_length=64, blank=True, help_text="生产批次号(按批次统计退货率)")
    quantity_held = models.PositiveIntegerField(_("held by open cases"), default=0)
    quantity_returned = models.PositiveIntegerField(_("returned"), default=0)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "position"]
        constraints = [
            models.UniqueConstraint(fields=["order", "position"], name="order_line_position_unique"),
            models.CheckConstraint(name="order_line_quantity_positive", condition=Q(quantity__gt=0)),
            models.CheckConstraint(
                name="order_line_shipped_le_ordered", condition=Q(quantity_shipped__lte=F("quantity"))
            ),
            models.CheckConstraint(
                name="order_line_returnable_not_exceeded",
                condition=Q(quantity_held__lte=F("quantity_shipped") - F("quantity_returned")),
            ),
            models.CheckConstraint(name="order_line_price_non_negative", condition=Q(unit_price__gte=0)),
            models.CheckConstraint(name="order_line_paid_non_negative", condition=Q(paid_amount__gte=0)),
            models.CheckConstraint(
                name="order_line_paid_is_net_plus_tax",
                condition=Q(paid_amount=Round(F("net_amount") + F("tax_amount"), 2)),
            ),
            models.CheckConstraint(
                name="order_line_tax_rate_range", condition=Q(tax_rate__gte=0) & Q(tax_rate__lt=1)
            ),
        ]
        indexes = [models.Index(fields=["updated_at"], name="order_line_updated_idx")]  # analytics

    def __str__(self) -> str:
        return f"{self.order.number}#{self.position}"

    @property
    def returnable_quantity(self) -> int:
        return self.quantity_shipped - self.quantity_returned - self.quantity_held


class Payment(BaseModel):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="payments")
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    provider_reference = models.CharField(_("provider reference"), max_length=100, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    # What refunds in progress or done draw on this payment (refunds app, under the payment's row
    # lock with F() updates); a failed refund gives its part back. Never more than was paid.
    refunded_amount = models.DecimalField(_("refunded"), default=Decimal("0.00"), **MONEY)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(name="payment_amount_positive", condition=Q(amount__gt=0)),
            models.UniqueConstraint(
                fields=["method", "provider_reference"],
                condition=~Q(provider_reference=""),
                name="payment_provider_reference_unique",
            ),
            models.CheckConstraint(
                name="payment_refunded_non_negative",
                condition=GreaterThanOrEqual(Round(F("refunded_amount"), 2), Value(0)),
            ),
            models.CheckConstraint(
                name="payment_refunded_within_amount",
                condition=Q(amount__gte=Round(F("refunded_amount"), 2)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order.number} {self.method} {self.amount}"

    @property
    def refundable_amount(self) -> Decimal:
        return self.amount - self.refunded_amount
