"""Reads filtered by who asks: the actions a user may take now (with guard explanations) and the
cases a user may see (DOMAIN.md "Roles": a customer only ever sees its own cases)."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser

from returndesk.cases import selectors, services

from .helpers import add_photo, approve_and_ship, confirm_cause, open_case, receive_and_inspect


def actions(case, user) -> list[tuple[str, bool, str]]:
    return [
        (a.action, a.enabled, a.reason_en) for a in selectors.case_available_actions(case=case, user=user)
    ]


@pytest.fixture
def received_distributor_case(distributor, make_line, sales, warehouse):
    ol = make_line(distributor, quantity=4)
    case = open_case(
        actor=sales,
        customer=distributor,
        order_line=ol,
        quantity=2,
        reason="Q01",
        channel="distributor_notice",
    )
    approve_and_ship(case, reviewer=sales, customer_actor=sales)
    return receive_and_inspect(case, warehouse=warehouse)


def test_given_a_received_distributor_case_when_finance_asks_then_refund_is_listed_but_disabled_until_qc_and_gm_pass(
    received_distributor_case, finance, qc, gm
):
    case = received_distributor_case
    assert actions(case, finance) == [("refund", False, "Production/QC must confirm the cause first")]
    (refund,) = selectors.case_available_actions(case=case, user=finance)
    assert refund.reason_zh == "质量原因须先由生产/质量部确认原因"

    confirm_cause(case, qc=qc)
    assert actions(case, finance) == [("refund", False, "The general manager must approve first")]

    services.case_gm_approve(case=case, actor=gm, opinion="同意")
    assert actions(case, finance) == [("refund", True, "")]


def test_given_a_received_distributor_case_when_the_gm_and_the_supervisor_ask_then_each_sees_its_own_actions(
    received_distributor_case, gm, supervisor, warehouse, qc
):
    case = received_distributor_case
    assert actions(case, gm) == [
        ("gm_approve", False, "Production/QC must confirm the cause first"),
        ("gm_reject", True, ""),
    ]
    assert actions(case, supervisor) == [("gm_reject", True, "")]
    assert actions(case, warehouse) == []
    assert actions(case, qc) == [("confirm_cause", True, "")]


def test_given_a_submitted_return_when_each_party_asks_then_reviewers_approve_or_reject_and_the_owner_may_cancel(
    consumer, consumer_user, other_user, line5, agent, warehouse, sysadmin
):
    case = open_case(actor=consumer_user, customer=consumer, order_line=line5)
    no_photo = "Quality claims need a photo or video first, or staff must waive it with a reason"
    assert actions(case, agent) == [("approve", False, no_photo), ("reject", True, ""), ("cancel", True, "")]
    add_photo(case, consumer_user)
    assert actions(case, agent) == [("approve", True, ""), ("reject", True, ""), ("cancel", True, "")]
    assert actions(case, consumer_user) == [("cancel", True, "")]
    assert actions(case, other_user) == []
    assert actions(case, warehouse) == []
    assert actions(case, sysadmin) == []


def test_given_a_non_quality_distributor_return_when_sales_asks_then_approve_is_disabled_with_the_policy_reason(
    distributor, distributor_user, make_line, sales
):
    ol = make_line(distributor, quantity=4)
    case = open_case(actor=distributor_user, customer=distributor, order_line=ol, reason="C03")
    assert actions(case, sales) == [
        (
            "approve",
            False,
            "Distributor returns for non-quality reasons are refused; sales informs the distributor",
        ),
        ("reject", True, ""),
        ("cancel", True, ""),
    ]
    assert actions(case, distributor_user) == [("cancel", True, "")]


def test_given_a_refund_only_case_when_the_agent_asks_then_the_refund_only_approve_is_offered(
    consumer, consumer_user, line5, agent, finance
):
    case = open_case(actor=consumer_user, customer=consumer, order_line=line5, type="refund_only")
    add_photo(case, consumer_user)
    (approve, *_rest) = selectors.case_available_actions(case=case, user=agent)
    assert (approve.action, approve.transition.target, approve.transition.required_inputs) == (
        "approve",
        "approved",
        (),
    )
    services.case_approve(case=case, actor=agent)
    assert actions(case, finance) == [("refund", True, "")]


def test_given_cases_of_two_customers_when_each_lists_visible_cases_then_each_sees_only_its_own(
    consumer, consumer_user, other_consumer, other_user, make_line, agent, gm, distributor, distributor_user
):
    mine = open_case(actor=consumer_user, customer=consumer, order_line=make_line(consumer, quantity=1))
    theirs = open_case(
        actor=other_user, customer=other_consumer, order_line=make_line(other_consumer, quantity=1)
    )
    dealers = open_case(
        actor=distributor_user, customer=distributor, order_line=make_line(distributor, quantity=1)
    )

    assert list(selectors.case_visible_to(consumer_user)) == [mine]
    assert list(selectors.case_visible_to(other_user)) == [theirs]
    assert list(selectors.case_visible_to(distributor_user)) == [dealers]
    assert set(selectors.case_visible_to(agent)) == {mine, theirs, dealers}
    assert set(selectors.case_visible_to(gm)) == {mine, theirs, dealers}


def test_given_an_anonymous_or_deactivated_user_when_listing_visible_cases_then_nothing(
    consumer, consumer_user, line5, agent
):
    open_case(actor=consumer_user, customer=consumer, order_line=line5)
    assert selectors.case_visible_to(None).count() == 0
    assert selectors.case_visible_to(AnonymousUser()).count() == 0
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    assert selectors.case_visible_to(agent).count() == 0


def test_given_another_customers_case_when_fetched_by_number_or_id_then_it_looks_exactly_like_a_missing_one(
    consumer, consumer_user, other_user, line5
):
    case = open_case(actor=consumer_user, customer=consumer, order_line=line5)
    assert selectors.case_get_for_user(user=consumer_user, number=case.number) == case

    errors = []
    for kwargs in ({"number": case.number}, {"case_id": case.id}, {"case_id": uuid.uuid4()}):
        with pytest.raises(Exception) as excinfo:
            selectors.case_get_for_user(user=other_user, **kwargs)
        errors.append((excinfo.value.code, excinfo.value.kind, excinfo.value.en))
    assert errors == [("case.not_found", "not_found", "Case not found")] * 3
