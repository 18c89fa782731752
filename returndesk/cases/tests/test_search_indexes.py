"""The searches by serial number and outbound tracking number are index lookups (issue 8: fast
with a million cases; figures in docs/desk.md from bench/desk_lists.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from returndesk.cases.models import Case, CaseLine
from returndesk.cases.selectors import _lines_with_serial
from returndesk.cases.serial_lookup import _json_list_has
from returndesk.orders.models import OrderLine


def _plan(qs) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Tiny test tables would be read whole: forbid that, so the plan shows which index
            # can answer the filter at all (none can, without the GIN indexes).
            cursor.execute("SET LOCAL enable_seqscan = off")
            # and no plain index scans either (a whole other index read in order would do): the
            # table is then reachable only through a bitmap of an index matching the filter.
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("SET LOCAL enable_indexonlyscan = off")
    return qs.explain()


@pytest.mark.django_db
def test_given_the_migrations_when_looking_for_an_outbound_tracking_number_then_its_index_answers():
    plan = _plan(Case.objects.filter(outbound_tracking_number="YT0000000000007").order_by().values("id"))
    if connection.vendor == "postgresql":
        assert "Index" in plan and "outbound_tracking_number" in plan
    else:
        assert "SEARCH cases_case USING INDEX cases_case_outbound_tracking_number" in plan


@pytest.mark.postgres_only
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "index"),
    [(CaseLine, "case_line_serials_gin"), (OrderLine, "order_line_serials_gin")],
)
def test_given_postgresql_when_looking_for_a_serial_number_in_a_json_list_then_the_gin_index_answers(
    model, index
):
    plan = _plan(
        model.objects.filter(_json_list_has("serial_numbers", "SN0000000042")).order_by().values("id")
    )
    assert index in plan


def _refs() -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT serial, order_line_id, case_line_id FROM cases_serialref")
        return {(serial, ol, cl) for serial, ol, cl in cursor.fetchall()}


@pytest.mark.django_db
def test_given_sqlite_when_lines_with_serials_are_written_changed_and_deleted_then_the_lookup_follows():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only (PostgreSQL reads its GIN indexes)")
    from returndesk.accounts.roles import Role
    from returndesk.api.tests.cases_helpers import load_reasons
    from returndesk.api.tests.conftest import make_user
    from returndesk.cases import services
    from returndesk.catalog.tests.factories import make_customer
    from returndesk.orders.tests.factories import line, make_order

    load_reasons()
    customer = make_customer()
    order = make_order(customer, lines=[line(quantity=2, serial_numbers=["SN-A1", "SN-A2"])])
    order_line = order.lines.get()
    ol = order_line.pk.hex
    assert _refs() == {("SN-A1", ol, None), ("SN-A2", ol, None)}

    case = services.case_create(
        actor=make_user(Role.AGENT), customer=customer, type="return_refund", channel="phone",
        lines=[{"order_line": order_line, "quantity": 1, "reason": "Q01", "serial_numbers": ["SN-A2"]}],
    )  # fmt: skip
    cl = case.lines.get().pk.hex
    assert _refs() == {("SN-A1", ol, None), ("SN-A2", ol, None), ("SN-A2", None, cl)}
    assert {case_id for _pk, case_id in _lines_with_serial("SN-A2")} == {case.pk}
    assert _lines_with_serial("SN-A") == []  # whole serial numbers only

    order_line.refresh_from_db()
    order_line.serial_numbers = ["SN-B1"]
    order_line.save()  # every column, as the admin saves it
    OrderLine.objects.filter(pk=order_line.pk).update(quantity_held=1)  # not the serials: untouched
    assert _refs() == {("SN-B1", ol, None), ("SN-A2", None, cl)}

    CaseLine.objects.filter(pk=case.lines.get().pk).delete()
    assert _refs() == {("SN-B1", ol, None)}


@pytest.mark.django_db
def test_given_sqlite_when_searching_a_serial_then_the_lookup_index_answers():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    from returndesk.cases.serial_lookup import claimed_q

    plan = CaseLine.objects.filter(claimed_q("SN0000000042")).values("id").explain()
    assert "USING INDEX cases_serialref_serial" in plan
