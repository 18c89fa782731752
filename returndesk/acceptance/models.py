"""Delivery acceptance findings (到货验收, seed S1 二.3): what the technician found at the
customer's site, per order line — the problem (a reason code of the cases' reason tree), how many
units, a description and serial numbers. A finding can open a return or exchange case through
the normal case creation (policy included); the finding then points at that case."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from returndesk.core.models import BaseModel


class AcceptanceFinding(BaseModel):
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("acceptance case"),
        on_delete=models.PROTECT,
        related_name="acceptance_findings",
    )
    position = models.PositiveIntegerField(_("no."))
    order_line = models.ForeignKey(
        "orders.OrderLine", verbose_name=_("order line"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.ForeignKey(
        "cases.ReturnReason", verbose_name=_("problem"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    description = models.TextField(_("description"), blank=True)
    serial_numbers = models.JSONField(_("serial numbers"), default=list, blank=True)
    opened_case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case opened from it"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="origin_findings",
    )
    opened_at = models.DateTimeField(_("case opened at"), null=True, blank=True)

    class Meta:
        verbose_name = _("acceptance finding")
        verbose_name_plural = _("acceptance findings")
        ordering = ["case", "position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "position"], name="acceptance_finding_position_unique"),
            models.CheckConstraint(name="acceptance_finding_quantity_positive", condition=Q(quantity__gt=0)),
            models.CheckConstraint(
                name="acceptance_finding_opened_has_time",
                condition=Q(opened_case__isnull=True) | Q(opened_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} #{self.position} {self.reason_id} × {self.quantity}"
