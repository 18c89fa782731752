"""Fixtures of the portal tests: the case-engine people and reference data (cases/tests), a real
SMTP server (notifications/tests), and customers with orders made through the real services."""

from __future__ import annotations

import pytest
from django.test import Client

from returndesk.cases.tests.conftest import (  # noqa: F401  fixtures shared with the case tests
    agent,
    consumer,
    consumer_user,
    distributor,
    distributor_user,
    finance,
    gm,
    make_line,
    other_consumer,
    other_user,
    qc,
    reference_data,
    sales,
    supervisor,
    warehouse,
)
from returndesk.notifications.tests.conftest import smtp  # noqa: F401  a real SMTP server

from .helpers import PNG, make_shop_order


@pytest.fixture(autouse=True)
def _reasons(reference_data):  # noqa: F811  (the imported fixture)
    """Every portal test needs the reason tree and workflow settings."""


@pytest.fixture
def shop_order(consumer):  # noqa: F811  (the imported fixture)
    """张三's online order, signed for 2 days ago: 2 laptops at 4999.00 and a mouse at 99.00, with
    contact phone and email on the order."""
    return make_shop_order(consumer)


@pytest.fixture
def customer_client(consumer_user):  # noqa: F811  (the imported fixture)
    client = Client()
    client.force_login(consumer_user)
    return client


@pytest.fixture
def other_client(other_user):  # noqa: F811  (the imported fixture)
    client = Client()
    client.force_login(other_user)
    return client


@pytest.fixture
def distributor_client(distributor_user):  # noqa: F811  (the imported fixture)
    client = Client()
    client.force_login(distributor_user)
    return client


@pytest.fixture
def png():
    return PNG
