"""Demo data of return logistics (called from returndesk/desk/demo/builder.py): a route that sends
returns from South China to the Guangzhou warehouse, what a customer confirming a pickup gives,
and the booking customer service enters for it."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from returndesk.catalog.models import Warehouse

from .models import ReturnRoute

SOUTH = ("广东省", "广西壮族自治区", "海南省", "福建省")


def setup() -> None:
    """Returns from South China go to the Guangzhou warehouse (HC-GZ); all others to the default."""
    guangzhou = Warehouse.objects.filter(code="HC-GZ").first()
    if guangzhou is None:
        return
    for n, province in enumerate(SOUTH, start=1):
        ReturnRoute.objects.get_or_create(
            address_prefix=province, category=None,
            defaults={"priority": 10 * n, "warehouse": guangzhou, "note": "华南地区就近退回广州分仓"},
        )  # fmt: skip


def confirm_inputs(case, now) -> dict:
    """What the customer gives when confirming: for a pickup, tomorrow 09:00–11:00 by SF at the
    customer's address; for self-ship nothing more."""
    if case.solution != "pickup":
        return {}
    start = timezone.localtime(now).replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return {
        "return_method": "pickup", "pickup_window_start": start, "pickup_window_end": start + timedelta(hours=2),
        "carrier": "SF", "pickup_address": case.customer.address or "上海市静安区南京西路 1266 号",
    }  # fmt: skip


def booking_reference(case) -> str:
    return f"SFYY{case.number[-11:].replace('-', '')}"
