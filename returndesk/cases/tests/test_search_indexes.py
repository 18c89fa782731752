"""The searches by serial number and outbound tracking number are index lookups (issue 8: fast
with a million cases; figures in docs/desk.md from bench/desk_lists.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from returndesk.cases.models import Case, CaseLine
from returndesk.cases.selectors import _json_list_has
from returndesk.orders.models import OrderLine


def _plan(qs) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Tiny test tables would be read whole: forbid that, so the plan shows which index
            # can answer the filter at all (none can, without the GIN indexes).
            cursor.execute("SET LOCAL enable_seqscan = off")
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
    plan = _plan(model.objects.filter(_json_list_has("serial_numbers", "SN0000000042")).values("id"))
    assert index in plan
