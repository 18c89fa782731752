"""Reference data the goods flow needs in tests: the receipt checklist the migration loads and a
default return warehouse. Transactional tests flush the database, so fixtures load them again
(idempotent)."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps

from returndesk.catalog.models import Warehouse
from returndesk.catalog.tests.factories import make_warehouse

CHECKLIST_MIGRATION = "returndesk.inspection.migrations.0002_default_checklist"


def load_checklist() -> None:
    import_module(CHECKLIST_MIGRATION).load_checklist(apps, None)


def default_warehouse() -> Warehouse:
    return Warehouse.objects.filter(is_default=True).first() or make_warehouse(
        code="WH-SH", name="上海退货仓", return_address="上海市嘉定区叶城路 1288 号 售后收货组",
        contact_name="周大勇", phone="021-59981234", is_default=True,
    )  # fmt: skip


def load_goods_reference_data() -> Warehouse:
    load_checklist()
    return default_warehouse()


@pytest.fixture(autouse=True)
def goods_reference_data(request):
    """Autouse (imported by the conftests of the apps whose tests walk cases through the goods
    flow): for a test that uses the database, the checklist and a default return warehouse, as a
    real install has them configured."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is None and not names & {"db", "transactional_db"}:
        return
    transactional = "transactional_db" in names or bool(marker and marker.kwargs.get("transaction"))
    request.getfixturevalue("transactional_db" if transactional else "db")
    load_goods_reference_data()


def units_payload(case, *, grade: str = "A", outcome: str = "accepted", failed=(), **extra) -> list[dict]:
    """The `units` input of `inspect` for every unit of the case's latest receipt: the same grade
    and outcome for all, every checklist point passed except `failed`."""
    from returndesk.inspection.models import ReturnUnit
    from returndesk.inspection.selectors import checklist_for, latest_receipt

    receipt = latest_receipt(case)
    units = ReturnUnit.objects.filter(receipt_line__receipt=receipt).select_related("receipt_line__product")
    payload = []
    for unit in units.order_by("case_line__created_at", "sequence"):
        codes = [i.code for i in checklist_for(unit.receipt_line.product.category_id)]
        payload.append(
            {"unit": str(unit.id), "grade": grade, "outcome": outcome,
             "checks": {code: code not in failed for code in codes}, **extra}
        )  # fmt: skip
    return payload
