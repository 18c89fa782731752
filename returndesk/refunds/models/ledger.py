"""Store credit (账户余额): one account per customer and its ledger. The balance changes only by
appending an entry, under the account's row lock; the database refuses a negative balance."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from returndesk.core.models import BaseModel

from .refunds import MONEY


class StoreCreditAccount(BaseModel):
    customer = models.OneToOneField(
        "catalog.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="store_credit"
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    balance = models.DecimalField(_("balance"), default=Decimal("0.00"), **MONEY)
    entries_count = models.PositiveIntegerField(_("entries"), default=0)

    class Meta:
        verbose_name = _("store-credit account")
        verbose_name_plural = _("store-credit accounts")
        constraints = [
            models.CheckConstraint(name="store_credit_balance_non_negative", condition=Q(balance__gte=0))
        ]

    def __str__(self) -> str:
        return f"{self.customer} {self.balance}"


class EntryKind(models.TextChoices):
    REFUND = "refund", "退款入账 / Refund"
    SPEND = "spend", "余额消费 / Spent"
    ADJUSTMENT = "adjustment", "财务调整 / Adjustment"


class StoreCreditEntry(models.Model):
    """One movement: positive credits the customer, negative spends; `balance_after` is the
    balance once it was applied, so the ledger reads like a bank statement."""

    id = models.BigAutoField(primary_key=True)
    account = models.ForeignKey(StoreCreditAccount, on_delete=models.PROTECT, related_name="entries")
    sequence = models.PositiveIntegerField(_("no."))
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    balance_after = models.DecimalField(_("balance after"), **MONEY)
    refund = models.OneToOneField(
        "refunds.Refund", null=True, blank=True, on_delete=models.PROTECT, related_name="store_credit_entry"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("store-credit entry")
        verbose_name_plural = _("store-credit entries")
        ordering = ["account", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "sequence"], name="store_credit_entry_sequence_unique"
            ),
            models.CheckConstraint(name="store_credit_entry_not_zero", condition=~Q(amount=0)),
            models.CheckConstraint(
                name="store_credit_entry_balance_non_negative", condition=Q(balance_after__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}#{self.sequence} {self.amount}"
