"""The accounting reversal (冲账, seed S2 "财务冲账"): a credit note per completed refund of an
order, its journal lines, and the export batches that hand them to the ledger exactly once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from returndesk.core.models import BaseModel

from .refunds import MONEY


class Account(models.TextChoices):
    """The chart-of-accounts lines a reversal uses (企业会计准则 account codes)."""

    SALES_RETURNS = "6001", "主营业务收入—销售退回 / Sales returns"
    OUTPUT_VAT = "22210106", "应交税费—应交增值税(销项税额) / Output VAT"
    CASH = "1002", "银行存款 / Cash at bank"
    RECEIVABLE = "1122", "应收账款 / Accounts receivable"
    FEE_INCOME = "6051", "其他业务收入—退货手续费及扣款 / Restocking-fee income"
    SHIPPING_COST = "6601", "销售费用—运费 / Shipping cost"


class CreditNoteExport(BaseModel):
    """One hand-over of credit notes to the ledger. A credit note is in at most one export
    (CreditNote.export), so importing every export books each note exactly once; an export's
    CSV can be downloaded again and is the same every time."""

    number = models.CharField(_("export number"), max_length=32, unique=True)
    date_from = models.DateField(_("issued from"))
    date_to = models.DateField(_("issued until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notes_count = models.PositiveIntegerField(_("credit notes"), default=0)

    class Meta:
        verbose_name = _("credit-note export")
        verbose_name_plural = _("credit-note exports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="credit_note_export_range_ordered", condition=Q(date_from__lte=F("date_to"))
            )
        ]

    def __str__(self) -> str:
        return self.number


class CreditNote(BaseModel):
    """红字冲销凭证: issued once the refunds of a calculation (one case, one order) have all
    succeeded; linked to the original order, with balanced journal lines."""

    number = models.CharField(_("credit note number"), max_length=32, unique=True)
    calculation = models.OneToOneField(
        "refunds.RefundCalculation",
        verbose_name=_("calculation"),
        on_delete=models.PROTECT,
        related_name="credit_note",
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="credit_notes"
    )
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("original order"),
        on_delete=models.PROTECT,
        related_name="credit_notes",
    )
    customer = models.ForeignKey(
        "catalog.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="credit_notes"
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    amount = models.DecimalField(_("refunded"), **MONEY)
    issued_at = models.DateTimeField(_("issued at"))
    issued_on = models.DateField(_("issue date (local)"))
    export = models.ForeignKey(
        CreditNoteExport,
        verbose_name=_("export"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_notes",
    )

    class Meta:
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        ordering = ["-issued_at"]
        indexes = [
            models.Index(fields=["issued_on", "number"], name="credit_note_issued_idx"),
            models.Index(
                fields=["issued_on"], name="credit_note_unexported_idx", condition=Q(export__isnull=True)
            ),
        ]
        constraints = [
            models.CheckConstraint(name="credit_note_amount_non_negative", condition=Q(amount__gte=0))
        ]

    def __str__(self) -> str:
        return self.number


class JournalLine(models.Model):
    id = models.BigAutoField(primary_key=True)
    credit_note = models.ForeignKey(CreditNote, on_delete=models.CASCADE, related_name="journal_lines")
    position = models.PositiveSmallIntegerField(_("line no."))
    account = models.CharField(_("account"), max_length=12, choices=Account.choices)
    debit = models.DecimalField(_("debit"), **MONEY)
    credit = models.DecimalField(_("credit"), **MONEY)
    memo = models.CharField(_("memo"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("journal line")
        verbose_name_plural = _("journal lines")
        ordering = ["credit_note", "position"]
        constraints = [
            models.UniqueConstraint(fields=["credit_note", "position"], name="journal_line_position_unique"),
            models.CheckConstraint(
                name="journal_line_one_side",
                condition=(Q(debit__gt=0) & Q(credit=0)) | (Q(debit=0) & Q(credit__gt=0)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.credit_note_id}#{self.position} {self.account}"
