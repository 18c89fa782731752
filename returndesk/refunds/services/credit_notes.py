"""The accounting reversal (冲账, seed S2: finance reverses the entry once the refund is made).

One credit note per completed refund of a calculation (one case, one order), numbered
CN-YYYYMMDD-NNNNN, linked to the original order, with balanced journal lines:

    Dr 6001     主营业务收入—销售退回   goods net of tax
    Dr 22210106 应交税费—销项税额       goods tax (output VAT reversed)
    Dr 6601     销售费用—运费           outbound shipping refunded
        Cr 1002 银行存款               paid back by the original route or bank transfer
        Cr 1122 应收账款               credited to the customer's account (store credit)
        Cr 6051 其他业务收入            restocking fee, inspection deductions kept
        Cr 6601 销售费用—运费           return shipping the customer bears

Exports hand notes to the ledger as CSV (docs/refunds.md, "Ledger export"): an export takes the
notes issued in its date range that no export has taken yet, so a note is exported once; the CSV
of an export is the same every time it is downloaded.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from returndesk.core.money import ZERO
from returndesk.core.numbering import next_number
from returndesk.orders.models import PaymentMethod

from .. import errors
from ..models import (
    Account,
    CreditNote,
    CreditNoteExport,
    JournalLine,
    RefundCalculation,
    RefundStatus,
)

EXPORT_ROLES = frozenset({"finance"})
CSV_COLUMNS = (
    "export_number",
    "credit_note",
    "line_no",
    "issued_on",
    "order_channel",
    "order_number",
    "case_number",
    "customer_code",
    "customer_name",
    "account_code",
    "account_name",
    "debit",
    "credit",
    "currency",
    "memo",
)


def _journal(calculation: RefundCalculation) -> list[tuple[str, Decimal, Decimal, str]]:
    paid = calculation.refunds.filter(status=RefundStatus.SUCCEEDED)
    by_account = {Account.CASH: ZERO, Account.RECEIVABLE: ZERO}
    for method, amount in paid.values_list("method", "amount"):  # back to a balance, or money out
        by_account[Account.RECEIVABLE if method == PaymentMethod.STORE_CREDIT else Account.CASH] += amount
    rows = [
        (Account.SALES_RETURNS, calculation.goods_net, ZERO, "销售退回 / sales returned"),
        (Account.OUTPUT_VAT, calculation.goods_tax, ZERO, "冲减销项税额 / output VAT reversed"),
        (
            Account.SHIPPING_COST,
            calculation.outbound_shipping,
            ZERO,
            "退还发货运费 / outbound shipping refunded",
        ),
        (Account.CASH, ZERO, by_account[Account.CASH], "退款支付 / refund paid"),
        (
            Account.RECEIVABLE,
            ZERO,
            by_account[Account.RECEIVABLE],
            "退至客户账户余额 / credited to the customer",
        ),
        (Account.FEE_INCOME, ZERO, calculation.restocking_fee, "退货手续费 / restocking fee"),
        (Account.FEE_INCOME, ZERO, calculation.inspection_deductions, "验收扣款 / inspection deductions"),
        (
            Account.SHIPPING_COST,
            ZERO,
            calculation.return_shipping,
            "客户承担退回运费 / return shipping borne",
        ),
    ]
    return [row for row in rows if row[1] > 0 or row[2] > 0]


def credit_note_issue(*, calculation: RefundCalculation) -> CreditNote:
    """Issue the credit note of a calculation whose refunds have all succeeded (called by the
    cases app when the case's refund completes, in that transaction). Issued once: a second call
    returns the same note."""
    existing = CreditNote.objects.filter(calculation=calculation).first()
    if existing is not None:
        return existing
    paid = calculation.refunds.filter(status=RefundStatus.SUCCEEDED).aggregate(s=Sum("amount"))["s"] or ZERO
    if paid != calculation.total:
        raise ValueError(f"refunds of {calculation.pk} paid {paid} of {calculation.total}")
    now = timezone.now()
    note = CreditNote.objects.create(
        number=next_number("CN"),
        calculation=calculation,
        case_id=calculation.case_id,
        order_id=calculation.order_id,
        customer_id=calculation.customer_id,
        currency=calculation.currency,
        amount=paid,
        issued_at=now,
        issued_on=timezone.localdate(now),
    )
    lines = _journal(calculation)
    debit = sum((d for _a, d, _c, _m in lines), ZERO)
    credit = sum((c for _a, _d, c, _m in lines), ZERO)
    if debit != credit:  # the calculation's check constraints make this impossible
        raise AssertionError(f"unbalanced credit note {note.number}: {debit} ≠ {credit}")
    JournalLine.objects.bulk_create(
        JournalLine(credit_note=note, position=n, account=a, debit=d, credit=c, memo=m)
        for n, (a, d, c, m) in enumerate(lines, start=1)
    )
    return note


def credit_note_export_create(*, actor, date_from: date, date_to: date) -> CreditNoteExport:
    """A new export of the credit notes issued from `date_from` to `date_to` (local dates, both
    included) that no export has taken yet; it may be empty. Two finance users exporting at once
    never take the same note (the notes are locked, and each keeps the first export). `actor`
    None is the system (manage.py export_credit_notes)."""
    if actor is not None and not (actor.is_superuser or actor.role in EXPORT_ROLES | {"system"}):
        raise errors.role_forbidden()
    if date_from > date_to:
        raise errors.export_range(date_from, date_to)
    with transaction.atomic():
        notes = list(
            CreditNote.objects.select_for_update()
            .filter(export__isnull=True, issued_on__gte=date_from, issued_on__lte=date_to)
            .order_by("id")
            .values_list("id", flat=True)
        )
        export = CreditNoteExport.objects.create(
            number=next_number("EX"),
            date_from=date_from,
            date_to=date_to,
            created_by=actor,
            notes_count=len(notes),
        )
        CreditNote.objects.filter(id__in=notes, export__isnull=True).update(export=export)
    return export


def credit_note_export_csv(*, export: CreditNoteExport) -> str:
    """The export as CSV (UTF-8; docs/refunds.md has the layout): one row per journal line, in
    credit-note number then line order. The same text every time."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    lines = (
        JournalLine.objects.filter(credit_note__export=export)
        .select_related("credit_note__order", "credit_note__case", "credit_note__customer")
        .order_by("credit_note__number", "position")
    )
    for line in lines:
        note = line.credit_note
        writer.writerow(
            [
                export.number, note.number, line.position, note.issued_on.isoformat(), note.order.channel,
                note.order.number, note.case.number, note.customer.code, note.customer.name, line.account,
                Account(line.account).label.split(" / ")[0], f"{line.debit:.2f}", f"{line.credit:.2f}",
                note.currency, line.memo,
            ]
        )  # fmt: skip
    return out.getvalue()
