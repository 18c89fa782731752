"""Fixtures of the delivery tests: the case-engine people and orders (cases/tests/conftest.py),
a real SMTP server with Django's SMTP backend pointed at it, and a real webhook receiver."""

import pytest
from django.test import override_settings

from returndesk.cases.tests.conftest import (  # noqa: F401  fixtures shared with the case tests
    agent,
    consumer,
    consumer_user,
    goods_reference_data,
    line5,
    make_line,
    reference_data,
    supervisor,
    warehouse,
)

from .servers import SmtpServer, WebhookReceiver


@pytest.fixture
def smtp():
    """A local SMTP server; Django sends real SMTP to it. `smtp.inbox.messages` is what arrived."""
    with (
        SmtpServer() as server,
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=server.port,
            EMAIL_USE_TLS=False,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
        ),
    ):
        yield server


@pytest.fixture
def receiver():
    with WebhookReceiver() as server:
        yield server
