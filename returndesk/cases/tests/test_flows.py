"""Every flow of the workflow walked end to end through the service layer (seed S1, S2, S7, S9):
statuses, the exact event trail with from/to statuses, and the order-line counters at the end."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from returndesk.cases import services
from returndesk.cases.models import CaseCause, CaseSettings, HoldState, Status
from returndesk.refunds.models import CreditNote, RefundCalculation

from .helpers import (
    add_photo,
    approve_and_ship,
    confirm_cause,
    event_trail,
    held_returned,
    in_stock,
    inspect_all,
    line_of,
    open_case,
    receive_all,
    receive_and_inspect,
    refused,
    reload_line,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_given_a_consumer_with_a_faulty_laptop_when_the_s9_return_and_refund_flow_runs_then_it_ends_refunded_and_closed(
    consumer, consumer_user, line5, agent, warehouse, qc, finance
):
    """Seed S9: apply → offer self-ship → customer confirms → ships with a tracking number →
    warehouse checks the receipt → production confirms the (quality) cause → finance refunds → archive."""
    case = open_case(actor=consumer_user, customer=consumer, order_line=line5, quantity=2, reason="Q01")
    assert (case.status, case.version, case.claimed_amount) == (Status.SUBMITTED, 1, Decimal("200.00"))
    assert held_returned(line5) == (2, 0)

    add_photo(case, consumer_user)  # a quality claim needs a photo before approval (policy)
    services.case_approve(case=case, actor=agent, solution="self_ship")
    assert (case.status, case.solution) == (Status.AWAITING_CUSTOMER, "self_ship")
    services.case_confirm_solution(case=case, actor=consumer_user)
    assert case.status == Status.AWAITING_RETURN
    services.case_ship_back(case=case, actor=consumer_user, carrier="sf", tracking_number="SF 1234 5678 9012")
    assert (case.status, case.return_carrier, case.return_tracking_number) == (
        Status.IN_TRANSIT,
        "SF",
        "SF123456789012",
    )
    services.case_receive(case=case, actor=warehouse, received={str(line_of(case).id): 2}, note="完好")
    assert case.status == Status.RECEIVED
    inspect_all(case, inspector=warehouse)
    assert (case.status, line_of(case).quantity_accepted) == (Status.GOODS_INSPECTED, 2)
    confirm_cause(case, qc=qc)
    assert case.status == Status.CAUSE_CONFIRMED
    services.case_refund(case=case, actor=finance, reference="JV-2026-0001")
    # The gateway (simulated, default: succeeds) answers at once: the case is refunded and the
    # credit note that reverses the sale is its reference.
    note = CreditNote.objects.get(case=case)
    assert (case.status, case.refund_amount, case.refund_reference, note.amount) == (
        Status.REFUNDED,
        Decimal("200.00"),
        note.number,
        Decimal("200.00"),
    )
    assert case.refunded_at is not None
    services.case_close(case=case, actor=agent)

    assert (case.status, case.version) == (Status.CLOSED, 10)
    assert case.closed_at is not None
    assert event_trail(case) == [
        ("created", "", "submitted"),
        ("attachment_added", "", ""),
        ("approve", "submitted", "awaiting_customer"),
        ("confirm_solution", "awaiting_customer", "awaiting_return"),
        ("ship_back", "awaiting_return", "in_transit"),
        ("receive", "in_transit", "received"),
        ("inspect", "received", "goods_inspected"),
        ("confirm_cause", "goods_inspected", "cause_confirmed"),
        ("refund", "cause_confirmed", "refund_pending"),
        ("refund_complete", "refund_pending", "refunded"),
        ("close", "refunded", "closed"),
    ]
    assert list(case.events.values_list("sequence", flat=True)) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert list(case.events.values_list("actor__username", flat=True)) == [
        "zhangsan", "zhangsan", "agent", "zhangsan", "zhangsan", "warehouse", "warehouse", "qc", "finance", None,
        "agent",
    ]  # fmt: skip
    line = line_of(case)
    assert (line.quantity_received, line.hold_state, line.refund_amount) == (
        2,
        HoldState.RETURNED,
        Decimal("200.00"),
    )
    assert held_returned(line5) == (0, 2)


def test_given_a_distributor_notice_when_the_s2_flow_runs_with_a_short_receipt_then_gm_gates_the_refund_of_received_units_only(
    distributor, make_line, sales, warehouse, qc, gm, finance
):
    """Seed S2 (JD/GL04): sales records the distributor's notice → warehouse confirms the quantity
    actually received (3 of 4) → production confirms the cause → the general manager approves →
    finance reverses the value of the 3 received units only."""
    ol = make_line(distributor, quantity=10, unit_price="120.00")
    case = open_case(
        actor=sales,
        customer=distributor,
        order_line=ol,
        quantity=4,
        reason="Q04",
        channel="distributor_notice",
    )
    assert (case.channel, case.claimed_amount, case.created_by) == (
        "distributor_notice",
        Decimal("480.00"),
        sales,
    )
    assert held_returned(ol) == (4, 0)

    add_photo(case, sales, name="经销商提供的故障照片.jpg")
    services.case_approve(case=case, actor=sales, solution="self_ship")
    services.case_confirm_solution(case=case, actor=sales, note="经销商电话确认")
    services.case_ship_back(case=case, actor=sales, carrier="JD", tracking_number="JDVA01234567890")
    services.case_receive(case=case, actor=warehouse, received={str(line_of(case).id): 3}, note="短少 1 台")
    assert line_of(case).quantity_received == 3
    assert case.events.get(type="receive").data["lines"] == [
        {"line": str(line_of(case).id), "requested": 4, "received": 3, "short": 1, "serial_numbers": [],
         "serial_issues": []}
    ]  # fmt: skip
    inspect_all(case, inspector=warehouse)
    services.case_confirm_cause(
        case=case,
        actor=qc,
        is_our_product="是",
        stage="material",
        responsible_department="采购部",
        responsible_person="王工",
        handling="退供应商",
    )
    cause = CaseCause.objects.get(case=case)
    assert (cause.is_our_product, cause.stage, cause.responsible_department, cause.confirmed_by) == (
        True,
        "material",
        "采购部",
        qc,
    )

    with refused("case.guard.gm_approved_if_required", case=case) as exc:
        services.case_refund(case=case, actor=finance, reference="JV-001")
    assert exc.value.en == "The general manager must approve first"

    services.case_gm_approve(case=case, actor=gm, opinion="同意退货,追究供应商责任")
    assert case.status == Status.GM_APPROVED
    assert case.gm_approved_at is not None
    services.case_refund(case=case, actor=finance, reference="JV-001")
    assert (case.status, case.refund_amount) == (Status.REFUNDED, Decimal("360.00"))
    services.case_close(case=case, actor=sales)

    assert (case.status, case.version) == (Status.CLOSED, 11)
    assert event_trail(case) == [
        ("created", "", "submitted"),
        ("attachment_added", "", ""),
        ("approve", "submitted", "awaiting_customer"),
        ("confirm_solution", "awaiting_customer", "awaiting_return"),
        ("ship_back", "awaiting_return", "in_transit"),
        ("receive", "in_transit", "received"),
        ("inspect", "received", "goods_inspected"),
        ("confirm_cause", "goods_inspected", "cause_confirmed"),
        ("gm_approve", "cause_confirmed", "gm_approved"),
        ("refund", "gm_approved", "refund_pending"),
        ("refund_complete", "refund_pending", "refunded"),
        ("close", "refunded", "closed"),
    ]
    assert case.events.get(type="refund").data["components"]["goods_gross"] == "360.00"
    (calculation,) = RefundCalculation.objects.filter(case=case)
    assert [(ln["case_line"], ln["units"], ln["gross"]) for ln in calculation.lines] == [
        (str(line_of(case).id), 3, "360.00")
    ]
    assert held_returned(ol) == (0, 3)
    assert reload_line(ol).returnable_quantity == 7


def test_given_a_distributor_return_for_a_non_quality_reason_when_sales_approves_then_the_guard_refuses_and_sales_rejects_with_an_alternative(
    distributor, distributor_user, make_line, sales
):
    """Seed S2: 非质量原因的经销商退货不予受理 — sales tells the distributor; the units are freed."""
    ol = make_line(distributor, quantity=10, unit_price="120.00")
    case = open_case(actor=distributor_user, customer=distributor, order_line=ol, quantity=2, reason="C02")
    assert held_returned(ol) == (2, 0)

    with refused("case.guard.distributor_quality_only", case=case) as exc:
        services.case_approve(case=case, actor=sales, solution="self_ship")
    assert (
        exc.value.en
        == "Distributor returns for non-quality reasons are refused; sales informs the distributor"
    )

    services.case_reject(
        case=case, actor=sales, reason="非质量问题,按经销协议不予退货", alternative="可协助调货至其他门店销售"
    )
    assert (case.status, case.version) == (Status.REJECTED, 2)
    assert (case.rejection_reason, case.rejection_alternative) == (
        "非质量问题,按经销协议不予退货",
        "可协助调货至其他门店销售",
    )
    assert event_trail(case) == [("created", "", "submitted"), ("reject", "submitted", "rejected")]
    assert case.events.get(type="reject").data == {
        "reason": "非质量问题,按经销协议不予退货",
        "alternative": "可协助调货至其他门店销售",
    }
    assert line_of(case).hold_state == HoldState.RELEASED
    assert held_returned(ol) == (0, 0)


def test_given_a_refund_only_claim_below_the_gm_amount_when_approved_and_refunded_then_the_claimed_units_count_as_returned(
    consumer, consumer_user, line5, agent, finance
):
    case = open_case(
        actor=consumer_user, customer=consumer, order_line=line5, quantity=1, reason="D02", type="refund_only"
    )
    services.case_approve(case=case, actor=agent, note="少发一台,核实属实")
    assert case.status == Status.APPROVED
    services.case_refund(case=case, actor=finance, reference="CN-9")
    services.case_close(case=case, actor=agent)

    assert (case.status, case.refund_amount, case.version) == (Status.CLOSED, Decimal("100.00"), 5)
    assert event_trail(case) == [
        ("created", "", "submitted"),
        ("approve", "submitted", "approved"),
        ("refund", "approved", "refund_pending"),
        ("refund_complete", "refund_pending", "refunded"),
        ("close", "refunded", "closed"),
    ]
    assert held_returned(line5) == (0, 1)


def test_given_a_refund_only_claim_above_the_gm_amount_when_finance_refunds_first_then_refused_until_the_gm_approves(
    consumer, consumer_user, make_line, agent, gm, finance
):
    """Seed S2/S3: amounts above CaseSettings.gm_approval_amount (default 5000) need the GM."""
    assert CaseSettings.current().gm_approval_amount == Decimal("5000.00")
    ol = make_line(consumer, quantity=1, unit_price="6000.00")
    case = open_case(actor=consumer_user, customer=consumer, order_line=ol, reason="Q07", type="refund_only")
    add_photo(case, consumer_user)
    services.case_approve(case=case, actor=agent)

    with refused("case.guard.gm_approved_if_required", case=case):
        services.case_refund(case=case, actor=finance, reference="CN-10")

    services.case_gm_approve(case=case, actor=gm, opinion="同意")
    services.case_refund(case=case, actor=finance, reference="CN-10")
    assert (case.status, case.refund_amount) == (Status.REFUNDED, Decimal("6000.00"))
    assert event_trail(case) == [
        ("created", "", "submitted"),
        ("attachment_added", "", ""),
        ("approve", "submitted", "approved"),
        ("gm_approve", "approved", "gm_approved"),
        ("refund", "gm_approved", "refund_pending"),
        ("refund_complete", "refund_pending", "refunded"),
    ]
    assert case.events.get(type="gm_approve").data == {"opinion": "同意", "claimed_amount": "6000.00"}
    assert held_returned(ol) == (0, 1)


def test_given_a_lowered_gm_amount_in_case_settings_when_a_small_claim_is_refunded_then_the_gm_gate_applies(
    consumer, consumer_user, line5, agent, gm, finance
):
    settings = CaseSettings.current()
    settings.gm_approval_amount = Decimal("150.00")
    settings.save()
    case = open_case(
        actor=consumer_user, customer=consumer, order_line=line5, quantity=2, reason="Q07", type="refund_only"
    )
    add_photo(case, consumer_user)
    services.case_approve(case=case, actor=agent)

    with refused("case.guard.gm_approved_if_required", case=case):
        services.case_refund(case=case, actor=finance, reference="CN-11")


def test_given_a_refund_only_claim_below_the_gm_amount_when_the_gm_approves_then_refused_as_not_needed(
    consumer, consumer_user, line5, agent, gm
):
    case = open_case(
        actor=consumer_user, customer=consumer, order_line=line5, quantity=1, reason="Q07", type="refund_only"
    )
    add_photo(case, consumer_user)
    services.case_approve(case=case, actor=agent)

    with refused("case.guard.gm_approval_required", case=case) as exc:
        services.case_gm_approve(case=case, actor=gm, opinion="同意")
    assert exc.value.en == "This case does not need general-manager approval"


def test_given_an_exchange_when_the_replacement_ships_and_the_case_closes_then_the_hold_is_released_and_nothing_returned(
    consumer, consumer_user, line5, agent, warehouse, qc
):
    """Seed S9 step 5c: exchange ships from the warehouse after the faulty unit is back."""
    in_stock(line5)
    case = open_case(
        actor=consumer_user, customer=consumer, order_line=line5, quantity=1, reason="Q02", type="exchange"
    )
    approve_and_ship(case, reviewer=agent, customer_actor=consumer_user, solution="pickup")
    receive_and_inspect(case, warehouse=warehouse)
    confirm_cause(case, qc=qc)
    assert held_returned(line5) == (1, 0)
    services.case_arrange_exchange(case=case, actor=agent)
    services.case_ship_replacement(case=case, actor=warehouse, carrier="ZTO", tracking_number="773012345678")
    assert (case.status, case.outbound_carrier, case.outbound_tracking_number) == (
        Status.REPLACEMENT_SHIPPED,
        "ZTO",
        "773012345678",
    )
    assert held_returned(line5) == (0, 0)
    services.case_close(case=case, actor=agent)

    assert (case.status, case.version) == (Status.CLOSED, 10)
    assert event_trail(case) == [
        ("created", "", "submitted"),
        ("attachment_added", "", ""),
        ("approve", "submitted", "awaiting_customer"),
        ("confirm_solution", "awaiting_customer", "awaiting_return"),
        ("ship_back", "awaiting_return", "in_transit"),
        ("receive", "in_transit", "received"),
        ("inspect", "received", "goods_inspected"),
        ("confirm_cause", "goods_inspected", "cause_confirmed"),
        ("arrange_exchange", "cause_confirmed", "replacement_reserved"),
        ("ship_replacement", "replacement_reserved", "replacement_shipped"),
        ("close", "replacement_shipped", "closed"),
    ]
    assert line_of(case).hold_state == HoldState.RELEASED
    assert held_returned(line5) == (0, 0)


def test_given_a_repair_when_qc_repairs_and_ships_it_back_then_the_case_closes_with_the_result_and_the_hold_released(
    consumer, consumer_user, line5, agent, warehouse, qc
):
    """Seed S1 二.1: free repair of a quality defect."""
    case = open_case(
        actor=consumer_user, customer=consumer, order_line=line5, quantity=1, reason="Q03", type="repair"
    )
    approve_and_ship(case, reviewer=agent, customer_actor=consumer_user)
    receive_and_inspect(case, warehouse=warehouse)
    confirm_cause(case, qc=qc)
    services.case_diagnose(case=case, actor=qc, diagnosis="键盘排线松脱")
    services.case_start_repair(case=case, actor=qc, note="更换键盘")
    assert case.status == Status.REPAIRING
    services.case_finish_repair(
        case=case, actor=qc, result="已更换键盘并测试通过", outcome="fixed", carrier="EMS",
        tracking_number="EA123456785CN",
    )  # fmt: skip
    assert (case.status, case.resolution, case.outbound_tracking_number) == (
        Status.REPAIRED,
        "已更换键盘并测试通过",
        "EA123456785CN",
    )
    services.case_close(case=case, actor=agent)

    assert (case.status, case.version) == (Status.CLOSED, 11)
    assert event_trail(case) == [
        ("created", "", "submitted"),
        ("attachment_added", "", ""),
        ("approve", "submitted", "awaiting_customer"),
        ("confirm_solution", "awaiting_customer", "awaiting_return"),
        ("ship_back", "awaiting_return", "in_transit"),
        ("receive", "in_transit", "received"),
        ("inspect", "received", "goods_inspected"),
        ("confirm_cause", "goods_inspected", "cause_confirmed"),
        ("diagnose", "cause_confirmed", "ready_for_repair"),
        ("start_repair", "ready_for_repair", "repairing"),
        ("finish_repair", "repairing", "repaired"),
        ("close", "repaired", "closed"),
    ]
    assert held_returned(line5) == (0, 0)


def test_given_a_consultation_without_lines_when_answered_and_closed_then_it_has_two_transitions_and_no_lines(
    consumer, consumer_user, agent
):
    """Seed S1 二.2: usage consultation needs no order line."""
    case = open_case(
        actor=consumer_user,
        customer=consumer,
        type="consultation",
        channel="chat",
        description="如何升级内存?",
    )
    assert (case.lines.count(), case.claimed_amount) == (0, Decimal("0.00"))
    services.case_answer(case=case, actor=agent, answer="请参阅说明书第 12 页,或到授权网点加装")
    assert (case.status, case.resolution) == (Status.ANSWERED, "请参阅说明书第 12 页,或到授权网点加装")
    services.case_close(case=case, actor=None)  # the system closes answered questions

    assert (case.status, case.version) == (Status.CLOSED, 3)
    assert case.events.get(type="close").actor_role == "system"
    assert event_trail(case) == [
        ("created", "", "submitted"),
        ("answer", "submitted", "answered"),
        ("close", "answered", "closed"),
    ]


def test_given_a_consultation_about_an_order_line_when_opened_then_it_holds_no_quantity(
    consumer, consumer_user, line5
):
    case = open_case(
        actor=consumer_user,
        customer=consumer,
        order_line=line5,
        quantity=1,
        reason="C05",
        type="consultation",
    )
    assert (line_of(case).hold_state, line_of(case).claimed_amount) == (HoldState.NONE, Decimal("0.00"))
    assert held_returned(line5) == (0, 0)


def test_given_a_goods_case_without_lines_when_opened_then_refused_with_no_lines(consumer, consumer_user):
    with refused("case.no_lines") as exc:
        open_case(actor=consumer_user, customer=consumer, type="return_refund")
    assert set(exc.value.fields) == {"lines"}


def test_given_a_delivery_acceptance_when_issues_are_found_then_findings_are_required_and_the_case_closes_with_them(
    key_account, agent, qc, make_line
):
    """Seed S1 二.3: on-site acceptance inspection; 'issues found' must say which issues, per
    order line (problem and quantity; docs/exchanges-repairs.md)."""
    ol = make_line(key_account, quantity=10)
    case = open_case(actor=agent, customer=key_account, type="acceptance", channel="phone")
    services.case_schedule_visit(
        case=case, actor=agent, visit_at=datetime(2026, 12, 1, 9, 30, tzinfo=SHANGHAI), technician="赵师傅"
    )
    assert case.status == Status.VISIT_SCHEDULED

    with refused("case.invalid_input", case=case) as exc:
        services.case_record_inspection(case=case, actor=qc, result="issues_found", findings="3 台外箱破损")
    assert exc.value.fields == {
        "issues": (
            "请按订单行列出发现的问题(问题、数量)",
            "List the issues found by order line (problem, quantity)",
        )
    }

    services.case_record_inspection(
        case=case, actor=qc, result="issues_found", findings="3 台外箱破损",
        issues=[{"order_line": str(ol.id), "reason": "D03", "quantity": 3, "description": "外箱破损"}],
    )  # fmt: skip
    assert (case.status, case.resolution) == (Status.INSPECTED, "3 台外箱破损")
    services.case_close(case=case, actor=agent)

    assert (case.status, case.version) == (Status.CLOSED, 4)
    assert event_trail(case) == [
        ("created", "", "submitted"),
        ("schedule_visit", "submitted", "visit_scheduled"),
        ("record_inspection", "visit_scheduled", "inspected"),
        ("close", "inspected", "closed"),
    ]
    assert case.events.get(type="schedule_visit").data == {
        "visit_at": "2026-12-01T09:30:00+08:00",
        "technician": "赵师傅",
    }


def test_given_a_rejected_case_when_the_customer_appeals_and_the_supervisor_overturns_then_it_is_reviewed_again_and_re_held(
    consumer, consumer_user, line5, agent, supervisor
):
    """Seed S7: refusal with reason and alternative; the buyer escalates; arbitration overturns."""
    case = open_case(actor=consumer_user, customer=consumer, order_line=line5, quantity=2, reason="Q05")
    services.case_reject(case=case, actor=agent, reason="未见故障", alternative="提供远程诊断")
    assert held_returned(line5) == (0, 0)
    services.case_appeal(case=case, actor=consumer_user, reason="每天蓝屏多次,附视频")
    assert case.status == Status.APPEALED
    services.case_overturn_rejection(case=case, actor=supervisor, opinion="证据充分,重新审核")

    assert (case.status, case.version, case.rejection_reason, case.rejection_alternative) == (
        Status.SUBMITTED,
        4,
        "",
        "",
    )
    assert event_trail(case) == [
        ("created", "", "submitted"),
        ("reject", "submitted", "rejected"),
        ("appeal", "rejected", "appealed"),
        ("overturn_rejection", "appealed", "submitted"),
    ]
    assert line_of(case).hold_state == HoldState.HELD
    assert held_returned(line5) == (2, 0)


def test_given_a_rejected_case_when_the_customer_appeals_and_the_supervisor_upholds_then_it_is_closed_and_nothing_held(
    consumer, consumer_user, line5, agent, supervisor
):
    case = open_case(actor=consumer_user, customer=consumer, order_line=line5, quantity=2, reason="C02")
    services.case_reject(case=case, actor=agent, reason="已超过退货期限", alternative="可付费维修")
    services.case_appeal(case=case, actor=consumer_user, reason="物流延误导致")
    services.case_uphold_rejection(case=case, actor=supervisor, opinion="签收已 30 天,维持拒绝")

    assert (case.status, case.version) == (Status.CLOSED, 4)
    assert case.closed_at is not None
    assert event_trail(case) == [
        ("created", "", "submitted"),
        ("reject", "submitted", "rejected"),
        ("appeal", "rejected", "appealed"),
        ("uphold_rejection", "appealed", "closed"),
    ]
    assert held_returned(line5) == (0, 0)


def test_given_an_approved_return_awaiting_the_goods_when_the_customer_cancels_then_the_quantity_is_freed(
    consumer, consumer_user, line5, agent
):
    case = open_case(actor=consumer_user, customer=consumer, order_line=line5, quantity=3, reason="C02")
    services.case_approve(case=case, actor=agent, solution="drop_off")
    services.case_confirm_solution(case=case, actor=consumer_user)
    assert held_returned(line5) == (3, 0)
    services.case_cancel(case=case, actor=consumer_user, reason="决定留用")

    assert (case.status, case.version) == (Status.CANCELLED, 4)
    assert case.closed_at is not None
    assert event_trail(case) == [
        ("created", "", "submitted"),
        ("approve", "submitted", "awaiting_customer"),
        ("confirm_solution", "awaiting_customer", "awaiting_return"),
        ("cancel", "awaiting_return", "cancelled"),
    ]
    assert line_of(case).hold_state == HoldState.RELEASED
    assert held_returned(line5) == (0, 0)


def test_given_a_return_in_transit_when_the_customer_cancels_then_refused_and_still_held(
    consumer, consumer_user, line5, agent, warehouse
):
    case = open_case(actor=consumer_user, customer=consumer, order_line=line5, quantity=3, reason="C02")
    approve_and_ship(case, reviewer=agent, customer_actor=consumer_user)

    with refused("case.action_not_allowed_now", case=case) as exc:
        services.case_cancel(case=case, actor=consumer_user, reason="不退了")
    assert exc.value.en == "The case is 'Return in transit'; this action is not possible now"

    receive_all(case, warehouse=warehouse)
    with refused("case.action_not_allowed_now", case=case):
        services.case_cancel(case=case, actor=agent, reason="客户要求")
    assert held_returned(line5) == (3, 0)


def test_given_a_refunded_and_closed_case_when_the_supervisor_reopens_then_refused_by_the_not_refunded_guard(
    consumer, consumer_user, line5, agent, supervisor, warehouse, qc, finance
):
    case = open_case(actor=consumer_user, customer=consumer, order_line=line5, quantity=1, reason="Q01")
    approve_and_ship(case, reviewer=agent, customer_actor=consumer_user)
    receive_and_inspect(case, warehouse=warehouse)
    confirm_cause(case, qc=qc)
    services.case_refund(case=case, actor=finance, reference="CN-1")
    services.case_close(case=case, actor=agent)

    with refused("case.guard.not_refunded", case=case) as exc:
        services.case_reopen(case=case, actor=supervisor, reason="客户再次投诉")
    assert exc.value.en == "A refunded case cannot be reopened; open a new case"
    assert held_returned(line5) == (0, 1)


def test_given_a_closed_exchange_when_the_supervisor_reopens_then_it_is_submitted_again_and_re_holds_the_quantity(
    consumer, consumer_user, line5, agent, supervisor, warehouse, qc
):
    in_stock(line5)
    case = open_case(
        actor=consumer_user, customer=consumer, order_line=line5, quantity=2, reason="Q02", type="exchange"
    )
    approve_and_ship(case, reviewer=agent, customer_actor=consumer_user)
    receive_and_inspect(case, warehouse=warehouse)
    confirm_cause(case, qc=qc)
    services.case_arrange_exchange(case=case, actor=agent)
    services.case_ship_replacement(
        case=case, actor=warehouse, carrier="SF", tracking_number="SF1234567890123"
    )
    services.case_close(case=case, actor=agent)
    assert held_returned(line5) == (0, 0)

    services.case_reopen(case=case, actor=supervisor, reason="换货机同样花屏")

    assert (case.status, case.version, case.closed_at, case.resolution) == (Status.SUBMITTED, 11, None, "")
    assert event_trail(case)[-2:] == [
        ("close", "replacement_shipped", "closed"),
        ("reopen", "closed", "submitted"),
    ]
    assert line_of(case).hold_state == HoldState.HELD
    assert held_returned(line5) == (2, 0)


def test_given_a_gm_rejection_overturned_on_appeal_when_the_case_goes_round_again_then_qc_confirms_the_cause_again(
    consumer, consumer_user, line5, agent, supervisor, warehouse, qc
):
    """A second review round needs a second cause confirmation; the latest is the case's cause and
    the timeline keeps both (regression: the second confirmation hit the one-cause-per-case
    unique constraint and crashed with IntegrityError)."""
    case = open_case(actor=consumer_user, customer=consumer, order_line=line5, quantity=1, reason="Q01")
    approve_and_ship(case, reviewer=agent, customer_actor=consumer_user)
    receive_and_inspect(case, warehouse=warehouse)
    confirm_cause(case, qc=qc)
    services.case_gm_reject(case=case, actor=supervisor, reason="人为损坏", alternative="付费维修")
    assert held_returned(line5) == (0, 0)
    services.case_appeal(case=case, actor=consumer_user, reason="开箱即损坏,有开箱视频")
    services.case_overturn_rejection(case=case, actor=supervisor, opinion="视频可信")
    assert held_returned(line5) == (1, 0)
    approve_and_ship(case, reviewer=agent, customer_actor=consumer_user)
    receive_and_inspect(case, warehouse=warehouse)

    services.case_confirm_cause(
        case=case, actor=qc, is_our_product=True, stage="packaging", responsible_department="包装车间",
        handling="退款并改进包装",
    )  # fmt: skip

    assert case.status == Status.CAUSE_CONFIRMED
    cause = CaseCause.objects.get(case=case)
    assert (cause.stage, cause.responsible_department) == ("packaging", "包装车间")
    assert [e.data["stage"] for e in case.events.filter(type="confirm_cause").order_by("sequence")] == [
        "production",
        "packaging",
    ]
    assert [t for t, _f, _t in event_trail(case)] == [
        "created", "attachment_added", "approve", "confirm_solution", "ship_back", "receive", "inspect",
        "confirm_cause", "gm_reject", "appeal", "overturn_rejection", "approve", "confirm_solution", "ship_back",
        "receive", "inspect", "confirm_cause",
    ]  # fmt: skip


def test_given_a_gm_approved_distributor_exchange_reopened_when_the_warehouse_ships_again_then_a_new_gm_approval_is_required(
    distributor, sales, make_line, warehouse, qc, gm, supervisor
):
    """An approval belongs to one review round: after a reopen the GM must approve again."""
    line = make_line(distributor, quantity=4)
    in_stock(line)
    case = open_case(
        actor=sales, customer=distributor, order_line=line, quantity=2, channel="distributor_notice",
        type="exchange",
    )  # fmt: skip
    approve_and_ship(case, reviewer=sales, customer_actor=sales)
    receive_and_inspect(case, warehouse=warehouse)
    confirm_cause(case, qc=qc)
    services.case_gm_approve(case=case, actor=gm, opinion="同意换货")
    services.case_arrange_exchange(case=case, actor=sales)
    services.case_ship_replacement(
        case=case, actor=warehouse, carrier="SF", tracking_number="SF1234567890123"
    )
    services.case_close(case=case, actor=sales)
    services.case_reopen(case=case, actor=supervisor, reason="换货机同样故障")
    assert case.gm_approved_at is None
    approve_and_ship(case, reviewer=sales, customer_actor=sales)
    receive_and_inspect(case, warehouse=warehouse)
    confirm_cause(case, qc=qc)

    with refused("case.guard.gm_approved_if_required", case=case, order_lines=[line]):
        services.case_arrange_exchange(case=case, actor=sales)


@pytest.mark.parametrize("role_fixture", ["warehouse", "qc", "gm", "finance", "sysadmin"])
def test_given_a_non_intake_department_when_it_opens_a_case_then_refused_and_nothing_written(
    request, role_fixture, consumer, line5
):
    actor = request.getfixturevalue(role_fixture)
    with refused("case.role_forbidden", order_lines=[line5]):
        open_case(actor=actor, customer=consumer, order_line=line5, quantity=1)
