"""The benchmark's bulk generator (bench/analytics_data.py) on a small scale, on each database:
its rows pass every constraint (COPY on PostgreSQL, executemany on SQLite) and the rollups built
from them equal the facts computed afresh."""

import importlib.util
from pathlib import Path

import pytest

from returndesk.analytics.models import CohortDay
from returndesk.analytics.rollups import rollup_rebuild
from returndesk.cases.models import Case, CaseEvent, CaseLine
from returndesk.orders.models import OrderLine

from .test_rollups import assert_rollups_equal_facts

pytestmark = pytest.mark.django_db
GENERATOR = Path(__file__).resolve().parents[3] / "bench" / "analytics_data.py"


def _generator():
    spec = importlib.util.spec_from_file_location("analytics_data", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_given_a_small_generated_history_when_rolled_up_then_consistent_with_the_sources():
    result = _generator().generate(cases=300, order_lines=900, seed=7, days=120)

    assert result["counts"]["cases"] == Case.objects.count() == 300
    assert result["counts"]["order_lines"] == OrderLine.objects.count() == 900
    assert CaseLine.objects.count() == result["counts"]["case_lines"]
    assert CaseEvent.objects.count() == result["counts"]["case_events"]
    held = sum(OrderLine.objects.values_list("quantity_held", flat=True))
    assert held == sum(CaseLine.objects.filter(hold_state="held").values_list("quantity", flat=True))
    rollup_rebuild()
    assert CohortDay.objects.exists()
    assert_rollups_equal_facts()
