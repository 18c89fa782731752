"""Every write of the delivery acceptance domain. The cases app parses and checks the findings
(order lines of the customer, reasons, serial numbers) and calls these in its transaction."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from . import errors
from .models import AcceptanceFinding


@dataclass(frozen=True)
class Finding:
    order_line: object
    reason: object  # cases.ReturnReason (a leaf)
    quantity: int
    description: str = ""
    serial_numbers: tuple[str, ...] = ()


def acceptance_record_findings(*, case, findings: list[Finding]) -> list[AcceptanceFinding]:
    """Store the findings of an inspection. Findings of an earlier visit that opened no case are
    replaced (a reopened acceptance is inspected again); those that did stay, numbered first."""
    with transaction.atomic():
        AcceptanceFinding.objects.filter(case=case, opened_case__isnull=True).delete()
        start = AcceptanceFinding.objects.filter(case=case).aggregate(m=Max("position"))["m"] or 0
        return AcceptanceFinding.objects.bulk_create(
            AcceptanceFinding(
                case=case,
                position=start + n,
                order_line=f.order_line,
                reason=f.reason,
                quantity=f.quantity,
                description=f.description,
                serial_numbers=list(f.serial_numbers),
            )
            for n, f in enumerate(findings, start=1)
        )


def acceptance_findings_to_open(*, case, positions: list[int] | None) -> list[AcceptanceFinding]:
    """The findings (locked) a new case is to be opened from: the given positions, or every one
    not yet opened. Refused when one is unknown, already opened, or two share an order line (a
    case names each order line once)."""
    qs = (
        AcceptanceFinding.objects.select_for_update()
        .filter(case=case)
        .select_related("order_line__order", "order_line__product", "reason")
    )
    if positions:
        found = list(qs.filter(position__in=positions).order_by("position"))
        missing = sorted(set(positions) - {f.position for f in found})
        if missing:
            raise errors.unknown_findings(missing)
        opened = [f.position for f in found if f.opened_case_id]
        if opened:
            raise errors.already_opened(opened)
    else:
        found = list(qs.filter(opened_case__isnull=True).order_by("position"))
    if not found:
        raise errors.no_findings()
    by_line: dict = {}
    for f in found:
        by_line.setdefault(f.order_line_id, []).append(f.position)
    shared = [p for group in by_line.values() if len(group) > 1 for p in group]
    if shared:
        raise errors.same_order_line(shared)
    return found


def acceptance_link_case(*, findings: list[AcceptanceFinding], opened_case) -> None:
    now = timezone.now()
    for f in findings:
        f.opened_case = opened_case
        f.opened_at = now
        f.save(update_fields=["opened_case", "opened_at", "updated_at"])
