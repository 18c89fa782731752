"""Return shipments (seed S6 step 4 "退货地址、退货时限", S9 step 5: pickup / self-ship / exchange)
and the rules that route a return to the right warehouse.

Cases are referenced by string ("cases.Case"): this satellite never imports the cases app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from returndesk.core.models import BaseModel


class ReturnMethod(models.TextChoices):
    PICKUP = "pickup", "上门取件 / Pickup"
    SELF_SHIP = "self_ship", "自行寄回 / Self-ship"
    DROP_OFF = "drop_off", "送至网点 / Drop-off"


class ShipmentState(models.TextChoices):
    AWAITING = "awaiting", "待客户寄出 / Awaiting the customer"
    PICKUP_REQUESTED = "pickup_requested", "待预约取件 / Pickup to be booked"
    PICKUP_BOOKED = "pickup_booked", "已预约取件 / Pickup booked"
    SHIPPED = "shipped", "运输中 / Shipped"
    RECEIVED = "received", "仓库已签收 / Received"
    CANCELLED = "cancelled", "已取消 / Cancelled"


OPEN_STATES = (
    ShipmentState.AWAITING,
    ShipmentState.PICKUP_REQUESTED,
    ShipmentState.PICKUP_BOOKED,
    ShipmentState.SHIPPED,
)


class ReturnRoute(BaseModel):
    """Which warehouse receives a return. Rules are tried by priority (smallest first); a rule
    matches when its category (blank: any) is the category of every product on the case and its
    address prefix (blank: any) starts the sender's address. No match: the default warehouse."""

    priority = models.PositiveSmallIntegerField(_("priority"), default=100)
    category = models.ForeignKey(
        "catalog.ProductCategory",
        verbose_name=_("product category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    address_prefix = models.CharField(
        _("sender address starts with"), max_length=40, blank=True, help_text="如「广东省」;留空为任意地址"
    )
    warehouse = models.ForeignKey(
        "catalog.Warehouse", verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("return route")
        verbose_name_plural = _("return routes")
        ordering = ["priority", "created_at"]

    def __str__(self) -> str:
        return f"{self.priority}: {self.category or '*'} {self.address_prefix or '*'} → {self.warehouse}"


class ReturnShipment(BaseModel):
    """How the goods of a case come back: chosen by the customer when confirming the solution.
    The destination is copied from the warehouse when the shipment is planned, so a printed label
    never disagrees with the record if the warehouse's address is edited later."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="return_shipments")
    method = models.CharField(_("return method"), max_length=12, choices=ReturnMethod.choices)
    state = models.CharField(_("state"), max_length=20, choices=ShipmentState.choices)
    warehouse = models.ForeignKey(
        "catalog.Warehouse", verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+"
    )
    ship_to_name = models.CharField(_("recipient"), max_length=100)
    ship_to_phone = models.CharField(_("recipient phone"), max_length=32, blank=True)
    ship_to_address = models.CharField(_("return address"), max_length=300)
    sender_name = models.CharField(_("sender"), max_length=100, blank=True)
    sender_phone = models.CharField(_("sender phone"), max_length=32, blank=True)
    sender_address = models.CharField(_("sender address"), max_length=300, blank=True)
    pickup_window_start = models.DateTimeField(_("pickup from"), null=True, blank=True)
    pickup_window_end = models.DateTimeField(_("pickup until"), null=True, blank=True)
    carrier = models.CharField(_("carrier"), max_length=10, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True, db_index=True)
    adapter = models.CharField(_("carrier adapter"), max_length=40, blank=True)
    booking_reference = models.CharField(_("booking reference"), max_length=64, blank=True)
    booked_at = models.DateTimeField(_("booked at"), null=True, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)

    class Meta:
        verbose_name = _("return shipment")
        verbose_name_plural = _("return shipments")
        ordering = ["case", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(state__in=[s.value for s in OPEN_STATES]),
                name="return_shipment_one_open_per_case",
            ),
            models.CheckConstraint(
                name="return_shipment_pickup_window",
                condition=Q(pickup_window_start__isnull=True, pickup_window_end__isnull=True) | Q(
                    method="pickup", pickup_window_start__isnull=False, pickup_window_end__isnull=False,
                    pickup_window_end__gt=F("pickup_window_start"),
                ),
            ),
            # A booked pickup has the carrier's reference, the agreed window and the carrier.
            models.CheckConstraint(
                name="return_shipment_booked_complete",
                condition=~Q(state="pickup_booked")
                | (~Q(booking_reference="") & Q(pickup_window_start__isnull=False) & ~Q(carrier="")),
            ),
            models.CheckConstraint(
                name="return_shipment_shipped_has_tracking",
                condition=~Q(state="shipped") | (~Q(carrier="") & ~Q(tracking_number="")),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.case_id} {self.method} {self.state}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES
