"""Receipt (仓库确认实际退货入库数量, seed S2) and inspection (验收, seed S9 step 6, S7, S4 六):
what arrived per line and unit, what else arrived, and each unit's grade, checklist, outcome,
deduction and disposition.

Cases are referenced by string ("cases.Case", "cases.CaseLine", "cases.Attachment"): this
satellite never imports the cases app. Stock changes are inventory movements.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from returndesk.core.models import BaseModel

MONEY = {"max_digits": 14, "decimal_places": 2}


class ChecklistItem(BaseModel):
    """One point of the receipt checklist (seed S9 6a/6b: matches the request, intact, accessories
    complete; S7 and S4 六: box, manual, warranty card, invoice, gifts). Without categories it
    applies to every product category; with categories only to those. A failed point of an
    accepted unit implies the deduction named by `deduction_code` (a deduction of the policy
    decision stored on the case, policies.DeductionRule)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    categories = models.ManyToManyField(
        "catalog.ProductCategory", verbose_name=_("product categories"), blank=True, related_name="+",
        help_text="留空 = 适用于所有品类",
    )  # fmt: skip
    deduction_code = models.SlugField(
        _("deduction if missing"), max_length=40, blank=True, help_text="如 packaging_missing;留空 = 不扣款"
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("receipt checklist")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.name} / {self.name_en}"


class Receipt(BaseModel):
    """One arrival of a case's goods at a warehouse, with everything found short, over or
    unexpected. `has_discrepancy` flags it for the warehouse and sales queues."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="receipts")
    warehouse = models.ForeignKey(
        "catalog.Warehouse", verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+"
    )
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True)
    note = models.TextField(_("note"), blank=True)
    has_discrepancy = models.BooleanField(_("discrepancy"), default=False, db_index=True)
    into_stock = models.BooleanField(_("taken into stock"), default=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.case_id} @ {self.warehouse_id}"


class SerialIssue(models.TextChoices):
    NOT_SOLD = "not_sold", "序列号不在该订单行的销售记录中 / Serial not sold on this order line"
    NOT_CLAIMED = "not_claimed", "序列号不是申请退回的那台 / Serial is not one the customer claimed"
    MISSING = "missing", "缺少序列号 / Serial number missing"


class ReceiptLine(BaseModel):
    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="lines")
    case_line = models.ForeignKey("cases.CaseLine", on_delete=models.CASCADE, related_name="receipt_lines")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    quantity_expected = models.PositiveIntegerField(_("expected"))
    quantity_received = models.PositiveIntegerField(_("received"))
    serial_numbers = models.JSONField(_("serial numbers scanned"), default=list, blank=True)
    # [{"serial": "...", "issue": SerialIssue}] ("missing" entries name how many, serial "")
    serial_issues = models.JSONField(_("serial number issues"), default=list, blank=True)

    class Meta:
        verbose_name = _("receipt line")
        verbose_name_plural = _("receipt lines")
        ordering = ["receipt", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["receipt", "case_line"], name="receipt_line_unique"),
            # More than announced is never counted on the line: it is a ReceiptExtra (kind over).
            models.CheckConstraint(
                name="receipt_line_received_le_expected",
                condition=Q(quantity_received__lte=F("quantity_expected")),
            ),
        ]

    @property
    def quantity_short(self) -> int:
        return self.quantity_expected - self.quantity_received


class ExtraKind(models.TextChoices):
    OVER = "over", "多收(超出申请数量) / Over the quantity announced"
    UNEXPECTED = "unexpected", "非申请货品 / Not on the case"


class ExtraResolution(models.TextChoices):
    OPEN = "open", "待处理(暂存) / Open, held aside"
    RETURNED_TO_CUSTOMER = "returned_to_customer", "已退回客户 / Returned to the customer"
    TAKEN_INTO_STOCK = "taken_into_stock", "经确认入库 / Taken into stock after review"


class ReceiptExtra(BaseModel):
    """Goods that arrived but were not announced: more units than the line asked for (`over`) or
    items not on the case (`unexpected`). Recorded explicitly, held aside, never counted towards
    a refund, and resolved by the warehouse (returned to the customer or, after review, taken into
    stock by a stock movement)."""

    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="extras")
    kind = models.CharField(_("kind"), max_length=12, choices=ExtraKind.choices)
    case_line = models.ForeignKey(
        "cases.CaseLine", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    serial_numbers = models.JSONField(_("serial numbers"), default=list, blank=True)
    resolution = models.CharField(
        _("resolution"), max_length=24, choices=ExtraResolution.choices, default=ExtraResolution.OPEN
    )
    resolution_note = models.CharField(_("resolution note"), max_length=300, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    stock_movement = models.ForeignKey(
        "inventory.StockMovement", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("extra item received")
        verbose_name_plural = _("extra items received")
        ordering = ["receipt", "created_at"]
        constraints = [
            models.CheckConstraint(name="receipt_extra_quantity_positive", condition=Q(quantity__gt=0)),
            models.CheckConstraint(
                name="receipt_extra_over_names_line",
                condition=(Q(kind="over") & Q(case_line__isnull=False) & Q(product__isnull=False))
                | (Q(kind="unexpected") & Q(case_line__isnull=True)),
            ),
            models.CheckConstraint(
                name="receipt_extra_unexpected_described",
                condition=~Q(kind="unexpected") | Q(product__isnull=False) | ~Q(description=""),
            ),
            models.CheckConstraint(
                name="receipt_extra_resolved_has_time",
                condition=Q(resolution="open") | Q(resolved_at__isnull=False),
            ),
            models.CheckConstraint(
                name="receipt_extra_stock_needs_product",
                condition=~Q(resolution="taken_into_stock") | Q(product__isnull=False, stock_movement__isnull=False),
            ),
        ]  # fmt: skip


class Grade(models.TextChoices):
    A = "A", "A 全新 / A New"
    B = "B", "B 已拆封 / B Opened"
    C = "C", "C 有损坏 / C Damaged"
    D = "D", "D 不可用 / D Unusable"


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", "合格接收 / Accepted"
    REJECTED = "rejected", "拒收 / Rejected"


class RejectionReason(models.TextChoices):
    CUSTOMER_DAMAGE = "customer_damage", "人为损坏 / Customer damage"
    NOT_OUR_PRODUCT = "not_our_product", "非本公司产品 / Not our product"
    MISSING_PARTS = "missing_parts", "缺少部件 / Missing parts"


class Disposition(models.TextChoices):
    RESTOCK = "restock", "入可售库存 / Restock as sellable"
    QUARANTINE = "quarantine", "隔离待处理 / Quarantine"
    REFURBISH = "refurbish", "送翻新 / Refurbish"
    SCRAP = "scrap", "报废 / Scrap"
    RETURN_TO_SUPPLIER = "return_to_supplier", "退回供应商 / Return to the supplier"
    RETURN_TO_CUSTOMER = "return_to_customer", "退回客户(拒收) / Send back to the customer (rejected)"


class ReturnUnit(BaseModel):
    """One physical unit that arrived on a case line, and what inspection made of it. Units are
    created at receipt (one per unit received, with the serial scanned for it) and inspected one
    by one, so one line can hold units of different grades and outcomes."""

    receipt_line = models.ForeignKey(ReceiptLine, on_delete=models.CASCADE, related_name="units")
    case_line = models.ForeignKey("cases.CaseLine", on_delete=models.CASCADE, related_name="return_units")
    sequence = models.PositiveSmallIntegerField(_("unit no."))
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    unit_value = models.DecimalField(_("value of the unit"), **MONEY)
    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, blank=True)
    checks = models.JSONField(_("checklist"), default=dict, blank=True)  # {item code: passed}
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    rejection_reason = models.CharField(
        _("rejection reason"), max_length=20, choices=RejectionReason.choices, blank=True
    )
    deduction = models.DecimalField(_("deduction"), default=Decimal("0.00"), **MONEY)
    # [{"code", "zh", "en", "amount"}]: the deductions of the case's policy the failed points imply
    deduction_detail = models.JSONField(_("deduction detail"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    photos = models.ManyToManyField(
        "cases.Attachment", verbose_name=_("photos"), blank=True, related_name="+"
    )
    disposition = models.CharField(_("disposition"), max_length=20, choices=Disposition.choices, blank=True)
    disposed_at = models.DateTimeField(_("disposed at"), null=True, blank=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    stock_movement = models.ForeignKey(
        "inventory.StockMovement", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("returned unit")
        verbose_name_plural = _("returned units")
        ordering = ["receipt_line", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["receipt_line", "sequence"], name="return_unit_sequence_unique"),
            models.CheckConstraint(
                name="return_unit_inspected_complete",
                condition=Q(outcome="") | (~Q(grade="") & Q(inspected_at__isnull=False)),
            ),
            models.CheckConstraint(
                name="return_unit_rejection_has_reason",
                condition=(Q(outcome="rejected") & ~Q(rejection_reason=""))
                | (~Q(outcome="rejected") & Q(rejection_reason="")),
            ),
            models.CheckConstraint(
                name="return_unit_deduction_within_value",
                condition=Q(deduction__gte=0) & Q(deduction__lte=F("unit_value")),
            ),
            models.CheckConstraint(
                name="return_unit_rejected_goes_back",
                condition=~Q(outcome="rejected") | Q(disposition__in=["", "return_to_customer"]),
            ),
            models.CheckConstraint(
                name="return_unit_accepted_not_sent_back",
                condition=~Q(outcome="accepted") | ~Q(disposition="return_to_customer"),
            ),
            models.CheckConstraint(
                name="return_unit_disposed_after_inspection",
                condition=Q(disposition="") | (~Q(outcome="") & Q(disposed_at__isnull=False)),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.case_line_id}#{self.sequence} {self.serial_number}"
