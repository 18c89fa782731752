"""Fixtures of the refunds tests: the case-engine fixtures (one user per department, customers,
orders made by the order service), reused as they are."""

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
