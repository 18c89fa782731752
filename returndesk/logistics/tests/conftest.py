"""Fixtures: the case-engine people, customers and orders (cases/tests/conftest.py), and the goods
reference data (the checklist, a default return warehouse) for every database test."""

from returndesk.cases.tests.conftest import (  # noqa: F401  fixtures shared with the case tests
    agent,
    consumer,
    consumer_user,
    distributor,
    finance,
    gm,
    key_account,
    line5,
    make_line,
    qc,
    reference_data,
    sales,
    supervisor,
    sysadmin,
    warehouse,
)
from returndesk.inspection.tests.helpers import goods_reference_data  # noqa: F401  autouse
