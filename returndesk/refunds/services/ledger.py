"""Store credit (账户余额): the ledger per customer. Every change appends one entry under the
account's row lock; the balance never goes below zero (checked here and by the database)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from returndesk.core.money import ZERO, quantize

from .. import errors
from ..models import EntryKind, Refund, StoreCreditAccount, StoreCreditEntry


def _account_locked(customer_id) -> StoreCreditAccount:
    StoreCreditAccount.objects.get_or_create(customer_id=customer_id)
    return StoreCreditAccount.objects.select_for_update().get(customer_id=customer_id)


def _append(account: StoreCreditAccount, *, kind: str, amount: Decimal, refund=None, note="", actor=None):
    balance = quantize(account.balance + amount)
    if balance < ZERO:
        raise errors.insufficient_credit(account.balance, -amount)
    account.balance = balance
    account.entries_count += 1
    account.save(update_fields=["balance", "entries_count", "updated_at"])
    return StoreCreditEntry.objects.create(
        account=account,
        sequence=account.entries_count,
        kind=kind,
        amount=amount,
        balance_after=balance,
        refund=refund,
        note=note[:200],
        actor=actor,
        created_at=timezone.now(),
    )


def store_credit_refund(*, refund_id) -> StoreCreditEntry:
    """Credit a refund to its customer's balance, once: a second call returns the same entry
    (the entry is unique per refund), so the provider is idempotent like a real one."""
    with transaction.atomic():
        refund = Refund.objects.select_related("customer").get(id=refund_id)
        account = _account_locked(refund.customer_id)
        existing = StoreCreditEntry.objects.filter(refund=refund).first()
        if existing is not None:
            return existing
        return _append(
            account, kind=EntryKind.REFUND, amount=refund.amount, refund=refund, note=refund.number
        )


def store_credit_spend(*, customer, amount, actor=None, note: str = "") -> StoreCreditEntry:
    """Spend from the balance (an order paid with it); refused beyond the balance."""
    amount = quantize(amount)
    if amount <= 0:
        raise errors.invalid("amount", "金额须大于 0", "The amount must be above 0")
    with transaction.atomic():
        account = _account_locked(customer.pk)
        return _append(account, kind=EntryKind.SPEND, amount=-amount, note=note, actor=actor)


def store_credit_balance(*, customer) -> Decimal:
    account = StoreCreditAccount.objects.filter(customer=customer).first()
    return account.balance if account else ZERO
