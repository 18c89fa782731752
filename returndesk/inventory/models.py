"""Stock per product, warehouse and condition, changed only by stock movements.

A unit of returned goods enters stock awaiting inspection (待检验) and ends in one condition (可售
sellable, 隔离 quarantine, 翻新 refurbish) or leaves stock (scrapped, returned to the supplier,
sent back to the customer after a rejected inspection, shipped as a replacement). Every change is one
StockMovement row; StockLevel is the running balance the movements maintain under a row lock, with
database checks that no balance goes negative and nothing is allocated that is not on hand.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from returndesk.core.models import BaseModel


class Condition(models.TextChoices):
    # Returned units wait here from receipt until inspection decides their disposition.
    INSPECTION = "inspection", "待检验 / Awaiting inspection"
    SELLABLE = "sellable", "可售 / Sellable"
    QUARANTINE = "quarantine", "隔离待处理 / Quarantine"
    REFURBISH = "refurbish", "待翻新 / Refurbish"


class MovementKind(models.TextChoices):
    OPENING = "opening", "期初/盘盈 / Opening balance or count gain"
    COUNT_LOSS = "count_loss", "盘亏 / Count loss"
    RETURN_RECEIPT = "return_receipt", "退货入库 / Return received"
    DISPOSITION = "disposition", "处置转移 / Disposition"
    REFURBISHED = "refurbished", "翻新完成 / Refurbished"
    SCRAP = "scrap", "报废 / Scrapped"
    RETURN_TO_SUPPLIER = "return_to_supplier", "退供应商 / Returned to supplier"
    REPLACEMENT_SHIPMENT = "replacement_shipment", "换货发出 / Replacement shipped"
    RETURN_TO_CUSTOMER = "return_to_customer", "退回客户 / Sent back to the customer"


class StockLevel(BaseModel):
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT)
    warehouse = models.ForeignKey("catalog.Warehouse", verbose_name=_("warehouse"), on_delete=models.PROTECT)
    condition = models.CharField(_("condition"), max_length=12, choices=Condition.choices)
    on_hand = models.IntegerField(_("on hand"), default=0)
    allocated = models.IntegerField(_("allocated"), default=0)

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        ordering = ["warehouse", "product", "condition"]
        constraints = [
            models.UniqueConstraint(fields=["product", "warehouse", "condition"], name="stock_level_unique"),
            models.CheckConstraint(name="stock_on_hand_not_negative", condition=Q(on_hand__gte=0)),
            models.CheckConstraint(
                name="stock_allocated_within_on_hand",
                condition=Q(allocated__gte=0) & Q(allocated__lte=F("on_hand")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} @ {self.warehouse} [{self.condition}] {self.on_hand}/{self.allocated}"

    @property
    def available(self) -> int:
        return self.on_hand - self.allocated


class StockMovement(BaseModel):
    """One change of stock: `quantity` units of `product` at `warehouse` move from `source` to
    `target` condition; an empty source means the units came in from outside (a receipt, an opening
    balance), an empty target that they left (scrap, supplier, shipment)."""

    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="stock_movements"
    )
    warehouse = models.ForeignKey("catalog.Warehouse", verbose_name=_("warehouse"), on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(_("quantity"))
    source = models.CharField(_("from"), max_length=12, choices=Condition.choices, blank=True)
    target = models.CharField(_("to"), max_length=12, choices=Condition.choices, blank=True)
    kind = models.CharField(_("kind"), max_length=24, choices=MovementKind.choices)
    # What caused it, e.g. "case:RT-20261126-00001"; an index lets a case list its movements.
    reference = models.CharField(_("reference"), max_length=80, blank=True, db_index=True)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["product", "warehouse", "created_at"], name="stock_move_product_idx")]
        constraints = [
            models.CheckConstraint(name="stock_movement_quantity_positive", condition=Q(quantity__gt=0)),
            models.CheckConstraint(name="stock_movement_has_side", condition=~Q(source="") | ~Q(target="")),
            models.CheckConstraint(name="stock_movement_changes_condition", condition=~Q(source=F("target"))),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity} × {self.product_id} {self.source or '∅'}→{self.target or '∅'}"
