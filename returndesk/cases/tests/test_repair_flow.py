"""Repairs (issue #5, seed S1 二.1, S8 4.2/4.3): the diagnosis decides, through the policy engine,
whether the warranty covers the fault; a paid repair is quoted (parts and labour) and waits for
the customer's decision; the result and the return shipment; the repair history per serial
number and fault feeds the 三包 ladder (the second failed repair opens exchange or return)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from returndesk.cases import selectors, services
from returndesk.cases.models import Status
from returndesk.catalog.tests.factories import make_product
from returndesk.orders.tests.factories import make_order
from returndesk.repairs.models import Coverage, Outcome, QuoteState, Repair, RepairQuoteItem, RepairRecord

from .helpers import (
    approve_and_ship,
    confirm_cause,
    event_trail,
    held_returned,
    receive_and_inspect,
    refused,
    state_of,
)

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def laptop_line(customer, *, delivered: datetime, serial: str = "HC14A0001"):
    """A 三包 laptop: 12 months for the whole unit, 24 for the main parts (Q01, Q02, Q04)."""
    product = make_product(sanbao_category="computer", warranty_months_unit=12, warranty_months_main_parts=24)
    order = make_order(
        customer=customer, delivered_at=delivered,
        lines=[{"product": product, "quantity": 1, "unit_price": "4999.00", "serial_numbers": [serial]}],
    )  # fmt: skip
    return order.lines.get()


def received_repair(ol, *, reason, consumer, consumer_user, agent, warehouse, qc, serial="HC14A0001"):
    case = services.case_create(
        actor=consumer_user, customer=consumer, type="repair", channel="web",
        lines=[{"order_line": ol, "quantity": 1, "reason": reason, "serial_numbers": [serial]}],
    )  # fmt: skip
    approve_and_ship(case, reviewer=agent, customer_actor=consumer_user)
    receive_and_inspect(case, warehouse=warehouse)
    confirm_cause(case, qc=qc)
    return case


def _repair_state() -> dict:
    return {
        "repairs": list(
            Repair.objects.values_list("id", "coverage", "quote_state", "quote_total", "outcome")
        ),
        "items": RepairQuoteItem.objects.count(),
        "records": RepairRecord.objects.count(),
    }


def test_given_a_fault_under_warranty_when_diagnosed_repaired_and_shipped_then_free_and_one_history_row_per_unit(
    reference_data, consumer, consumer_user, agent, warehouse, qc
):
    ol = laptop_line(consumer, delivered=datetime(2026, 9, 1, 10, tzinfo=SHANGHAI))
    case = received_repair(
        ol,
        reason="Q03",
        consumer=consumer,
        consumer_user=consumer_user,
        agent=agent,
        warehouse=warehouse,
        qc=qc,
    )

    services.case_diagnose(case=case, actor=qc, diagnosis="键盘排线松脱")

    repair = Repair.objects.get(case=case)
    assert case.status == Status.READY_FOR_REPAIR
    assert (repair.coverage, repair.quote_state, repair.quote_total, repair.fault.code) == (
        Coverage.WARRANTY, QuoteState.NONE, Decimal("0.00"), "Q03",
    )  # fmt: skip
    assert repair.warranty_rule == "quality.warranty_repair"
    assert repair.warranty_until == datetime(2027, 9, 2, tzinfo=SHANGHAI)
    services.case_start_repair(case=case, actor=qc)
    services.case_finish_repair(
        case=case,
        actor=qc,
        result="更换键盘排线,测试通过",
        outcome="fixed",
        carrier="SF",
        tracking_number="SF1234567890123",
    )

    repair.refresh_from_db()
    assert case.status == Status.REPAIRED
    assert (repair.outcome, repair.result) == (Outcome.FIXED, "更换键盘排线,测试通过")
    assert list(
        RepairRecord.objects.values_list("serial_number", "fault__code", "covered", "outcome", "quantity")
    ) == [("HC14A0001", "Q03", True, "fixed", 1)]
    assert held_returned(ol) == (0, 0)
    assert event_trail(case)[-3:] == [
        ("diagnose", "cause_confirmed", "ready_for_repair"),
        ("start_repair", "ready_for_repair", "repairing"),
        ("finish_repair", "repairing", "repaired"),
    ]
    assert case.events.get(type="diagnose").data["coverage"] == "warranty"


def test_given_a_covered_fault_when_qc_tries_to_quote_it_then_refused_and_nothing_changed(
    reference_data, consumer, consumer_user, agent, warehouse, qc
):
    ol = laptop_line(consumer, delivered=datetime(2026, 9, 1, 10, tzinfo=SHANGHAI))
    case = received_repair(
        ol,
        reason="Q03",
        consumer=consumer,
        consumer_user=consumer_user,
        agent=agent,
        warehouse=warehouse,
        qc=qc,
    )
    before = _repair_state()

    with refused("repair.covered_no_quote", case=case, order_lines=[ol]):
        services.case_quote_repair(case=case, actor=qc, diagnosis="键盘失灵", labour="100.00")
    assert _repair_state() == before


def test_given_the_warranty_ended_when_the_repair_case_opens_then_it_is_a_paid_repair_quoted_accepted_and_done(
    reference_data, consumer, consumer_user, agent, warehouse, qc
):
    """Keyboard faults run on the 12-month whole-unit warranty, which ended on 2025-10-10 + 12
    months: the case still opens (a paid repair is possible), diagnose refuses the free repair
    and explains why, and the quote is accepted by the customer."""
    ol = laptop_line(consumer, delivered=datetime(2025, 10, 10, 10, tzinfo=SHANGHAI))
    case = received_repair(
        ol,
        reason="Q03",
        consumer=consumer,
        consumer_user=consumer_user,
        agent=agent,
        warehouse=warehouse,
        qc=qc,
    )
    assert case.policy_decision["lines"][0]["rule"] == "quality.warranty_expired"

    with refused("repair.not_covered", case=case, order_lines=[ol]) as exc:
        services.case_diagnose(case=case, actor=qc, diagnosis="键盘进灰")
    assert "2026-10-10 24:00" in exc.value.zh and "send a quote instead" in exc.value.en

    services.case_quote_repair(
        case=case, actor=qc, diagnosis="键盘模块老化,需更换",
        parts=[{"name": "键盘模块", "quantity": 1, "unit_price": "260.00"}, {"name": "螺丝", "quantity": 4, "unit_price": "0.50"}],
        labour="80.00",
    )  # fmt: skip
    repair = Repair.objects.get(case=case)
    assert case.status == Status.QUOTE_PENDING
    assert (repair.coverage, repair.parts_amount, repair.labour_amount, repair.quote_total, repair.quote_state) == (
        Coverage.PAID, Decimal("262.00"), Decimal("80.00"), Decimal("342.00"), QuoteState.PENDING,
    )  # fmt: skip
    assert list(repair.quote_items.values_list("kind", "description", "quantity", "amount")) == [
        ("part", "键盘模块", 1, Decimal("260.00")),
        ("part", "螺丝", 4, Decimal("2.00")),
        ("labour", "维修工时 / Labour", 1, Decimal("80.00")),
    ]
    assert case.events.get(type="quote_repair").data["quote_total"] == "342.00"
    with refused("case.action_not_allowed_now", case=case):
        services.case_start_repair(case=case, actor=qc)  # not before the customer decides

    services.case_accept_quote(case=case, actor=consumer_user, note="同意报价")
    services.case_start_repair(case=case, actor=qc)
    services.case_finish_repair(
        case=case,
        actor=qc,
        result="已更换键盘模块",
        outcome="fixed",
        carrier="SF",
        tracking_number="SF1234567890123",
    )

    repair.refresh_from_db()
    assert (case.status, repair.quote_state) == (Status.REPAIRED, QuoteState.ACCEPTED)
    assert list(RepairRecord.objects.values_list("covered", flat=True)) == [False]
    assert event_trail(case)[-4:] == [
        ("quote_repair", "cause_confirmed", "quote_pending"),
        ("accept_quote", "quote_pending", "ready_for_repair"),
        ("start_repair", "ready_for_repair", "repairing"),
        ("finish_repair", "repairing", "repaired"),
    ]


def test_given_the_unit_warranty_ended_but_the_fault_is_a_main_part_when_diagnosed_then_the_longer_warranty_covers_it(
    reference_data, consumer, consumer_user, agent, warehouse, qc
):
    ol = laptop_line(consumer, delivered=datetime(2025, 10, 10, 10, tzinfo=SHANGHAI))
    case = received_repair(
        ol,
        reason="Q03",
        consumer=consumer,
        consumer_user=consumer_user,
        agent=agent,
        warehouse=warehouse,
        qc=qc,
    )

    services.case_diagnose(case=case, actor=qc, diagnosis="键盘控制芯片所在主板故障", fault="Q04")

    repair = Repair.objects.get(case=case)
    assert (case.status, repair.coverage, repair.fault.code) == (
        Status.READY_FOR_REPAIR,
        Coverage.WARRANTY,
        "Q04",
    )
    assert repair.warranty_until == datetime(2027, 10, 11, tzinfo=SHANGHAI)


def test_given_user_damage_under_warranty_when_quoted_then_paid_and_a_declined_quote_sends_the_unit_back_unrepaired(
    reference_data, consumer, consumer_user, agent, warehouse, qc
):
    """Seed S8 4.3: damage by the user is outside the free warranty. The customer declines; the
    unit goes back as it came, nothing enters the repair history, the hold is released."""
    ol = laptop_line(consumer, delivered=datetime(2026, 9, 1, 10, tzinfo=SHANGHAI))
    case = received_repair(
        ol,
        reason="Q03",
        consumer=consumer,
        consumer_user=consumer_user,
        agent=agent,
        warehouse=warehouse,
        qc=qc,
    )

    services.case_quote_repair(
        case=case, actor=qc, diagnosis="键盘进液腐蚀", exclusion="user_damage",
        parts=[{"name": "键盘模块", "quantity": 1, "unit_price": "260.00"}], labour="80.00",
    )  # fmt: skip
    services.case_decline_quote(case=case, actor=consumer_user, reason="太贵了,不修了")
    repair = Repair.objects.get(case=case)
    assert (case.status, repair.quote_state, repair.exclusion) == (
        Status.QUOTE_DECLINED,
        QuoteState.DECLINED,
        "user_damage",
    )

    services.case_return_unrepaired(
        case=case, actor=warehouse, carrier="SF", tracking_number="SF1234567890123"
    )
    services.case_close(case=case, actor=agent)

    repair.refresh_from_db()
    assert (case.status, repair.outcome) == (Status.CLOSED, Outcome.UNREPAIRED)
    assert RepairRecord.objects.count() == 0
    assert held_returned(ol) == (0, 0)
    assert event_trail(case)[-4:] == [
        ("quote_repair", "cause_confirmed", "quote_pending"),
        ("decline_quote", "quote_pending", "quote_declined"),
        ("return_unrepaired", "quote_declined", "returned_unrepaired"),
        ("close", "returned_unrepaired", "closed"),
    ]


def test_given_a_declined_quote_when_qc_quotes_again_and_the_customer_accepts_then_the_new_quote_replaces_the_old(
    reference_data, consumer, consumer_user, agent, warehouse, qc
):
    ol = laptop_line(consumer, delivered=datetime(2025, 10, 10, 10, tzinfo=SHANGHAI))
    case = received_repair(
        ol,
        reason="Q03",
        consumer=consumer,
        consumer_user=consumer_user,
        agent=agent,
        warehouse=warehouse,
        qc=qc,
    )
    services.case_quote_repair(case=case, actor=qc, diagnosis="键盘老化", labour="300.00")
    services.case_decline_quote(case=case, actor=consumer_user, reason="工时费太高")

    services.case_quote_repair(case=case, actor=qc, diagnosis="键盘老化", labour="150.00")
    services.case_accept_quote(case=case, actor=consumer_user)

    repair = Repair.objects.get(case=case)
    assert (repair.quote_total, repair.quote_state, repair.quote_items.count()) == (
        Decimal("150.00"), QuoteState.ACCEPTED, 1,
    )  # fmt: skip
    assert case.status == Status.READY_FOR_REPAIR


@pytest.mark.parametrize(
    ("kw", "code", "field"),
    [
        ({}, "repair.quote_empty", "parts"),
        ({"labour": "0.00"}, "repair.quote_empty", "parts"),
        ({"labour": 80.5}, "repair.amount_invalid", "labour"),
        ({"labour": "80.005"}, "repair.amount_invalid", "labour"),
        ({"labour": "-1"}, "repair.amount_invalid", "labour"),
        (
            {"parts": [{"name": "", "quantity": 1, "unit_price": "1.00"}]},
            "repair.quote_item_invalid",
            "parts[1]",
        ),
        (
            {"parts": [{"name": "主板", "quantity": 0, "unit_price": "1.00"}]},
            "repair.quote_item_invalid",
            "parts[1]",
        ),
        ({"parts": [{"name": "主板", "quantity": 1}]}, "repair.amount_invalid", "parts[1].unit_price"),
        ({"labour": "10.00", "exclusion": "aliens"}, "repair.exclusion_invalid", "exclusion"),
        ({"labour": "10.00", "fault": "Q"}, "repair.fault_invalid", "fault"),
    ],
)
def test_given_a_bad_quote_when_quoting_then_refused_with_the_field_named_and_nothing_changed(
    reference_data, consumer, consumer_user, agent, warehouse, qc, kw, code, field
):
    ol = laptop_line(consumer, delivered=datetime(2025, 10, 10, 10, tzinfo=SHANGHAI))
    case = received_repair(
        ol,
        reason="Q03",
        consumer=consumer,
        consumer_user=consumer_user,
        agent=agent,
        warehouse=warehouse,
        qc=qc,
    )
    before = _repair_state()

    with refused(code, case=case, order_lines=[ol]) as exc:
        services.case_quote_repair(case=case, actor=qc, diagnosis="检测", **kw)

    assert set(exc.value.fields) == {field}
    assert _repair_state() == before


def test_given_a_pending_quote_when_someone_elses_customer_or_staff_outside_the_customer_side_decides_then_refused(
    reference_data, consumer, consumer_user, other_user, agent, warehouse, qc
):
    ol = laptop_line(consumer, delivered=datetime(2025, 10, 10, 10, tzinfo=SHANGHAI))
    case = received_repair(
        ol,
        reason="Q03",
        consumer=consumer,
        consumer_user=consumer_user,
        agent=agent,
        warehouse=warehouse,
        qc=qc,
    )
    services.case_quote_repair(case=case, actor=qc, diagnosis="键盘老化", labour="150.00")

    with refused("case.not_own_case", case=case):
        services.case_accept_quote(case=case, actor=other_user)
    with refused("case.role_forbidden", case=case):
        services.case_accept_quote(case=case, actor=qc)
    services.case_accept_quote(case=case, actor=agent, note="客户电话确认接受报价")
    assert case.status == Status.READY_FOR_REPAIR


# --- the 三包 ladder, end to end ------------------------------------------------------------------


def _repair_once(ol, outcome, **actors):
    case = received_repair(ol, reason="Q02", **actors)
    services.case_diagnose(case=case, actor=actors["qc"], diagnosis="屏幕闪烁")
    services.case_start_repair(case=case, actor=actors["qc"])
    services.case_finish_repair(
        case=case,
        actor=actors["qc"],
        result="更换屏幕排线",
        outcome=outcome,
        carrier="SF",
        tracking_number="SF1234567890123",
    )
    services.case_close(case=case, actor=actors["agent"])
    return case


def test_given_the_same_fault_repaired_twice_under_warranty_when_it_comes_back_then_exchange_or_return_is_available(
    reference_data, consumer, consumer_user, agent, warehouse, qc
):
    """部分商品修理更换退货责任规定: after two failed repairs of the same fault within the warranty
    the customer may choose exchange or return. Day 86 after signing, past the 15-day exchange
    period: before the second repair only a repair is offered; after it, exchange and return."""
    ol = laptop_line(consumer, delivered=datetime(2026, 9, 1, 10, tzinfo=SHANGHAI))
    actors = {
        "consumer": consumer,
        "consumer_user": consumer_user,
        "agent": agent,
        "warehouse": warehouse,
        "qc": qc,
    }
    spec = {"order_line": ol, "quantity": 1, "reason": "Q02", "serial_numbers": ["HC14A0001"]}

    def ask(case_type, reason="Q02", serial="HC14A0001"):
        return selectors.eligibility_check(
            user=consumer_user, customer=consumer, case_type=case_type,
            lines=[{**spec, "reason": reason, "serial_numbers": [serial]}],
        )  # fmt: skip

    _repair_once(ol, "fixed", **actors)
    assert (ask("exchange").eligible, ask("exchange").lines[0].rule) == (False, "quality.warranty_repair")
    with refused("case.policy_refused", order_lines=[ol]):
        services.case_create(
            actor=consumer_user, customer=consumer, type="exchange", channel="web", lines=[spec]
        )

    _repair_once(ol, "not_fixed", **actors)

    assert list(RepairRecord.objects.values_list("serial_number", "fault__code", "covered", "outcome")) == [
        ("HC14A0001", "Q02", True, "fixed"),
        ("HC14A0001", "Q02", True, "not_fixed"),
    ]
    assert (ask("exchange").eligible, ask("exchange").lines[0].rule) == (True, "quality.repair_ladder")
    assert (ask("return_refund").eligible, ask("return_refund").lines[0].solutions) == (
        True, ("refund", "exchange", "repair"),
    )  # fmt: skip
    assert ask("exchange", reason="Q03").lines[0].rule == "quality.warranty_repair"  # another fault
    exchange = services.case_create(
        actor=consumer_user, customer=consumer, type="exchange", channel="web", lines=[spec]
    )
    assert exchange.policy_decision["rules"][0] == "quality.repair_ladder"
    assert exchange.status == Status.SUBMITTED


def test_given_paid_repairs_of_the_same_fault_when_counting_the_ladder_then_they_do_not_count(
    reference_data, consumer, consumer_user, agent, warehouse, qc
):
    """Only free repairs under warranty are failed warranty repairs; repairs of user damage are
    the customer's own (seed S8 4.3)."""
    ol = laptop_line(consumer, delivered=datetime(2026, 9, 1, 10, tzinfo=SHANGHAI))
    for _ in range(2):
        case = received_repair(
            ol,
            reason="Q02",
            consumer=consumer,
            consumer_user=consumer_user,
            agent=agent,
            warehouse=warehouse,
            qc=qc,
        )
        services.case_quote_repair(
            case=case, actor=qc, diagnosis="屏幕被压裂", exclusion="user_damage", labour="500.00"
        )
        services.case_accept_quote(case=case, actor=consumer_user)
        services.case_start_repair(case=case, actor=qc)
        services.case_finish_repair(
            case=case,
            actor=qc,
            result="更换屏幕",
            outcome="fixed",
            carrier="SF",
            tracking_number="SF1234567890123",
        )
        services.case_close(case=case, actor=agent)

    assert list(RepairRecord.objects.values_list("covered", flat=True)) == [False, False]
    before = state_of(None, [ol])
    with refused("case.policy_refused", order_lines=[ol]):
        services.case_create(
            actor=consumer_user, customer=consumer, type="exchange", channel="web",
            lines=[{"order_line": ol, "quantity": 1, "reason": "Q02", "serial_numbers": ["HC14A0001"]}],
        )  # fmt: skip
    assert state_of(None, [ol]) == before


def test_given_an_unknown_outcome_when_finishing_then_refused_and_no_history_written(
    reference_data, consumer, consumer_user, agent, warehouse, qc
):
    ol = laptop_line(consumer, delivered=datetime(2026, 9, 1, 10, tzinfo=SHANGHAI))
    case = received_repair(
        ol,
        reason="Q03",
        consumer=consumer,
        consumer_user=consumer_user,
        agent=agent,
        warehouse=warehouse,
        qc=qc,
    )
    services.case_diagnose(case=case, actor=qc, diagnosis="键盘失灵")
    services.case_start_repair(case=case, actor=qc)

    with refused("repair.outcome_invalid", case=case, order_lines=[ol]):
        services.case_finish_repair(
            case=case,
            actor=qc,
            result="修好了",
            outcome="maybe",
            carrier="SF",
            tracking_number="SF1234567890123",
        )
    assert RepairRecord.objects.count() == 0
