"""Fixtures of the refunds tests: the case-engine fixtures (one user per department, customers,
orders made by the order service), reused as they are, and the goods reference data (receipt
checklist, a default return warehouse) every test with the database gets."""

from returndesk.cases.tests.conftest import (  # noqa: F401 - pytest fixtures
    agent,
    consumer,
    consumer_user,
    distributor,
    finance,
    gm,
    line5,
    make_line,
    qc,
    reference_data,
    sales,
    supervisor,
    warehouse,
)
from returndesk.inspection.tests.helpers import goods_reference_data  # noqa: F401  autouse
