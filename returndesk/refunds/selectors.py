"""Reads of the refunds domain, with permission filtering: staff and integrations see every
refund; a customer or distributor only its own (anyone else's answers like a missing one).
Finance's queue (issue 8's pages) reads `refunds_awaiting_finance` and `refunds_flagged`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from returndesk.accounts.roles import EXTERNAL_ROLES
from returndesk.core.money import ZERO

from . import errors
from .models import (
    CreditNote,
    CreditNoteExport,
    ProviderCode,
    Refund,
    RefundCalculation,
    RefundStatus,
    StoreCreditAccount,
    StoreCreditEntry,
)


def _external(user) -> bool:
    return user.role in EXTERNAL_ROLES and not user.is_superuser


def refund_visible_to(user) -> QuerySet[Refund]:
    rows = Refund.objects.select_related("case", "order", "customer", "payment")
    if _external(user):
        return rows.filter(customer_id=user.customer_id) if user.customer_id else rows.none()
    return rows


def refund_list(
    *, user, status: str | None = None, case_id=None, customer_code: str | None = None,
    provider: str | None = None, flagged: bool | None = None, created_from=None, created_to=None,
) -> QuerySet[Refund]:  # fmt: skip
    rows = refund_visible_to(user)
    filters = Q()
    if status:
        filters &= Q(status=status)
    if case_id:
        filters &= Q(case_id=case_id)
    if customer_code:
        filters &= Q(customer__code=customer_code)
    if provider:
        filters &= Q(provider=provider)
    if flagged is not None:
        filters &= Q(flagged=flagged)
    if created_from:
        filters &= Q(created_at__gte=created_from)
    if created_to:
        filters &= Q(created_at__lte=created_to)
    return rows.filter(filters)


def refund_get(*, user, refund_id) -> Refund:
    refund = refund_visible_to(user).filter(pk=refund_id).first()
    if refund is None:
        raise errors.not_found()
    return refund


def refunds_awaiting_finance() -> QuerySet[Refund]:
    """Manual refunds finance has to pay and confirm, oldest first."""
    return Refund.objects.filter(status=RefundStatus.PENDING, provider=ProviderCode.MANUAL).order_by(
        "created_at"
    )


def refunds_flagged() -> QuerySet[Refund]:
    return Refund.objects.filter(flagged=True).order_by("-updated_at")


def refunds_of_case(case_id) -> list[Refund]:
    return list(
        Refund.objects.filter(case_id=case_id)
        .select_related("payment", "order")
        .order_by("attempt", "created_at")
    )


def calculations_of_case(case_id) -> list[RefundCalculation]:
    return list(
        RefundCalculation.objects.filter(case_id=case_id).select_related("order").order_by("created_at")
    )


@dataclass(frozen=True)
class CaseRefundState:
    calculations: int
    total: Decimal
    paid: Decimal
    pending: int
    failed: int
    attempts: int

    @property
    def outstanding(self) -> Decimal:
        return self.total - self.paid


def case_refund_state(case_id) -> CaseRefundState:
    """Where a case's refund stands: calculated total, paid so far, refunds still pending."""
    sums = RefundCalculation.objects.filter(case_id=case_id).aggregate(s=Sum("total"), n=Count("id"))
    total = sums["s"] or ZERO
    counts = {"pending": 0, "failed": 0}
    paid = ZERO
    attempts = 0
    for status, amount, attempt in Refund.objects.filter(case_id=case_id).values_list(
        "status", "amount", "attempt"
    ):
        attempts = max(attempts, attempt)
        if status == RefundStatus.SUCCEEDED:
            paid += amount
        else:
            counts[status] += 1
    return CaseRefundState(sums["n"], total, paid, counts["pending"], counts["failed"], attempts)


def credit_note_list(
    *, date_from: date | None = None, date_to: date | None = None, exported: bool | None = None
):
    rows = CreditNote.objects.select_related("order", "case", "customer", "export")
    if date_from:
        rows = rows.filter(issued_on__gte=date_from)
    if date_to:
        rows = rows.filter(issued_on__lte=date_to)
    if exported is not None:
        rows = rows.filter(export__isnull=not exported)
    return rows


def credit_note_get(*, credit_note_id) -> CreditNote:
    note = (
        CreditNote.objects.select_related("order", "case", "customer", "export")
        .prefetch_related("journal_lines")
        .filter(pk=credit_note_id)
        .first()
    )
    if note is None:
        raise errors.credit_note_not_found()
    return note


def export_list() -> QuerySet[CreditNoteExport]:
    return CreditNoteExport.objects.select_related("created_by")


def export_get(*, export_id) -> CreditNoteExport:
    export = CreditNoteExport.objects.filter(pk=export_id).first()
    if export is None:
        raise errors.export_not_found()
    return export


def store_credit_of(*, customer, limit: int = 50) -> tuple[Decimal, list[StoreCreditEntry]]:
    account = StoreCreditAccount.objects.filter(customer=customer).first()
    if account is None:
        return ZERO, []
    return account.balance, list(account.entries.order_by("-sequence")[:limit])
