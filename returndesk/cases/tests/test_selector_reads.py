"""What case_get_for_user reads: the case with its customer, assignee and team in one query, the
`related` rows an answer names in that same query, and with `only` nothing else (the API's own
read before an action)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from returndesk.accounts.models import Team
from returndesk.accounts.roles import Role
from returndesk.cases import selectors
from returndesk.cases.models import Case

from .helpers import open_case


@pytest.fixture
def assigned_case(consumer, consumer_user, line5, agent):
    case = open_case(actor=consumer_user, customer=consumer, order_line=line5, quantity=1, reason="C01")
    team = Team.objects.create(name="华东客服", role=Role.AGENT)
    Case.objects.filter(pk=case.pk).update(assignee=agent, team=team)
    return case


def test_given_no_related_names_when_a_case_is_read_then_customer_assignee_and_team_come_in_the_same_query(
    assigned_case, agent
):
    with CaptureQueriesContext(connection) as captured:
        case = selectors.case_get_for_user(user=agent, case_id=assigned_case.pk)
        names = (case.customer.name, case.assignee.username, case.team.name)
    assert names == ("张三", agent.username, "华东客服")
    assert len(captured) == 1


def test_given_related_names_when_a_case_is_read_then_they_join_the_same_query(
    assigned_case, agent, consumer_user
):
    with CaptureQueriesContext(connection) as captured:
        case = selectors.case_get_for_user(user=agent, case_id=assigned_case.pk, related=("created_by",))
        names = (case.customer.name, case.assignee.username, case.team.name, case.created_by.username)
    assert names == ("张三", agent.username, "华东客服", consumer_user.username)
    assert len(captured) == 1


def test_given_only_some_columns_when_a_case_is_read_then_nothing_else_is_joined(
    assigned_case, consumer_user
):
    with CaptureQueriesContext(connection) as captured:
        case = selectors.case_get_for_user(
            user=consumer_user, case_id=assigned_case.pk, only=("id", "type", "version")
        )
    assert (case.type, case.version) == ("return_refund", 1)
    assert len(captured) == 1 and " JOIN " not in captured[0]["sql"]
    assert case.get_deferred_fields() >= {"status", "customer_id", "policy_decision"}
