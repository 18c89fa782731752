"""Repairs (维修, seed S1 二.1 and S8 4.2/4.3): the diagnosis of a repair case, whether the
warranty covers it (decided by the policy engine on the case's policy version), the quote for a
paid repair that the customer accepts or declines, and the result.

`RepairRecord` is the repair history per unit: one row per serial number (or per line, for goods
without serial numbers) and finished repair, with the fault and whether the warranty covered it.
The 三包 repair ladder reads it (cases.policy.prior_repairs): within the warranty, after
`repairs_before_replacement` covered repairs of the same fault on the same unit, the customer may
choose exchange or return (部分商品修理更换退货责任规定).
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


class Coverage(models.TextChoices):
    WARRANTY = "warranty", "保修期内免费维修 / Free repair under warranty"
    PAID = "paid", "付费维修 / Paid repair"


class Exclusion(models.TextChoices):
    """What takes a fault out of the free warranty (seed S8 4.3 不在保修范围的项目)."""

    NONE = "none", "无 / None"
    USER_DAMAGE = "user_damage", "人为损坏 / Damage by the user"
    MISUSE = "misuse", "非正常使用 / Misuse"
    SELF_REPAIR = "self_repair", "自行维修或拆机 / Repaired or opened by the user"


class QuoteState(models.TextChoices):
    NONE = "none", "无需报价 / No quote"
    PENDING = "pending", "待客户确认 / Awaiting the customer"
    ACCEPTED = "accepted", "客户已接受 / Accepted"
    DECLINED = "declined", "客户已拒绝 / Declined"


class Outcome(models.TextChoices):
    FIXED = "fixed", "已修复 / Fixed"
    NOT_FIXED = "not_fixed", "未能修复 / Could not be fixed"
    UNREPAIRED = "unrepaired", "未维修(客户拒绝报价)/ Not repaired (quote declined)"


class Repair(BaseModel):
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="repair"
    )
    fault = models.ForeignKey(
        "cases.ReturnReason", verbose_name=_("diagnosed fault"), on_delete=models.PROTECT, related_name="+"
    )
    diagnosis = models.TextField(_("diagnosis"))
    exclusion = models.CharField(
        _("exclusion"), max_length=12, choices=Exclusion.choices, default=Exclusion.NONE
    )
    coverage = models.CharField(_("coverage"), max_length=10, choices=Coverage.choices)
    # The policy decision that settled the coverage (rule, why, until when).
    warranty_rule = models.CharField(_("warranty rule"), max_length=60, blank=True)
    warranty_zh = models.TextField(_("warranty decision (zh)"), blank=True)
    warranty_en = models.TextField(_("warranty decision (en)"), blank=True)
    warranty_until = models.DateTimeField(_("warranty until"), null=True, blank=True)
    diagnosed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("diagnosed by"), on_delete=models.PROTECT, related_name="+"
    )
    diagnosed_at = models.DateTimeField(_("diagnosed at"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    parts_amount = models.DecimalField(_("parts"), default=Decimal("0.00"), **MONEY)
    labour_amount = models.DecimalField(_("labour"), default=Decimal("0.00"), **MONEY)
    quote_total = models.DecimalField(_("quote total"), default=Decimal("0.00"), **MONEY)
    quote_state = models.CharField(
        _("quote"), max_length=10, choices=QuoteState.choices, default=QuoteState.NONE
    )
    quote_decided_at = models.DateTimeField(_("quote decided at"), null=True, blank=True)
    quote_note = models.TextField(_("customer's note on the quote"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    result = models.TextField(_("repair result"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("repair")
        verbose_name_plural = _("repairs")
        ordering = ["-diagnosed_at"]
        constraints = [
            models.CheckConstraint(
                name="repair_amounts_non_negative",
                condition=Q(parts_amount__gte=0) & Q(labour_amount__gte=0),
            ),
            models.CheckConstraint(
                name="repair_quote_is_parts_plus_labour",
                condition=Q(quote_total=Round(F("parts_amount") + F("labour_amount"), 2)),
            ),
            models.CheckConstraint(
                name="repair_warranty_has_no_quote",
                condition=~Q(coverage="warranty") | (Q(quote_total=0) & Q(quote_state="none")),
            ),
            models.CheckConstraint(
                name="repair_paid_has_a_quote",
                condition=~Q(coverage="paid") | (Q(quote_total__gt=0) & ~Q(quote_state="none")),
            ),
            models.CheckConstraint(
                name="repair_exclusion_means_paid", condition=Q(exclusion="none") | Q(coverage="paid")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.coverage} {self.quote_state}"


class QuoteItemKind(models.TextChoices):
    PART = "part", "配件 / Part"
    LABOUR = "labour", "工时 / Labour"


class RepairQuoteItem(BaseModel):
    repair = models.ForeignKey(Repair, on_delete=models.CASCADE, related_name="quote_items")
    kind = models.CharField(_("kind"), max_length=8, choices=QuoteItemKind.choices)
    description = models.CharField(_("description"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("quote item")
        verbose_name_plural = _("quote items")
        ordering = ["repair", "created_at"]
        constraints = [
            models.CheckConstraint(name="repair_quote_item_quantity_positive", condition=Q(quantity__gt=0)),
            models.CheckConstraint(
                name="repair_quote_item_amount_non_negative",
                condition=Q(unit_price__gte=0) & Q(amount__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} × {self.quantity} = {self.amount}"


class RepairRecord(BaseModel):
    """One unit's finished repair: the 三包 ladder's input (see the module docstring)."""

    repair = models.ForeignKey(Repair, on_delete=models.PROTECT, related_name="records")
    order_line = models.ForeignKey(
        "orders.OrderLine", verbose_name=_("order line"), on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    quantity = models.PositiveIntegerField(_("units"), default=1)
    fault = models.ForeignKey(
        "cases.ReturnReason", verbose_name=_("fault"), on_delete=models.PROTECT, related_name="+"
    )
    covered = models.BooleanField(_("under warranty"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    finished_at = models.DateTimeField(_("finished at"))

    class Meta:
        verbose_name = _("repair record")
        verbose_name_plural = _("repair records")
        ordering = ["serial_number", "finished_at"]
        indexes = [models.Index(fields=["serial_number", "fault"], name="repair_record_serial_fault_idx")]
        constraints = [
            models.CheckConstraint(name="repair_record_quantity_positive", condition=Q(quantity__gt=0)),
            models.CheckConstraint(
                name="repair_record_serial_is_one_unit", condition=Q(serial_number="") | Q(quantity=1)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.serial_number or self.order_line_id} {self.fault_id} {self.outcome}"
