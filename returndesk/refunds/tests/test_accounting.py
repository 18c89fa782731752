"""The accounting reversal (冲账): a balanced credit note per completed refund, linked to the
original order; exports by date range that never hand a note over twice, and whose CSV is the
same every time it is downloaded."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from returndesk.cases import services
from returndesk.core.errors import DomainError
from returndesk.policies.models import FeeRule
from returndesk.policies.services import policy_publish
from returndesk.refunds import services as refund_services
from returndesk.refunds.models import CreditNote, CreditNoteExport, RefundSettings
from returndesk.refunds.services.credit_notes import CSV_COLUMNS

from .helpers import approved_refund_only, order_of, received_return

D = Decimal
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_given_fees_shipping_and_a_split_when_the_refund_completes_then_the_credit_note_balances_every_component(
    consumer, consumer_user, agent, warehouse, finance
):
    """Sales returns and output VAT reversed, the outbound shipping refunded as a shipping cost,
    the restocking fee kept as income, the pickup charge back to shipping cost, the money paid
    back as cash: debits equal credits."""
    FeeRule.objects.update_or_create(
        reason_class="customer",
        defaults={
            "restocking_kind": "percent",
            "restocking_value": D("5"),
            "return_shipping_payer": "customer",
        },
    )
    policy_publish(actor=None)
    RefundSettings.objects.update_or_create(id=1, defaults={"outbound_shipping_for_customer": True})
    order = order_of(consumer, [{"quantity": 1, "unit_price": "226.00"}], shipping_fee="10", channel="store")
    case = received_return(
        customer=consumer, customer_user=consumer_user, order_line=order.lines.get(), quantity=1,
        agent=agent, warehouse=warehouse, reason="C02", solution="pickup",
    )  # fmt: skip

    services.case_refund(case=case, actor=finance)

    note = CreditNote.objects.get(case=case)
    lines = list(note.journal_lines.values_list("position", "account", "debit", "credit", "memo"))
    assert lines == [
        (1, "6001", D("200.00"), D("0.00"), "销售退回 / sales returned"),
        (2, "22210106", D("26.00"), D("0.00"), "冲减销项税额 / output VAT reversed"),
        (3, "6601", D("10.00"), D("0.00"), "退还发货运费 / outbound shipping refunded"),
        (4, "1002", D("0.00"), D("212.70"), "退款支付 / refund paid"),
        (5, "6051", D("0.00"), D("11.30"), "退货手续费 / restocking fee"),
        (6, "6601", D("0.00"), D("12.00"), "客户承担退回运费 / return shipping borne"),
    ]
    assert sum(line[2] for line in lines) == sum(line[3] for line in lines) == D("236.00")
    assert (note.order, note.case, note.customer, note.amount) == (order, case, consumer, D("212.70"))
    assert case.refund_reference == note.number
    assert note.number.startswith("CN-")


@pytest.fixture
def three_notes(consumer, consumer_user, agent, finance, make_line):
    days = [datetime(2026, 11, d, 10, 0, tzinfo=SHANGHAI) for d in (2, 3, 4)]
    notes = []
    for day in days:
        line = make_line(consumer, quantity=1, unit_price="59.90")
        with time_machine.travel(day, tick=False):
            case = approved_refund_only(
                customer=consumer, customer_user=consumer_user, order_line=line, quantity=1, agent=agent
            )
            services.case_refund(case=case, actor=finance)
        notes.append(CreditNote.objects.get(case=case))
    return notes


def test_given_credit_notes_on_three_days_when_exported_by_range_twice_then_each_note_is_exported_once(
    three_notes, finance
):
    assert [n.issued_on for n in three_notes] == [date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4)]

    first = refund_services.credit_note_export_create(
        actor=finance, date_from=date(2026, 11, 1), date_to=date(2026, 11, 3)
    )
    again = refund_services.credit_note_export_create(
        actor=finance, date_from=date(2026, 11, 1), date_to=date(2026, 11, 3)
    )
    wider = refund_services.credit_note_export_create(
        actor=finance, date_from=date(2026, 11, 1), date_to=date(2026, 11, 30)
    )

    assert [
        (e.notes_count, set(e.credit_notes.values_list("number", flat=True))) for e in (first, again, wider)
    ] == [
        (2, {three_notes[0].number, three_notes[1].number}),
        (0, set()),
        (1, {three_notes[2].number}),
    ]
    rows = list(csv.reader(io.StringIO(refund_services.credit_note_export_csv(export=first))))
    assert rows[0] == list(CSV_COLUMNS)
    assert rows[1] == [
        first.number, three_notes[0].number, "1", "2026-11-02", "own_shop", three_notes[0].order.number,
        three_notes[0].case.number, three_notes[0].customer.code, three_notes[0].customer.name, "6001",
        "主营业务收入—销售退回", "53.01", "0.00", "CNY", "销售退回 / sales returned",
    ]  # fmt: skip
    assert [(r[1], r[2], r[9], r[11], r[12]) for r in rows[1:]] == [
        (three_notes[0].number, "1", "6001", "53.01", "0.00"),
        (three_notes[0].number, "2", "22210106", "6.89", "0.00"),
        (three_notes[0].number, "3", "1002", "0.00", "59.90"),
        (three_notes[1].number, "1", "6001", "53.01", "0.00"),
        (three_notes[1].number, "2", "22210106", "6.89", "0.00"),
        (three_notes[1].number, "3", "1002", "0.00", "59.90"),
    ]
    # Downloading again gives the same text, whatever was exported since.
    assert refund_services.credit_note_export_csv(export=first) == refund_services.credit_note_export_csv(
        export=first
    )
    assert refund_services.credit_note_export_csv(export=again).splitlines() == [",".join(CSV_COLUMNS)]


def test_given_a_reversed_range_or_a_non_finance_user_when_exporting_then_refused_and_nothing_exported(
    three_notes, finance, agent
):
    with pytest.raises(DomainError) as excinfo:
        refund_services.credit_note_export_create(
            actor=finance, date_from=date(2026, 11, 4), date_to=date(2026, 11, 1)
        )
    assert excinfo.value.code == "refund.export_range"
    with pytest.raises(DomainError) as excinfo:
        refund_services.credit_note_export_create(
            actor=agent, date_from=date(2026, 11, 1), date_to=date(2026, 11, 4)
        )
    assert excinfo.value.code == "refund.role_forbidden"
    assert (CreditNoteExport.objects.count(), CreditNote.objects.filter(export__isnull=False).count()) == (
        0,
        0,
    )


def test_given_credit_notes_when_the_export_command_runs_twice_then_the_second_file_is_empty_and_again_repeats_the_first(
    three_notes, tmp_path
):
    from django.core.management import call_command

    first, second, again = tmp_path / "1.csv", tmp_path / "2.csv", tmp_path / "again.csv"
    call_command("export_credit_notes", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(first))
    call_command("export_credit_notes", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(second))
    number = CreditNoteExport.objects.order_by("created_at").first().number
    call_command("export_credit_notes", "--again", number, "--out", str(again))

    assert len(first.read_text(encoding="utf-8-sig").splitlines()) == 1 + 3 * 3
    assert second.read_text(encoding="utf-8-sig").splitlines() == [",".join(CSV_COLUMNS)]
    assert again.read_bytes() == first.read_bytes()
    assert first.read_bytes().startswith("\ufeff".encode())
