"""The policy engine inside the case workflow (docs/policies.md): every case stores the decision and
the policy version that made it; refusals at intake stop the case unless staff override with a
reason; the distributor refusal blocks approval; quality claims need evidence or a waiver; the
auto-approval fires once as the system; a new policy version never changes an existing case."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from returndesk.cases import selectors, services
from returndesk.cases.models import Case, CaseEvent, ReasonClass, Status
from returndesk.catalog.tests.factories import make_product
from returndesk.orders.models import Channel
from returndesk.orders.tests.factories import make_order
from returndesk.policies.models import AutoApprovalRule, PolicySettings, PolicyVersion, ReturnWindowRule
from returndesk.policies.models import ReasonClass as PolicyReasonClass
from returndesk.policies.services import policy_publish, policy_version_current
from returndesk.repairs.models import RepairRecord

from .helpers import (
    add_photo,
    approve_and_ship,
    confirm_cause,
    event_trail,
    open_case,
    receive_and_inspect,
    refused,
    state_of,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=SHANGHAI)


def at(month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def line_for(customer, *, delivered_at, channel=Channel.OWN_SHOP, quantity=2, **product_kw):
    order = make_order(
        customer=customer,
        delivered_at=delivered_at,
        channel=channel,
        lines=[{"product": make_product(**product_kw), "quantity": quantity, "unit_price": "100.00"}],
    )
    return order.lines.get()


def test_given_the_reason_classes_of_both_apps_when_compared_then_they_are_the_same():
    assert PolicyReasonClass.choices == ReasonClass.choices


# --- the decision stored on the case ------------------------------------------------------------


def test_given_an_eligible_no_reason_return_when_opened_then_the_decision_and_its_version_are_stored_and_evented(
    consumer, consumer_user
):
    ol = line_for(consumer, delivered_at=at(11, 20, 9))

    case = open_case(actor=consumer_user, customer=consumer, order_line=ol, quantity=1, reason="C02")

    version = PolicyVersion.objects.get()
    assert (case.policy_version, case.restocking_fee, case.return_shipping_payer) == (
        version, Decimal("0.00"), "customer",
    )  # fmt: skip
    assert case.policy_decision["rules"] == ["no_reason.statutory", "shipping.customer"]
    (line,) = case.policy_decision["lines"]
    assert (line["key"], line["eligible"], line["deadline"]) == (
        str(ol.id),
        True,
        "2026-11-28T00:00:00+08:00",
    )
    assert case.events.get().data["policy"] == {
        "version": version.number, "eligible": True, "rules": ["no_reason.statutory", "shipping.customer"],
    }  # fmt: skip
    assert case.policy_override == {}


def test_given_a_return_one_day_too_late_when_the_customer_opens_it_then_refused_with_the_rule_and_nothing_written(
    consumer, consumer_user
):
    ol = line_for(consumer, delivered_at=at(11, 18, 23, 59))  # day 7 ended 25 Nov 24:00

    with refused("case.policy_refused", order_lines=[ol]) as exc:
        open_case(actor=consumer_user, customer=consumer, order_line=ol, quantity=1, reason="C02")

    assert exc.value.en == (
        "Line 1: The period for returns without a quality problem ended at 2026-11-25 24:00; quality "
        "problems are handled under the 三包 rules"
    )
    assert exc.value.params["rules"] == ["no_reason.expired"]
    assert list(exc.value.fields) == ["lines[1]"]


def test_given_a_late_return_when_the_supervisor_overrides_with_a_reason_then_one_created_event_names_the_bypassed_rule(
    consumer, supervisor
):
    ol = line_for(consumer, delivered_at=at(11, 18, 23, 59))

    case = open_case(
        actor=supervisor, customer=consumer, order_line=ol, quantity=1, reason="C02", channel="phone",
        override_reason="物流延误两天签收,主管特批",
    )  # fmt: skip

    override = {
        "rules": ["no_reason.expired"], "reason": "物流延误两天签收,主管特批", "actor": str(supervisor.pk),
        "actor_role": "supervisor", "at": NOW.astimezone(UTC).isoformat(),
    }  # fmt: skip
    assert case.policy_override == override
    assert event_trail(case) == [("created", "", "submitted")]
    assert case.events.get().data["policy"]["override"] == override
    assert case.policy_decision["eligible"] is False  # the decision stays what the policy said


@pytest.mark.parametrize("who", ["consumer_user", "agent"])
def test_given_a_late_return_when_the_customer_or_an_agent_gives_an_override_reason_then_refused_and_nothing_written(
    request, who, consumer
):
    actor = request.getfixturevalue(who)
    ol = line_for(consumer, delivered_at=at(11, 18, 23, 59))
    with refused("case.policy_override_forbidden", order_lines=[ol]) as exc:
        open_case(
            actor=actor, customer=consumer, order_line=ol, quantity=1, reason="C02", override_reason="我要退"
        )
    assert exc.value.kind == "forbidden"


def test_given_an_eligible_request_when_an_override_reason_is_given_anyway_then_nothing_is_recorded_as_bypassed(
    consumer, supervisor
):
    ol = line_for(consumer, delivered_at=at(11, 24))
    case = open_case(
        actor=supervisor,
        customer=consumer,
        order_line=ol,
        quantity=1,
        reason="C02",
        override_reason="以防万一",
    )
    assert case.policy_override == {}
    assert "override" not in case.events.get().data["policy"]


def test_given_an_excluded_custom_made_item_when_the_customer_asks_then_refused_naming_the_exclusion(
    consumer, consumer_user
):
    ol = line_for(consumer, delivered_at=at(11, 25), no_reason_exclusion="custom_made")
    with refused("case.policy_refused", order_lines=[ol]) as exc:
        open_case(actor=consumer_user, customer=consumer, order_line=ol, quantity=1, reason="C01")
    assert exc.value.params["rules"] == ["no_reason.excluded.custom_made"]


# --- the distributor refusal (seed S2) ------------------------------------------------------------


def test_given_a_non_quality_distributor_notice_when_opened_then_the_refusal_waits_for_review_with_the_message_for_sales(
    distributor, sales
):
    ol = line_for(distributor, delivered_at=at(11, 20), channel=Channel.DISTRIBUTOR, quantity=10)

    case = open_case(
        actor=sales,
        customer=distributor,
        order_line=ol,
        quantity=5,
        reason="C02",
        channel="distributor_notice",
    )

    (line,) = case.policy_decision["lines"]
    settings = PolicySettings.current()
    assert (line["rule"], line["eligible"], line["refused_at"]) == (
        "distributor.quality_only",
        False,
        "review",
    )
    assert (line["zh"], line["en"]) == (settings.distributor_message, settings.distributor_message_en)
    with refused("case.guard.distributor_quality_only", case=case):
        services.case_approve(case=case, actor=sales, solution="self_ship")


def test_given_a_refused_distributor_return_when_sales_overrides_it_then_one_event_names_the_rule_and_approval_opens(
    distributor, distributor_user, sales
):
    ol = line_for(distributor, delivered_at=at(11, 20), channel=Channel.DISTRIBUTOR, quantity=10)
    case = open_case(actor=distributor_user, customer=distributor, order_line=ol, quantity=5, reason="C02")

    with refused("case.policy_override_forbidden", case=case):
        services.case_policy_override(case=case, actor=distributor_user, reason="我们要退")
    with refused("case.invalid_input", case=case):
        services.case_policy_override(case=case, actor=sales, reason="  ")
    services.case_policy_override(case=case, actor=sales, reason="总经理同意按滞销品回收")

    assert case.version == 2
    assert event_trail(case) == [("created", "", "submitted"), ("policy_override", "", "")]
    event = case.events.get(type="policy_override")
    assert (event.data, event.internal, event.actor) == (
        {"rules": ["distributor.quality_only"], "reason": "总经理同意按滞销品回收"}, True, sales,
    )  # fmt: skip
    assert case.policy_override["rules"] == ["distributor.quality_only"]
    services.case_approve(case=case, actor=sales, solution="self_ship")
    assert case.status == Status.AWAITING_CUSTOMER
    with refused("case.policy_nothing_to_override", case=case):
        services.case_policy_override(case=case, actor=sales, reason="再来一次")


# --- evidence for quality claims (seed S7) ---------------------------------------------------------


def test_given_a_quality_claim_without_a_photo_when_approved_then_refused_and_a_pdf_does_not_count(
    consumer, consumer_user, agent
):
    ol = line_for(consumer, delivered_at=at(11, 24))
    case = open_case(actor=consumer_user, customer=consumer, order_line=ol, quantity=1, reason="Q02")
    assert (case.policy_decision["evidence_required"], case.policy_decision["evidence_missing"]) == (
        True,
        True,
    )

    with refused("case.guard.evidence_present", case=case) as exc:
        services.case_approve(case=case, actor=agent, solution="pickup")
    assert exc.value.en == "Quality claims need a photo or video first, or staff must waive it with a reason"
    services.attachment_add(
        case=case, actor=consumer_user, content=b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n", original_name="发票.pdf"
    )
    with refused("case.guard.evidence_present", case=case):
        services.case_approve(case=case, actor=agent, solution="pickup")

    add_photo(case, consumer_user)
    services.case_approve(case=case, actor=agent, solution="pickup")
    assert case.status == Status.AWAITING_CUSTOMER


def test_given_a_quality_claim_by_phone_when_the_agent_waives_the_evidence_with_a_reason_then_one_event_and_approval_opens(
    consumer, consumer_user, agent
):
    ol = line_for(consumer, delivered_at=at(11, 24))
    case = open_case(actor=agent, customer=consumer, order_line=ol, quantity=1, reason="Q01", channel="phone")

    with refused("case.role_forbidden", case=case):
        services.case_waive_evidence(case=case, actor=consumer_user, reason="不想拍照")
    with refused("case.invalid_input", case=case):
        services.case_waive_evidence(case=case, actor=agent, reason="")
    services.case_waive_evidence(case=case, actor=agent, reason="电话中已远程确认无法开机")

    assert (case.version, case.evidence_waiver) == (2, "电话中已远程确认无法开机")
    event = case.events.get(type="evidence_waived")
    assert (event.data, event.internal, event.actor) == (
        {"rule": "evidence.required", "reason": "电话中已远程确认无法开机"}, True, agent,
    )  # fmt: skip
    with refused("case.evidence_already_waived", case=case):
        services.case_waive_evidence(case=case, actor=agent, reason="再免一次")
    services.case_approve(case=case, actor=agent, solution="pickup")
    assert case.status == Status.AWAITING_CUSTOMER


def test_given_a_no_reason_return_when_the_evidence_is_waived_then_refused_as_not_required(
    consumer, consumer_user, agent
):
    ol = line_for(consumer, delivered_at=at(11, 24))
    case = open_case(actor=consumer_user, customer=consumer, order_line=ol, quantity=1, reason="C02")
    with refused("case.evidence_not_required", case=case):
        services.case_waive_evidence(case=case, actor=agent, reason="无需")


# --- auto-approval -----------------------------------------------------------------------------------


def _switch_on(code: str) -> None:
    AutoApprovalRule.objects.filter(code=code).update(is_active=True)
    policy_publish(actor=None, note=f"启用自动审批 {code}")


def test_given_the_small_no_reason_rule_switched_on_when_a_small_return_is_opened_then_the_system_approves_it_once(
    consumer, consumer_user
):
    _switch_on("small_no_reason")
    ol = line_for(consumer, delivered_at=at(11, 24))

    case = open_case(actor=consumer_user, customer=consumer, order_line=ol, quantity=1, reason="C02")

    assert (case.status, case.version, case.solution) == (Status.AWAITING_CUSTOMER, 2, "self_ship")
    assert event_trail(case) == [("created", "", "submitted"), ("approve", "submitted", "awaiting_customer")]
    approve = case.events.get(type="approve")
    assert (approve.actor, approve.actor_role) == (None, "system")
    assert approve.data == {
        "solution": "self_ship",
        "note": "自动审批:小额无理由退货 / Auto-approved: Small no-reason returns",
        "rule": "auto_approve.small_no_reason",
    }
    assert case.policy_decision["auto_approval"]["code"] == "small_no_reason"


def test_given_the_small_no_reason_rule_when_the_claim_reaches_the_limit_then_the_case_waits_for_review(
    consumer, consumer_user
):
    _switch_on("small_no_reason")
    ol = line_for(consumer, delivered_at=at(11, 24))
    case = open_case(
        actor=consumer_user, customer=consumer, order_line=ol, quantity=2, reason="C02"
    )  # 200.00
    assert (case.status, case.policy_decision["auto_approval"]) == (Status.SUBMITTED, None)
    assert event_trail(case) == [("created", "", "submitted")]


def test_given_the_key_account_rule_when_a_quality_claim_arrives_without_a_photo_then_it_is_not_auto_approved(
    key_account, agent
):
    _switch_on("key_account")
    ol = line_for(key_account, delivered_at=at(11, 24))
    case = open_case(
        actor=agent, customer=key_account, order_line=ol, quantity=1, reason="Q01", channel="email"
    )
    assert (case.status, case.policy_decision["evidence_missing"]) == (Status.SUBMITTED, True)
    no_reason = open_case(
        actor=agent,
        customer=key_account,
        order_line=line_for(key_account, delivered_at=at(11, 24)),
        reason="C02",
    )
    assert no_reason.status == Status.AWAITING_CUSTOMER
    assert no_reason.events.get(type="approve").data["rule"] == "auto_approve.key_account"


# --- versions ---------------------------------------------------------------------------------------


def test_given_a_case_decided_under_version_1_when_a_shorter_window_is_published_then_it_keeps_its_decision_and_new_cases_use_version_2(
    consumer, consumer_user, admin_user
):
    store_line = line_for(consumer, delivered_at=at(11, 21, 10), channel=Channel.STORE)  # day 5 today
    first = open_case(actor=consumer_user, customer=consumer, order_line=store_line, quantity=1, reason="C02")
    stored = Case.objects.filter(pk=first.pk).values("policy_version", "policy_decision").get()
    assert (stored["policy_version"], stored["policy_decision"]["lines"][0]["rule"]) == (1, "window.merchant")

    ReturnWindowRule.objects.filter(channel="", customer_type="consumer").update(days=3)
    v2 = policy_publish(actor=admin_user, note="门店退货期改为 3 天")

    assert Case.objects.filter(pk=first.pk).values("policy_version", "policy_decision").get() == stored
    later_line = line_for(consumer, delivered_at=at(11, 21, 10), channel=Channel.STORE)
    with refused("case.policy_refused", order_lines=[later_line]) as exc:
        open_case(actor=consumer_user, customer=consumer, order_line=later_line, quantity=1, reason="C02")
    assert exc.value.params["rules"] == ["window.expired"]
    quality = open_case(
        actor=consumer_user, customer=consumer, order_line=later_line, quantity=1, reason="Q01"
    )
    assert (quality.policy_version, v2.number) == (v2, 2)
    assert selectors.case_get_for_user(user=consumer_user, case_id=first.pk).policy_version.number == 1


# --- the eligibility preview -----------------------------------------------------------------------


def test_given_a_request_when_previewed_then_the_answer_equals_the_decision_creation_stores_and_nothing_is_written(
    consumer, consumer_user
):
    policy_version_current()
    ol = line_for(consumer, delivered_at=at(11, 24))
    request = [{"order_line": ol, "quantity": 1, "reason": "Q02"}]
    before = state_of(order_lines=[ol]) | {"versions": PolicyVersion.objects.count()}

    preview = selectors.eligibility_check(
        user=consumer_user, customer=consumer, case_type="exchange", lines=request
    )

    assert state_of(order_lines=[ol]) | {"versions": PolicyVersion.objects.count()} == before
    assert (preview.eligible, preview.policy_version, preview.evidence_missing) == (True, 1, True)
    with_photo = selectors.eligibility_check(
        user=consumer_user, customer=consumer, case_type="exchange", lines=request, evidence_count=1
    )
    assert with_photo.evidence_missing is False
    case = services.case_create(
        actor=consumer_user, customer=consumer, type="exchange", channel="web", lines=request
    )
    assert case.policy_decision == preview.to_json()


def test_given_another_customer_s_line_when_previewed_then_refused_like_creation(
    consumer, other_user, other_consumer
):
    ol = line_for(consumer, delivered_at=at(11, 24))
    with refused("case.invalid_input", order_lines=[ol]):
        selectors.eligibility_check(
            user=other_user, customer=other_consumer, case_type="return_refund",
            lines=[{"order_line": ol, "quantity": 1, "reason": "C02"}],
        )  # fmt: skip
    with refused("case.not_own_case", order_lines=[ol]):
        selectors.eligibility_check(
            user=other_user, customer=consumer, case_type="return_refund",
            lines=[{"order_line": ol, "quantity": 1, "reason": "C02"}],
        )  # fmt: skip


# --- the repair ladder from the serial number's history ---------------------------------------------


def _repaired(case, *, customer_user, agent, warehouse, qc):
    add_photo(case, customer_user)
    approve_and_ship(case, reviewer=agent, customer_actor=customer_user)
    receive_and_inspect(case, warehouse=warehouse)
    confirm_cause(case, qc=qc)
    services.case_diagnose(case=case, actor=qc, diagnosis="屏幕排线接触不良")
    services.case_start_repair(case=case, actor=qc)
    services.case_finish_repair(
        case=case,
        actor=qc,
        result="更换屏幕排线",
        outcome="fixed",
        carrier="SF",
        tracking_number="SF1234567890123",
    )
    services.case_close(case=case, actor=agent)


def test_given_a_laptop_repaired_twice_for_the_same_fault_when_it_fails_a_third_time_then_a_return_is_allowed(
    consumer, consumer_user, agent, warehouse, qc
):
    order = make_order(
        customer=consumer,
        delivered_at=at(9, 1, 10),
        lines=[{
            "product": make_product(sanbao_category="computer", warranty_months_unit=12, warranty_months_main_parts=24),
            "quantity": 1, "unit_price": "4999.00", "serial_numbers": ["HC14A0001"],
        }],
    )  # fmt: skip
    ol = order.lines.get()
    spec = {"order_line": ol, "quantity": 1, "reason": "Q02", "serial_numbers": ["HC14A0001"]}

    def ask(reason="Q02"):
        return selectors.eligibility_check(
            user=consumer_user,
            customer=consumer,
            case_type="return_refund",
            lines=[{**spec, "reason": reason}],
        )

    def open_repair():
        return services.case_create(
            actor=consumer_user, customer=consumer, type="repair", channel="web", lines=[spec]
        )

    assert (ask().eligible, ask().lines[0].rule) == (False, "quality.warranty_repair")
    _repaired(open_repair(), customer_user=consumer_user, agent=agent, warehouse=warehouse, qc=qc)
    assert ask().lines[0].rule == "quality.warranty_repair"  # one failed repair is not enough
    _repaired(open_repair(), customer_user=consumer_user, agent=agent, warehouse=warehouse, qc=qc)

    assert CaseEvent.objects.filter(type="finish_repair").count() == 2
    assert list(RepairRecord.objects.values_list("serial_number", "fault__code", "covered")) == [
        ("HC14A0001", "Q02", True),
        ("HC14A0001", "Q02", True),
    ]
    assert (ask().eligible, ask().lines[0].rule) == (True, "quality.repair_ladder")
    assert (ask("Q03").eligible, ask("Q03").lines[0].rule) == (
        False,
        "quality.warranty_repair",
    )  # another fault
    case = services.case_create(
        actor=consumer_user, customer=consumer, type="return_refund", channel="web", lines=[spec]
    )
    assert case.policy_decision["rules"][0] == "quality.repair_ladder"


# --- what staff see when they review ----------------------------------------------------------------


def test_given_a_case_when_staff_open_its_page_then_the_stored_decision_is_shown_with_its_version_and_rule(
    client, consumer, consumer_user, agent
):
    ol = line_for(consumer, delivered_at=at(11, 24))
    case = open_case(actor=consumer_user, customer=consumer, order_line=ol, quantity=1, reason="Q02")
    client.force_login(agent)

    html = client.get(reverse("case_detail", args=[case.id]), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Policy decision" in html and "Policy version v1" in html
    assert "Quality problem within 7 days of signing (until 2026-12-01 24:00)" in html
    assert "quality.return_period" in html
    assert "Quality claims need at least 1 photo(s) or video(s) before approval" in html
