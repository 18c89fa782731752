"""Delivery acceptance inspection (到货验收, issue #5, seed S1 二.3): structured findings per order
line at the customer's site, and a return or exchange case opened from them through the normal
case creation (policy evaluated, quantities held), linked to the acceptance case both ways."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from returndesk.acceptance.models import AcceptanceFinding
from returndesk.cases import services
from returndesk.cases.models import Case, Status
from returndesk.catalog.tests.factories import make_customer, make_product
from returndesk.orders.tests.factories import make_order

from .helpers import event_trail, held_returned, open_case, refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivery(reference_data, key_account):
    """Yesterday's delivery to the key account: 30 monitors with serial numbers and 30 docks."""
    order = make_order(
        key_account,
        delivered_at=timezone.now() - timedelta(days=1),
        lines=[
            {"product": make_product(sku="MON-27"), "quantity": 30, "unit_price": "1500.00",
             "serial_numbers": [f"M27-{i:04d}" for i in range(1, 31)]},
            {"product": make_product(sku="DOCK-9"), "quantity": 30, "unit_price": "300.00"},
        ],
    )  # fmt: skip
    return order.lines.order_by("position")


def inspected(key_account, agent, qc, monitors, docks, **extra):
    case = open_case(actor=agent, customer=key_account, type="acceptance", channel="phone")
    services.case_schedule_visit(
        case=case, actor=agent, visit_at=timezone.now() + timedelta(days=1), technician="王工"
    )
    services.case_record_inspection(
        case=case, actor=qc, result="issues_found", findings="2 台外箱挤压、1 台亮点、扩展坞少 2 个",
        issues=[
            {"order_line": str(monitors.id), "reason": "D03", "quantity": 2, "description": "外箱挤压,屏幕有压痕"},
            {"order_line": str(monitors.id), "reason": "Q02", "quantity": 1, "description": "屏幕右下角亮点",
             "serial_numbers": ["M27-0007"]},
            {"order_line": str(docks.id), "reason": "D02", "quantity": 2, "description": "少发 2 个"},
        ],
        **extra,
    )  # fmt: skip
    return case


def test_given_issues_found_on_site_when_recorded_then_each_is_a_finding_per_order_line_and_in_the_event(
    delivery, key_account, agent, qc
):
    monitors, docks = delivery
    case = inspected(key_account, agent, qc, monitors, docks)

    assert case.status == Status.INSPECTED
    assert list(
        AcceptanceFinding.objects.filter(case=case).values_list(
            "position", "order_line", "reason__code", "quantity", "serial_numbers", "opened_case"
        )
    ) == [
        (1, monitors.id, "D03", 2, [], None),
        (2, monitors.id, "Q02", 1, ["M27-0007"], None),
        (3, docks.id, "D02", 2, [], None),
    ]
    data = case.events.get(type="record_inspection").data
    assert [(i["position"], i["product"], i["reason"], i["quantity"]) for i in data["issues"]] == [
        (1, "MON-27", "D03", 2), (2, "MON-27", "Q02", 1), (3, "DOCK-9", "D02", 2),
    ]  # fmt: skip


def test_given_findings_when_an_exchange_is_opened_from_one_then_it_is_a_normal_case_with_policy_linked_both_ways(
    delivery, key_account, agent, qc
):
    monitors, docks = delivery
    acceptance = inspected(key_account, agent, qc, monitors, docks)
    version = acceptance.version

    exchange = services.case_open_from_findings(case=acceptance, actor=agent, type="exchange", findings=[2])

    assert (exchange.type, exchange.status, exchange.customer, exchange.channel) == (
        "exchange", Status.SUBMITTED, key_account, "phone",
    )  # fmt: skip
    (line,) = exchange.lines.all()
    assert (line.order_line_id, line.quantity, line.reason.code, line.serial_numbers, line.description) == (
        monitors.id, 1, "Q02", ["M27-0007"], "屏幕右下角亮点",
    )  # fmt: skip
    assert exchange.policy_decision["lines"][0]["rule"] == "quality.business_warranty"
    assert held_returned(monitors) == (1, 0)
    created = exchange.events.get(type="created").data
    assert created["origin"] == {"acceptance_case": acceptance.number, "findings": [2]}
    assert AcceptanceFinding.objects.get(case=acceptance, position=2).opened_case == exchange
    acceptance.refresh_from_db()
    assert acceptance.version == version + 1
    assert event_trail(acceptance)[-1] == ("follow_up_opened", "", "")
    assert acceptance.events.get(type="follow_up_opened").data == {
        "case_number": exchange.number, "type": "exchange", "findings": [2],
    }  # fmt: skip


def test_given_findings_when_a_return_is_opened_for_the_rest_then_each_order_line_comes_from_its_finding(
    delivery, key_account, agent, qc
):
    monitors, docks = delivery
    acceptance = inspected(key_account, agent, qc, monitors, docks)
    with refused("acceptance.same_order_line", case=acceptance, order_lines=[monitors, docks]) as exc:
        services.case_open_from_findings(
            case=acceptance, actor=agent, type="return_refund", findings=[1, 2, 3]
        )
    assert exc.value.en == "Findings 1, 2 are on the same order line; open a case for each"
    services.case_open_from_findings(case=acceptance, actor=agent, type="exchange", findings=[2])

    returned = services.case_open_from_findings(
        case=acceptance, actor=agent, type="return_refund", findings=[1, 3]
    )

    assert sorted(returned.lines.values_list("order_line__product__sku", "quantity", "reason__code")) == [
        ("DOCK-9", 2, "D02"), ("MON-27", 2, "D03"),
    ]  # fmt: skip
    assert set(AcceptanceFinding.objects.filter(case=acceptance).values_list("position", "opened_case")) == {
        (1, returned.id), (2, Case.objects.get(type="exchange").id), (3, returned.id),
    }  # fmt: skip
    with refused("acceptance.no_findings", case=acceptance):
        services.case_open_from_findings(case=acceptance, actor=agent, type="return_refund")
    with refused("acceptance.finding_already_opened", case=acceptance):
        services.case_open_from_findings(case=acceptance, actor=agent, type="return_refund", findings=[3])


def test_given_a_finding_the_policy_refuses_when_opening_a_case_then_refused_and_nothing_linked_or_evented(
    reference_data, key_account, agent, qc
):
    """A delivery problem reported 20 days after signing is past the 15-day delivery claim period:
    the normal creation refuses it, and the acceptance case stays as it was."""
    order = make_order(
        key_account, delivered_at=timezone.now() - timedelta(days=20), lines=[(make_product(), 5, "300.00")]
    )
    ol = order.lines.get()
    acceptance = open_case(actor=agent, customer=key_account, type="acceptance", channel="phone")
    services.case_schedule_visit(case=acceptance, actor=agent, visit_at=timezone.now(), technician="王工")
    services.case_record_inspection(
        case=acceptance, actor=qc, result="issues_found",
        issues=[{"order_line": str(ol.id), "reason": "D03", "quantity": 1}],
    )  # fmt: skip

    with refused("case.policy_refused", case=acceptance, order_lines=[ol]):
        services.case_open_from_findings(case=acceptance, actor=agent, type="return_refund")
    assert AcceptanceFinding.objects.get().opened_case is None


@pytest.mark.parametrize(
    ("issue", "field"),
    [
        ({"reason": "D03", "quantity": 1}, "issues[1].order_line"),
        ({"order_line": "OTHER", "reason": "D03", "quantity": 1}, "issues[1].order_line"),
        ({"order_line": "MON", "reason": "D", "quantity": 1}, "issues[1].reason"),
        ({"order_line": "MON", "reason": "D03", "quantity": 31}, "issues[1].quantity"),
        ({"order_line": "MON", "reason": "D03", "quantity": 0}, "issues[1].quantity"),
        (
            {"order_line": "MON", "reason": "D03", "quantity": 1, "serial_numbers": ["X-1"]},
            "issues[1].serial_numbers",
        ),
    ],
)
def test_given_a_bad_issue_when_recording_the_inspection_then_refused_with_the_field_named_and_nothing_changed(
    delivery, key_account, agent, qc, issue, field
):
    monitors, _docks = delivery
    other = make_order(make_customer(), lines=[(make_product(), 1, "10.00")]).lines.get()
    ids = {"MON": str(monitors.id), "OTHER": str(other.id)}
    issue = {**issue, **({"order_line": ids[issue["order_line"]]} if "order_line" in issue else {})}
    case = open_case(actor=agent, customer=key_account, type="acceptance", channel="phone")
    services.case_schedule_visit(case=case, actor=agent, visit_at=timezone.now(), technician="王工")

    with refused("case.invalid_input", case=case) as exc:
        services.case_record_inspection(case=case, actor=qc, result="issues_found", issues=[issue])

    assert set(exc.value.fields) == {field}
    assert AcceptanceFinding.objects.count() == 0


def test_given_a_passed_inspection_with_issues_when_recording_then_refused(delivery, key_account, agent, qc):
    monitors, _docks = delivery
    case = open_case(actor=agent, customer=key_account, type="acceptance", channel="phone")
    services.case_schedule_visit(case=case, actor=agent, visit_at=timezone.now(), technician="王工")

    with refused("case.invalid_input", case=case) as exc:
        services.case_record_inspection(
            case=case,
            actor=qc,
            result="passed",
            issues=[{"order_line": str(monitors.id), "reason": "D03", "quantity": 1}],
        )
    assert set(exc.value.fields) == {"issues"}


def test_given_an_acceptance_not_yet_inspected_or_a_non_intake_role_when_opening_a_case_then_refused(
    delivery, key_account, agent, qc, warehouse
):
    monitors, docks = delivery
    scheduled = open_case(actor=agent, customer=key_account, type="acceptance", channel="phone")
    services.case_schedule_visit(case=scheduled, actor=agent, visit_at=timezone.now(), technician="王工")
    with refused("case.action_not_allowed_now", case=scheduled):
        services.case_open_from_findings(case=scheduled, actor=agent, type="exchange")

    acceptance = inspected(key_account, agent, qc, monitors, docks)
    with refused("case.role_forbidden", case=acceptance):
        services.case_open_from_findings(case=acceptance, actor=warehouse, type="exchange", findings=[2])
    with refused("case.invalid_input", case=acceptance):
        services.case_open_from_findings(case=acceptance, actor=agent, type="repair", findings=[2])
    with refused("acceptance.unknown_findings", case=acceptance):
        services.case_open_from_findings(case=acceptance, actor=agent, type="exchange", findings=[9])
