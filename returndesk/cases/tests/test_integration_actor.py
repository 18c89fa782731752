"""Integration users (shops, ERPs) have the system role but are not the system: they may open cases
over the API, but never fire the transitions reserved for the system's own timeouts and rules."""

import pytest

from returndesk.accounts.models import User
from returndesk.accounts.roles import Role
from returndesk.cases import services
from returndesk.cases.models import Status
from returndesk.cases.selectors import case_available_actions

from .helpers import open_case, refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def integration(db):
    return User.objects.create_user(username="shop-integration", password="x", role=Role.SYSTEM)


def test_given_an_integration_user_when_it_opens_a_case_for_a_customer_then_the_case_is_submitted(
    integration, consumer, line5
):
    case = open_case(
        actor=integration, customer=consumer, order_line=line5, quantity=1, reason="C02", channel="api"
    )

    assert (case.status, case.created_by, case.events.get().actor_role) == (
        Status.SUBMITTED,
        integration,
        "system",
    )


def test_given_an_integration_user_when_it_approves_or_closes_then_refused_and_nothing_changed(
    integration, consumer, line5, agent
):
    case = open_case(actor=agent, customer=consumer, order_line=line5, quantity=1, reason="C02")

    with refused("case.role_forbidden", case=case, order_lines=[line5]):
        services.case_transition(case=case, actor=integration, action="approve", solution="self_ship")
    assert case_available_actions(case=case, user=integration) == []
