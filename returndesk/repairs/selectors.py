"""Reads of the repair domain: a case's repair, and the repair history per unit that feeds the
三包 ladder (cases.policy.prior_repairs)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import QuerySet

from .models import Repair, RepairRecord


def repair_of_case(*, case) -> Repair | None:
    return (
        Repair.objects.filter(case=case)
        .select_related("fault", "diagnosed_by")
        .prefetch_related("quote_items")
        .first()
    )


def covered_repairs_by_serial(*, serials: Iterable[str], fault_code: str) -> dict[str, list[datetime]]:
    """When each of these units' free (warranty) repairs of this fault were finished, oldest
    first. A unit coming back with the same fault after a repair shows that repair failed."""
    wanted = [s for s in serials if s]
    history: dict[str, list[datetime]] = {s: [] for s in wanted}
    if not wanted:
        return history
    rows = RepairRecord.objects.filter(serial_number__in=wanted, fault__code=fault_code, covered=True)
    for serial, finished in rows.order_by("finished_at").values_list("serial_number", "finished_at"):
        history[serial].append(finished)
    return history


def repair_history(*, serial_number: str = "", fault_code: str = "") -> QuerySet[RepairRecord]:
    """Finished repairs, newest first, optionally of one unit and one fault."""
    qs = RepairRecord.objects.select_related("repair__case", "product", "fault", "order_line__order")
    if serial_number:
        qs = qs.filter(serial_number=serial_number)
    if fault_code:
        qs = qs.filter(fault__code=fault_code)
    return qs.order_by("-finished_at", "-id")
