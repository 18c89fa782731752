"""Shared helpers for the case-engine tests: opening cases, walking them forward, and proving that
a refused action changed nothing."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.utils import timezone

from returndesk.cases import services
from returndesk.cases.models import Attachment, Case, CaseCause, CaseEvent, CaseLine
from returndesk.cases.policy import evidence_outstanding
from returndesk.core.errors import DomainError
from returndesk.inspection.tests.helpers import units_payload
from returndesk.notifications.models import OutboxMessage
from returndesk.orders.models import OrderLine


def open_case(
    *,
    actor,
    customer,
    order_line=None,
    quantity: int = 1,
    reason: str = "Q01",
    type: str = "return_refund",
    channel: str = "web",
    **kw,
) -> Case:
    """Open a case with one line (or none when order_line is None)."""
    lines = [] if order_line is None else [{"order_line": order_line, "quantity": quantity, "reason": reason}]
    return services.case_create(actor=actor, customer=customer, type=type, channel=channel, lines=lines, **kw)


def line_of(case: Case) -> CaseLine:
    (line,) = case.lines.all()
    return line


def reload_line(order_line: OrderLine) -> OrderLine:
    return OrderLine.objects.get(pk=order_line.pk)


def held_returned(order_line: OrderLine) -> tuple[int, int]:
    ol = reload_line(order_line)
    return ol.quantity_held, ol.quantity_returned


def event_trail(case: Case) -> list[tuple[str, str, str]]:
    """(type, from, to) of every event in sequence order."""
    return list(case.events.order_by("sequence").values_list("type", "from_status", "to_status"))


def state_of(case: Case | None = None, order_lines: Iterable[OrderLine] = ()) -> dict:
    """Everything a refused action must leave untouched, read fresh from the database."""
    state = {
        "cases": Case.objects.count(),
        "case_lines": CaseLine.objects.count(),
        "events": CaseEvent.objects.count(),
        "causes": CaseCause.objects.count(),
        "attachments": Attachment.objects.count(),
        "outbox": OutboxMessage.objects.count(),
        "order_lines": sorted(
            OrderLine.objects.filter(pk__in=[ol.pk for ol in order_lines]).values_list(
                "id", "quantity_held", "quantity_returned"
            )
        ),
    }
    if case is not None:
        state["case"] = Case.objects.filter(pk=case.pk).values().get()
        state["lines"] = sorted(
            CaseLine.objects.filter(case=case).values_list(
                "id", "quantity", "quantity_received", "hold_state", "refund_amount", "claimed_amount"
            )
        )
        state["case_events"] = list(
            CaseEvent.objects.filter(case=case).values_list("sequence", "type", "from_status", "to_status")
        )
        state["order_lines"] = sorted(
            {
                *state["order_lines"],
                *OrderLine.objects.filter(case_lines__case=case).values_list(
                    "id", "quantity_held", "quantity_returned"
                ),
            }
        )
    return state


@contextmanager
def refused(code: str, *, case: Case | None = None, order_lines: Iterable[OrderLine] = ()):
    """Expect a DomainError with `code` and assert that nothing changed: the case row (status,
    version, every field), its lines, its events, the order-line counters, and row counts."""
    order_lines = list(order_lines)
    before = state_of(case, order_lines)
    with pytest.raises(DomainError) as excinfo:
        yield excinfo
    assert excinfo.value.code == code, excinfo.value
    assert state_of(case, order_lines) == before
    assert excinfo.value.zh and excinfo.value.en


# --- walking a goods case forward through the service layer -------------------------------------


def tiny_png() -> bytes:
    """A valid 1×1 RGB PNG, built by hand (signature, IHDR, IDAT, IEND with CRCs)."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")  # filter byte, then one red pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def add_photo(case: Case, actor, name: str = "故障照片.png") -> Attachment:
    """The photo a quality claim needs before approval (policy rule evidence.required). It adds
    an `attachment_added` event and does not change the case's version."""
    return services.attachment_add(case=case, actor=actor, content=tiny_png(), original_name=name)


def approve_and_ship(case: Case, *, reviewer, customer_actor, solution: str = "self_ship") -> Case:
    """Approve (the customer side first uploads the photo a quality claim needs), confirm, ship."""
    if evidence_outstanding(case):
        add_photo(case, customer_actor)
    services.case_approve(case=case, actor=reviewer, solution=solution)
    services.case_confirm_solution(case=case, actor=customer_actor, **pickup_inputs(solution))
    services.case_ship_back(case=case, actor=customer_actor, carrier="SF", tracking_number="SF1234567890123")
    return case


def in_stock(order_line: OrderLine, quantity: int = 5) -> None:
    """Sellable units of the order line's product in the default warehouse, where an exchange
    reserves its replacement (docs/exchanges-repairs.md)."""
    from returndesk.catalog.models import Warehouse
    from returndesk.catalog.tests.factories import make_warehouse
    from returndesk.inventory.services import stock_move

    warehouse = Warehouse.objects.filter(is_default=True).first() or make_warehouse(is_default=True)
    stock_move(
        product=order_line.product, warehouse=warehouse, quantity=quantity, target="sellable", kind="opening"
    )


def pickup_inputs(solution: str) -> dict:
    """What a customer confirming a pickup gives: tomorrow 09:00–11:00 local time, SF, an address."""
    if solution != "pickup":
        return {}
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return {
        "return_method": "pickup", "pickup_window_start": start, "pickup_window_end": start + timedelta(hours=2),
        "carrier": "SF",
        "pickup_address": "上海市浦东新区世纪大道 100 号 8 楼",
    }  # fmt: skip


def receive_all(case: Case, *, warehouse) -> Case:
    return services.case_receive(
        case=case, actor=warehouse, received={str(line.id): line.quantity for line in case.lines.all()}
    )


def inspect_all(case: Case, *, inspector, grade: str = "A") -> Case:
    """Seed S9 step 6: every unit received passes every checklist point and is accepted."""
    return services.case_inspect(case=case, actor=inspector, units=units_payload(case, grade=grade))


def receive_and_inspect(case: Case, *, warehouse) -> Case:
    receive_all(case, warehouse=warehouse)
    return inspect_all(case, inspector=warehouse)


def confirm_cause(case: Case, *, qc) -> Case:
    return services.case_confirm_cause(
        case=case,
        actor=qc,
        is_our_product=True,
        stage="production",
        responsible_department="生产部",
        handling="返修后入库",
    )


def refund_only_refunded(*, customer_actor, customer, order_line, quantity, reviewer, finance, reference):
    """Open a refund-only case and take it to refunded (no goods, no GM gate below the amount)."""
    case = open_case(
        actor=customer_actor, customer=customer, order_line=order_line, quantity=quantity, type="refund_only"
    )
    add_photo(case, customer_actor)
    services.case_approve(case=case, actor=reviewer)
    services.case_refund(case=case, actor=finance, reference=reference)
    return case
