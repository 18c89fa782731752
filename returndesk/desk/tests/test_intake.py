"""Intake by phone or email (seed S8/S9): find the customer, see the policy's decision while
typing, open the case; every refusal shown on the form with nothing written."""

from __future__ import annotations

import pytest
from django.urls import reverse

from returndesk.cases.models import Case, CaseEvent
from returndesk.cases.tests.helpers import state_of

from .conftest import order_line

pytestmark = pytest.mark.django_db


@pytest.fixture
def line(consumer):
    return order_line(consumer, quantity=2, number="HC2026112000058")


def lines_post(ol, quantity="1", reason="Q01", serials=""):
    return {
        "line": str(ol.id),
        f"qty_{ol.id}": quantity,
        f"reason_{ol.id}": reason,
        f"serials_{ol.id}": serials,
    }


def intake_post(customer, ol=None, **overrides):
    data = {
        "customer": customer.code, "type": "return_refund", "channel": "phone", "priority": "",
        "contact_name": "张伟", "contact_phone": "13800000001", "contact_email": "",
        "description": "笔记本开不了机",
    }  # fmt: skip
    if ol is not None:
        data |= lines_post(ol)
    return data | overrides


@pytest.mark.parametrize("text", ["13800000001", "C0001", "zhangwei@example.com", "张伟", "HC2026112000058"])
def test_given_any_key_when_searching_customers_then_the_customer_is_offered(
    client, agent, consumer, line, text
):
    client.force_login(agent)

    response = client.get(reverse("intake_customers"), {"q": text}, HTTP_HX_REQUEST="true")

    hits = response.context["customers"]
    assert [h.customer.code for h in hits] == ["C0001"]
    assert (hits[0].order_number == "HC2026112000058") is (text == "HC2026112000058")
    assert "张伟" in response.content.decode()


def test_given_an_order_number_when_choosing_its_customer_then_only_that_order_is_offered(
    client, agent, consumer, line
):
    order_line(consumer, number="HC2026010100001")
    client.force_login(agent)

    response = client.get(reverse("intake"), {"customer": "C0001", "order": "HC2026112000058"})

    assert [row["item"].order_line.order.number for row in response.context["rows"]] == ["HC2026112000058"]


def test_given_an_eligible_request_when_previewing_then_the_decision_is_explained(
    client, agent, consumer, line
):
    client.force_login(agent)

    response = client.post(reverse("intake_preview"), intake_post(consumer, line), HTTP_HX_REQUEST="true")

    decision = response.context["decision"]
    html = response.content.decode()
    assert decision.eligible is True
    assert [ln.rule for ln in decision.lines] == ["quality.return_period"]
    assert "按政策可以受理此申请。" in html
    assert "退货退款、换货、维修" in html or "退货退款" in html
    assert Case.objects.count() == 0


def test_given_no_lines_when_previewing_a_return_then_asked_to_choose_items(client, agent, consumer, line):
    client.force_login(agent)

    response = client.post(reverse("intake_preview"), intake_post(consumer))

    assert response.context["needs_lines"] is True
    assert "选择商品、数量和原因后" in response.content.decode()


def test_given_a_line_without_reason_when_previewing_then_the_service_message_is_shown(
    client, agent, consumer, line
):
    client.force_login(agent)

    response = client.post(
        reverse("intake_preview"), intake_post(consumer, line, **{f"reason_{line.id}": ""})
    )

    assert response.context["error"] == "第 1 行:请选择退货原因"


def test_given_a_valid_request_when_submitted_then_the_case_is_opened_and_shown(
    client, agent, consumer, line
):
    client.force_login(agent)

    response = client.post(reverse("intake"), intake_post(consumer, line))

    case = Case.objects.get()
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("case_detail", args=[case.pk])
    assert (case.channel, case.type, case.created_by, case.description) == (
        "phone",
        "return_refund",
        agent,
        "笔记本开不了机",
    )
    assert [(cl.order_line_id, cl.quantity, cl.reason.code) for cl in case.lines.all()] == [
        (line.id, 1, "Q01")
    ]
    assert case.policy_decision["eligible"] is True


def test_given_more_than_returnable_when_submitted_then_409_with_the_reason_and_nothing_written(
    client, agent, consumer, line
):
    client.force_login(agent)
    before = state_of(order_lines=[line])

    response = client.post(reverse("intake"), intake_post(consumer, line, **{f"qty_{line.id}": "3"}))

    assert response.status_code == 409
    assert "可退数量为 2,申请了 3" in response.content.decode()
    assert state_of(order_lines=[line]) == before


def test_given_a_quantity_that_is_not_a_number_when_submitted_then_the_line_says_so(
    client, agent, consumer, line
):
    client.force_login(agent)

    response = client.post(reverse("intake"), intake_post(consumer, line, **{f"qty_{line.id}": "two"}))

    (row,) = [r for r in response.context["rows"] if r["key"] == str(line.id)]
    assert response.status_code == 422
    assert row["error"] == "请填写整数数量。"
    assert Case.objects.count() == 0


def test_given_a_missing_description_when_submitted_then_the_field_is_required(client, agent, consumer, line):
    client.force_login(agent)

    response = client.post(reverse("intake"), intake_post(consumer, line, description=""))

    assert response.status_code == 422
    assert response.context["form"].errors == {"description": ["这个字段是必填项。"]}
    assert Case.objects.count() == 0


def test_given_a_policy_refusal_when_submitted_then_the_line_carries_the_rule_and_nothing_is_written(
    client, agent, consumer
):
    from datetime import timedelta

    from django.utils import timezone

    from returndesk.orders.tests.factories import make_order

    old = make_order(customer=consumer, delivered_at=timezone.now() - timedelta(days=400)).lines.get()
    client.force_login(agent)

    response = client.post(reverse("intake"), intake_post(consumer, old, **{f"reason_{old.id}": "C01"}))

    (row,) = [r for r in response.context["rows"] if r["key"] == str(old.id)]
    assert response.status_code == 422
    assert row["error"]
    assert response.context["error"].startswith("第 1 行:")
    assert Case.objects.count() == 0 and CaseEvent.objects.count() == 0


def test_given_a_supervisor_when_a_refused_request_is_submitted_with_a_reason_then_it_opens(
    client, supervisor, consumer
):
    from datetime import timedelta

    from django.utils import timezone

    from returndesk.orders.tests.factories import make_order

    old = make_order(customer=consumer, delivered_at=timezone.now() - timedelta(days=400)).lines.get()
    client.force_login(supervisor)

    response = client.post(
        reverse("intake"),
        intake_post(consumer, old, override_reason="老客户,特批", **{f"reason_{old.id}": "C01"}),
    )

    case = Case.objects.get()
    assert response.status_code == 302
    assert case.policy_override["reason"] == "老客户,特批"


def test_given_an_agent_then_the_override_field_is_not_offered(client, agent, consumer, line):
    client.force_login(agent)

    response = client.get(reverse("intake"), {"customer": "C0001"})

    assert "override_reason" not in response.context["form"].fields


@pytest.mark.parametrize("role_fixture", ["warehouse", "finance", "customer_user"])
def test_given_a_role_that_does_not_take_requests_when_opening_intake_then_403(
    request, client, role_fixture, consumer, line
):
    client.force_login(request.getfixturevalue(role_fixture))

    assert client.get(reverse("intake")).status_code == 403
    assert client.post(reverse("intake"), intake_post(consumer, line)).status_code == 403
    assert Case.objects.count() == 0


def test_given_a_sales_user_and_a_distributor_then_the_channel_defaults_to_the_distributor_notice(
    client, sales, distributor
):
    order_line(distributor, quantity=10)
    client.force_login(sales)

    response = client.get(reverse("intake"), {"customer": "D001"})

    assert response.context["form"].initial["channel"] == "distributor_notice"
